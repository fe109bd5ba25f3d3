"""`python -m grader export`: a real batch's gradebook as the CSVs Canvas and Moodle import."""
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def grader(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A batch of three students: the solution, the exercise, and a name a spreadsheet would run."""
    root = tmp_path_factory.mktemp("lms")
    for student, source in (("alice", "solutions"), ("bob", "exercises"), ("=HYPERLINK(1)", "solutions")):
        (root / "submissions" / student).mkdir(parents=True)
        shutil.copy(ROOT / source / "optimizers.ipynb", root / "submissions" / student / "optimizers.ipynb")
    proc = grader("batch", str(root / "submissions"), "--out", str(root / "reports"), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    return root / "reports"


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_csv_has_its_identifier_columns_points_possible_and_a_row_per_student(reports, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,Student,ID,SIS User ID,SIS Login ID,Section\n"
                      "alice,\"Liddell, Alice\",1001,S1,alice@uni.example,Sec 1\n"
                      "carol,\"Carol, C\",1003,S3,carol@uni.example,Sec 1\n")
    proc = grader("export", str(reports), "--lms", "canvas", "--out", str(tmp_path / "canvas.csv"),
                  "--roster", str(roster))
    assert proc.returncode == 0, proc.stderr
    assert "does not list 2 student(s)" in proc.stderr  # bob and the formula, under their folder names
    header, possible, *students = rows(tmp_path / "canvas.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "optimizers (backprop-lab)", "Total (backprop-lab)"]
    assert possible[0] == "Points Possible" and float(possible[5]) == float(possible[6]) > 0
    by_login = {row[3]: row for row in students}
    assert by_login["alice@uni.example"][:5] == ["Liddell, Alice", "1001", "S1", "alice@uni.example", "Sec 1"]
    assert by_login["alice@uni.example"][5] == possible[5] == by_login["alice@uni.example"][6]
    assert 0 <= float(by_login["bob"][5]) < float(possible[5])
    assert by_login["carol@uni.example"][5:] == ["", ""]  # on the roster, no submission: left as it is
    assert by_login["'=HYPERLINK(1)"][0] == "'=HYPERLINK(1)"  # shown as text, never run as a formula


def test_moodle_csv_matches_students_by_username(reports, tmp_path):
    proc = grader("export", str(reports), "--lms", "moodle", "--out", str(tmp_path / "moodle.csv"))
    assert proc.returncode == 0, proc.stderr
    header, *students = rows(tmp_path / "moodle.csv")
    assert header == ["Username", "Email address", "ID number", "optimizers (backprop-lab)", "Total (backprop-lab)"]
    assert sorted(row[0] for row in students) == ["'=HYPERLINK(1)", "alice", "bob"]
    assert all(row[3] == row[4] for row in students)


def test_bad_inputs_get_one_sentence(reports, tmp_path):
    missing = grader("export", str(tmp_path), "--lms", "canvas", "--out", str(tmp_path / "x.csv"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: ") and "python -m grader batch" in missing.stderr
    roster = tmp_path / "roster.csv"
    roster.write_text("name,ID\nalice,1\n")
    bad = grader("export", str(reports), "--lms", "canvas", "--out", str(tmp_path / "x.csv"), "--roster", str(roster))
    assert bad.returncode == 2 and "needs a `student` column" in bad.stderr and "Traceback" not in bad.stderr
