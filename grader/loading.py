"""Reading a submission (.ipynb of any nbformat version, or .py) into code cells.

Only text is handled here: nothing of the submission runs in the judge. IPython
syntax (magics, `!shell` lines, `x?` help) is rewritten by IPython's own
transformer into calls on `get_ipython()`, which the worker answers with no-ops,
so a notebook that uses them still runs as plain Python.
"""
import ast
import hashlib
import json
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from backprop_lab_check.i18n import _

from . import files
from .text import shown_name

MAX_SUBMISSION_BYTES = 50 << 20
MAX_CODE_CELLS = 2000
# JSON values are parsed before anything else can be counted, and a small object costs the
# parser a hundred times its text: a notebook with more JSON containers or items than this
# is refused unparsed (a real notebook of 2000 cells with outputs has a few tens of thousands).
MAX_JSON_CONTAINERS = 500_000
MAX_JSON_ITEMS = 2_000_000
MAX_OLD_FORMAT_CELLS = 10_000  # nbformat 1-3 notebooks are converted by nbformat, in memory
TRANSFORM_BUDGET_S = 5.0  # IPython syntax rewriting, for all the cells of one submission
METADATA_KEY = "backprop_lab"


class SubmissionError(Exception):
    """The submission cannot be read at all; the message is a sentence for the report."""


@dataclass
class Submission:
    path: Path
    sha256: str
    cells: list = field(default_factory=list)
    assignment: str = None
    warnings: list = field(default_factory=list)
    language: str = None  # the natural language the notebook is written in (its backprop_lab metadata)


def load(path):
    path = Path(path)
    name, data, text = _read(path)
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix == ".py":
        submission = Submission(path, digest, _python_cells(text))
    else:
        submission = Submission(path, digest, *_notebook(name, text, data))
    if len(submission.cells) > MAX_CODE_CELLS:
        submission.warnings.append(_("The submission has {count} code cells; only the first {run} were run.").format(
            count=len(submission.cells), run=MAX_CODE_CELLS))
        del submission.cells[MAX_CODE_CELLS:]
    deadline = time.monotonic() + TRANSFORM_BUDGET_S
    submission.cells = [_plain_python(cell, deadline) for cell in submission.cells]
    return submission


def _read(path):
    """(the name as shown, the bytes, the text) of the submission file `path`."""
    name = shown_name(path.name)
    try:
        data = files.read_regular(path, MAX_SUBMISSION_BYTES, name)
    except files.Refused as exc:
        raise SubmissionError(str(exc)) from None
    try:
        return name, data, data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError(_("{name} is not a text file (it is not UTF-8), so it is not a notebook or a Python "
                                "file.").format(name=name)) from None


def read_notebook(path):
    """The notebook at `path` as plain data in nbformat 4 (a dict whose `cells` is a list);
    SubmissionError with the report's sentence when it cannot be read."""
    name, data, text = _read(Path(path))
    return _notebook_data(name, text, data)


def _notebook(name, text, data):
    """(code cells, assignment id or None, warnings, language or None) of a notebook's text."""
    nb = _notebook_data(name, text, data)
    cells, skipped = [], 0
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if _is_visible_test(cell):
            skipped += 1
            continue
        cells.append(cell_source(cell))
    metadata = nb.get("metadata")
    meta = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    assignment = meta.get("assignment") if isinstance(meta, dict) else None
    language = meta.get("language") if isinstance(meta, dict) else None
    warnings = [] if cells or skipped else ["The notebook has no code cells."]
    return (cells, assignment if isinstance(assignment, str) else None, warnings,
            language if isinstance(language, str) else None)


def _notebook_data(name, text, data):
    """The notebook of a notebook file's text as plain data in nbformat 4, parsed only when its
    size allows."""
    if not text.strip():
        raise SubmissionError(_("{name} is empty.").format(name=name))
    containers, items = data.count(b"{") + data.count(b"["), data.count(b",")
    if containers > MAX_JSON_CONTAINERS or items > MAX_JSON_ITEMS:
        raise SubmissionError(_("{name} has more JSON objects and items than any notebook the grader reads "
                                "({containers} objects and arrays, {items} items); save it again from Jupyter.").format(
            name=name, containers=containers, items=items))
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise SubmissionError(_("{name} is not a Jupyter notebook: it is not valid JSON ({error}).").format(
            name=name, error=exc)) from None
    except RecursionError:
        raise SubmissionError(_("{name} is not a Jupyter notebook: its JSON is nested too deeply.").format(
            name=name)) from None
    if not isinstance(raw, dict) or ("cells" not in raw and "worksheets" not in raw):
        raise SubmissionError(_("{name} is JSON but not a Jupyter notebook (it has no cells).").format(name=name))
    if raw.get("nbformat") == 4 and isinstance(raw.get("cells"), list):
        return raw  # read directly: importing nbformat costs about a second (jsonschema)
    return _convert(name, raw, text)


def cell_source(cell):
    """A cell's source as one string (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def nbgrader_metadata(cell):
    """A cell's nbgrader metadata, or {} when it has none (or a submission mangled it)."""
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def _is_visible_test(cell):
    """nbgrader's locked self-check cells only assert: the hidden checks replace them,
    and skipping them saves the time their numerical gradients take."""
    nbgrader = nbgrader_metadata(cell)
    return nbgrader.get("grade") is True and not nbgrader.get("solution")


def _convert(name, raw, text):
    """Older notebook formats (v1-v3), upgraded by nbformat itself, when they are of a size
    whose conversion stays small in memory."""
    worksheets = raw.get("worksheets")
    cells = sum(_count(w.get("cells")) for w in worksheets if isinstance(w, dict)) \
        if isinstance(worksheets, list) else _count(raw.get("cells"))
    if cells > MAX_OLD_FORMAT_CELLS:
        raise SubmissionError(_("{name} is an old-format notebook (nbformat {version}) with {cells} cells; the "
                                "grader converts at most {limit}. Open it in Jupyter and save it again (as nbformat "
                                "4).").format(
            name=name, version=str(raw.get("nbformat"))[:20], cells=cells, limit=MAX_OLD_FORMAT_CELLS))
    import nbformat

    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many types for bad input
        raise SubmissionError(_("{name} is not a readable Jupyter notebook ({error}).").format(
            name=name, error=f"{type(exc).__name__}: {str(exc)[:300]}")) from None


def _count(cells):
    return len(cells) if isinstance(cells, list) else 0


def _python_cells(text):
    """A .py file is split into cells at `# %%` lines (the percent format, as jupytext reads it):
    the marker line starts a cell and is not part of it, so a cell magic right after it works as
    in the notebook; `# %% [markdown]` and `# %% [raw]` cells are not code. A failing cell does not
    stop the cells after it."""
    cells, current, code = [], [], True
    for line in text.splitlines(keepends=True):
        if line.startswith("# %%"):
            if code and "".join(current).strip():
                cells.append("".join(current))
            current, code = [], not re.match(r"# %%.*\[(markdown|md|raw)\]", line)
            continue
        current.append(line)
    if code and "".join(current).strip():
        cells.append("".join(current))
    return cells


def _plain_python(source, deadline=None):
    """IPython syntax rewritten to plain Python. IPython's transformer re-tokenizes the
    whole cell after each rewrite (quadratic in the number of magics), so the judge
    gives all cells together TRANSFORM_BUDGET_S; a cell left over is run as written."""
    try:
        ast.parse(source)
        # Plain Python already, which IPython leaves as it is (but for a final newline).
        return source if source.endswith("\n") else source + "\n"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    left = (deadline - time.monotonic()) if deadline is not None else TRANSFORM_BUDGET_S
    if left <= 0:
        return source
    try:
        return _within(left, lambda: TransformerManager().transform_cell(source), source)
    except (Exception, _TooSlow):
        # A cell IPython cannot parse (or not in time) is left alone; the worker reports its SyntaxError.
        return source


class _TooSlow(BaseException):
    """Not an Exception: IPython's own `except Exception` must not swallow it."""


_ESCAPES = re.compile(r"^\s*[%!]|\?\s*$|=\s*[%!]", re.MULTILINE)


def _within(seconds, work, source):
    """work(), interrupted after `seconds` by SIGALRM. Signals reach the main thread
    only: elsewhere a cell with very many IPython escapes is not transformed at all."""
    if threading.current_thread() is not threading.main_thread():
        if len(_ESCAPES.findall(source)) > 200:
            raise _TooSlow()
        return work()

    def on_alarm(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return work()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
