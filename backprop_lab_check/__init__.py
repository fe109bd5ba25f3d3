"""Visible checks for the backprop-lab notebooks, run in the student's own kernel.

    from backprop_lab_check import check
    check("Affine")                 # one graded name, or several: check("Sigmoid", "Relu")

    from backprop_lab_check import use_language
    use_language("ko")              # the checks' messages in Korean (한국어) from now on

`check` runs the public checks of those names against the objects your notebook
defines, shows a table (HTML in Jupyter, text elsewhere) with the same kind of message
the hidden grader gives, and raises when one does not pass. The hidden grader runs more
checks, on other inputs, in a sandbox; passing these is a good sign, not a grade.

The messages are in the notebook's own language (its `backprop_lab` metadata, which the
Korean notebooks set; found where Jupyter or VS Code tell the kernel the notebook's file), else
in the environment's (`BACKPROP_LAB_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`), until
`use_language` chooses one.

This package holds no reference solution and no hidden check.
"""
import functools
import importlib
import json
import sys

from . import i18n
from .i18n import _

__all__ = ["check", "use_language", "run", "targets", "ChecksFailed", "Result"]
# Imported on first use (PEP 562): the grader imports this package for its messages (i18n) and
# its folder before it starts a worker, and needs NumPy only later.
_LAZY = {"run": "registry", "targets": "registry", "ChecksFailed": "result", "Result": "result"}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def check(*names, assignment=None, namespace=None):
    """Run the visible checks of `names`, show the result, raise if one did not pass.

    `namespace` defaults to the caller's globals (the notebook's variables)."""
    __tracebackhide__ = True
    from .registry import run, targets

    if not names:
        raise TypeError(_("check() needs the name(s) to check, e.g. check(\"Affine\"); names with visible checks: "
                          "{names}").format(names=", ".join(targets(assignment))))
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if not _chosen:
        i18n.use(_notebook_language(namespace) or i18n.resolve())
    result = run(names, namespace, assignment)
    _show(result)
    result.raise_for_status()


_chosen = False  # use_language() was called: its choice wins over the notebook's own language
NOTEBOOK_FILE = ("__session__", "__vsc_ipynb_file__")  # what Jupyter (ipykernel) and VS Code name it


def use_language(language):
    """Show the messages of `check` in `language` from now on: "ko" (Korean) or "en" (English),
    whatever the notebook's own language."""
    global _chosen
    if not i18n.supported(language):
        raise ValueError(_("use_language() takes one of {languages}, not {language!r}").format(
            languages=", ".join(repr(code) for code in i18n.LANGUAGES), language=language))
    _chosen = True
    return i18n.use(language)


def _notebook_language(namespace):
    """The language the running notebook's metadata declares, or None (not in a notebook whose
    file the kernel knows, or none declared)."""
    path = next((namespace.get(name) for name in NOTEBOOK_FILE if isinstance(namespace.get(name), str)), None)
    return _declared_language(path) if path and path.endswith(".ipynb") else None


@functools.lru_cache(maxsize=8)
def _declared_language(path):
    try:
        with open(path, encoding="utf-8") as notebook:
            metadata = json.load(notebook).get("metadata", {}).get("backprop_lab", {})
    except (OSError, ValueError, AttributeError):
        return None
    return i18n.supported(metadata.get("language")) if isinstance(metadata, dict) else None


def _show(result):
    """display() in IPython (HTML, with the text as the plain fallback); print elsewhere."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and type(shell).__name__ != "TerminalInteractiveShell":
        from IPython.display import display
        display(result)
    else:
        print(result)
