"""The device run's slice of a notebook (grader/slicing.py): what it keeps, what it drops."""
import ast
import textwrap
from pathlib import Path

import pytest

from grader.assignments import DEVICE_TARGETS, check_module
from grader.judge import device
from grader.judge.device import ATTRIBUTES_USED
from grader.loading import load
from grader.slicing import MAX_STATEMENTS, only_a_tail_dropped, slice_cells

REPO_SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def cells(*sources):
    return [textwrap.dedent(source).lstrip("\n") for source in sources]


def kept(sliced):
    return [[line for line in cell.split("\n") if line.strip()] for cell in sliced]


def test_demos_and_their_imports_are_dropped_definitions_and_what_they_read_are_kept():
    notebook = cells(
        """
        import numpy as np
        import matplotlib.pyplot as plt
        SCALE = 0.01
        """,
        """
        def init(shape):
            return np.random.randn(*shape) * SCALE

        class Affine:
            def __init__(self, W, b):
                self.params = [W, b]

        class Unused:
            pass
        """,
        """
        np.random.seed(0)
        layer = Affine(init((2, 3)), np.zeros(3))
        plt.plot(layer.params[0].ravel())
        plt.show()
        """)
    sliced = slice_cells(notebook, ["Affine"])
    assert kept(sliced) == [[],
                            ["class Affine:", "    def __init__(self, W, b):", "        self.params = [W, b]"],
                            []]
    # the class reads nothing at module level; a function that does pulls in what it reads
    sliced = slice_cells(notebook, ["init"])
    assert kept(sliced)[0] == ["import numpy as np", "SCALE = 0.01"]
    # dropped statements become blank lines: tracebacks keep the notebook's line numbers
    assert [cell.count("\n") for cell in sliced] == [cell.count("\n") for cell in notebook]


def test_changes_to_a_needed_name_are_kept_wherever_they_are():
    notebook = cells(
        """
        import numpy as np
        REGISTRY = []
        NAMES = {}
        class Sigmoid:
            def forward(self, x):
                NAMES.setdefault("forward", 0)
                return 1 / (1 + np.exp(-x))
        """,
        """
        def fixed_backward(self, dout):
            return dout * self.out * (1 - self.out)
        Sigmoid.backward = fixed_backward
        REGISTRY.append(Sigmoid)
        NAMES.update(sigmoid=Sigmoid)
        patch(Sigmoid)
        for cls in (Sigmoid, int):
            print(cls())
        plot_me = [1, 2]
        plot_me.append(3)
        """,
        """
        class Sigmoid(Sigmoid):
            pass
        """)
    # a call given Sigmoid itself may change it (and so needs REGISTRY); NAMES is read by
    # Sigmoid, so its update stays; a loop over Sigmoid only uses it, plot_me is not needed
    assert kept(slice_cells(notebook, ["Sigmoid"])) == [
        ["import numpy as np", "REGISTRY = []", "NAMES = {}", "class Sigmoid:", "    def forward(self, x):",
         '        NAMES.setdefault("forward", 0)', "        return 1 / (1 + np.exp(-x))"],
        ["def fixed_backward(self, dout):", "    return dout * self.out * (1 - self.out)",
         "Sigmoid.backward = fixed_backward", "REGISTRY.append(Sigmoid)", "NAMES.update(sigmoid=Sigmoid)",
         "patch(Sigmoid)"],
        ["class Sigmoid(Sigmoid):", "    pass"]]


def test_statements_sharing_a_line_and_decorators_go_together():
    notebook = cells(
        """
        import functools; import matplotlib.pyplot as plt
        @functools.lru_cache()
        def table():
            return 1
        @functools.lru_cache()
        def demo():
            return 2
        """)
    assert kept(slice_cells(notebook, ["table"])) == [
        ["import functools; import matplotlib.pyplot as plt", "@functools.lru_cache()", "def table():",
         "    return 1"]]


def test_future_imports_stay_first():
    notebook = cells("from __future__ import annotations\nx = 1\nclass A:\n    def f(self) -> B: ...\n")
    assert kept(slice_cells(notebook, ["A"])) == [["from __future__ import annotations", "class A:",
                                                    "    def f(self) -> B: ..."]]


@pytest.mark.parametrize("opaque", [
    "def f():\n    global W\n    W = 1\n",
    "exec('class Affine: pass')\n",
    "globals()['Affine'] = object\n",
    "setattr(Affine, 'forward', None)\n",
    "from numpy import *\n",
    "import sys\nsys.modules['x'] = None\n",
    "get_ipython().run_cell_magic('time', '', 'class Affine:\\n    pass\\n')\n",
    "Affine.__dict__\n",
    "def broken(:\n",
    "x = 1\x0cy = 2\n",
])
def test_code_a_static_reading_cannot_follow_is_not_sliced(opaque):
    notebook = cells("import matplotlib.pyplot as plt\nclass Affine:\n    pass\n", opaque)
    assert slice_cells(notebook, ["Affine"]) == notebook


@pytest.mark.parametrize("assignment", sorted(DEVICE_TARGETS))
def test_the_solutions_device_slices_leave_out_matplotlib(assignment):
    notebook = load(REPO_SOLUTIONS / f"{assignment}.ipynb").cells
    names = sorted(DEVICE_TARGETS[assignment])
    sliced = slice_cells(notebook, names, attributes=ATTRIBUTES_USED)
    dropped_import = "import matplotlib.pyplot as plt"
    assert any(dropped_import in cell for cell in notebook)
    assert not any(dropped_import in cell for cell in sliced)
    text = "\n".join(sliced)
    assert all(f"class {name}" in text for name in names)
    if assignment == "spiral":  # kept, though what only it reads is not
        assert "    def plot(self" in text


TRAINER = """
    import numpy as np
    import matplotlib.pyplot as plt
    import time

    class Trainer:
        def fit(self, x):
            self.loss_list = [np.mean(x)]
            self.log()

        def log(self):
            self.stamp = time.time()

        def plot(self):
            plt.plot(self.loss_list)
    """


def test_a_method_nothing_calls_does_not_pull_in_what_it_reads():
    notebook = cells(TRAINER)
    sliced = kept(slice_cells(notebook, ["Trainer"], attributes={"fit", "loss_list"}))[0]
    # fit reads np and calls self.log, which reads time; plot alone reads plt
    assert "import numpy as np" in sliced and "import time" in sliced
    assert "import matplotlib.pyplot as plt" not in sliced
    assert "        plt.plot(self.loss_list)" in sliced
    # without the caller's attributes, or when a name is used anywhere, the method counts
    assert kept(slice_cells(notebook, ["Trainer"]))[0][:3] == kept(notebook)[0][:3]
    calls_plot = cells(TRAINER, "def report(trainer):\n    trainer.plot()\n")
    assert "import matplotlib.pyplot as plt" in kept(slice_cells(calls_plot, ["Trainer", "report"],
                                                                 attributes={"fit"}))[0]


@pytest.mark.parametrize("dynamic", [
    "def show(trainer):\n    getattr(trainer, 'pl' + 'ot')()\n",
    "from operator import methodcaller\n",
    "class Proxy:\n    def __getattr__(self, name):\n        return 1\n",
])
def test_methods_reached_by_a_computed_name_all_count(dynamic):
    notebook = cells(TRAINER, dynamic)
    assert "import matplotlib.pyplot as plt" in kept(slice_cells(notebook, ["Trainer"], attributes={"fit"}))[0]


@pytest.mark.parametrize("definition", [
    "    @register\n    def plot(self):\n        plt.plot()\n",         # a decorator may call it
    "    def __call__(self):\n        plt.plot()\n",                    # Python calls dunders itself
    "    def plot(self, ax=plt.gca()):\n        pass\n",                 # defaults run with the class
    "    @property\n    def loss_list(self):\n        return plt.gcf()\n",  # an attribute the caller reads
    "    def plot(self):\n        plt.plot()\n    fit = plot\n",             # run under another name
])
def test_what_runs_with_the_class_or_by_the_callers_names_counts(definition):
    notebook = cells("import matplotlib.pyplot as plt\nregister = print\n",
                     "class Trainer:\n" + definition)
    sliced = kept(slice_cells(notebook, ["Trainer"], attributes={"fit", "loss_list"}))
    assert "import matplotlib.pyplot as plt" in sliced[0]


def device_check_functions():
    """Every function a device check runs: the tests of the check modules that take the
    `on_device` fixture, the module's functions they call (transitively), and judge/device.py's."""
    found = [node for node in ast.walk(ast.parse(Path(device.__file__).read_text()))
             if isinstance(node, ast.FunctionDef)]
    for assignment in DEVICE_TARGETS:
        module = ast.parse(check_module(assignment).read_text())
        functions = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}
        todo = [f for f in functions.values() if "on_device" in [a.arg for a in f.args.args]]
        assert todo, f"no device check in {check_module(assignment).name}"
        seen = set()
        while todo:
            function = todo.pop()
            if function.name not in seen:
                seen.add(function.name)
                found.append(function)
                todo += [functions[node.func.id] for node in ast.walk(function) if isinstance(node, ast.Call)
                         and isinstance(node.func, ast.Name) and node.func.id in functions]
    return found


def test_the_device_checks_reach_only_the_attributes_the_slice_is_told_of():
    # objects built from the judge's trusted helpers (x.trusted(...), or f(x.trusted(...), ...)) are not
    # the submission's: the slice does not cut them
    def trusted_call(value):
        return isinstance(value, ast.Call) and (
            isinstance(value.func, ast.Attribute) and value.func.attr == "trusted"
            or isinstance(value.func, ast.Name) and bool(value.args) and trusted_call(value.args[0]))

    def helpers_in(function):
        return {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                for value in (node.value.elts if isinstance(node.value, ast.Tuple) else [node.value])
                if trusted_call(value)
                for target in ast.walk(node) if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store)}

    reached = {node.args[0].value for function in device_check_functions()
               for node in ast.walk(function)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in {"call", "get", "set_item", "ids", "scan"}
               and not ast.unparse(node.func.value).startswith("self.")  # the judge's own dicts
               and ast.unparse(node.func.value) not in helpers_in(function)
               and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    assert {"fit", "params", "loss_list", "update", "forward", "backward", "predict"} <= reached
    assert {name for name in reached if not name.startswith("__")} <= ATTRIBUTES_USED


def test_long_chains_are_followed_and_huge_notebooks_run_whole():
    # a0 needs a1, which needs a2, ...: stated backwards, so each is defined after its reader
    chain = "".join(f"a{i} = a{i + 1}\n" for i in range(3000)) + "a3000 = 1\nunused = 2\n"
    notebook = cells("import matplotlib.pyplot as plt\n", chain, "class A:\n    x = a0\n")
    sliced = slice_cells(notebook, ["A"])
    assert sliced[0] == "\n" and sliced[1] == chain.replace("unused = 2\n", "\n")
    huge = cells("import matplotlib.pyplot as plt\n", "x = 1\n" * (MAX_STATEMENTS + 1), "class A:\n    pass\n")
    assert slice_cells(huge, ["A"]) == huge


def test_a_slice_that_drops_only_a_tail_runs_the_same_code_up_to_where_it_stops():
    whole = "class A:\n    pass\nA().demo()\n# a comment\nplot()\n"
    assert only_a_tail_dropped("class A:\n    pass\n\n# a comment\n\n", whole)
    assert only_a_tail_dropped(whole, whole)
    assert not only_a_tail_dropped("\nclass B:\n    pass\n", "demo()\nclass B:\n    pass\n")
