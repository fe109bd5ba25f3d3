"""A batch's gradebook as the CSV that Canvas or Moodle imports: a row per student with the
identifiers the LMS matches students by, the points of each assignment, and the total.

    python -m grader export REPORTS --lms canvas --out canvas.csv [--roster roster.csv]

The batch knows students by their folder names (GitHub usernames in a Classroom course). An LMS
matches rows by its own identifiers, so a roster can give them: a CSV with a `student` column
(the folder name) and any of the LMS's identifier columns (Canvas: `Student`, `ID`,
`SIS User ID`, `SIS Login ID`, `Section`; Moodle: `Username`, `Email address`, `ID number`).
Without a roster, or for a student it does not list, the folder name stands in for the login
(`SIS Login ID`, `Username`). Students the roster lists who have no reports get empty cells
(Canvas and Moodle leave an empty cell's grade as it is).
"""
import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from backprop_lab_check.i18n import _

from .. import files
from ..batch.gradebook import points
from ..batch.store import GRADEBOOK_JSON
from ..text import csv_cell


@dataclass(frozen=True)
class LmsFormat:
    identifiers: tuple      # the columns an LMS matches students by, in its own order
    login: str              # the one the folder name fills when the roster says nothing
    name: str               # the column that shows the student's name, if the LMS has one
    points_possible: bool   # a second row with each column's maximum (Canvas's own export has one)


FORMATS = {
    "canvas": LmsFormat(("Student", "ID", "SIS User ID", "SIS Login ID", "Section"), "SIS Login ID", "Student", True),
    "moodle": LmsFormat(("Username", "Email address", "ID number"), "Username", "", False),
}
ROSTER_KEY = "student"


class ExportError(Exception):
    """A problem with the command's inputs, as one sentence."""


def export(reports, lms, out, roster=None, column_suffix=" (backprop-lab)"):
    """Write the CSV of the batch in `reports` for `lms` ("canvas" or "moodle") to `out`;
    returns the folder names the roster did not list (their folder name stands in)."""
    layout = FORMATS[lms]
    book = _gradebook(Path(reports))
    people = _roster(Path(roster)) if roster else {}
    assignments = book["assignments"]
    header = [*layout.identifiers, *(a + column_suffix for a in assignments), "Total" + column_suffix]
    rows = []
    if layout.points_possible:
        maxima = [book["max_scores"].get(a, 0.0) for a in assignments]
        rows.append(["Points Possible", *[""] * (len(layout.identifiers) - 1), *map(points, maxima),
                     points(sum(maxima))])
    unlisted = []
    for folder in sorted(set(book["students"]) | set(people)):
        person = people.get(folder)
        if person is None:
            unlisted.append(folder)
            person = {layout.login: folder, **({layout.name: book["names"].get(folder, folder)} if layout.name else {})}
        grades = book["students"].get(folder, {})
        scores = [grades[a]["score"] if a in grades else None for a in assignments]
        given = [s for s in scores if s is not None]
        rows.append([csv_cell(person.get(column, "")) for column in layout.identifiers]
                    + ["" if s is None else points(s) for s in scores]
                    + [points(sum(given)) if given else ""])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    files.atomic_write(Path(out), buffer.getvalue())
    return unlisted if people else []


def _gradebook(reports):
    try:
        book = json.loads((reports / GRADEBOOK_JSON).read_text(encoding="utf-8"))
        if not isinstance(book.get("students"), dict) or not isinstance(book.get("assignments"), list):
            raise ValueError
    except FileNotFoundError:
        raise ExportError(_("{reports} has no {book}: grade the class with `python -m grader batch SUBMISSIONS "
                            "--out {reports}` first").format(reports=reports, book=GRADEBOOK_JSON)) from None
    except (OSError, ValueError, AttributeError):
        raise ExportError(_("{path} is not a gradebook written by `python -m grader batch`").format(
            path=reports / GRADEBOOK_JSON)) from None
    book.setdefault("max_scores", {})
    book.setdefault("names", {})
    return book


def _roster(path):
    """{folder name: {column: value}} from a roster CSV with a `student` column."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(_("cannot read the roster {path}: {error}").format(path=path, error=exc)) from None
    if not rows or ROSTER_KEY not in rows[0]:
        raise ExportError(_("the roster {path} needs a `{column}` column with each student's folder name").format(
            path=path, column=ROSTER_KEY))
    return {row[ROSTER_KEY]: row for row in rows if row.get(ROSTER_KEY)}
