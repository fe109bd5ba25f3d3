"""Hostile submissions, round two (issue 14): code that games the checks' own habits rather
than the sandbox. Each is an edit of the layers solution graded with the real CLI under
bubblewrap and the fallback, against the honest code underneath.
"""
import nbformat
import pytest

from grader.judge.student import Student
from grader.sandbox import Sandbox

from gradelib import grade, lost, mutate
from test_hostile import FAST, ISOLATIONS

pytestmark = pytest.mark.slow

SIGMOID_FORWARD = "        self.out = 1 / (1 + np.exp(-x))\n        return self.out\n"
SIGMOID_BACKWARD = "        return dout * (1.0 - self.out) * self.out\n"
WRONG_BACKWARD = "        return dout * 0.25\n"  # a wrong derivative, the same everywhere
# A forward that notices a numerical check on the stack answers with a function whose
# derivative is the wrong backward's, so that the numerical check would agree with it.
STACK_AWARE_FORWARD = """\
        import inspect
        if any(word in frame.function for frame in inspect.stack() for word in ("scan", "numerical", "gradient")):
            return 0.25 * x
        self.out = 1 / (1 + np.exp(-x))
        return self.out
"""
AFFINE_BACKWARD = ("        self.grads[0][...] = self.x.T @ dout\n        self.grads[1][...] = dout.sum(axis=0)\n"
                   "        return dx\n")
# Gradients rebound (not written in place), hidden behind a property that builds the list anew.
REBOUND_BEHIND_PROPERTY = ("        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)\n        return dx\n\n"
                           "    @property\n    def grads(self):\n        return [self.dW.copy(), self.db.copy()]\n\n"
                           "    @grads.setter\n    def grads(self, value):\n"
                           "        self.dW, self.db = [g.copy() for g in value]\n")
TANH_BACKWARD = "        return dout * (1.0 - self.out ** 2)\n"
# Called by a check (not by the notebook's own cells, which every fresh worker replays), it kills
# its worker a moment after returning, while a later check is running.
DEFERRED_KILL = ("        import inspect, os, threading\n"
                 "        if any(frame.function == 'op_call' for frame in inspect.stack()):\n"
                 "            threading.Timer(0.2, os._exit, (0,)).start()\n"
                 "        return dout * (1.0 - self.out ** 2)\n")


def graded(edits, tmp_path, isolation, name):
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(mutate("layers", edits), path)
    report, proc = grade(path, "layers", out=tmp_path / f"{name}-out", extra_args=[*FAST, "--isolation", isolation])
    assert proc.returncode == 0 and report is not None, proc.stderr
    return report


def check(report, check_id):
    return next(c for c in report["checks"] if c["id"] == check_id)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_forward_that_notices_differentiation_gains_nothing(isolation, tmp_path):
    honest = graded([(SIGMOID_BACKWARD, WRONG_BACKWARD)], tmp_path, isolation, "honest")
    attack = graded([(SIGMOID_BACKWARD, WRONG_BACKWARD), (SIGMOID_FORWARD, STACK_AWARE_FORWARD)],
                    tmp_path, isolation, "attack")
    assert check(honest, "sigmoid.numerical")["status"] == "fail"
    assert check(attack, "sigmoid.numerical")["status"] == "fail"
    assert attack["score"] <= honest["score"]


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_grads_property_that_builds_new_arrays_is_not_in_place(isolation, tmp_path):
    report = graded([(AFFINE_BACKWARD, REBOUND_BEHIND_PROPERTY)], tmp_path, isolation, "property")
    assert check(report, "affine.grads_in_place")["status"] == "fail", check(report, "affine.grads_in_place")
    assert set(lost(report)) == {"Affine"}


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_worker_killed_between_checks_costs_no_other_target(isolation, tmp_path):
    report = graded([(TANH_BACKWARD, DEFERRED_KILL)], tmp_path, isolation, "deferred")
    assert set(lost(report)) <= {"Tanh"}, [(c["id"], c["message"]) for c in report["checks"]
                                           if c["status"] not in ("pass", "skip")]



def test_a_worker_that_dies_while_the_next_check_is_readied_is_replaced():
    # What a check left running (the timer above) may end the worker during the grader's own
    # request that seeds the next check: that check gets a fresh worker, not the blame.
    cells = ["import os, numpy\n\ndef arm():\n    numpy.random.seed = lambda *args: os._exit(0)\n\n"
             "def double(x):\n    return 2 * x\n"]
    with Sandbox(cells) as sandbox:
        sandbox.run_cells()
        student = Student(sandbox, "layers")
        student.call("arm")
        student.prepare_for("affine.forward", "Affine")
        assert student.call("double", 21) == 42 and sandbox.restarts == 1
