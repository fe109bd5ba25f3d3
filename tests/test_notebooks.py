"""The course notebooks: solutions run clean, exercises stop at their first stub, nbgrader accepts them.

Notebooks are executed for real with nbclient, in a kernel of the interpreter running the tests
(a kernelspec written to a temporary directory, so no other installed "python3" kernel is picked
up), with a temporary working directory and MPLBACKEND=Agg.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
ASSIGNMENTS = ["layers", "optimizers", "spiral"]
CELL_TIMEOUT = 120

# Cells (by tag) that must draw a picture in the solution notebooks.
FIGURES = {
    "layers": ["figure-activations"],
    "optimizers": ["figure-sgd", "figure-paths"],
    "spiral": ["figure-spiral-data", "figure-loss-curve", "figure-decision-boundary", "figure-float32"],
}


def read(path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="session")
def kernel_dir(tmp_path_factory):
    """A directory holding a `python3` kernelspec that runs this very interpreter."""
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / "python3"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (backprop-lab tests)",
        "language": "python",
    }))
    return kernels


def execute(nb, kernel_dir, workdir):
    """Run `nb` top to bottom in place; raises CellExecutionError at the first failing cell."""
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    client = NotebookClient(nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute(env=dict(os.environ, MPLBACKEND="Agg"), cwd=str(workdir))
    return nb


def error_outputs(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def has_png(cell):
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def stdout_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


# ---------------------------------------------------------------- static checks (fast)

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_metadata_names_the_assignment(assignment):
    for path in (SOLUTIONS / f"{assignment}.ipynb", EXERCISES / f"{assignment}.ipynb"):
        nb = read(path)
        nbformat.validate(nb)
        assert nb.nbformat == 4
        assert nb.metadata["backprop_lab"] == {"assignment": assignment}, path
        assert nb.metadata["kernelspec"]["name"] == "python3", path


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_is_saved_without_outputs(assignment):
    nb = read(SOLUTIONS / f"{assignment}.ipynb")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_markup(assignment):
    nb = read(SOLUTIONS / f"{assignment}.ipynb")
    grade_ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(grade_ids) == len(set(grade_ids)), f"duplicate grade_ids: {grade_ids}"
    solutions = [c for c in nb.cells if nbgrader_meta(c).get("solution")]
    checks = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert solutions and checks
    for cell in solutions:
        meta = nbgrader_meta(cell)
        assert cell.cell_type == "code" and not meta["grade"] and not meta["locked"], meta["grade_id"]
        begins = cell.source.count("### BEGIN SOLUTION")
        assert begins >= 1 and begins == cell.source.count("### END SOLUTION"), meta["grade_id"]
    for cell in checks:
        meta = nbgrader_meta(cell)
        assert cell.cell_type == "code" and meta["locked"] and not meta["solution"], meta["grade_id"]
        assert meta["grade_id"].startswith("check_"), meta["grade_id"]
        assert isinstance(meta["points"], int) and meta["points"] > 0, meta["grade_id"]
    for cell in nb.cells:
        if not nbgrader_meta(cell).get("solution"):
            assert "BEGIN SOLUTION" not in cell.source, "solution region outside a solution cell"
    tags = {tag for c in nb.cells for tag in c.get("metadata", {}).get("tags", [])}
    assert set(FIGURES[assignment]) <= tags


def test_exercises_are_in_sync_with_solutions():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_has_stubs_and_no_solutions(assignment):
    nb = read(EXERCISES / f"{assignment}.ipynb")
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "raise NotImplementedError()" in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_generate_assignment_accepts_solution(assignment, tmp_path):
    source = tmp_path / "source" / assignment
    source.mkdir(parents=True)
    (source / f"{assignment}.ipynb").write_bytes((SOLUTIONS / f"{assignment}.ipynb").read_bytes())
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n")
    # nbgrader runs the `alembic` script of its own environment.
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    released = tmp_path / "release" / assignment / f"{assignment}.ipynb"
    assert released.exists(), result.stdout + result.stderr
    assert read(released).metadata["backprop_lab"] == {"assignment": assignment}


# ---------------------------------------------------------------- executed notebooks (slow)

@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_runs_top_to_bottom(assignment, kernel_dir, tmp_path):
    nb = read(SOLUTIONS / f"{assignment}.ipynb")
    try:
        execute(nb, kernel_dir, tmp_path)
    except CellExecutionError as exc:
        pytest.fail(f"solutions/{assignment}.ipynb failed: {exc.ename}: {exc.evalue}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "not every cell ran"
    assert not any(error_outputs(c) for c in code)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):
            out = stdout_of(cell).strip()
            assert out.endswith("ok"), f"{nbgrader_meta(cell)['grade_id']} printed {out[-200:]!r}"
    for tag in FIGURES[assignment]:
        cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
        assert len(cells) == 1, tag
        assert has_png(cells[0]), f"the {tag} cell drew no image/png"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercise_stops_at_first_stub(assignment, kernel_dir, tmp_path):
    nb = read(EXERCISES / f"{assignment}.ipynb")
    with pytest.raises(CellExecutionError) as info:
        execute(nb, kernel_dir, tmp_path)
    assert info.value.ename == "NotImplementedError", f"{info.value.ename}: {info.value.evalue}"
    failing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and error_outputs(c)]
    assert len(failing) == 1, "an error came before the first stub was called"
    first_error = failing[0]
    first_stub = min(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("solution"))
    assert first_error > first_stub
    for cell in nb.cells[:first_error]:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, "a cell before the first stub did not run"
    traceback = "\n".join(error_outputs(nb.cells[first_error])[0]["traceback"])
    assert "NotImplementedError()" in traceback, "the error must come from a stub"
