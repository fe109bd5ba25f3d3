"""Every realistic buggy submission loses points on the right target, with feedback that
names the mistake; correct variants written differently keep full marks."""
import pytest

import assignment_suite as suite
from gradelib import grade, mutate, write
from mutants import ALL, EQUIVALENT

pytestmark = pytest.mark.slow


def test_there_are_enough_mutants():
    assert len(ALL) >= 30
    assert {m.assignment for m in ALL} == {"layers", "optimizers", "spiral"}


@pytest.mark.parametrize("mutant", ALL, ids=lambda m: f"{m.assignment}-{m.name}")
def test_mutant_loses_points_with_the_right_feedback(mutant, tmp_path):
    suite.check_mutant(mutant, tmp_path, whole_notebook=True)


@pytest.mark.parametrize("variant", EQUIVALENT, ids=lambda m: f"{m.assignment}-{m.name}")
def test_equivalent_variant_keeps_full_marks(variant, tmp_path):
    path = write(mutate(variant.assignment, variant.edits), tmp_path / f"{variant.name}.ipynb")
    report, _ = grade(path, variant.assignment)
    assert report["score"] == report["max_score"], [c for c in report["checks"] if c["status"] != "pass"]
