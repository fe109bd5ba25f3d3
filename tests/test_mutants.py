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


def test_the_visible_overfit_check_sends_a_broken_backward_to_twolayernet():
    """check("overfit_tiny") runs the student's own TwoLayerNet (the hidden check a trusted one):
    when the tiny set cannot be fitted because backward is wrong, its hint names TwoLayerNet."""
    from backprop_lab_check import run as run_visible
    from gradelib import notebook_namespace

    broken = next(m for m in ALL if m.name == "backward_not_reversed")
    result = run_visible(["overfit_tiny"], notebook_namespace(mutate("spiral", broken.edits)), "spiral")
    assert not result.passed and "fix TwoLayerNet first" in str(result), str(result)
