"""The first three course notebooks (`layers`, `optimizers`, `spiral`): markup, exercises in sync
with the solutions, nbgrader accepts them, solutions run clean with their figures, exercises stop at
their first stub. The later assignments get the same checks from their own test modules
(assignment_suite.standard_tests); grading these three is covered by test_grader.py and
test_mutants.py.
"""
import subprocess
import sys

import pytest

import assignment_suite as suite
from gradelib import ROOT

ASSIGNMENTS = ["layers", "optimizers", "spiral"]

# Cells (by tag) that must draw a picture in the solution notebooks.
FIGURES = {
    "layers": ["figure-activations"],
    "optimizers": ["figure-sgd", "figure-paths"],
    "spiral": ["figure-spiral-data", "figure-overfit-tiny", "figure-loss-curve", "figure-decision-boundary", "figure-float32"],
}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_markup(assignment):
    suite.check_markup(assignment, FIGURES[assignment], graded_names=())


def test_exercises_of_every_assignment_are_in_sync_with_the_solutions():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_generate_assignment_accepts_the_solution(assignment, tmp_path):
    suite.check_nbgrader_accepts(assignment, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_runs_with_its_figures(assignment, kernel_dir, tmp_path):
    suite.check_solution_runs(assignment, FIGURES[assignment], kernel_dir, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_stops_at_the_first_stub(assignment, kernel_dir, tmp_path):
    suite.check_exercise_stops_at_first_stub(assignment, kernel_dir, tmp_path)
