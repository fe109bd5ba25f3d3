"""The report of one graded submission: one typed shape, serialised to the `report.json`
contract of the design notes here and read back here.

Built by the pipeline (`pipeline.grade`), for a submission that could not be read, and for a
judge that could not finish (the batch's fallback); rendered by `render`; read back by the
batch (its cache, its gradebook) through `Report.read`.
"""
import datetime
import json
import math
import os
from dataclasses import dataclass, field, fields, is_dataclass

from .text import valid_utf8

STATUSES = ("pass", "fail", "error", "skip")
NAME = "report.json"
FILES = ("report.md", "report.html", NAME)  # written in this order: report.json last


@dataclass
class CheckResult:
    """The verdict of one check: the contract's `id`, `target`, `status`, `points`,
    `max_points`, `message`; and what helps the student: the known mistake's `hint`, a `note`
    on a passing check, the check a shared mistake is charged to (`same_mistake_as`)."""
    id: str
    target: str
    status: str = "skip"
    points: float = 0.0
    max_points: float = 0.0
    message: str = ""
    hint: str | None = None
    note: str | None = None
    same_mistake_as: str | None = None

    @property
    def lost(self):
        return self.status != "skip" and self.points < self.max_points


@dataclass
class TargetScore:
    target: str
    score: float
    max_score: float


@dataclass
class CellProblem:
    """A notebook cell that did not run cleanly."""
    index: int
    status: str
    message: str


@dataclass
class Report:
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    error: str | None = None                        # a sentence when the submission could not be graded
    checks: list = field(default_factory=list)      # [CheckResult]
    targets: list = field(default_factory=list)     # [TargetScore]
    submission: dict = field(default_factory=dict)  # name, path, sha256
    cells: list = field(default_factory=list)       # [CellProblem]
    artifacts: dict = field(default_factory=dict)   # plain data for the plots
    grader_version: str = ""
    language: str = "en"                            # of every sentence in the report (i18n.LANGUAGES)
    isolation: str = ""
    protections: list = field(default_factory=list)
    limits: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    duration_s: float = 0.0
    created: str = field(default_factory=lambda: datetime.datetime.now(datetime.timezone.utc)
                         .strftime("%Y-%m-%dT%H:%M:%SZ"))
    fallback: bool = False                          # written by the batch for a judge that did not finish

    @classmethod
    def fallback_for(cls, assignment, max_score, error, grader_version):
        """The report of a submission whose judge did not finish (crashed, killed, timed out)."""
        return cls(assignment, 0.0, float(max_score), error, grader_version=grader_version,
                   isolation="none (the judge did not finish)", fallback=True)

    # -- report.json ------------------------------------------------------------------------------
    def to_json(self):
        """The contract's JSON object: every string valid UTF-8, non-finite numbers null."""
        return jsonable(self)

    def dumps(self, data=None):
        """report.json's text; `data`: this report's to_json(), when the caller has it already."""
        return json.dumps(self.to_json() if data is None else data, indent=2, allow_nan=False,
                          ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data):
        """A Report from a report.json object; ValueError when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("assignment"), str):
            raise ValueError("not a report")
        for name in ("score", "max_score"):
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} is not a number")
        known = {f.name for f in fields(cls)}
        report = cls(**{k: v for k, v in data.items() if k in known})
        report.checks = [_build(CheckResult, c) for c in report.checks or [] if isinstance(c, dict)]
        report.targets = [_build(TargetScore, t) for t in report.targets or [] if isinstance(t, dict)]
        report.cells = [_build(CellProblem, c) for c in report.cells or [] if isinstance(c, dict)]
        return report

    @classmethod
    def read(cls, path):
        """The report in the file `path`, or None when it is missing or not a valid report."""
        try:
            return cls.from_json(json.loads(open(path, encoding="utf-8").read()))
        except (OSError, ValueError, TypeError):
            return None


def _build(kind, data):
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in names})


def jsonable(value):
    """A copy made of JSON types only: strings valid UTF-8, non-finite floats None, numpy
    values Python numbers and lists, anything else unknown its str()."""
    if value is None or isinstance(value, bool):
        return value
    # the report's dataclasses in the same pass: dataclasses.asdict would deep-copy the plots' data first
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, str):
        return valid_utf8(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {valid_utf8(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, os.PathLike):
        return valid_utf8(os.fspath(value))
    if hasattr(value, "tolist"):        # numpy arrays and scalars
        return jsonable(value.tolist())
    return valid_utf8(value)
