"""The grader's CLI and report contract on real notebooks: solutions earn full marks,
generated exercises zero, unreadable input still gets a report, verdicts are stable."""
import json
import subprocess
import sys

import nbformat
import pytest

from gradelib import ROOT, grade, mutate, solution, write

ASSIGNMENTS = ["layers", "optimizers", "spiral"]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_earns_full_marks(assignment, tmp_path):
    report, proc = grade(ROOT / "solutions" / f"{assignment}.ipynb", out=tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert report["assignment"] == assignment  # taken from the notebook's metadata
    assert report["error"] is None
    assert report["max_score"] > 0 and report["score"] == report["max_score"], \
        [c for c in report["checks"] if c["status"] != "pass"]
    assert report["cells"] == [], "every cell of the solution runs cleanly in the sandbox"
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"report.json", "report.md", "report.html"}
    assert f"{report['score']:g} / {report['max_score']:g}" in proc.stdout


def no_gpu_skip(check):
    """A GPU check on a machine without a GPU: skipped, outside max_score (docs/gpu.md)."""
    return check["id"].startswith("device.") and check["status"] == "skip" and check["message"].startswith("no GPU")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_generated_exercise_earns_zero(assignment, tmp_path):
    report, proc = grade(ROOT / "exercises" / f"{assignment}.ipynb", out=tmp_path / "out")
    assert proc.returncode == 0 and report["error"] is None
    assert report["score"] == 0 and report["max_score"] > 0
    assert all(c["status"] == "error" for c in report["checks"] if not no_gpu_skip(c))
    assert any("not implemented yet" in c["message"] for c in report["checks"])


def test_report_contract_fields(tmp_path):
    report, _ = grade(ROOT / "submissions" / "s-3c4d" / "layers.ipynb", out=tmp_path / "out")
    assert set(report) >= {"assignment", "score", "max_score", "error", "checks"}
    for check in report["checks"]:
        assert set(check) >= {"id", "target", "status", "points", "max_points", "message"}
        assert check["status"] in {"pass", "fail", "error", "skip"}
        assert 0 <= check["points"] <= check["max_points"]
    assert sum(c["points"] for c in report["checks"]) == pytest.approx(report["score"])
    targets = {t["target"]: t for t in report["targets"]}
    assert targets["Affine"]["score"] < targets["Affine"]["max_score"]
    assert targets["Sigmoid"]["score"] < targets["Sigmoid"]["max_score"]


@pytest.mark.parametrize("content, says", [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text file"),
    (b"{\"cells\": [", "not valid JSON"),
    (b"", "is empty"),
    (b"[1, 2, 3]", "not a Jupyter notebook"),
])
def test_unreadable_submission_still_gets_a_report(content, says, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    report, proc = grade(path, "layers", out=tmp_path / "out")
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert report["score"] == 0 and report["max_score"] > 0
    assert says in report["error"]
    assert all(c["status"] == "error" for c in report["checks"] if not no_gpu_skip(c))
    assert (tmp_path / "out" / "report.html").exists()


def test_missing_file_and_directory_get_reports(tmp_path):
    for path in (tmp_path / "nope.ipynb", tmp_path):
        report, proc = grade(path, "spiral", out=tmp_path / f"out-{path.name}")
        assert proc.returncode == 0 and report["score"] == 0 and report["error"]


def test_unknown_assignment_is_a_usage_error(tmp_path):
    report, proc = grade(ROOT / "solutions" / "layers.ipynb", "convolutions", out=tmp_path / "out")
    assert proc.returncode == 2 and report is None
    assert "unknown assignment 'convolutions'" in proc.stderr and "Traceback" not in proc.stderr


def test_notebook_without_metadata_needs_the_flag(tmp_path):
    nb = solution("layers")
    del nb.metadata["backprop_lab"]
    path = write(nb, tmp_path / "plain.ipynb")
    report, _ = grade(path, out=tmp_path / "a")
    assert report["score"] == 0 and "--assignment" in report["error"]
    report, _ = grade(path, "layers", out=tmp_path / "b")
    assert report["score"] == report["max_score"]


def test_old_nbformat_is_converted(tmp_path):
    nb = solution("optimizers")
    old = nbformat.convert(nb, 3)
    path = tmp_path / "v3.ipynb"
    path.write_text(nbformat.writes(old, version=3))
    assert json.loads(path.read_text())["nbformat"] == 3
    report, _ = grade(path, "optimizers", out=tmp_path / "out")
    assert report["error"] is None and report["score"] == report["max_score"]


def test_python_file_in_percent_format(tmp_path):
    cells = [c.source for c in solution("optimizers").cells if c.cell_type == "code"
             and not c.metadata.get("nbgrader", {}).get("grade")]
    path = tmp_path / "optimizers.py"
    path.write_text("\n".join(f"# %%\n{source}\n" for source in cells) + "# %%\nraise RuntimeError('late')\n")
    report, _ = grade(path, "optimizers", out=tmp_path / "out")
    assert report["score"] == report["max_score"]
    assert any("late" in c["message"] for c in report["cells"])


def test_magics_shell_lines_and_failing_cells_do_not_stop_grading(tmp_path):
    nb = solution("layers")
    nb.cells.insert(0, nbformat.v4.new_code_cell("%load_ext autoreload\n!pip install nothing\nfiles = !ls\n%%time"))
    nb.cells.insert(1, nbformat.v4.new_code_cell("%%bash\necho this is not python"))
    nb.cells.insert(2, nbformat.v4.new_code_cell("undefined_name + 1"))
    nb.cells.insert(3, nbformat.v4.new_code_cell("def broken(:\n    pass"))
    nb.cells.append(nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()\nprint('x' * 10000)"))
    report, _ = grade(write(nb, tmp_path / "noisy.ipynb"), out=tmp_path / "out")
    assert report["score"] == report["max_score"]
    messages = " ".join(c["message"] for c in report["cells"])
    assert "NameError" in messages and "SyntaxError" in messages


def test_a_hanging_method_costs_only_its_own_checks(tmp_path):
    nb = mutate("layers", [("        return dout * (1.0 - self.out ** 2)", "        while True:\n            pass")])
    report, _ = grade(write(nb, tmp_path / "hang.ipynb"), out=tmp_path / "out",
                      extra_args=["--call-timeout-s", "1"])
    lost = {t["target"] for t in report["targets"] if t["score"] < t["max_score"]}
    assert lost == {"Tanh"}
    assert any("timed out" in c["message"] for c in report["checks"] if c["target"] == "Tanh")


def test_redefining_the_testing_helpers_does_not_help(tmp_path):
    """nbgrader's weakness: tests run in the student's kernel. Ours do not."""
    cheat = ("import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None\n"
             "np.allclose = lambda *a, **k: True\nimport builtins\nbuiltins.abs = lambda x: 0")
    nb = mutate("layers", [("self.grads[1][...] = dout.sum(axis=0)", "self.grads[1][...] = dout.mean(axis=0)")],
                extra_cells=[cheat])
    honest, _ = grade(write(mutate("layers", [("self.grads[1][...] = dout.sum(axis=0)",
                                               "self.grads[1][...] = dout.mean(axis=0)")]), tmp_path / "h.ipynb"),
                      out=tmp_path / "h")
    report, _ = grade(write(nb, tmp_path / "cheat.ipynb"), out=tmp_path / "c")
    assert report["score"] == honest["score"] < report["max_score"]


def test_verdicts_are_deterministic(tmp_path):
    path = ROOT / "submissions" / "s-5e6f" / "optimizers.ipynb"
    first, _ = grade(path, out=tmp_path / "a")
    second, _ = grade(path, out=tmp_path / "b")
    strip = lambda r: [(c["id"], c["status"], c["points"], c["message"]) for c in r["checks"]]
    assert strip(first) == strip(second)


def test_cli_help_and_list():
    env_cmd = [sys.executable, "-m", "grader"]
    listed = subprocess.run(env_cmd + ["list"], cwd=ROOT, capture_output=True, text=True)
    assert set(ASSIGNMENTS) <= set(listed.stdout.split())
    usage = subprocess.run(env_cmd + ["grade"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "usage" in usage.stderr and "Traceback" not in usage.stderr


@pytest.mark.slow
def test_a_submission_may_import_the_student_package_in_its_own_cells(tmp_path):
    """Students copy `check(...)` into their own cells and load data with
    backprop_lab_check.datasets: the sandbox has the package, so those cells run there too."""
    notebook = mutate("layers", [], extra_cells=['from backprop_lab_check import check\ncheck("Affine")\n'
                                                 "from backprop_lab_check.datasets import load_digits\n"
                                                 "assert load_digits().data.shape == (1797, 64)"])
    report, proc = grade(write(notebook, tmp_path / "layers.ipynb"), out=tmp_path / "out")
    assert proc.returncode == 0 and report["cells"] == [], report["cells"]
    assert report["score"] == report["max_score"]
