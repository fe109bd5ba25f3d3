"""Every realistic buggy submission loses points on the right target, with feedback that
names the mistake; correct variants written differently keep full marks."""
import pytest

from gradelib import grade, lost, mutate, write
from mutants import ALL, EQUIVALENT

pytestmark = pytest.mark.slow


def test_there_are_enough_mutants():
    assert len(ALL) >= 30
    assert {m.assignment for m in ALL} == {"layers", "optimizers", "spiral"}


@pytest.mark.parametrize("mutant", ALL, ids=lambda m: f"{m.assignment}-{m.name}")
def test_mutant_loses_points_with_the_right_feedback(mutant, tmp_path):
    path = write(mutate(mutant.assignment, mutant.edits), tmp_path / f"{mutant.name}.ipynb")
    report, proc = grade(path, mutant.assignment)
    assert proc.returncode == 0, proc.stderr
    losses = lost(report)
    assert mutant.target in losses, f"{mutant.name}: no points lost on {mutant.target}; lost {losses}"
    assert set(losses) <= set(mutant.only), f"{mutant.name}: lost points elsewhere too: {losses}"
    feedback = [f"{c['message']} {c['hint'] or ''}" for c in report["checks"]
                if c["target"] == mutant.target and c["status"] != "pass"]
    assert any(mutant.says in text for text in feedback), (mutant.name, feedback)


@pytest.mark.parametrize("variant", EQUIVALENT, ids=lambda m: f"{m.assignment}-{m.name}")
def test_equivalent_variant_keeps_full_marks(variant, tmp_path):
    path = write(mutate(variant.assignment, variant.edits), tmp_path / f"{variant.name}.ipynb")
    report, _ = grade(path, variant.assignment)
    assert report["score"] == report["max_score"], [c for c in report["checks"] if c["status"] != "pass"]
