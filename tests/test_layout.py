"""The grader's architecture as its imports show it: no cycles, and every import pointing down
the layers of docs/grader.md (a module imports its own layer or the ones below it), counting
the imports made inside functions too."""
import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("grader", "backprop_lab_check")

# Lowest first. A module belongs to the first layer one of whose prefixes it starts with.
LAYERS = [
    ("foundations", ["backprop_lab_check", "grader.text", "grader.limits", "grader.version",
                     "grader.assignments", "grader.slicing", "grader.runtime", "grader.trusted"]),
    ("data", ["grader.files", "grader.report"]),
    ("reading and scoring", ["grader.loading", "grader.scoring"]),
    ("sandbox", ["grader.sandbox"]),
    ("judge", ["grader.judge", "grader.checks"]),
    ("render", ["grader.render"]),
    ("pipeline", ["grader.pipeline"]),
    ("batch", ["grader.batch"]),
    ("platforms", ["grader.platforms"]),
    ("command line", ["grader.cli", "grader.__main__", "grader"]),
]


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def exists(name):
    path = ROOT / name.replace(".", "/")
    return (path / "__init__.py").exists() or path.with_suffix(".py").exists()


def imports_of(path):
    """The project's modules that the file at `path` imports, anywhere in it."""
    me = module_name(path)
    package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            # `from package import name` imports `package` itself, and the submodule `name` when
            # there is one
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names if exists(f"{base}.{alias.name}")}
    return {name for name in found if name.split(".")[0] in PACKAGES and exists(name) and name != me}


@functools.lru_cache(maxsize=None)
def import_graph():
    return {module_name(path): imports_of(path) for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py")) if "__pycache__" not in path.parts}


def layer_of(module):
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to docs/grader.md")


def test_the_grader_has_no_import_cycle():
    graph = import_graph()
    state, cycles = {}, []

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(import_graph()))
def test_imports_point_down_the_layers(module):
    # a package above the module (`from .. import files` imports `grader` first) is not a layer
    upward = [f"{target} ({LAYERS[layer_of(target)][0]})" for target in sorted(import_graph()[module])
              if layer_of(target) > layer_of(module) and not module.startswith(target + ".")]
    assert upward == [], f"{module} ({LAYERS[layer_of(module)][0]}) imports a higher layer"


def test_every_package_is_installed():
    """pyproject.toml lists every package folder (a non-editable install copies only those),
    and the report templates' folder and the compiled message catalogues as package data."""
    tomllib = pytest.importorskip("tomllib")
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {module_name(init) for top in (*PACKAGES, "reference") for init in (ROOT / top).rglob("__init__.py")
               if "__pycache__" not in init.parts}
    assert set(setuptools["packages"]) == folders | {"grader.render.templates"}
    assert setuptools["package-data"] == {"grader.render.templates": ["*.j2"],
                                          "backprop_lab_check": ["locale/*/LC_MESSAGES/*.mo"]}
    assert list((ROOT / "backprop_lab_check").glob("locale/*/LC_MESSAGES/*.mo"))


def test_the_judge_does_not_load_the_visible_checks():
    """The visible checks register themselves when imported; the hidden checks share only the
    check language (verdicts, gradcheck, outcomes, tolerances) with them."""
    loads = {module: sorted(t for t in targets if t.startswith("backprop_lab_check.checks"))
             for module, targets in import_graph().items() if module.startswith("grader.")}
    assert {module: found for module, found in loads.items() if found} == {}
