"""What makes a cold `grade` wait less without changing what it grades: the worker started before
the notebook is read and importing pyplot meanwhile, one runtime copy per judge process, the
reference's own work done while the cells run (judge/ahead.py), the submission's matrix products
on the machine's cores when it grades alone, a numerical check's row set in the call that uses it,
the plots drawn side by side and, alone, as soon as their data is final (render/side_by_side.py),
and a student package that does not import NumPy until it checks something."""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from grader.judge import ahead  # noqa: E402
from grader.render import side_by_side, views  # noqa: E402
from grader.sandbox import COLD_PRELOAD, Sandbox, runtime_folder  # noqa: E402


def ran(cells, **options):
    """The worker's answers: (cell results, the value of `answer` after the cells)."""
    with Sandbox(list(cells) + ["answer = repr(answer)\n"], **options) as sandbox:
        results = sandbox.run_cells()
        return results, sandbox.request("get", target="answer", path=[])


# -- the worker ----------------------------------------------------------------------------------

def test_preloaded_modules_are_there_before_the_first_cell():
    results, answer = ran(["import sys\nanswer = sorted(m for m in ('matplotlib.pyplot', 'sklearn') if m in sys.modules)\n"],
                          preload=COLD_PRELOAD)
    assert all(result["status"] == "ok" for result in results)
    assert answer == repr(["matplotlib.pyplot"])


def test_a_preload_that_fails_is_left_to_the_cell_that_imports_it():
    results, answer = ran(["answer = 1\n", "import no_such_module_here\n"], preload=("no_such_module_here",))
    assert results[0]["status"] == "ok" and answer == "1"
    assert results[1]["status"] == "error" and "no_such_module_here" in results[1]["message"]


def test_a_module_the_notebook_writes_cannot_replace_a_preloaded_one():
    """The preload runs before any cell: a cell's own matplotlib/pyplot.py comes too late."""
    cells = ["import os\nos.makedirs('matplotlib', exist_ok=True)\n"
             "open('matplotlib/__init__.py', 'w').write('FAKE = 1\\n')\n",
             "import matplotlib\nanswer = hasattr(matplotlib, 'FAKE')\n"]
    results, answer = ran(cells, preload=COLD_PRELOAD)
    assert all(result["status"] == "ok" for result in results)
    assert answer == "False"


@pytest.mark.parametrize("threads", [1, 2])
def test_the_workers_blas_threads(threads):
    _results, answer = ran(["import os\nanswer = [os.environ[k] for k in "
                            "('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')]\n"], threads=threads)
    assert answer == repr([str(threads)] * 3)


def test_a_worker_can_be_spawned_before_its_cells_are_known():
    with Sandbox() as sandbox:
        sandbox.spawn()
        sandbox.start_cells(["x = 6 * 7\n"])
        assert sandbox.finish_cells() == [{"status": "ok", "message": ""}]
        assert sandbox.request("get", target="x", path=[]) == 42


def test_a_scan_over_a_param_sets_each_row_in_the_call_that_uses_it(monkeypatch):
    """A numerical check's evaluation is one request, the row of the param set just before the
    call; the param is restored afterwards."""
    from grader.judge.student import Student

    cells = ["import numpy as np\nclass M:\n    def __init__(self):\n        self.params = [np.arange(3.0)]\n"
             "    def forward(self, x):\n        return float(self.params[0] @ x)\nm = M()\n"]
    with Sandbox(cells) as sandbox:
        sandbox.run_cells()
        model = Student(sandbox, "spiral").new("M")
        ops = []
        original = Sandbox._request_raw
        monkeypatch.setattr(Sandbox, "_request_raw", lambda self, op, args, timeout: ops.append(op) or
                            original(self, op, args, timeout))
        outputs = model.scan("forward", [numpy.ones(3)], ["param", ["params", 0]], numpy.eye(3) * 2)
        assert outputs == [2.0, 2.0, 2.0] and ops == ["get", "call", "call", "call", "set_item"]
        assert model.get("params", 0).tolist() == [0.0, 1.0, 2.0]


# -- the runtime copy ------------------------------------------------------------------------------

def test_sandboxes_of_one_process_share_a_runtime_no_worker_can_write():
    with Sandbox() as first, Sandbox(device="emulated") as second:
        assert first.confinement.runtime == second.confinement.runtime == runtime_folder()
    folder = runtime_folder()
    assert (folder / "worker.py").is_file() and (folder / "backprop_lab_check" / "__init__.py").is_file()
    cells = [f"import pathlib\np = pathlib.Path({'/runtime' if first.isolation == 'bubblewrap' else str(folder)!r})\n"
             "try:\n    (p / 'worker.py').write_text('x')\n    answer = 'written'\n"
             "except OSError as exc:\n    answer = type(exc).__name__\n"]
    _results, answer = ran(cells)
    assert answer != repr("written")
    assert (folder / "worker.py").read_text() == (REPO / "grader" / "runtime" / "worker.py").read_text()


def test_the_runtime_copy_is_removed_by_the_process_that_made_it_only(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from grader.sandbox import runtime_folder
        folder = runtime_folder()
        print(folder, flush=True)
        pid = os.fork()
        if pid == 0:
            sys.exit(0)  # a forked judge exits: the fork server's folder stays
        os.waitpid(pid, 0)
        print(folder.is_dir(), flush=True)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    folder, after_child = out.stdout.split()
    assert after_child == "True"
    assert not Path(folder).exists(), "the maker removes it when it exits"


# -- the reference's work ahead ----------------------------------------------------------------------

def test_ahead_computes_once_before_the_checks_and_shares_read_only_results(monkeypatch):
    monkeypatch.setattr(ahead, "_by_module", {})
    calls = []

    def reference_run():
        calls.append(1)
        return numpy.arange(3.0), [numpy.ones(2)], {"w": numpy.zeros(1)}

    reference_run.__module__ = "test_somewhere"
    computed = ahead.ahead(reference_run)
    ahead.compute({"test_elsewhere"})
    assert calls == []
    ahead.compute({"test_somewhere"})
    first = computed()
    assert calls == [1] and computed() is first
    for array in (first[0], first[1][0], first[2]["w"]):
        with pytest.raises(ValueError):
            array[...] = 1


def test_a_failing_computation_ahead_fails_in_the_check_that_asks_for_it(monkeypatch):
    monkeypatch.setattr(ahead, "_by_module", {})

    def broken():
        raise RuntimeError("reference bug")

    broken.__module__ = "test_somewhere"
    computed = ahead.ahead(broken)
    ahead.compute({"test_somewhere"})  # no exception here
    with pytest.raises(RuntimeError, match="reference bug"):
        computed()


def test_the_spiral_checks_inputs_ahead_are_those_the_check_drew_itself():
    """overfit_tiny's check draws its points and weights from the generator seeded with its id,
    as the `rng` fixture would have."""
    from backprop_lab_check.outcomes import seed_for
    from backprop_lab_check.shared.spiral import tiny_indices

    import reference
    from grader.checks import test_spiral

    x, t, values, losses = test_spiral.tiny_run()
    rng = numpy.random.default_rng(seed_for(test_spiral.TINY_CHECK))
    all_x, all_t = reference.spiral.load_data()
    pick = tiny_indices(rng, all_t)
    numpy.testing.assert_array_equal(x, all_x[pick])
    numpy.testing.assert_array_equal(values[0], 0.01 * rng.standard_normal((2, 10)))
    assert len(losses) == test_spiral.TINY["steps"] + 1 and losses[-1] < losses[0]


# -- the plots -----------------------------------------------------------------------------------------

def report_with_plots(language="en"):
    """A report.json object with every plot, as write_reports gets it (Report.to_json)."""
    from grader.report import jsonable
    from test_reports import realistic_data

    return jsonable({**realistic_data(), "language": language})


def test_plots_side_by_side_are_the_plots_drawn_one_by_one():
    data = report_with_plots()
    assert views.figures(data, side_by_side=True) == views.figures(data)
    data["artifacts"]["decision_boundary"]["grid"] = [[0, 1], [2]]  # ragged: a warning, same words
    together, alone = views.figures(data, side_by_side=True), views.figures(data)
    assert together == alone and len(together[1]) == 1


def test_a_child_that_dies_or_hangs_leaves_its_plot_to_this_process(monkeypatch):
    parent = os.getpid()

    def dies_in_a_child():
        if os.getpid() != parent:
            os._exit(3)
        return b"drawn here"

    def hangs_in_a_child():
        if os.getpid() != parent:
            time.sleep(60)
        return b"drawn here too"

    def raises():
        raise ValueError("boom")

    monkeypatch.setattr(side_by_side, "CHILD_TIMEOUT_S", 2.0)
    started = time.monotonic()
    results = side_by_side.side_by_side([lambda: b"first", dies_in_a_child, hangs_in_a_child, raises])
    assert results == [(b"first", None), (b"drawn here", None), (b"drawn here too", None), (None, "ValueError: boom")]
    assert time.monotonic() - started < 20


def late_draws(monkeypatch):
    """The draws figures() leaves to side_by_side or one_by_one, recorded as they are made."""
    made = []
    for name in ("side_by_side", "one_by_one"):
        original = getattr(side_by_side, name)
        monkeypatch.setattr(side_by_side, name, lambda draws, original=original: made.extend(draws) or original(draws))
    return made


@pytest.mark.parametrize("language", ["en", "ko"])
def test_plots_drawn_early_are_the_plots_drawn_late(monkeypatch, language):
    data = report_with_plots(language)
    views.draw_early(data["artifacts"], data["language"])
    late = late_draws(monkeypatch)
    early = views.figures(data, side_by_side=True)
    assert late == [] and len(early[0]) == 3
    assert early == views.figures(data)  # nothing early this time: drawn here
    assert len(late) == 3


def test_an_early_drawing_whose_data_changed_is_drawn_again_and_its_child_killed(monkeypatch):
    data = report_with_plots()
    views.draw_early(data["artifacts"], data["language"])
    (child, _read_end), = [early.child for early in side_by_side._early]
    data["artifacts"]["loss_curve"]["losses"].append(0.01)  # a check changed it after the drawing started
    late = late_draws(monkeypatch)
    assert views.figures(data, side_by_side=True) == views.figures(data)
    assert len(late) == 1 + 3 and side_by_side._early == []
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped


def test_an_early_drawing_outlives_a_sandbox_teardown(monkeypatch):
    """A sandbox's teardown kills the judge's children it does not know (kill_orphans): the early
    drawing's child is registered, and so are the forks of an ordinary side by side drawing."""
    from grader.sandbox.containment import kill_orphans

    data = report_with_plots()
    views.draw_early(data["artifacts"], data["language"])
    kill_orphans()
    late = late_draws(monkeypatch)
    assert len(views.figures(data, side_by_side=True)[0]) == 3 and late == []


def test_a_later_drawing_of_the_same_plots_stops_the_earlier_one(monkeypatch):
    data = report_with_plots()
    gradients = {"gradient_errors": data["artifacts"]["gradient_errors"]}
    views.draw_early({"gradient_errors": {**gradients["gradient_errors"], "rows": []}}, "en")  # a check added rows since
    views.draw_early({**data["artifacts"]}, "en")
    first, second = side_by_side._early
    assert first.stale and not second.stale
    late = late_draws(monkeypatch)
    assert views.figures(data, side_by_side=True) == views.figures(data) and len(late) == 3  # the second time only
    assert side_by_side._early == []


@pytest.mark.slow
def test_a_grading_alone_draws_each_plot_after_the_last_check_that_changed_its_data(monkeypatch):
    """pipeline.grade(alone=True) hands draw_early what each check changed of the artifacts; the
    last data offered for each is the report's, and the report takes every drawing."""
    from grader import pipeline

    offered = {}
    original = views.draw_early

    def draw_early(artifacts, language):
        offered.update({name: json.dumps(value, sort_keys=True) for name, value in artifacts.items()})
        offered.setdefault("calls", 0)
        offered["calls"] += 1
        return original(artifacts, language)

    monkeypatch.setattr("grader.render.draw_early", draw_early)
    report = pipeline.grade(REPO / "solutions" / "spiral.ipynb", alone=True)
    calls = offered.pop("calls")
    assert offered == {name: json.dumps(value, sort_keys=True) for name, value in report.artifacts.items()}
    assert calls == 2  # the gradient check's rows, then the trainer's loss curve and decision boundary
    late = late_draws(monkeypatch)
    assert len(views.figures(report.to_json(), side_by_side=True)[0]) == 3 and late == []


# -- the student package -------------------------------------------------------------------------------

def test_the_student_package_imports_numpy_only_when_it_checks():
    script = ("import sys, backprop_lab_check\n"
              "before = 'numpy' in sys.modules\n"
              "from backprop_lab_check import run, targets, Result, ChecksFailed\n"
              "print(before, 'numpy' in sys.modules, callable(run), issubclass(ChecksFailed, Exception))\n"
              "try:\n    backprop_lab_check.no_such_name\nexcept AttributeError:\n    print('AttributeError')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.split() == ["False", "True", "True", "True", "AttributeError"], out.stderr


# -- the whole grade --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_grade_alone_and_in_a_batch_give_the_same_report(tmp_path):
    """`grade` (alone: BLAS on the machine's cores, plots side by side) and a batch (one core per
    worker, plots one by one) of the same submission agree on every check."""
    from gradelib import grade

    notebook = REPO / "solutions" / "spiral.ipynb"
    alone, proc = grade(notebook, out=tmp_path / "alone")
    assert proc.returncode == 0, proc.stderr
    submissions = tmp_path / "class" / "ada"
    submissions.mkdir(parents=True)
    (submissions / "spiral.ipynb").write_bytes(notebook.read_bytes())
    batch = subprocess.run([sys.executable, "-m", "grader", "batch", str(tmp_path / "class"), "--out",
                            str(tmp_path / "batch"), "--jobs", "1"], cwd=REPO, capture_output=True, text=True,
                           timeout=600)
    assert batch.returncode == 0, batch.stderr
    together = json.loads(next((tmp_path / "batch").rglob("report.json")).read_text())
    assert [(c["id"], c["status"], c["points"]) for c in alone["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in together["checks"]]
    for folder in (tmp_path / "alone", next((tmp_path / "batch").rglob("report.json")).parent):
        assert (folder / "report.html").read_text().count("data:image/png;base64,") == 3
