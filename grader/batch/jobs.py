"""One grading in a batch, typed both ways: the batch hands a judge a `Job` and gets back a
`JobResult`; nothing is turned into a command line and parsed again.

A judge is a process of its own (forked warm by the fork server, or started cold as
`python -m grader.batch.jobs`, reading its Job on stdin and writing its JobResult on stdout); it
grades with the same pipeline as `python -m grader grade` and writes the same reports.
"""
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_ERROR_CHARS = 1000  # of a result's error: a result travels as one line (atomic on a pipe)


@dataclass
class Job:
    submission: str     # the file to grade
    assignment: str
    out: str            # the report folder
    limits: dict        # Limits.to_dict()
    isolation: str = "auto"
    language: str | None = None     # of the report; None: the notebook's own, else default_language
    default_language: str = "en"

    def to_dict(self):
        return asdict(self)

    def dumps(self):
        return json.dumps(self.to_dict())

    @classmethod
    def loads(cls, text):
        return cls(**json.loads(text))


@dataclass
class JobResult:
    score: float
    max_score: float
    error: str | None = None

    def to_dict(self):
        return asdict(self)

    def dumps(self):
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data):
        """The result in `data` (decoded JSON), or None when it is not one."""
        try:
            return cls(float(data["score"]), float(data["max_score"]), data.get("error"))
        except (ValueError, TypeError, KeyError):
            return None

    @classmethod
    def loads(cls, text):
        try:
            return cls.from_dict(json.loads(text))
        except ValueError:
            return None


def run_job(job):
    """Grade the job's submission, write its reports, and say how it went."""
    from ..limits import Limits
    from ..pipeline import grade
    from ..render import write_reports

    report = grade(Path(job.submission), job.assignment, Limits(**job.limits), job.isolation,
                   language=job.language, default_language=job.default_language)
    write_reports(report, job.out)
    return JobResult(report.score, report.max_score, report.error[:MAX_ERROR_CHARS] if report.error else None)


def main():
    """`python -m grader.batch.jobs`: a cold judge, its Job on stdin, its JobResult on stdout."""
    job = Job.loads(sys.stdin.read())
    print(run_job(job).dumps())
    return 0


if __name__ == "__main__":
    sys.exit(main())
