"""One target, one verdict (issue 13): a check of target T judges the submission's T and nothing
else the student wrote. For every graded name T of the assignments whose names build on each
other, the solution with every OTHER graded name stubbed out (its body raises NotImplementedError,
as in the exercise) must still earn all of T's points: no check of T reaches another graded name
of the submission (the trusted helpers of grader/trusted/ stand in for them).
"""
import ast

import pytest

from gradelib import grade, solution, write
from grader import trusted

pytestmark = pytest.mark.slow

STUB = ast.parse("raise NotImplementedError()").body


def stubbed(tree, names):
    """The module with the bodies of the functions and methods of `names` replaced by a stub."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            node.body = list(STUB)
        elif isinstance(node, ast.ClassDef) and node.name in names:
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    item.body = list(STUB)
    return tree


def only(assignment, target):
    """The solution notebook with every graded name but `target` stubbed out."""
    others = set(trusted.order(assignment)) - {target}
    nb = solution(assignment)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        if any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in others for n in tree.body):
            cell.source = ast.unparse(stubbed(tree, others)) + "\n"
    return nb


CASES = [pytest.param(a, t, id=f"{a}-{t}") for a in ("forward", "gradients", "spiral", "blocks")
         for t in trusted.order(a)]


@pytest.mark.parametrize("assignment, target", CASES)
def test_a_target_is_judged_alone(assignment, target, tmp_path):
    report, proc = grade(write(only(assignment, target), tmp_path / f"{assignment}.ipynb"), assignment)
    assert proc.returncode == 0, proc.stderr
    (subtotal,) = [t for t in report["targets"] if t["target"] == target]
    failed = [(c["id"], c["message"]) for c in report["checks"] if c["target"] == target
              and c["status"] not in ("pass", "skip")]
    assert subtotal["score"] == subtotal["max_score"], failed
