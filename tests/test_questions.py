"""Written questions end to end: a batch (fake judge) collects the answers into an answer sheet
per assignment, teaching assistants fill in points, `python -m grader gradebook --questions`
merges them into the gradebook, and bad sheets get clear messages. That every notebook has its
questions is checked with the rest of its markup (assignment_suite.check_written_questions)."""
import csv

import nbformat
import pytest

from grader.batch import run_batch
from grader.batch.questions import PLACEHOLDER, questions_of
from grader.cli import main
from gradelib import ROOT

LAYERS = [q.id for q in questions_of("layers")]


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setattr("grader.batch.grader_version", lambda: "0.1.0+test")


def exercise_with(answers=None, drop=()):
    """The layers exercise with {grade_id: text} written into its answer cells and the answer
    cells of `drop` deleted, as JSON text."""
    nb = nbformat.read(ROOT / "exercises" / "layers.ipynb", as_version=4)
    kept = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in drop:
            continue
        if grade_id in (answers or {}):
            cell.source = answers[grade_id]
        kept.append(cell)
    nb.cells = kept
    return nbformat.writes(nb)


def batch(tmp_path, fake, notebooks):
    root = tmp_path / "subs"
    for rel, text in notebooks.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    out = tmp_path / "reports"
    return run_batch(root, out, jobs=2, progress=False, known_ids=["layers", "optimizers"],
                     judge_command=fake.command), out


def sheet(out, assignment="layers"):
    with open(out / "questions" / f"{assignment}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_sheet(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def by_key(rows):
    return {(row["student"], row["question_id"]): row for row in rows}


def merge(tmp_path, out, sheets, capsys):
    status = main(["gradebook", str(out), "--out", str(tmp_path / "final"),
                   "--questions", *map(str, sheets)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.err


def test_answer_sheets_collect_answers_keep_grading_and_merge_into_the_gradebook(tmp_path, fake, capsys):
    first, second, third, fourth = LAYERS
    result, out = batch(tmp_path, fake, {
        "alice/layers.ipynb": exercise_with({first: "=HYPERLINK(\"x\") because y\nsecond line",
                                             second: "Copies add up.", third: PLACEHOLDER}),
        "bob/layers.ipynb": exercise_with(),
        "carol/layers.ipynb": "{ not a notebook",
        "dave/layers.ipynb": exercise_with({first: "The other input."}, drop=[second]),
        "erin/optimizers.py": "# score 9\n",
    })
    assert result.answer_sheets["layers"][1] == 2 + 4 + 2   # alice's two answers, carol's four, dave's answer and lost cell
    rows = by_key(sheet(out))
    assert len(rows) == 4 * len(LAYERS)
    alice = rows[("alice", first)]
    assert alice["answer"] == "'=HYPERLINK(\"x\") because y\nsecond line" and alice["points"] == ""
    assert alice["max_points"] == "2.0" and alice["question"].startswith("`MulLayer` stores")
    assert (rows[("alice", third)]["answer"], rows[("alice", third)]["points"],
            rows[("alice", third)]["comment"]) == ("", "0", "not answered")
    assert all(rows[("bob", q)]["comment"] == "not answered" for q in LAYERS)
    assert all(rows[("carol", q)]["comment"].startswith("not read: layers.ipynb is not a Jupyter notebook")
               and rows[("carol", q)]["points"] == "" for q in LAYERS)
    assert rows[("dave", second)]["comment"].startswith("no answer cell with this id")
    erin = sheet(out, "optimizers")
    assert {r["comment"] for r in erin} == {"not read: a Python file has no answer cells; look for the answers in the file"}

    # A teaching assistant grades; dave changes an answer; the batch runs again (everything else cached).
    graded = sheet(out)
    for row in graded:
        if row["points"] == "" and row["student"] != "carol":
            row["points"], row["comment"] = "1.5", "fine"
    write_sheet(out / "questions" / "layers.csv", graded)
    (tmp_path / "subs" / "dave" / "layers.ipynb").write_text(exercise_with({first: "Changed."}, drop=[second]))
    result, out = batch(tmp_path, fake, {})
    assert [r.status for r in result.results if r.student != "dave"] == ["cached"] * 4
    rows = by_key(sheet(out))
    assert (rows[("alice", first)]["points"], rows[("alice", first)]["comment"]) == ("1.5", "fine")
    assert rows[("dave", first)]["points"] == ""
    assert rows[("dave", first)]["comment"] == "the answer changed after it was given 1.5 point(s)"
    assert rows[("dave", second)]["points"] == "1.5"   # the TA's decision on the lost cell stays

    # The rest graded; carol's three unreadable answers left open: merged with a note.
    graded = sheet(out)
    for row in graded:
        if row["student"] == "dave" and row["question_id"] == first:
            row["points"] = "2"
        if row["student"] == "carol" and row["question_id"] == first:
            row["points"] = "0"
    write_sheet(out / "questions" / "layers.csv", graded)
    status, err = merge(tmp_path, out, [out / "questions" / "layers.csv"], capsys)
    assert status == 0, err
    assert "3 written answer(s) have no points yet (layers: 3)" in err
    with open(tmp_path / "final" / "gradebook.csv", newline="") as handle:
        book = list(csv.reader(handle))
    assert book[0] == ["student", "layers", "optimizers", "total", "layers written", "total with written"]
    assert book[1] == ["alice", "0.0", "", "0.0", "3.0", "3.0"]          # 1.5 + 1.5 + 0 + 0
    assert book[3] == ["carol", "0.0", "", "0.0", "0.0", "0.0"]
    assert book[4] == ["dave", "0.0", "", "0.0", "3.5", "3.5"]           # 2 + 1.5 + 0 + 0
    assert book[5] == ["erin", "", "9.0", "9.0", "", "9.0"]


@pytest.mark.parametrize("change, says", [
    ({"points": "2.5"}, "points 2.5 for alice's {q} are outside 0 to its max_points 2.0"),
    ({"points": "-1"}, "points -1 for alice's {q} are outside 0 to its max_points 2.0"),
    ({"points": "two"}, "points 'two' for alice's {q} is not a number"),
    ({"points": "nan"}, "points 'nan' for alice's {q} is not a number"),
    ({"student": "mallory"}, "student 'mallory' is not in the gradebook"),
    ({"question_id": "written_nothing"}, "layers has no question 'written_nothing' (its questions: "),
    ({"assignment": "../layers"}, "assignment '../layers' has no written questions"),
    ({"assignment": "optimizers", "question_id": questions_of("optimizers")[0].id},
     "alice has no optimizers submission in the gradebook"),
])
def test_a_bad_row_is_named_with_its_line(tmp_path, fake, capsys, change, says):
    _, out = batch(tmp_path, fake, {"alice/layers.ipynb": exercise_with({LAYERS[0]: "An answer."})})
    rows = sheet(out)
    rows[0] |= change
    write_sheet(out / "questions" / "layers.csv", rows)
    status, err = merge(tmp_path, out, [out / "questions" / "layers.csv"], capsys)
    assert status == 2
    assert f"layers.csv row 2: {says.format(q=LAYERS[0])}" in err
    assert not (tmp_path / "final" / "gradebook.csv").exists()


def test_a_question_graded_twice_a_decimal_comma_and_sheets_that_are_not_sheets(tmp_path, fake, capsys):
    _, out = batch(tmp_path, fake, {"alice/layers.ipynb": exercise_with({LAYERS[0]: "An answer."})})
    rows = sheet(out)
    rows[0]["points"] = "1,5"
    copy = tmp_path / "copy.csv"
    write_sheet(copy, rows[:1])
    write_sheet(out / "questions" / "layers.csv", rows)
    status, err = merge(tmp_path, out, [out / "questions" / "layers.csv", copy], capsys)
    assert status == 2 and f"copy.csv row 2: alice's {LAYERS[0]} (layers) is graded twice: also at " in err

    semicolons = tmp_path / "semicolons.csv"   # a spreadsheet in a locale that separates with ';'
    with open(semicolons, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    assert merge(tmp_path, out, [semicolons], capsys)[0] == 0
    with open(tmp_path / "final" / "gradebook.csv", newline="") as handle:
        assert list(csv.reader(handle))[1] == ["alice", "0.0", "0.0", "1.5", "1.5"]

    (tmp_path / "other.csv").write_text("name,score\nalice,3\n")
    (tmp_path / "latin1.csv").write_bytes("student,points\nj\xf6rg,1\n".encode("latin-1"))
    status, err = merge(tmp_path, out, [tmp_path / "other.csv", tmp_path / "latin1.csv",
                                        tmp_path / "missing.csv"], capsys)
    assert status == 2
    assert "other.csv has no column student, assignment, question_id, points (its first line: 'name,score')" in err
    assert "latin1.csv is not UTF-8 text: save it from the spreadsheet as CSV UTF-8" in err
    assert "missing.csv does not exist" in err


def test_the_sheets_of_a_sharded_class_merge_with_its_shards(tmp_path, fake, capsys):
    from grader.batch import Shard

    root = tmp_path / "subs"
    students = [f"student-{i}" for i in range(4)]
    for student in students:
        (root / student).mkdir(parents=True)
        (root / student / "layers.ipynb").write_text(exercise_with({LAYERS[0]: f"{student} thinks."}))
    parts = [tmp_path / f"shard-{i}" for i in range(2)]
    for i, part in enumerate(parts):
        run_batch(root, part, jobs=2, progress=False, known_ids=["layers"], judge_command=fake.command,
                  shard=Shard.parse(f"{i}/2"))
    sheets = [part / "questions" / "layers.csv" for part in parts if (part / "questions" / "layers.csv").exists()]
    for path in sheets:
        rows = sheet(path.parent.parent)
        for row in rows:
            row["points"] = row["points"] or "1"
        write_sheet(path, rows)
    status = main(["gradebook", *map(str, parts), "--out", str(tmp_path / "final"), "--questions", *map(str, sheets)])
    assert status == 0, capsys.readouterr().err
    with open(tmp_path / "final" / "gradebook.csv", newline="") as handle:
        book = list(csv.reader(handle))
    assert [row[0] for row in book[1:]] == students
    assert {tuple(row[3:]) for row in book[1:]} == {("1.0", "1.0")}


def test_a_sheet_the_batch_cannot_read_back_is_kept_not_overwritten(tmp_path, fake):
    _, out = batch(tmp_path, fake, {"alice/layers.ipynb": exercise_with({LAYERS[0]: "An answer."})})
    path = out / "questions" / "layers.csv"
    path.write_bytes("student;punkte\nalice;2\n".encode("latin-1") + b"\xe4")
    batch(tmp_path, fake, {})
    assert path.with_name("layers.csv.unreadable").read_bytes().startswith(b"student;punkte")
    assert by_key(sheet(out))[("alice", LAYERS[0])]["answer"] == "An answer."
