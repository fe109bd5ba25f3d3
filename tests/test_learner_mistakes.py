"""Buggy learner submissions, graded with the real CLI: each must lose points on the target its
mistake is in, and only there, with feedback that names the mistake; no failed check may be
silent or an internal grader error.

Each assignment has a baseline (tests/variants/buggy/_baseline/<assignment>.py): a learner's own
submission, which must keep full marks, so that a lost point is the mistake's and nothing
else's. The mistakes, each an edit of its baseline, and what the feedback must say are in
tests/variants/buggy/manifest.py.
"""
import importlib.util

import pytest

from gradelib import ROOT, grade, lost

pytestmark = pytest.mark.slow

BUGGY_DIR = ROOT / "tests" / "variants" / "buggy"
ASSIGNMENTS = ("forward", "gradients", "layers", "optimizers", "spiral", "regularization", "model_selection",
               "blocks")
AT_LEAST = {"layers": 10, "optimizers": 10, "spiral": 10}  # every other assignment: 6


def _manifest():
    spec = importlib.util.spec_from_file_location("buggy_manifest", BUGGY_DIR / "manifest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUGGY


BUGGY = _manifest()


def baseline_of(assignment):
    return (BUGGY_DIR / "_baseline" / f"{assignment}.py").read_text(encoding="utf-8")


def submission(buggy, folder):
    """The learner's baseline with the mistake written in, as a file to grade."""
    old, new = buggy.edit
    path = folder / buggy.assignment / f"{buggy.name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(baseline_of(buggy.assignment).replace(old, new), encoding="utf-8")
    return path


def feedback(check):
    return f"{check['message'] or ''} {check.get('hint') or ''}".lower()


def test_the_corpus_covers_every_assignment():
    for assignment in ASSIGNMENTS:
        names = [b.name for b in BUGGY if b.assignment == assignment]
        assert len(names) >= AT_LEAST.get(assignment, 6), (assignment, names)
        assert len(set(names)) == len(names), f"duplicate names in {assignment}"
        baseline = baseline_of(assignment)
        for b in BUGGY:
            if b.assignment == assignment:
                assert b.says and all(b.says), b.name
                assert baseline.count(b.edit[0]) == 1 and b.edit[0] != b.edit[1], b.name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_baseline_keeps_full_marks(assignment, tmp_path):
    report, proc = grade(BUGGY_DIR / "_baseline" / f"{assignment}.py", assignment, out=tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert report["error"] is None and report["score"] == report["max_score"], \
        [(c["id"], c["message"]) for c in report["checks"] if c["status"] not in ("pass", "skip")]
    graded = {t["target"] for t in report["targets"]}
    for b in BUGGY:
        if b.assignment == assignment:
            assert b.target in graded and set(b.allowed) <= graded, (b.name, b.target, b.allowed, graded)


@pytest.mark.parametrize("buggy", [pytest.param(b, id=f"{b.assignment}-{b.name}") for b in BUGGY])
def test_the_mistake_loses_points_with_feedback_that_names_it(buggy, tmp_path):
    report, proc = grade(submission(buggy, tmp_path), buggy.assignment, out=tmp_path / "out")
    assert proc.returncode == 0 and report is not None, proc.stderr
    assert report["error"] is None, report["error"]

    failed = [c for c in report["checks"] if c["status"] not in ("pass", "skip")]
    on_target = [c for c in failed if c["target"] == buggy.target]
    losses = lost(report)
    shown = "\n".join(f"  [{c['status']}] {c['id']} ({c['target']}) {c['points']}/{c['max_points']}: "
                      f"{c['message']!r} hint={c.get('hint')!r}" for c in failed)
    problems = []
    if buggy.target not in losses:
        problems.append(f"no points lost on {buggy.target} (a false negative)")
    elsewhere = {t: p for t, p in losses.items() if t not in buggy.allowed}
    if elsewhere:
        problems.append(f"points lost on other targets too: {elsewhere}")
    for c in failed:
        if not (c["message"] or "").strip():
            problems.append(f"{c['id']} failed with an empty message")
        if "internal grader error" in feedback(c):
            problems.append(f"{c['id']}: internal grader error")
    if on_target and not any(all(word.lower() in feedback(c) for word in buggy.says) for c in on_target):
        problems.append(f"no failed check of {buggy.target} says {list(buggy.says)}")
    for word in buggy.forbid:
        misleading = [c["id"] for c in on_target if word.lower() in feedback(c)]
        if misleading:
            problems.append(f"misleading feedback: {misleading} mention {word!r}")
    assert not problems, (f"{buggy.assignment}/{buggy.name} ({buggy.mistake}):\n- " + "\n- ".join(problems)
                          + f"\nfailed checks:\n{shown or '  none'}")
