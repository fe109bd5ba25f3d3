"""Visible checks for the backprop-lab notebooks, run in the student's own kernel.

    from backprop_lab_check import check
    check("Affine")                 # one graded name, or several: check("Sigmoid", "Relu")

    from backprop_lab_check import use_language
    use_language("ko")              # the checks' messages in Korean (한국어) from now on

`check` runs the public checks of those names against the objects your notebook
defines, shows a table (HTML in Jupyter, text elsewhere) with the same kind of message
the hidden grader gives, and raises when one does not pass. The hidden grader runs more
checks, on other inputs, in a sandbox; passing these is a good sign, not a grade.

The messages are in the language of the environment (`BACKPROP_LAB_LANG`, then `LC_ALL`,
`LC_MESSAGES`, `LANG`) until `use_language` chooses one.

This package holds no reference solution and no hidden check.
"""
import sys

from . import i18n
from .i18n import _
from .result import ChecksFailed, Result
from .registry import run, targets

__all__ = ["check", "use_language", "run", "targets", "ChecksFailed", "Result"]


def check(*names, assignment=None, namespace=None):
    """Run the visible checks of `names`, show the result, raise if one did not pass.

    `namespace` defaults to the caller's globals (the notebook's variables)."""
    __tracebackhide__ = True
    if not names:
        raise TypeError(_("check() needs the name(s) to check, e.g. check(\"Affine\"); names with visible checks: "
                          "{names}").format(names=", ".join(targets(assignment))))
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    result = run(names, namespace, assignment)
    _show(result)
    result.raise_for_status()


def use_language(language):
    """Show the messages of `check` in `language` from now on: "ko" (Korean) or "en" (English).
    A notebook written in Korean calls use_language("ko") in its setup cell."""
    if not i18n.supported(language):
        raise ValueError(_("use_language() takes one of {languages}, not {language!r}").format(
            languages=", ".join(repr(code) for code in i18n.LANGUAGES), language=language))
    return i18n.use(language)


def _show(result):
    """display() in IPython (HTML, with the text as the plain fallback); print elsewhere."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and type(shell).__name__ != "TerminalInteractiveShell":
        from IPython.display import display
        display(result)
    else:
        print(result)
