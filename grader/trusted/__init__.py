"""Trusted helpers: what a check needs around the name it grades, in place of the student's.

A check of target T judges the submission's T and nothing else the student wrote. Where T is
built on other graded names of the notebook (a `forward` that calls `sigmoid`, a `Trainer` that
calls `clip_grads`), the check runs with plain textbook versions of those names, from
`grader/trusted/<assignment>.py`, standing in for the student's during each of its requests
(the worker swaps them into the notebook's namespace and back, see runtime/worker.py); and
where a check needs a model, an optimizer or a container around T, it builds a trusted one
(`Student.trusted`). A mistake in `sigmoid` is then charged to `sigmoid` alone. Names the
notebook provides are never swapped: a student may rewrite them in a style of their own.

Each helper file lists the assignment's graded names in `ORDER`, the order they build on each
other. A check of T gets the helpers the file defines for the names before T (and those for
names the notebook provides, which `ORDER` does not list), never T's own or a later one; and
the checks run in that order (judge/plugin.py). So a helper reaches the worker only after every check
of the name it stands in for has run, and no submission can pass one off as its own work.
The files are sent as source; they are not the reference, which never leaves the judge.
"""
import ast
import functools
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def _parsed(assignment):
    """(ORDER, [(defined name or None, source of the statement)]) of the assignment's helper file."""
    path = HERE / f"{assignment}.py"
    if not path.is_file():
        return [], []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    order, statements = [], []
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["ORDER"]:
            order = list(ast.literal_eval(node.value))
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # not the docstring
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            name = node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else None
            statements.append((name, "".join(lines[start - 1:node.end_lineno])))
    return order, statements


def order(assignment):
    """The assignment's graded names in the order they build on each other ([] without helpers)."""
    return _parsed(assignment)[0]


def builds_on_others(assignment, target):
    """Whether checks of `target` run with helpers standing in for other graded names."""
    names = order(assignment)
    return target in names and names.index(target) > 0


@functools.lru_cache(maxsize=None)
def helpers_for(assignment, target, twins=True):
    """The helpers a check of `target` runs with, or None: {"key", "source", "filename", "twins"},
    twins being the graded names whose helpers stand in for the submission's (none without
    `twins`: the check runs with the student's own names)."""
    names, statements = _parsed(assignment)
    if not statements:
        return None
    allowed = set(names[:names.index(target)]) if target in names else set()
    source = "\n\n".join(code for name, code in statements if name is None or name not in names or name in allowed)
    return {"key": hashlib.sha256(source.encode()).hexdigest()[:16], "source": source + "\n",
            "filename": f"<trusted {assignment} helpers for {target}>",
            "twins": [name for name, _ in statements if name in allowed] if twins else []}
