"""Written questions: the answers a batch collects for teaching assistants, and the points
they give back to the gradebook.

An assignment's questions are the manually graded answer cells of its solution notebook
(`solutions/<id>.ipynb`: markdown cells marked `grade` and `solution` in nbgrader's metadata,
each after a locked cell holding the question); their ids, points and wording come from there,
never from a submission. The autograder's score ignores them.

`python -m grader batch` writes one answer sheet per assignment, `REPORTS/questions/<id>.csv`,
with a row per student and question (COLUMNS): the answer as the student wrote it, and
`points` and `comment` for the teaching assistant. A question left as nbgrader's placeholder
(or empty) is filled in as not answered with 0 points; a submission that could not be read, or
whose answer cell is missing, gets its rows with the reason and no points, for a person to
decide. Running the batch again keeps the points and comments of every answer that did not
change.

`python -m grader gradebook ... --questions SHEET...` reads the sheets back
(`read_answer_sheets`), checks every row against the questions and the gradebook's students,
and adds each student's written points per assignment to the gradebook.
"""
from __future__ import annotations

import csv
import functools
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

from backprop_lab_check.i18n import _, ngettext

from .. import files
from ..loading import SubmissionError, cell_source, nbgrader_metadata, read_notebook
from ..text import csv_cell, shown_name
from ..version import PACKAGE_ROOT
from .gradebook import points as shown_points
from .store import QUESTIONS_FOLDER

SOLUTIONS = PACKAGE_ROOT / "solutions"
COLUMNS = ("student", "assignment", "question_id", "question", "max_points", "answer", "points", "comment")
REQUIRED = ("student", "assignment", "question_id", "points")  # what merging needs; the rest is for people
PLACEHOLDER = "YOUR ANSWER HERE"  # nbgrader's ClearSolutions.text_stub: what an exercise's answer cell holds
QUESTION_MARK = re.compile(r"^\*\*Written question\.\*\*\s*")
QUESTION_CHARS = 400             # the sheet shows each question (the start of a very long one)
MAX_ANSWER_CHARS = 10_000        # a spreadsheet cell holds 32,767; an answer is a paragraph
MAX_SHEET_BYTES = 50 << 20
NOT_ANSWERED = "not answered"
# Comments the batch writes itself (a teaching assistant's own comment is kept across runs).
NOT_READ, NO_ANSWER_CELL = "not read: ", "no answer cell with this id in the notebook"
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Question:
    id: str            # the answer cell's nbgrader grade_id
    text: str          # the question, shortened for the sheet
    max_points: float


class QuestionsError(Exception):
    """The answer sheets cannot be merged: `problems` are sentences for the user, one a line."""

    def __init__(self, problems):
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            more = len(problems) - len(shown)
            shown = shown + [ngettext("... and {count} more problem(s)", "... and {count} more problem(s)",
                                      more).format(count=more)]
        super().__init__("\n".join(shown))
        self.problems = shown


# -- the questions ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def questions_of(assignment: str, solutions: Path = SOLUTIONS) -> tuple[Question, ...]:
    """The written questions of `assignment`, in notebook order; none when it has no solution
    notebook here (a grader installed without `solutions/`)."""
    try:
        nb = read_notebook(Path(solutions) / f"{assignment}.ipynb")
    except SubmissionError:
        return ()
    questions, previous = [], ""
    for cell in nb["cells"]:
        meta = nbgrader_metadata(cell)
        if cell.get("cell_type") == "markdown" and meta.get("grade") and meta.get("solution"):
            questions.append(Question(meta["grade_id"], _shortened(QUESTION_MARK.sub("", previous)),
                                      float(meta["points"])))
        previous = cell_source(cell)
    return tuple(questions)


def _shortened(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= QUESTION_CHARS else line[:QUESTION_CHARS - 1].rstrip() + "…"


def answers_in(path: Path) -> dict[str, str]:
    """{grade_id: answer text} of the written-answer cells of the notebook at `path` (several
    cells with one id, as a copied cell makes, are joined); SubmissionError when it cannot be
    read. Nothing of the notebook runs: its JSON is read as data, with the grader's own limits."""
    found: dict[str, list[str]] = {}
    for cell in read_notebook(path)["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        meta = nbgrader_metadata(cell)
        if meta.get("solution") and isinstance(meta.get("grade_id"), str):
            found.setdefault(meta["grade_id"], []).append(cell_source(cell).strip())
    return {grade_id: "\n\n".join(text for text in texts if text) for grade_id, texts in found.items()}


def is_answered(text: str) -> bool:
    return bool(text.strip()) and text.strip() != PLACEHOLDER


# -- the answer sheets a batch writes ----------------------------------------------------------------

def write_answer_sheets(out: Path, results) -> dict[str, tuple[Path, int]]:
    """Write `out/questions/<assignment>.csv` for every assignment of the batch's `results` that
    has written questions; {assignment: (sheet, answers without points)}. A sheet already there
    gives its points and comments to the rows whose answer did not change."""
    sheets = {}
    for assignment in sorted({r.assignment for r in results}):
        questions = questions_of(assignment)
        if not questions:
            continue
        path = Path(out) / QUESTIONS_FOLDER / f"{assignment}.csv"
        graded_before = _graded_before(path)
        rows = []
        for result in sorted((r for r in results if r.assignment == assignment), key=lambda r: r.entry.folder):
            rows += _rows(result.entry, assignment, questions, graded_before)
        files.atomic_write(path, _sheet_text(rows))
        sheets[assignment] = (path, sum(1 for row in rows if row["points"] == ""))
    return sheets


def _rows(entry, assignment, questions, graded_before):
    """The sheet's rows of one submission, each a dict of COLUMNS with its cells as written."""
    answers, unread = {}, None
    if entry.refused:
        unread = f"{entry.refused.rstrip('.')}; see the report"
    elif Path(entry.path).suffix != ".ipynb":
        unread = "a Python file has no answer cells; look for the answers in the file"
    else:
        try:
            answers = answers_in(entry.path)
        except SubmissionError as exc:
            unread = f"{str(exc).rstrip('.')}; see the report"
    rows = []
    for question in questions:
        row = {"student": csv_cell(entry.folder), "assignment": assignment, "question_id": question.id,
               "question": csv_cell(question.text), "max_points": shown_points(question.max_points)}
        text = answers.get(question.id)
        if unread is not None:
            row |= {"answer": "", "points": "", "comment": csv_cell(NOT_READ + unread)}
        elif text is None:
            row |= {"answer": "", "points": "", "comment": f"{NO_ANSWER_CELL} (deleted, or its metadata lost): look "
                                                           "for the answer in the notebook"}
        elif not is_answered(text):
            row |= {"answer": "", "points": "0", "comment": NOT_ANSWERED}
        else:
            row |= {"answer": csv_cell(_capped(text), multiline=True), "points": "", "comment": ""}
        rows.append(_keep_grading(row, graded_before.get((entry.folder, question.id))))
    return rows


def _capped(text: str) -> str:
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    return text[:MAX_ANSWER_CHARS] + f"\n[... {len(text) - MAX_ANSWER_CHARS} more characters: see the notebook]"


def _keep_grading(row, before):
    """`row` with the points and comment a teaching assistant gave it in an earlier sheet, when
    the answer is the same; a changed answer that had points says so."""
    if before is None or _as_the_batch_wrote_it(before):
        return row
    if _same_text(before["answer"], row["answer"]):
        return row | {"points": before["points"], "comment": before["comment"]}
    if before["points"] != "":
        note = f"the answer changed after it was given {before['points']} point(s)"
        return row | {"comment": "; ".join(filter(None, [row["comment"], note]))}
    return row


def _as_the_batch_wrote_it(row) -> bool:
    """Whether a sheet's row holds nothing from a teaching assistant: no points and no comment
    but the batch's own, or the 0 points of a question not answered."""
    if row["points"] == "":
        return row["comment"] == "" or row["comment"].startswith((NOT_READ, NO_ANSWER_CELL))
    return row["points"] == "0" and row["comment"] == NOT_ANSWERED


def _same_text(a: str, b: str) -> bool:
    """Whether two answers are the same, as a spreadsheet may save them (line ends, a text prefix)."""
    def plain(text):
        return text.replace("\r\n", "\n").replace("\r", "\n").strip().removeprefix("'")
    return plain(a) == plain(b)


def _graded_before(path: Path) -> dict:
    """{(student, question_id): row} of the sheet at `path`, when it exists and reads as one; a
    sheet that does not is kept beside as `<name>.unreadable` rather than overwritten."""
    if files.kind(path) != "file":
        return {}
    try:
        rows = _sheet_rows(path)
    except QuestionsError:
        path.replace(path.with_name(path.name + ".unreadable"))
        return {}
    return {(_folder(row["student"]), row["question_id"]): row for row in (numbered[1] for numbered in rows)}


def _folder(cell: str) -> str:
    """The reports folder a sheet's `student` cell names: without the apostrophe csv_cell puts
    before a name that starts like a formula (a reports folder name never holds one)."""
    return cell.removeprefix("'")


def _sheet_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# -- reading the sheets back -------------------------------------------------------------------------

def _sheet_rows(path: Path) -> list[tuple[int, dict]]:
    """[(row number as a spreadsheet shows it, {column: cell})] of an answer sheet as a
    spreadsheet may save it (UTF-8 with or without a byte order mark; comma, semicolon or tab
    between cells); QuestionsError when it is not one."""
    name = shown_name(str(path))
    try:
        text = files.read_regular(path, MAX_SHEET_BYTES, name).decode("utf-8-sig")
    except files.Refused as exc:
        raise QuestionsError([str(exc)]) from None
    except UnicodeDecodeError:
        raise QuestionsError([_("{name} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8").format(
            name=name)]) from None
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = [cell.strip().lower() for cell in next(reader, [])]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise QuestionsError([_("{name} has no column {columns} (its first line: {header!r}); give the answer "
                                    "sheets python -m grader batch wrote (REPORTS/questions/*.csv)").format(
                                        name=name, columns=", ".join(missing), header=header[:200])])
        rows = []
        for number, cells in enumerate(reader, start=2):  # the header is row 1
            if any(cell.strip() for cell in cells):
                given = {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)}
                rows.append((number, dict.fromkeys(COLUMNS, "") | given))
        return rows
    except csv.Error as exc:
        raise QuestionsError([_("{name} line {line}: not readable as CSV ({error})").format(
            name=name, line=reader.line_num, error=exc)]) from None


def _number(text: str) -> float | None:
    """The points a cell holds (a decimal comma accepted), or None when it is not a number."""
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_answer_sheets(sheets: list[Path], students: dict) -> dict:
    """The written points of `sheets` for the gradebook whose `students` ({folder: {assignment:
    cell}}) they belong to: {"max_scores": {assignment: points}, "students": {folder:
    {assignment: points}}, "ungraded": {assignment: answers without points}, "sheets": [...]}.
    Every assignment with a sheet counts; an answer without a row or without points counts 0 and
    is counted as ungraded. QuestionsError listing every problem found (points that are not a
    number, negative or above the question's max_points; an unknown assignment, question or
    student; a question graded twice)."""
    problems, given = [], {}
    for sheet in sheets:
        try:
            rows = _sheet_rows(Path(sheet))
        except QuestionsError as exc:
            problems += exc.problems
            continue
        for line, row in rows:
            where = _("{sheet} row {row}").format(sheet=shown_name(str(sheet)), row=line)
            problem, key, value = _check_row(row, students, given)
            if problem:
                problems.append(f"{where}: {problem}")
            elif key is not None:
                given[key] = (value, where)
    if problems:
        raise QuestionsError(problems)
    assignments = sorted({key[1] for key in given})
    written = {"max_scores": {a: sum(q.max_points for q in questions_of(a)) for a in assignments},
               "students": {}, "ungraded": {}, "sheets": [shown_name(str(s)) for s in sheets]}
    for folder, row in students.items():
        for assignment in assignments:
            if assignment not in row:
                continue
            marks = [given.get((folder, assignment, q.id), (None, ""))[0] for q in questions_of(assignment)]
            written["students"].setdefault(folder, {})[assignment] = sum(m for m in marks if m is not None)
            written["ungraded"][assignment] = written["ungraded"].get(assignment, 0) + marks.count(None)
    return written


def _check_row(row, students, given):
    """(problem or None, (folder, assignment, question id) or None, points or None) of one row."""
    assignment, question_id = row["assignment"], row["question_id"]
    questions = {q.id: q for q in questions_of(assignment)} if re.fullmatch(r"\w+", assignment) else {}
    if not questions:
        return _("assignment {assignment!r} has no written questions").format(assignment=assignment), None, None
    if question_id not in questions:
        return _("{assignment} has no question {question!r} (its questions: {questions})").format(
            assignment=assignment, question=question_id, questions=", ".join(questions)), None, None
    folder = _folder(row["student"])
    if folder not in students:
        return _("student {student!r} is not in the gradebook").format(student=row["student"]), None, None
    if assignment not in students[folder]:
        return _("{folder} has no {assignment} submission in the gradebook").format(
            folder=folder, assignment=assignment), None, None
    key = (folder, assignment, question_id)
    if key in given:
        return _("{folder}'s {question} ({assignment}) is graded twice: also at {where}").format(
            folder=folder, question=question_id, assignment=assignment, where=given[key][1]), None, None
    if row["points"] == "":
        return None, key, None
    value, most = _number(row["points"]), questions[question_id].max_points
    if value is None:
        return _("points {points!r} for {folder}'s {question} is not a number").format(
            points=row["points"], folder=folder, question=question_id), None, None
    if value < 0 or value > most:
        return _("points {points} for {folder}'s {question} are outside 0 to its max_points {most}").format(
            points=row["points"], folder=folder, question=question_id, most=shown_points(most)), None, None
    return None, key, value
