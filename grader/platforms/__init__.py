"""Adapters from the one typed Report to the formats of the platforms a course runs on:
Gradescope (gradescope.py), PrairieLearn (prairielearn.py), an nbgrader course on a
JupyterHub (nbgrader.py), and the gradebook CSVs that Canvas and Moodle import (lms.py).

Each adapter is small: the grading is `pipeline.grade`'s, the words are the report's. What they
share is here: the report's checks as a platform's list of tests.
"""
from dataclasses import dataclass

from backprop_lab_check import i18n
from backprop_lab_check.i18n import _

NBGRADER_CONFIG = "nbgrader_config.py"  # what makes a folder an nbgrader course


@dataclass(frozen=True)
class PlatformTest:
    """One check as a platform shows a test: `number` is "<target>.<check>" counted from 1 in
    the report's order; `passed` is None for a check that was skipped (outside max_score)."""
    name: str
    number: str
    score: float
    max_score: float
    passed: bool | None
    output: str


def platform_tests(report):
    """The checks of the Report `report` as PlatformTests, in its order (each target's checks
    together), in the report's language. A check charged to another check's mistake says so
    rather than repeating it."""
    with i18n.speaking(report.language):
        return _platform_tests(report)


def _platform_tests(report):
    tests, targets = [], {}
    for check in report.checks:
        target_number = targets.setdefault(check.target, [len(targets) + 1, 0])
        target_number[1] += 1
        lines = [check.message] if check.message else []
        if check.same_mistake_as:
            lines.append(_("the same mistake as {check}, charged there").format(check=check.same_mistake_as))
        if check.hint:
            lines.append(_("hint: {hint}").format(hint=check.hint))
        if check.note:
            lines.append(_("note: {note}").format(note=check.note))
        skipped = check.status == "skip"
        tests.append(PlatformTest(
            name=f"{check.target}: {check.id}", number=f"{target_number[0]}.{target_number[1]}",
            score=0.0 if skipped else float(check.points), max_score=0.0 if skipped else float(check.max_points),
            passed=None if skipped else check.status == "pass", output="\n".join(lines)))
    return tests
