"""The student's path, taken as a student takes it: each assignment's exercise and solution
opened in JupyterLab (a real Jupyter server) in headless Chromium, every cell run with
JupyterLab's "Run All Cells", and what the page shows checked: the exercise stops at a visible
check's table that names the first unfinished stub, the solution's check tables are all green,
and the time a student waits for each `check(...)` cell is recorded (tools/student_path.py;
`make bench` reports it).
"""
import os
import shutil
import sys

import matplotlib.image
import numpy
import pytest

from backprop_lab_check import targets
from backprop_lab_check.result import COLOURS
from gradelib import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import student_path  # noqa: E402  (tools/student_path.py)

ASSIGNMENTS = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))
WAIT_BOUND_S = 10.0  # far above any check cell's wait: a hang, not a speed test


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    problem = student_path.missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"the student's path needs JupyterLab, Chromium and chromedriver in CI: {problem}")
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("course")
    for assignment in ASSIGNMENTS:
        shutil.copyfile(ROOT / "solutions" / f"{assignment}.ipynb", folder / f"solution-{assignment}.ipynb")
        shutil.copyfile(ROOT / "exercises" / f"{assignment}.ipynb", folder / f"{assignment}.ipynb")
    with student_path.JupyterLab(folder) as running:
        yield running


def has_colour(png_path, hex_colour, tolerance=40):
    pixels = matplotlib.image.imread(str(png_path))[..., :3] * 255
    target = numpy.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return bool(numpy.any(numpy.all(numpy.abs(pixels - target) <= tolerance, axis=-1)))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_stops_at_a_visible_check_that_names_the_stub(lab, assignment, tmp_path):
    run = lab.run_all(f"{assignment}.ipynb")
    errors = run.errors()
    assert errors, f"the exercise of {assignment} ran to the end: no stub stopped it"
    first_error = errors[0][0]
    checks = {cell.index: cell for cell in run.check_cells}
    assert first_error in checks, (f"{assignment}: the first cell that stops the exercise (cell {first_error}) is "
                                   f"not a visible check: {run.cells[first_error].source[:200]!r}")
    table = checks[first_error]
    assert not table.passed and "did not pass" in table.text and "NotImplementedError" in table.text, table.text
    shot = lab.screenshot_output(first_error, tmp_path / "check.png")
    assert has_colour(shot, COLOURS["fail"]), f"the failing table's red heading is not on the page: {shot}"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_every_check_cell_on_the_page(lab, assignment, tmp_path):
    run = lab.run_all(f"solution-{assignment}.ipynb")
    assert run.errors() == [], f"{assignment}: cells raised in JupyterLab: {run.errors()}"
    assert run.check_cells, f"{assignment}: no check(...) cell ran"
    for cell in run.check_cells:
        assert cell.passed, cell.text
        assert cell.wait_s < WAIT_BOUND_S, (cell.source[:80], cell.wait_s)
    named = " ".join(cell.source for cell in run.check_cells)
    unnamed = [name for name in targets(assignment) if f'"{name}"' not in named]
    assert not unnamed, f"{assignment}: graded names with visible checks that no check(...) cell names: {unnamed}"
    shot = lab.screenshot_output(run.check_cells[0].index, tmp_path / "check.png")
    assert has_colour(shot, COLOURS["pass"]), f"the passing table's green heading is not on the page: {shot}"
    waits = ", ".join(f"{cell.wait_s:.2f}" for cell in run.check_cells)
    print(f"{assignment}: seconds a student waits for each check cell: {waits}")
