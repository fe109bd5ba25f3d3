"""Gradescope's autograder: its `results.json` from a Report, and the entry point its
`run_autograder` runs for every submission.

Gradescope builds an image from the autograder zip (`tools/gradescope_zip.py`; its `setup.sh`
installs the grader), puts the student's upload in `/autograder/submission/` and runs
`/autograder/run_autograder`, which runs

    python3 -m grader.platforms.gradescope [--root /autograder] [--assignment ID] [--visibility V]

That finds the notebook in the upload, grades it with `pipeline.grade`, writes report.md,
report.html and report.json to `results/report/` and Gradescope's `results/results.json`, and
exits 0 whatever the upload holds: an empty, unreadable or missing upload, or a grader bug,
still gets a results.json with score 0 and a sentence that says why.

The fields follow Gradescope's specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
top-level `score` (it overrides the tests' total), `execution_time` (seconds), `output` with
`output_format` "md", `visibility` (the tests' default), `stdout_visibility`, `extra_data`;
per test `name`, `number`, `score`, `max_score`, `status` ("passed" or "failed", the only values
the specification allows), `output` (plain text, Gradescope's default format) and `visibility`.
The checks are hidden checks, shown `after_published` unless the instructor chooses otherwise.
The specification gives the top-level `output` no visibility of its own, so the full report
(which names every check and the score) is the output only when the checks are `visible`;
otherwise the output says what was graded, and the full report is an informational test entry
(no score, no status) with the checks' visibility.
"""
import argparse
import json
import sys
import time
from pathlib import Path
from typing import NamedTuple

from backprop_lab_check import i18n
from backprop_lab_check.i18n import N_, _, ngettext

from .. import files, loading
from ..assignments import known_assignments
from ..batch.discovery import SUBMISSION_SUFFIXES, walk
from ..limits import Limits
from ..pipeline import NOTHING_RUN, grade
from ..render import write_reports
from ..render.views import md_escape, render_markdown, render_or_fallback
from ..report import Report
from ..text import shown_name, terminal
from ..version import grader_version
from . import platform_tests

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
SHOWN = {"hidden": N_("only to your instructor"), "after_due_date": N_("after the due date"),
         "after_published": N_("when your instructor publishes the grades")}
# Gradescope stops an autograder after 10 minutes unless the assignment's settings say more
# (up to 40), and gives its container 768 MB unless they say more (docs: troubleshooting).
GRADESCOPE_TIMEOUT_S = 600
GRADESCOPE_MEMORY_MB = 768
TIMEOUT_MARGIN_S = 60   # starting Python, the judge's own work and the reports, on half a CPU
JUDGE_MEMORY_MB = 256   # the judge beside the worker (about 100 MB measured, with plots)
MAX_NOTEBOOKS_READ = 20  # notebooks of one upload whose metadata is read to choose one
MAX_NAMES_SHOWN = 5


# ---------------------------------------------------------------- results.json

def results(report, execution_time, visibility_of_hidden="after_published"):
    """Gradescope's results.json object for the Report `report`, graded in `execution_time`
    seconds, its checks shown to students as `visibility_of_hidden` says; its words in the
    report's language."""
    with i18n.speaking(report.language):
        return _results(report, execution_time, visibility_of_hidden)


def _results(report, execution_time, visibility_of_hidden):
    if visibility_of_hidden not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, got {visibility_of_hidden!r}")
    data = report.to_json()
    report = Report.from_json(data)  # as report.json has it: every string valid UTF-8
    markdown = render_or_fallback(render_markdown, data, html_beside=False)
    tests = [_test(test, visibility_of_hidden) for test in platform_tests(report)]
    if visibility_of_hidden == "visible":
        output = markdown
    else:
        output = _receipt(report, visibility_of_hidden)
        tests.insert(0, {"name": _("Full report"), "number": "0", "output": markdown, "output_format": "md",
                         "visibility": visibility_of_hidden})
    return {"score": report.score, "execution_time": round(execution_time), "output": output, "output_format": "md",
            "visibility": visibility_of_hidden, "stdout_visibility": "hidden",
            "extra_data": {"assignment": report.assignment, "max_score": report.max_score,
                           "submission": report.submission.get("name"), "sha256": report.submission.get("sha256"),
                           "grader_version": report.grader_version, "isolation": report.isolation},
            "tests": tests}


def _test(test, visibility):
    entry = {"name": test.name, "number": test.number, "output": test.output, "visibility": visibility}
    if test.passed is None:  # skipped: outside max_score, so it neither passes nor fails
        entry["name"] = _("{name} (skipped, not counted)").format(name=entry["name"])
    else:
        entry.update(score=test.score, max_score=test.max_score, status="passed" if test.passed else "failed")
    return entry


def _receipt(report, visibility):
    """What students see at once when the checks are not visible yet: what was graded, or why
    nothing could be, and the report's warnings (which notebook was chosen, ...)."""
    assignment = md_escape(report.assignment)
    if report.error:
        lines = [_("## {assignment}: not graded").format(assignment=assignment), "", f"> {md_escape(report.error)}"]
    else:
        name = md_escape(report.submission.get("name") or _("your submission"))
        lines = [_("## {assignment}: graded").format(assignment=assignment), "",
                 ngettext("{name} was graded ({count} checks). Your score and the result of each check are shown "
                          "{when}.",
                          "{name} was graded ({count} checks). Your score and the result of each check are shown "
                          "{when}.", len(report.checks)).format(name=name, count=len(report.checks),
                                                                 when=_(SHOWN[visibility]))]
    if report.warnings:
        lines += ["", *(f"- {md_escape(warning)}" for warning in report.warnings)]
    return "\n".join(lines) + "\n"


def _failure(message, execution_time):
    """results.json when grading itself failed: built without the Report, which may be what failed."""
    return {"score": 0.0, "execution_time": round(execution_time), "output": message, "output_format": "md",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


# ---------------------------------------------------------------- the upload

class Choice(NamedTuple):
    """The file of an upload to grade (None when there is none) and as which assignment (None:
    unknown), notes on the choice for the report, and why nothing can be graded."""
    path: Path | None
    assignment: str | None
    notes: list
    problem: str | None = None


def choose_submission(folder, assignment=None):
    """The Choice for the upload in `folder`. Preferred: a notebook whose metadata, then whose
    name, names `assignment` (or, without one, any known assignment); then a readable one, a
    notebook before a .py file, the shallowest, by name. Graded as `assignment`, else as the one
    its metadata names, else its name. The upload is read as data: no link is followed."""
    folder = Path(folder)
    if files.kind(folder) != "dir":
        return Choice(None, assignment, [], _("Gradescope passed the autograder no submission; please tell your "
                                              "instructor."))
    found, refused, others = [], [], []
    for depth, entry in walk(folder):
        path = Path(entry.path)
        what = files.kind(path)
        if what == "dir":
            continue
        shown = shown_name(path.relative_to(folder).as_posix())
        if path.suffix not in SUBMISSION_SUFFIXES:
            others.append(shown)
        elif what != "file":
            refused.append(files.refusal(shown, what))
        else:
            found.append((depth, shown, path))
    if not found:
        return Choice(None, assignment, [], _nothing_to_grade(others, refused))

    known = set(known_assignments())
    found.sort(key=lambda item: (item[0], item[1]))
    notebooks = [item for item in found if item[2].suffix == ".ipynb"][:MAX_NOTEBOOKS_READ]
    named = {item[2]: _named_assignment(item[2]) for item in notebooks}

    def rank(item):
        depth, shown, path = item
        says, readable = named.get(path, (None, True))
        by_metadata = says if says in known else None
        by_name = path.stem if path.stem in known else None
        hits = (by_metadata == assignment, by_name == assignment) if assignment else (by_metadata, by_name)
        return (not hits[0], not hits[1], not readable, path.suffix != ".ipynb", depth, shown)

    found.sort(key=rank)
    shown, chosen = found[0][1:]
    notes = []
    if len(found) > 1:
        rest = [item[1] for item in found[1:]]
        notes.append(_("{chosen} was graded; not graded: {others}.").format(chosen=shown, others=_listed(rest)))
    says, readable = named.get(chosen, (None, True))
    if assignment and says in known and says != assignment:
        notes.append(_("{chosen} says it is the {says} notebook, but this assignment is {assignment}: it was graded "
                       "as {assignment}.").format(chosen=shown, says=says, assignment=assignment))
    graded_as = assignment or (says if says in known else chosen.stem if chosen.stem in known else None)
    if graded_as is None and readable:  # an unreadable file gets the sentence that says why instead
        return Choice(None, None, notes + refused,
                      _("{chosen} does not say which assignment it is (neither its notebook metadata nor its name "
                        "does): upload the notebook you were given, or name it after the assignment "
                        "({known}).").format(chosen=shown, known=", ".join(sorted(known))))
    return Choice(chosen, graded_as, notes + refused)


def _named_assignment(path):
    """(the assignment the notebook's metadata names or None, whether it could be read)."""
    try:
        return loading.load(path).assignment, True
    except loading.SubmissionError:
        return None, False


def _listed(names):
    """The first MAX_NAMES_SHOWN of `names`, and how many more there are."""
    shown = ", ".join(names[:MAX_NAMES_SHOWN])
    if len(names) <= MAX_NAMES_SHOWN:
        return shown
    return _("{names} and {count} more").format(names=shown, count=len(names) - MAX_NAMES_SHOWN)


def _nothing_to_grade(others, refused):
    if refused:
        return _("No notebook could be read: {reasons}").format(reasons=" ".join(refused))
    if not others:
        return _("Your submission is empty: upload your notebook (.ipynb).")
    return _("Your submission has no notebook (.ipynb) and no Python file (.py), only {files}: upload your "
             "notebook.").format(files=_listed(others))


def grade_upload(folder, assignment, limits, language=None):
    """The Report of the upload in `folder`: its chosen file graded, or why none could be; in
    `language` when given, else the notebook's own, else the environment's (i18n.resolve)."""
    with i18n.speaking(language):  # the choice's sentences: the notebook's language is not known yet
        choice = choose_submission(folder, assignment)
        if choice.path is None:
            return Report(choice.assignment or "unknown", error=choice.problem, grader_version=grader_version(),
                          isolation=NOTHING_RUN, warnings=choice.notes, language=i18n.current())
    report = grade(choice.path, choice.assignment, limits, language=language, default_language=i18n.resolve(),
                   alone=True)
    report.warnings[:0] = choice.notes  # first: they say what was graded
    return report


# ---------------------------------------------------------------- entry point

def build_parser():
    parser = argparse.ArgumentParser(prog="python -m grader.platforms.gradescope",
                                     description="Grade the upload in ROOT/submission for Gradescope: "
                                                 "ROOT/results/results.json and ROOT/results/report/.")
    parser.add_argument("--root", type=Path, default=Path("/autograder"),
                        help="Gradescope's autograder folder (default /autograder)")
    parser.add_argument("--assignment", choices=known_assignments(),
                        help="grade every upload as this assignment (default: the one the notebook names)")
    parser.add_argument("--visibility", choices=VISIBILITIES, default="after_published",
                        help="when students see the checks and their score (default after_published)")
    i18n.add_language_argument(parser, "the report and of what students read")
    # Gradescope's timeout and memory less what is not the submission's (TIMEOUT_MARGIN_S, JUDGE_MEMORY_MB)
    Limits.add_arguments(parser, submission_timeout_s=float(GRADESCOPE_TIMEOUT_S - TIMEOUT_MARGIN_S),
                         memory_mb=GRADESCOPE_MEMORY_MB - JUDGE_MEMORY_MB)
    return parser


def parse_options(argv=None):
    """The entry point's options, with `limits` (a Limits); exits with a usage message when they
    are not valid (tools/gradescope_zip.py checks them this way before they reach Gradescope)."""
    args, args.limits = Limits.parse(build_parser(), argv)
    return args


def main(argv=None):
    args = parse_options(argv)
    started = time.monotonic()
    results_dir = args.root / "results"
    i18n.use(args.lang)  # the log's language: the report's may differ
    try:
        report = grade_upload(args.root / "submission", args.assignment, args.limits, args.lang)
        try:
            write_reports(report, results_dir / "report", side_by_side=True)
        except OSError as exc:
            print(terminal(_("the reports could not be written to {folder}: {error}").format(
                folder=results_dir / "report", error=exc)))
        data = results(report, time.monotonic() - started, args.visibility)
        _print_summary(report)
    except Exception as exc:  # a grader bug must still leave Gradescope a result
        print(terminal(_("internal grader error: {error}").format(error=f"{type(exc).__name__}: {str(exc)[:500]}")))
        data = _failure(_("The autograder failed on this submission ({error}); please tell your instructor.").format(
            error=type(exc).__name__), time.monotonic() - started)
    try:
        files.atomic_write(results_dir / "results.json",
                           json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n")
    except (OSError, ValueError) as exc:
        print(terminal(_("results.json could not be written: {error}").format(error=f"{type(exc).__name__}: {exc}")))
    return 0


def _print_summary(report):
    """For the instructor (Gradescope shows stdout to instructors only): the verdict and how the
    worker was confined, since the container decides what isolation is possible."""
    status = (_("not graded: {error}").format(error=report.error) if report.error
              else f"{report.score:g} / {report.max_score:g}")
    print(terminal(_("{assignment}: {status} ({file}); isolation {isolation}; {protections}").format(
        assignment=report.assignment, status=status, file=report.submission.get("name") or _("no file"),
        isolation=report.isolation, protections="; ".join(report.protections) or _("no protections recorded"))))
    for warning in report.warnings:
        print(terminal(_("warning: {warning}").format(warning=warning)))


if __name__ == "__main__":
    sys.exit(main())
