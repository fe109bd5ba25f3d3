"""A corpus of CORRECT submissions written the way learners write them (both books' idioms,
Dive into Deep Learning's, PyTorch habits, magics, demos, Korean and Japanese comments): every
one must get full marks from the real grader CLI. A failure here is a false positive of the
grader (or a variant that is wrong by the contract of design.md and the solution notebooks);
see tests/variants/README.md.

Each variant is a percent-format `.py` file (cells split at `# %%`), graded as it is. Variants
with a cell magic (`%%time`, `%%writefile`, ...) are also graded as the notebook they stand
for, built with jupytext's percent convention (the `# %%` line marks a cell and is not part of
it), since the grader reads the two forms differently there.
"""
import re
from pathlib import Path

import nbformat
import pytest

from gradelib import grade

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent / "variants" / "correct"
REQUIRED = {"layers": 20, "optimizers": 20, "spiral": 20,
            "forward": 12, "gradients": 12, "regularization": 12, "model_selection": 12, "blocks": 12}
CELL_MAGIC = re.compile(r"^%%\w", re.MULTILINE)
# The only points a correct variant may lose: the checks of a feature it does not have by design.
# The book's three-argument TwoLayerNet has no dtype: it loses the check of the dtype argument
# itself (design.md), and nothing else.
EXPECTED_LOSSES = {"spiral/dlfs2_book_three_arg.py": {"emulated_device.two_layer_net"}}


def variants():
    return sorted(CORPUS.glob("*/*.py"))


def variant_param(path):
    return pytest.param(path, id=f"{path.parent.name}-{path.stem}")


def percent_to_notebook(path):
    """The notebook a percent-format script stands for: a `# %%` line starts a cell and is not
    part of it; `# %% [markdown]` cells hold commented markdown."""
    cells, kind, lines = [], "code", []

    def flush():
        text = "".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                             for line in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif text:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def assert_full_marks(report, proc, label, allowed=frozenset()):
    assert report is not None, f"{label}: no report.json (exit {proc.returncode}): {proc.stderr[-2000:]}"
    assert report["error"] is None, f"{label}: the grader could not read it: {report['error']}"
    lost = [f"  {c['id']} [{c['status']}, {c['points']}/{c['max_points']}]: {c['message']}"
            + (f" | hint: {c['hint']}" if c.get("hint") else "")
            for c in report["checks"] if c["status"] not in ("pass", "skip") and c["id"] not in allowed]
    cells = [f"  cell {c['index']}: {c['message']}" for c in report.get("cells") or []]
    allowed_points = sum(c["max_points"] - c["points"] for c in report["checks"] if c["id"] in allowed)
    assert not lost and report["score"] == report["max_score"] - allowed_points, "\n".join(
        [f"{label}: {report['score']} of {report['max_score']}; checks that lost points:", *lost]
        + (["cells that failed:", *cells] if cells else []))


def test_the_corpus_is_large_enough():
    counts = {assignment: len(list((CORPUS / assignment).glob("*.py"))) for assignment in REQUIRED}
    short = {a: (counts[a], n) for a, n in REQUIRED.items() if counts[a] < n}
    assert not short, f"variants per assignment (have, need): {short}"
    assert {p.parent.name for p in variants()} == set(REQUIRED), "a folder is not an assignment id"


@pytest.mark.parametrize("path", [variant_param(p) for p in variants()])
def test_correct_variant_gets_full_marks(path, tmp_path):
    report, proc = grade(path, path.parent.name, out=tmp_path / "report")
    label = path.relative_to(CORPUS)
    assert_full_marks(report, proc, label, EXPECTED_LOSSES.get(label.as_posix(), frozenset()))


@pytest.mark.parametrize("path", [variant_param(p) for p in variants()
                                  if CELL_MAGIC.search(p.read_text(encoding="utf-8"))])
def test_correct_variant_as_a_notebook_gets_full_marks(path, tmp_path):
    notebook = tmp_path / f"{path.stem}.ipynb"
    nbformat.write(percent_to_notebook(path), notebook)
    report, proc = grade(notebook, path.parent.name, out=tmp_path / "report")
    assert_full_marks(report, proc, f"{path.relative_to(CORPUS)} as .ipynb")
