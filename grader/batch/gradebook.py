"""The gradebook of a batch: `gradebook.csv` (a row per student, a column per assignment, the
total, and `tamper` when Classroom clones were compared with the template; once teaching
assistants' points for the written questions are merged in, `<assignment> written` columns and
`total with written`), `gradebook.json` (per student and assignment: score, max_score, error,
status, report; what was refused and ignored; `written`), and the table printed at the end. A student's name never starts a spreadsheet
formula in the CSV, nor drives a console."""
from __future__ import annotations

import csv
import io
import json
from contextlib import suppress
from pathlib import Path

from backprop_lab_check.i18n import N_, _, ngettext

from .. import files
from ..text import csv_cell, shown_name, terminal
from .results import CACHED, FAILED, GRADED, REFUSED
from .store import GRADEBOOK_CSV, GRADEBOOK_JSON


def points(score: float) -> str:
    """37 -> '37.0', 36.75 -> '36.75'."""
    return str(round(float(score), 4))


# What a submission's status (gradebook.json's `status`, which stays English) is called on the console.
STATUS_WORDS = {GRADED: N_("graded"), CACHED: N_("cached"), FAILED: N_("failed"), REFUSED: N_("refused")}


def status_word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def summary_line(graded: int, cached: int, failed: int, refused: int, elapsed: float) -> str:
    counts = dict(graded=graded, cached=cached, failed=failed, refused=refused, seconds=elapsed)
    if refused:
        return _("{graded} graded, {cached} cached, {failed} failed, {refused} refused (see gradebook.json) "
                 "in {seconds:.1f} s").format(**counts)
    return _("{graded} graded, {cached} cached, {failed} failed in {seconds:.1f} s").format(**counts)


def write_gradebook(out: Path, batch) -> tuple[Path, Path]:
    """Write `out/gradebook.csv` (student, one column per assignment, total, and `tamper` when
    Classroom clones were compared with the template) and `out/gradebook.json` (per student
    reports folder and assignment: score, max_score, error, status, report; `names`: each
    folder's student as shown; `tamper`: folder -> differences; `refused`: what was not read;
    `shard`: which part of a sharded batch this is). A student's name never starts a
    spreadsheet formula in the CSV."""
    return write_book(out, _book(_Grid(batch.results), batch, Path(out)))


def write_book(out: Path, book: dict) -> tuple[Path, Path]:
    """Write a gradebook (the dict of gradebook.json) as gradebook.json and gradebook.csv."""
    out = Path(out)
    csv_path, json_path = out / GRADEBOOK_CSV, out / GRADEBOOK_JSON
    out.mkdir(parents=True, exist_ok=True)
    files.atomic_write(csv_path, _csv_text(book))
    files.atomic_write(json_path, json.dumps(book, indent=2) + "\n")
    return csv_path, json_path


class _Grid:
    """A batch's results by student reports folder and assignment."""

    def __init__(self, results):
        self.results = results
        self.assignments = sorted({r.assignment for r in results})
        self.folders = sorted({r.entry.folder for r in results})
        self.names = {r.entry.folder: r.student for r in results}
        self.cells: dict = {folder: {} for folder in self.folders}
        for r in results:
            self.cells[r.entry.folder][r.assignment] = r
        self.max_scores = {a: max((r.max_score for r in results if r.assignment == a), default=0.0)
                           for a in self.assignments}


def _csv_text(book: dict) -> str:
    tampered = book.get("tamper", {})
    names = book.get("names", {})
    written = book.get("written", {})
    written_assignments = list(written.get("max_scores", {}))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *book["assignments"], "total", *(["tamper"] if tampered else []),
                     *(f"{a} written" for a in written_assignments), *(["total with written"] if written else [])])
    for folder, row in book["students"].items():
        total = sum(cell["score"] for cell in row.values())
        flags = [csv_cell("; ".join(tampered.get(folder, [])))] if tampered else []
        marks = written.get("students", {}).get(folder, {})
        writer.writerow([csv_cell(names.get(folder, folder)),
                         *(points(row[a]["score"]) if a in row else "" for a in book["assignments"]),
                         points(total), *flags,
                         *(points(marks[a]) if a in marks else "" for a in written_assignments),
                         *([points(total + sum(marks.values()))] if written else [])])
    return buffer.getvalue()


def _book(grid, batch, out) -> dict:
    def rel(path: Path) -> str:
        with suppress(ValueError):
            return shown_name(path.relative_to(out).as_posix())
        return shown_name(str(path))

    failed = batch.with_status(FAILED)
    refused = batch.refused
    book = {
        "grader_version": batch.grader_version,
        "assignments": grid.assignments,
        "max_scores": grid.max_scores,
        "students": {
            folder: {
                a: {"score": r.score, "max_score": r.max_score, "error": r.error,
                    "status": r.status, "report": rel(r.report_path)}
                for a, r in sorted(grid.cells[folder].items())}
            for folder in grid.folders},
        "names": grid.names,
        "summary": {"graded": len(batch.with_status(GRADED)),
                    "cached": len(batch.with_status(CACHED)),
                    "failed": len(failed),
                    "refused": len(refused),
                    "elapsed_s": round(batch.elapsed, 3)},
        "failed": [{"student": r.student, "assignment": r.assignment, "error": r.error,
                    "log": rel(r.log_path) if r.log_path else None} for r in failed],
        "refused": [{"path": shown_name(str(p)), "reason": why} for p, why in refused],
        "ignored": [{"path": shown_name(str(p)), "reason": why} for p, why in batch.ignored],
    }
    if batch.tamper:
        book["tamper"] = batch.tamper
    if batch.shard is not None:
        book["shard"] = batch.shard.to_dict()
    return book


def print_gradebook(console, out: Path) -> None:
    """Print `out/gradebook.json` as a table, then the failures, refusals and the one-line
    summary; every name and message from a submission printed inert (text.terminal)."""
    from rich.table import Table
    from rich.text import Text

    out = Path(out)
    book = json.loads((out / GRADEBOOK_JSON).read_text(encoding="utf-8"))
    assignments = book["assignments"]
    names = book.get("names", {})
    table = Table(title=_("gradebook"), caption=terminal(out / GRADEBOOK_CSV))
    table.add_column(_("student"))
    for a in assignments:
        table.add_column(f"{a}\n/ {points(book['max_scores'].get(a, 0.0))}", justify="right")
    table.add_column(_("total\n/ {points}").format(points=points(sum(book["max_scores"].values()))), justify="right")
    written = book.get("written", {})
    for a, best in written.get("max_scores", {}).items():
        table.add_column(_("{assignment} written\n/ {points}").format(assignment=a, points=points(best)),
                         justify="right")
    if written:
        best = sum(book["max_scores"].values()) + sum(written["max_scores"].values())
        table.add_column(_("with written\n/ {points}").format(points=points(best)), justify="right")
    for folder, row in book["students"].items():
        cells = []
        for a in assignments:
            cell = row.get(a)
            if cell is None:
                cells.append(Text(""))
            elif cell["status"] in (FAILED, REFUSED):
                cells.append(Text(f"{points(cell['score'])} !", style="red"))
            elif cell["error"]:
                cells.append(Text(f"{points(cell['score'])} ?", style="yellow"))
            else:
                cells.append(Text(points(cell["score"])))
        total = sum(cell["score"] for cell in row.values())
        cells.append(Text(points(total), style="bold"))
        if written:
            marks = written["students"].get(folder, {})
            cells += [Text(points(marks[a]) if a in marks else "") for a in written["max_scores"]]
            cells.append(Text(points(total + sum(marks.values())), style="bold"))
        table.add_row(Text(terminal(names.get(folder, folder))), *cells)
    console.print(table)
    for failure in book.get("failed", []):
        where = dict(name=f"{failure['student']}/{failure['assignment']}", error=failure["error"])
        line = (_("! {name}: {error} (log: {log})").format(log=out / failure["log"], **where) if failure.get("log")
                else f"! {where['name']}: {where['error']}")
        console.print(Text(terminal(line), style="red"))
    for refusal in book.get("refused", []):
        console.print(Text(terminal(_("! refused {path}: {reason}").format(path=refusal["path"],
                                                                          reason=refusal["reason"])), style="red"))
    for folder, differences in book.get("tamper", {}).items():
        if differences:
            console.print(Text(terminal(_("! {name}: differs from the Classroom template ({differences})").format(
                name=names.get(folder, folder), differences="; ".join(differences))), style="red"))
    ignored = book.get("ignored", [])
    if ignored:
        shown = "; ".join(f"{i['path']} ({i['reason']})" for i in ignored[:3])
        line = (ngettext("ignored {count} file(s): {shown}; and {more} more (see {book})",
                         "ignored {count} file(s): {shown}; and {more} more (see {book})", len(ignored))
                if len(ignored) > 3 else ngettext("ignored {count} file(s): {shown}", "ignored {count} file(s): {shown}",
                                                  len(ignored)))
        console.print(Text(terminal(line.format(count=len(ignored), shown=shown, more=len(ignored) - 3,
                                                book=GRADEBOOK_JSON)), style="dim"))
    summary = book["summary"]
    elapsed = summary.get("elapsed_s") or 0.0
    console.print(Text(summary_line(summary["graded"], summary["cached"], summary["failed"],
                                     summary.get("refused", 0), elapsed)), highlight=False)
