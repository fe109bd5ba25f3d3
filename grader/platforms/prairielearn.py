"""PrairieLearn's external grader: `python3 -m grader.platforms.prairielearn [--root /grade]`.

PrairieLearn runs the question's grading image with the job under /grade
(https://prairielearn.readthedocs.io/en/latest/externalGrading/): `data/data.json` (the question's
data: `params`, `submitted_answers`, ...) and `student/` (the uploaded files), and reads back
`results/results.json`: `gradable`, `score` in [0, 1], `message`, `output`, `images` and
`tests[]` (`name`, `points`, `max_points`, `message`, `output`), at most 1 MB, once the container
exits with status 0. A non-zero status, or a job past the question's `timeout`, shows the student
"grading failed" instead of feedback, so this entry point writes a results.json and exits 0
whatever it was given.

Not gradable (`gradable: false`: "invalid, not gradable", the attempt is not counted) is exactly a
Report with an `error`: nothing could be graded (no data.json, no notebook, an unreadable one, an
unknown assignment, a grader failure). A notebook that was read is gradable, whatever it scores.

The assignment is `--assignment` (what tools/prairielearn_course.py writes into each question's
entrypoint), else `params.assignment` of data.json (a question with its own server.py), else the
notebook's own metadata.
"""
import argparse
import json
import math
import os
import sys
from pathlib import Path

from backprop_lab_check import i18n
from backprop_lab_check.i18n import N_, _

from .. import files
from ..limits import Limits
from ..pipeline import grade
from ..render.views import figures as report_figures, render_markdown, render_or_fallback
from ..report import Report
from ..text import shown_name, strip_controls, terminal
from ..version import grader_version
from . import platform_tests

MODULE = "grader.platforms.prairielearn"
PYTHON = "/usr/local/bin/python3"  # the Python of the grading image (tools/prairielearn/Dockerfile)
DEFAULT_ROOT = Path("/grade")
RESULTS_LIMIT_BYTES = 1 << 20     # PrairieLearn refuses a larger results.json
DATA_LIMIT_BYTES = 32 << 20       # data.json repeats the upload (at most 5 MB) in base64
DEFAULT_TIMEOUT_S = 30            # externalGradingOptions.timeout when a question sets none
MAX_TIMEOUT_S = 600               # the most PrairieLearn allows
# What a job spends outside the submission's own time budget: starting Python and the judge,
# finishing the checks left once the budget is spent, drawing the plots, writing the results.
OVERHEAD_S = 15
# PrairieLearn gives the whole container 2 GiB; beside the judge run up to two workers (the
# submission and its emulated-device run), each held to this much address space.
WORKER_MEMORY_MB = 768
TEST_TEXT_CHARS = 4000            # a check's message in results.json; the rest is cut
SHORT_TEXT_CHARS = 300            # the same, when the results would not fit otherwise
STATUS_TEXT = {"pass": N_("passed"), "fail": N_("failed"), "error": N_("error"),
               "skip": N_("skipped: not counted in the score")}


def limits_for(timeout_s):
    """The Limits of a question whose externalGradingOptions.timeout is `timeout_s`."""
    if not OVERHEAD_S < timeout_s <= MAX_TIMEOUT_S:
        raise ValueError(_("a PrairieLearn timeout must be more than {least} s and at most {most} s, got {given}").format(
            least=OVERHEAD_S, most=MAX_TIMEOUT_S, given=timeout_s))
    return Limits(submission_timeout_s=float(timeout_s - OVERHEAD_S), memory_mb=WORKER_MEMORY_MB)


def entrypoint(assignment, timeout_s, language=None):
    """externalGradingOptions.entrypoint of the question for `assignment`, as argv; with
    `language`, every report in it (else the notebook's own)."""
    limits = limits_for(timeout_s)
    return [PYTHON, "-m", MODULE, "--assignment", assignment, *(["--lang", language] if language else []),
            "--submission-timeout-s", f"{limits.submission_timeout_s:g}", "--memory-mb", str(limits.memory_mb)]


# ---------------------------------------------------------------- results.json

def results(report):
    """PrairieLearn's results.json object for the Report `report`, at most RESULTS_LIMIT_BYTES,
    in the report's language."""
    with i18n.speaking(report.language):
        return _results(report)


def _results(report):
    data = report.to_json()
    figures, plot_problems = report_figures(data, side_by_side=True)
    output = render_or_fallback(render_markdown, data, html_beside=False)
    if plot_problems:
        output += "\n" + "\n".join(f"- {problem}" for problem in plot_problems) + "\n"
    gradable = report.error is None
    found = {
        "gradable": gradable,
        "score": _fraction(report.score, report.max_score) if gradable else 0.0,
        "message": strip_controls(_headline(report)),
        "output": output,
        "images": [{"label": f"{figure['title']}: {figure['caption']}", "url": figure["src"]} for figure in figures],
        "tests": [],
    }
    if gradable:
        found["tests"] = [{"name": strip_controls(f"{test.number} {test.name}"), "points": test.score,
                           "max_points": test.max_score,
                           "message": _shorten(strip_controls(test.output) or _(STATUS_TEXT[check.status]),
                                               TEST_TEXT_CHARS),
                           "output": _(STATUS_TEXT[check.status])}
                          for check, test in zip(report.checks, platform_tests(report), strict=True)]
    else:
        # Every check of a submission that could not be read says only that: the reason is enough.
        found["format_errors"] = [strip_controls(report.error)]
    return _within_limit(found)


def _fraction(score, max_score):
    if not (max_score and max_score > 0 and math.isfinite(score)):
        return 0.0
    return min(1.0, max(0.0, score / max_score))


def _headline(report):
    if report.error:
        return _("Not graded: {error}").format(error=report.error)
    return _("{assignment}: {score} / {max_score} points.").format(
        assignment=report.assignment, score=f"{report.score:g}", max_score=f"{report.max_score:g}")


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(found):
    return len(json.dumps(found, ensure_ascii=False, allow_nan=False).encode("utf-8"))


def _within_limit(found):
    """`found`, with the plots and then the long messages left out when they would take it past
    PrairieLearn's limit (a submission's exception messages can be long, plots are large)."""
    if _size(found) > RESULTS_LIMIT_BYTES and found["images"]:
        found["images"] = []
        found["message"] = _("{message} (The plots were left out: the results were over PrairieLearn's 1 MB "
                             "limit.)").format(message=found["message"])
    if _size(found) > RESULTS_LIMIT_BYTES:
        for test in found["tests"]:
            test["message"] = _shorten(test["message"], SHORT_TEXT_CHARS)
        found["output"] = _shorten(found["output"], RESULTS_LIMIT_BYTES // 8)
    return found


# ---------------------------------------------------------------- the grading job

class JobProblem(Exception):
    """The job cannot be graded; the message is a sentence for the student and the instructor."""


def read_params(root):
    """The `params` object of `root`/data/data.json."""
    try:
        text = files.read_regular(root / "data" / "data.json", DATA_LIMIT_BYTES, "data/data.json")
        data = json.loads(text.decode("utf-8"))
    except files.Refused as exc:
        raise JobProblem(_("The grading job is not laid out as PrairieLearn lays it out: {error}").format(
            error=exc)) from None
    except ValueError as exc:  # not UTF-8, not JSON
        raise JobProblem(_("data/data.json is not valid JSON ({error}).").format(error=exc)) from None
    params = data.get("params", {}) if isinstance(data, dict) else None
    if not isinstance(params, dict):
        raise JobProblem(_("data/data.json is not PrairieLearn's question data (no `params` object)."))
    return params


def find_notebook(student_dir, assignment):
    """The uploaded notebook: `<assignment>.ipynb` (what the question's pl-file-upload asks for),
    else the only notebook uploaded."""
    wanted = f"{assignment}.ipynb" if assignment else _("a notebook (.ipynb)")
    try:
        names = sorted(entry.name for entry in os.scandir(student_dir) if entry.name.endswith(".ipynb"))
    except OSError:
        names = []
    if assignment and f"{assignment}.ipynb" in names:
        return student_dir / wanted
    if len(names) == 1:
        return student_dir / names[0]
    if not names:
        raise JobProblem(_("No notebook was submitted: upload {wanted}.").format(wanted=wanted))
    raise JobProblem(_("{count} notebooks were submitted ({names}): upload only {wanted}.").format(
        count=len(names), names=", ".join(shown_name(n) for n in names), wanted=wanted))


def grade_job(root, assignment=None, limits=None, language=None):
    """The Report of the PrairieLearn grading job under `root`; the worker is confined with
    bubblewrap where the container allows it, else with the fallback (docs/security.md). In
    `language` when given, else the notebook's own, else the environment's (i18n.resolve)."""
    with i18n.speaking(language):  # the job's sentences: the notebook's language is not known yet
        try:
            params = read_params(root)
            assignment = assignment or params.get("assignment")
            if assignment is not None and not isinstance(assignment, str):
                raise JobProblem(_("params.assignment in data/data.json must be an assignment id, got {given}.")
                                 .format(given=f"{assignment!r:.60}"))
            notebook = find_notebook(root / "student", assignment)
        except JobProblem as exc:
            return Report(assignment if isinstance(assignment, str) else "unknown", error=str(exc),
                          grader_version=grader_version(), language=i18n.current())
    return grade(notebook, assignment, limits, language=language, default_language=i18n.resolve(), alone=True)


def build_parser():
    defaults = limits_for(DEFAULT_TIMEOUT_S)
    parser = argparse.ArgumentParser(prog=f"python3 -m {MODULE}", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the grading job's folder (default /grade)")
    parser.add_argument("--assignment", help="assignment id (default: data.json's params.assignment, else the "
                                             "notebook's metadata)")
    i18n.add_language_argument(parser, "the report and of what students read")
    # the defaults fit a question with PrairieLearn's default timeout (limits_for)
    Limits.add_arguments(parser, submission_timeout_s=defaults.submission_timeout_s, memory_mb=defaults.memory_mb)
    return parser


def main(argv=None):
    args, limits = Limits.parse(build_parser(), argv)
    results_path = args.root / "results" / "results.json"
    command_language = i18n.use(args.lang)
    try:
        report = grade_job(args.root, args.assignment, limits, args.lang)
        found = results(report)
    except Exception as exc:  # a grader bug must still leave the student a result
        print(terminal(_("internal grader error: {error}").format(error=f"{type(exc).__name__}: {exc}")),
              file=sys.stderr)
        report = Report(args.assignment or "unknown", grader_version=grader_version(), language=command_language,
                        error=_("The grader failed on this submission ({error}); please tell your instructor.").format(
                            error=type(exc).__name__))
        found = results(report)
    try:
        files.atomic_write(results_path, json.dumps(found, ensure_ascii=False, allow_nan=False))
    except OSError as exc:
        print(terminal(_("error: cannot write {path}: {error}").format(path=results_path, error=exc.strerror or exc)),
              file=sys.stderr)
        return 1
    status = (_("not gradable: {error}").format(error=report.error) if report.error
              else f"{report.score:g} / {report.max_score:g}")
    print(terminal(" ".join(f"{report.assignment}: {status} -> {results_path}".split())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
