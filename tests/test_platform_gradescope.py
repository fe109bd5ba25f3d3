"""The Gradescope autograder as Gradescope runs it: the zip built by tools/gradescope_zip.py,
unpacked into a folder laid out as Gradescope's /autograder (source/, submission/, results/),
its run_autograder run against the upload with this environment's Python (nothing installed),
and every results.json checked against a JSON Schema written from Gradescope's specification
(tests/schemas/gradescope_results.schema.json)."""
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader.platforms import gradescope
from grader.report import CheckResult, Report
from tools import gradescope_zip

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "gradescope_results.schema.json").read_text(encoding="utf-8"))


def notebook(assignment=None):
    metadata = {"backprop_lab": {"assignment": assignment}} if assignment else {}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata,
                       "cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
                                  "execution_count": None}]}).encode()


def check_results(data):
    """`data` is a valid results.json whose score is its tests' total."""
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["score"] == pytest.approx(sum(test.get("score", 0.0) for test in data["tests"]))
    return data


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    """The zip for every assignment (checks shown after publication, the default) and one that
    grades every upload as `layers` with the checks visible."""
    out = tmp_path_factory.mktemp("zips")
    built = {"any": (out / "autograder.zip", []),
             "layers": (out / "layers.zip", ["--assignment", "layers", "--visibility", "visible"])}
    for path, options in built.values():
        subprocess.run([sys.executable, str(ROOT / "tools" / "gradescope_zip.py"), "--out", str(path), *options],
                       check=True, capture_output=True, cwd=ROOT, timeout=120)
    return {name: path for name, (path, _) in built.items()}


def run_autograder(zip_path, tmp_path, upload, python=sys.executable):
    """Gradescope's steps for one upload ({relative name: bytes}): the zip in source/, the upload
    in submission/, run_autograder run from /autograder. (exit status, stdout, results.json, root)."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for name, data in upload.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    (root / "submission").mkdir(parents=True, exist_ok=True)
    (root / "results").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return proc.returncode, proc.stdout + proc.stderr, check_results(data), root


# ---------------------------------------------------------------- the zip

def test_zip_holds_the_scripts_at_its_root_and_only_what_setup_installs(zips):
    with zipfile.ZipFile(zips["layers"]) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        run_script = archive.read("run_autograder").decode()
    names = set(infos)
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
    assert {"pyproject.toml", "README.md", "grader/checks/test_layers.py", "reference/__init__.py",
            "backprop_lab_check/__init__.py", "grader/render/templates/report.md.j2"} <= names
    assert {name.split("/")[0] for name in names} == {"setup.sh", "run_autograder", "pyproject.toml", "README.md",
                                                      "grader", "reference", "backprop_lab_check"}
    assert not [name for name in names if "__pycache__" in name or "/." in name or name.startswith(".")]
    assert "GRADER_OPTIONS=(--assignment layers --visibility visible)" in run_script


def test_zip_options_are_checked_before_they_reach_gradescope(tmp_path):
    for options in (["--assignment", "nope"], ["--visibility", "soon"], ["--memory-mb", "0"], ["--root", "/x"]):
        with pytest.raises(SystemExit) as stopped:
            gradescope_zip.main(["--out", str(tmp_path / "a.zip"), *options])
        assert stopped.value.code == 2
    assert not (tmp_path / "a.zip").exists()


# ---------------------------------------------------------------- gradings, as Gradescope runs them

@pytest.mark.slow
def test_solution_gets_full_marks_and_hides_the_checks_until_published(zips, tmp_path):
    upload = {"My Layers (final).ipynb": (ROOT / "solutions" / "layers.ipynb").read_bytes()}
    status, log, data, root = run_autograder(zips["any"], tmp_path, upload)
    assert status == 0, log
    report = json.loads((root / "results" / "report" / "report.json").read_text(encoding="utf-8"))
    assert (report["assignment"], report["error"]) == ("layers", None)
    assert data["score"] == report["score"] == report["max_score"] > 0
    assert data["extra_data"]["max_score"] == report["max_score"]
    scored = [test for test in data["tests"] if "score" in test]
    assert scored and all(test["status"] == "passed" and test["score"] == test["max_score"] for test in scored)
    assert {test["visibility"] for test in data["tests"]} == {data["visibility"]} == {"after_published"}
    # No GPU here: the device checks are listed, outside the total.
    skipped = [test for test in data["tests"] if test["name"].endswith("(skipped, not counted)")]
    assert skipped and not [test for test in skipped if "score" in test or "status" in test]
    assert sum(test["max_score"] for test in scored) == report["max_score"]
    # What students see at once names no check and no score; the full report waits with the checks.
    assert "My Layers (final).ipynb was graded" in data["output"]
    assert "affine" not in data["output"].lower() and " / " not in data["output"]
    full = data["tests"][0]
    assert (full["name"], full["output_format"]) == ("Full report", "md")
    assert full["output"] == shown_alone(root / "results" / "report" / "report.md")
    assert (root / "results" / "report" / "report.html").stat().st_size > 0
    assert "layers: 51 / 51" in log and "isolation" in log


def shown_alone(report_md):
    """report.md as Gradescope shows it: without the pointer to report.html, which students there
    cannot open."""
    text = report_md.read_text(encoding="utf-8")
    assert " · full report in report.html" in text
    return text.replace(" · full report in report.html", "")


@pytest.mark.slow
def test_exercise_gets_a_low_score_and_every_lost_point_says_why(zips, tmp_path):
    upload = {"hw3/layers.ipynb": (ROOT / "exercises" / "layers.ipynb").read_bytes(),
              "hw3/notes.txt": b"my notes", "__MACOSX/hw3/._layers.ipynb": b"\0\5\26\7"}
    status, log, data, root = run_autograder(zips["layers"], tmp_path, upload)
    assert status == 0, log
    report = json.loads((root / "results" / "report" / "report.json").read_text(encoding="utf-8"))
    assert data["score"] == report["score"] < 0.2 * report["max_score"]
    assert data["output"] == shown_alone(root / "results" / "report" / "report.md")
    assert data["output"].startswith("## layers: ")
    failed = [test for test in data["tests"] if test.get("status") == "failed"]
    assert len(failed) > 20
    assert all(test["output"].strip() and test["score"] < test["max_score"] for test in failed)
    assert {test["visibility"] for test in data["tests"]} == {"visible"}
    assert "hw3/notes.txt" not in data["output"]  # only notebooks and .py files compete to be graded


@pytest.mark.slow
def test_an_upload_that_is_not_a_notebook_gets_zero_and_a_sentence(zips, tmp_path):
    status, log, data, _ = run_autograder(zips["any"], tmp_path, {"layers.ipynb": b"this is not JSON {"})
    assert status == 0, log
    assert data["score"] == 0
    assert "layers: not graded" in data["output"] and "not valid JSON" in data["output"]
    assert "Traceback" not in log


def test_an_upload_without_any_notebook_gets_zero_and_a_sentence(zips, tmp_path):
    status, log, data, _ = run_autograder(zips["layers"], tmp_path, {"answers.pdf": b"%PDF-1.4"})
    assert status == 0, log
    assert (data["score"], data["tests"]) == (0, [])
    assert "no notebook" in data["output"] and "answers.pdf" in data["output"]


def test_a_grader_that_cannot_start_still_leaves_a_result(zips, tmp_path):
    status, _, data, _ = run_autograder(zips["any"], tmp_path, {"layers.ipynb": b"{}"},
                                        python=str(tmp_path / "no-python"))
    assert status == 0
    assert data["score"] == 0 and "stopped before it finished" in data["output"]


# ---------------------------------------------------------------- results.json from a Report

def report_with_a_skipped_check():
    checks = [CheckResult("affine.forward", "Affine", "pass", 2.0, 2.0, "ok"),
              CheckResult("affine.backward", "Affine", "fail", 0.0, 3.0, "dx differs", hint="transpose W"),
              CheckResult("device.affine", "Affine", "skip", 0.0, 1.0, "no GPU")]
    return Report("layers", score=2.0, max_score=5.0, checks=checks, submission={"name": "layers.ipynb"})


@pytest.mark.parametrize("visibility", gradescope.VISIBILITIES)
def test_results_keep_the_reports_score_and_the_chosen_visibility(visibility):
    data = check_results(gradescope.results(report_with_a_skipped_check(), 3.4, visibility))
    assert (data["score"], data["execution_time"], data["visibility"]) == (2.0, 3, visibility)
    by_number = {test.get("number"): test for test in data["tests"]}
    assert by_number["1.1"]["status"] == "passed" and by_number["1.2"]["status"] == "failed"
    assert "hint: transpose W" in by_number["1.2"]["output"]
    assert "score" not in by_number["1.3"] and "status" not in by_number["1.3"]  # skipped: not in the total
    assert {test["visibility"] for test in data["tests"]} == {visibility}
    assert ("dx differs" in data["output"]) == (visibility == "visible")


def test_results_refuse_an_unknown_visibility():
    with pytest.raises(ValueError):
        gradescope.results(report_with_a_skipped_check(), 1.0, "soon")


# ---------------------------------------------------------------- which file of an upload is graded

def test_the_notebook_that_names_the_assignment_is_chosen(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mine.ipynb").write_bytes(notebook("layers"))
    (tmp_path / "Untitled.ipynb").write_bytes(notebook())
    (tmp_path / "spiral.py").write_text("x = 1\n")
    (tmp_path / "link.ipynb").symlink_to(tmp_path / "Untitled.ipynb")
    chosen, assignment, notes, problem = gradescope.choose_submission(tmp_path)
    assert (chosen, assignment, problem) == (tmp_path / "a" / "mine.ipynb", "layers", None)
    assert "a/mine.ipynb was graded" in notes[0] and "Untitled.ipynb" in notes[0] and "spiral.py" in notes[0]
    assert any("link.ipynb is a symbolic link" in note for note in notes)
    assert gradescope.choose_submission(tmp_path, "spiral")[:2] == (tmp_path / "spiral.py", "spiral")


def test_a_notebook_of_another_assignment_is_graded_as_this_one_and_says_so(tmp_path):
    (tmp_path / "forward.ipynb").write_bytes(notebook("forward"))
    chosen, assignment, notes, _ = gradescope.choose_submission(tmp_path, "layers")
    assert (chosen, assignment) == (tmp_path / "forward.ipynb", "layers")
    assert notes == ["forward.ipynb says it is the forward notebook, but this assignment is layers: "
                     "it was graded as layers."]


def test_a_notebook_without_metadata_is_graded_as_its_name_says(tmp_path):
    (tmp_path / "spiral.ipynb").write_bytes(notebook())
    assert gradescope.choose_submission(tmp_path)[:2] == (tmp_path / "spiral.ipynb", "spiral")


def test_a_file_that_names_no_assignment_is_not_guessed(tmp_path):
    (tmp_path / "homework.ipynb").write_bytes(notebook())
    choice = gradescope.choose_submission(tmp_path)
    assert choice.path is None and choice.problem.startswith("homework.ipynb does not say which assignment it is")
    assert gradescope.choose_submission(tmp_path, "layers")[:2] == (tmp_path / "homework.ipynb", "layers")


def test_an_empty_or_missing_upload_says_so(tmp_path):
    assert gradescope.choose_submission(tmp_path).problem == "Your submission is empty: upload your notebook (.ipynb)."
    assert "no submission" in gradescope.choose_submission(tmp_path / "missing").problem


def test_a_grader_bug_still_leaves_a_result(tmp_path, monkeypatch, capsys):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(gradescope, "grade_upload", broken)
    assert gradescope.main(["--root", str(tmp_path)]) == 0
    data = check_results(json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8")))
    assert data["score"] == 0 and "please tell your instructor" in data["output"]
    assert "internal grader error: RuntimeError: boom" in capsys.readouterr().out
