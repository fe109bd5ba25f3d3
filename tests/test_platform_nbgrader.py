"""An nbgrader course graded into nbgrader's own places: a course built with nbgrader's
`generate_assignment`, two collected submissions (the solution, and the exercise nbgrader
released), `python -m grader batch COURSE` (and `python -m grader.platforms.nbgrader`), then the gradebook read back with nbgrader's
API, formgrader's API and its CSV export, and the feedback delivered by `nbgrader release_feedback`."""
import datetime
import logging
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader
from nbgrader.plugins import CsvExportPlugin
from nbgrader.utils import notebook_hash

from grader.batch import find_submissions
from grader.platforms import nbgrader as adapter
from grader.platforms.nbgrader import GradeCell, cell_scores, checked_targets
from grader.report import Report, TargetScore

ROOT = Path(__file__).resolve().parent.parent
COURSE_ID = "dl101"
SUBMITTED_AT = datetime.datetime(2024, 3, 2, 14, 20, 56, 795510, tzinfo=datetime.timezone.utc)


def environment():
    # nbgrader runs `alembic` by name when it creates a gradebook; it lives beside this Python
    return {**os.environ, "PYTHONPATH": str(ROOT), "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                                              os.environ.get("PATH", "")])}


def run(*command, cwd):
    return subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=600)


def grade_course(course, *args):
    return run(sys.executable, "-m", "grader.platforms.nbgrader", str(course), *args, cwd=ROOT)


def collect(course, student, notebook):
    """What `nbgrader collect` leaves for one student: the notebook, timestamp.txt and the
    submission_secret.txt that `nbgrader submit` wrote."""
    folder = course / "submitted" / student / "layers"
    folder.mkdir(parents=True)
    shutil.copy(notebook, folder / "layers.ipynb")
    (folder / "timestamp.txt").write_text(SUBMITTED_AT.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    (folder / "submission_secret.txt").write_text(secrets.token_hex(64))


def gradebook(course):
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID)


def report_of(course, student):
    return Report.read(course / adapter.REPORTS_FOLDER / student / "layers" / "report.json")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course after one run: alice submitted the solution, bob the released exercise, and
    carol is on the roster without a submission."""
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    (course / "source" / "layers").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    shutil.copy(ROOT / "solutions" / "layers.ipynb", course / "source" / "layers" / "layers.ipynb")
    made = run(sys.executable, "-m", "nbgrader", "generate_assignment", "layers", cwd=course)
    assert made.returncode == 0, made.stderr
    collect(course, "alice", ROOT / "solutions" / "layers.ipynb")
    collect(course, "bob", course / "release" / "layers" / "layers.ipynb")
    with gradebook(course) as gb:
        gb.add_student("carol")
    # `python -m grader batch` knows an nbgrader course when it is given one
    graded = run(sys.executable, "-m", "grader", "batch", str(course), "--jobs", "2", cwd=ROOT)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "Traceback" not in graded.stderr
    return course, graded


def test_the_batch_finds_what_nbgrader_collect_leaves(tmp_path):
    for student in ("alice", "bob"):
        collect(tmp_path, student, ROOT / "exercises" / "layers.ipynb")
    entries = find_submissions(tmp_path / "submitted", ["layers"])
    assert [(e.student, e.assignment, e.path) for e in entries] == [
        (student, "layers", tmp_path / "submitted" / student / "layers" / "layers.ipynb")
        for student in ("alice", "bob")]


@pytest.mark.slow
def test_every_student_gets_the_score_of_the_report_scaled_to_nbgrader_points(course):
    course, graded = course
    with gradebook(course) as gb:
        assignment = gb.find_assignment("layers")
        cells = gb.find_notebook("layers", "layers").grade_cells
        autograded = sum(cell.max_score for cell in cells if cell.cell_type == "code")
        written = sum(cell.max_score for cell in cells if cell.cell_type == "markdown")
        # the solution notebook's grade cells: self-checks, and written answers for a person
        assert (autograded, written, assignment.max_score) == (28, 9, 37)
        scores = {s.student.id: (s.score, s.max_score, s.timestamp) for s in gb.assignment_submissions("layers")}
    assert set(scores) == {"alice", "bob"}
    for student, (score, max_score, timestamp) in scores.items():
        report = report_of(course, student)
        assert max_score == 37
        assert score == pytest.approx(report.score / report.max_score * 28)  # the written answers wait
        assert timestamp == SUBMITTED_AT.replace(tzinfo=None)
    assert scores["alice"][0] == 28 and report_of(course, "alice").score == report_of(course, "alice").max_score
    assert scores["bob"][0] == 0
    assert "carol has no submission of layers" in graded.stdout


@pytest.mark.slow
def test_formgrader_lists_them_as_autograded_and_export_writes_them(course, tmp_path):
    course, _ = course
    app = NbGrader(log_level=logging.ERROR)
    app.initialize([], root=str(course))
    api = NbGraderAPI(coursedir=app.coursedir, parent=app)
    listed = {s["student"]: s for s in api.get_submissions("layers")}
    assert listed["alice"]["autograded"] and listed["alice"]["score"] == 28
    assert listed["bob"]["autograded"] and listed["bob"]["score"] == 0
    assert {s["student"] for s in api.get_notebook_submissions("layers", "layers")} == {"alice", "bob"}
    with gradebook(course) as gb:
        CsvExportPlugin(to=str(tmp_path / "grades.csv")).export(gb)
    rows = [line.split(",") for line in (tmp_path / "grades.csv").read_text().splitlines()]
    by_student = {row[rows[0].index("student_id")]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert (float(by_student["alice"]["score"]), float(by_student["alice"]["max_score"])) == (28, 37)
    assert float(by_student["bob"]["score"]) == 0


@pytest.mark.slow
def test_release_feedback_delivers_our_reports(course, tmp_path):
    course, _ = course
    for student in ("alice", "bob"):
        feedback = course / "feedback" / student / "layers"
        report = course / adapter.REPORTS_FOLDER / student / "layers" / "report.html"
        assert (feedback / "layers.html").read_bytes() == report.read_bytes()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    released = run(sys.executable, "-m", "nbgrader", "release_feedback", "layers", f"--Exchange.root={exchange}",
                   cwd=course)
    assert released.returncode == 0, released.stderr
    for student in ("alice", "bob"):
        secret = (course / "submitted" / student / "layers" / "submission_secret.txt").read_text()
        # the name a student's `nbgrader fetch_feedback` looks for
        delivered = exchange / COURSE_ID / "feedback" / f"{notebook_hash(secret=secret, notebook_id='layers')}.html"
        assert delivered.read_bytes() == (course / "feedback" / student / "layers" / "layers.html").read_bytes()


def grade_rows(course):
    with gradebook(course) as gb:
        return sorted((g.student.id, g.notebook.name, g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                      for s in gb.assignment_submissions("layers") for nb in s.notebooks for g in nb.grades)


@pytest.mark.slow
def test_running_again_changes_nothing_and_keeps_a_manual_grade(course, tmp_path):
    course = shutil.copytree(course[0], tmp_path / "course")  # with its reports: the batch finds them cached
    before = grade_rows(course)
    with gradebook(course) as gb:
        gb.find_grade("check_network", "layers", "layers", "bob").manual_score = 1.0
        gb.db.commit()
    again = grade_course(course, "--assignment", "layers")
    assert again.returncode == 0, again.stdout + again.stderr
    after = grade_rows(course)
    assert len(after) == len(before) == 26  # 9 self-checks and 4 written answers, 2 students, no duplicates
    assert {row[3:] for row in after if row[2].startswith("written_")} == {(None, None, True)}  # for a person
    changed = [row for row in after if row not in before]
    assert changed == [("bob", "layers", "check_network", 0.0, 1.0, True)]  # a person's grade wins, flagged


def test_a_report_becomes_grade_cells_that_add_up_to_its_scaled_score():
    cells = [GradeCell("apple", 2, frozenset({"A"})), GradeCell("pair", 4, frozenset({"B", "C"})),
             GradeCell("network", 2, frozenset())]

    def scores(*earned):
        targets = [TargetScore(name, got, full) for name, (got, full) in zip("ABC", earned)]
        report = Report("layers", sum(t.score for t in targets), sum(t.max_score for t in targets), targets=targets)
        shares = cell_scores(report, cells)
        assert sum(shares.values()) == pytest.approx(8 * report.score / report.max_score)
        assert all(0 <= shares[c.name] <= c.points + 1e-9 for c in cells)
        return shares

    assert scores((3, 3), (6, 6), (3, 3)) == pytest.approx({"apple": 2, "pair": 4, "network": 2})
    assert scores((0, 3), (0, 6), (0, 3)) == {"apple": 0, "pair": 0, "network": 0}
    half = scores((3, 3), (0, 6), (3, 3))  # A passes, B fails, C passes: fractions 1, 1/3, 1/2
    assert half["apple"] > half["network"] > 0 and half["pair"] > 0
    assert half["apple"] / 2 == pytest.approx(3 * half["pair"] / 4)  # one factor for every cell
    heavy = scores((10, 10), (0, 1), (0, 1))  # the grader weighs A far above the notebook's 2 points
    assert heavy["apple"] == 2 and heavy["network"] == 2 and 0 < heavy["pair"] < 4
    assert cell_scores(None, cells) == {"apple": 0, "pair": 0, "network": 0}


def test_grade_cells_name_the_targets_their_checks_call():
    assert checked_targets('from backprop_lab_check import check\ncheck("Repeat", "Sum")\nx = Repeat(3)') \
        == {"Repeat", "Sum"}
    assert checked_targets("backprop_lab_check.check('Affine')") == {"Affine"}
    assert checked_targets("%time check('Affine')") == frozenset()  # not Python: the cell stands for all


def test_a_folder_without_a_course_or_a_gradebook_is_one_line(tmp_path, capsys):
    assert adapter.main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"error: {tmp_path} is not an nbgrader course: it has no nbgrader_config.py "
        "(`nbgrader quickstart COURSE` makes one)"]
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert adapter.main([str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "has no gradebook" in error[0] and "`nbgrader generate_assignment" in error[0]
    assert not (tmp_path / "gradebook.db").exists()  # never created by asking


@pytest.mark.slow
def test_an_assignment_the_gradebook_lacks_is_one_line_naming_the_command(course, capsys):
    assert adapter.main([str(course[0]), "--assignment", "ps9"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error == ["error: assignment 'ps9' is not in the gradebook: `nbgrader generate_assignment ps9` "
                     "creates it from source/ps9/"]
