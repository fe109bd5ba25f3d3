"""PrairieLearn: the external grader's entry point, run as PrairieLearn runs it (a job folder with
data/data.json and student/, results/results.json read back), and the questions
tools/prairielearn_course.py generates.

results.json is validated against tests/schemas/prairielearn_results.schema.json and the
questions' info.json against tests/schemas/prairielearn_question_info.schema.json, both written
from PrairieLearn's documentation and question schema.
"""
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from gradelib import mutate
from grader.platforms import prairielearn
from grader.report import CheckResult, Report

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "schemas"
sys.path.insert(0, str(ROOT / "tools"))
import prairielearn_course  # noqa: E402  (tools/prairielearn_course.py)

LAYERS_UUID = "332330b8-eda4-5bee-bb98-4cfaf1ab5c06"  # must never change: PrairieLearn keys submissions by it


def validator(name):
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


RESULTS = validator("prairielearn_results.schema.json")
QUESTION_INFO = validator("prairielearn_question_info.schema.json")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "prairielearn"
    prairielearn_course.main(["--out", str(out)])
    return out


def question(course, assignment):
    folder = course / "questions" / "backprop-lab" / assignment
    return folder, json.loads((folder / "info.json").read_text())


def job(tmp_path, params, uploads):
    """A grading job laid out as PrairieLearn lays it out (results/ is left for the grader to make)."""
    root = tmp_path / "grade"
    (root / "student").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "data.json").write_text(json.dumps(
        {"params": params, "correct_answers": {}, "submitted_answers": {}, "format_errors": {},
         "partial_scores": {}, "score": 0, "feedback": {}, "variant_seed": 1, "options": {},
         "raw_submitted_answers": {}, "gradable": True}))
    for name, data in uploads.items():
        (root / "student" / name).write_bytes(data)
    return root


def run_job(root, args):
    """Run the entry point on the job `root`; the validated results.json and the process."""
    done = subprocess.run([sys.executable, "-m", prairielearn.MODULE, "--root", str(root), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    path = root / "results" / "results.json"
    assert path.stat().st_size <= prairielearn.RESULTS_LIMIT_BYTES
    found = json.loads(path.read_text(encoding="utf-8"))
    RESULTS.validate(found)
    return found, done


def notebook(folder, assignment):
    return (ROOT / folder / f"{assignment}.ipynb").read_bytes()


# ---------------------------------------------------------------- the generated questions

def test_every_assignment_has_a_valid_externally_graded_question(course):
    from grader.assignments import known_assignments

    uuids = {}
    for assignment in known_assignments():
        folder, info = question(course, assignment)
        QUESTION_INFO.validate(info)
        uuids[info["uuid"]] = assignment
        assert info["gradingMethod"] == "External" and info["type"] == "v3"
        options = info["externalGradingOptions"]
        assert options["image"] == prairielearn_course.DEFAULT_IMAGE
        assert options["timeout"] == prairielearn_course.DEFAULT_TIMEOUT_S
        # The entrypoint is the one this module runs, and it says which assignment to grade.
        assert options["entrypoint"][:3] == [prairielearn.PYTHON, "-m", prairielearn.MODULE]
        args = prairielearn.build_parser().parse_args(options["entrypoint"][3:])
        assert args.assignment == assignment
        assert args.submission_timeout_s == options["timeout"] - prairielearn.OVERHEAD_S
        html = (folder / "question.html").read_text()
        assert f'<pl-file-upload file-names="{assignment}.ipynb"></pl-file-upload>' in html
        assert "<pl-submission-panel>" in html and "<pl-external-grader-results>" in html
        exercise = notebook("exercises", assignment)
        assert (folder / "clientFilesQuestion" / f"{assignment}.ipynb").read_bytes() == exercise
        if prairielearn_course.uses_runtime(json.loads(exercise)):
            assert "backprop_lab_check.zip" in html
    assert sorted(uuids.values()) == known_assignments(), "question uuids must be unique"
    with zipfile.ZipFile(course / "clientFilesCourse" / "backprop_lab_check.zip") as runtime:
        assert "backprop_lab_check/__init__.py" in runtime.namelist()


def test_rebuilding_keeps_each_question_s_uuid(course, tmp_path):
    prairielearn_course.main(["--out", str(tmp_path), "--image", "someone/grader:2", "--timeout", "120"])
    for folder in (course / "questions" / "backprop-lab").iterdir():
        _, again = question(tmp_path, folder.name)
        assert again["uuid"] == question(course, folder.name)[1]["uuid"]
        assert again["externalGradingOptions"]["timeout"] == 120
    assert question(course, "layers")[1]["uuid"] == LAYERS_UUID


def test_the_timeout_maps_onto_the_submission_budget():
    assert prairielearn.limits_for(60).submission_timeout_s == 60 - prairielearn.OVERHEAD_S
    for unusable in (prairielearn.OVERHEAD_S, prairielearn.MAX_TIMEOUT_S + 1):
        with pytest.raises(ValueError, match="PrairieLearn timeout"):
            prairielearn.limits_for(unusable)


# ---------------------------------------------------------------- grading jobs

def test_the_solution_gets_full_marks_with_the_question_s_own_entrypoint(course, tmp_path):
    root = job(tmp_path, {}, {"layers.ipynb": notebook("solutions", "layers")})
    (root / "results").mkdir()
    _, info = question(course, "layers")
    found, done = run_job(root, info["externalGradingOptions"]["entrypoint"][3:])
    assert found["gradable"] is True and found["score"] == 1.0
    assert found["message"] == "layers: 51 / 51 points."
    assert found["output"].startswith("## layers: 51.0 / 51.0")
    assert sum(t["points"] for t in found["tests"]) == sum(t["max_points"] for t in found["tests"]) == 51
    assert all(t["name"] and t["message"] and t["output"] for t in found["tests"])
    assert found["images"] and all(image["url"].startswith("data:image/png;base64,") for image in found["images"])
    assert done.stdout.startswith("layers: 51 / 51 -> ")


def test_the_exercise_gets_a_partial_score_and_says_what_is_missing(tmp_path):
    # The assignment comes from the question's params here (a question with its own server.py).
    root = job(tmp_path, {"assignment": "layers"}, {"layers.ipynb": notebook("exercises", "layers")})
    found, _ = run_job(root, [])
    assert found["gradable"] is True and 0 <= found["score"] < 1
    lost = [t for t in found["tests"] if t["points"] < t["max_points"]]
    assert lost and all(t["message"] not in ("", "ok", "failed") for t in lost)
    points, max_points = (sum(t[key] for t in found["tests"]) for key in ("points", "max_points"))
    assert found["score"] == pytest.approx(points / max_points)


def test_a_hanging_notebook_still_gets_results_before_prairielearn_s_timeout(tmp_path):
    """PrairieLearn kills the job at its timeout and shows "grading failed"; the grader's own budget
    (the timeout less OVERHEAD_S) must run out first, with every point explained."""
    hang = mutate("layers", [], extra_cells=["while True:\n    pass"])
    root = job(tmp_path, {}, {"layers.ipynb": nbformat.writes(hang).encode()})
    budget_s = 3
    started = time.monotonic()
    found, _ = run_job(root, ["--assignment", "layers", "--submission-timeout-s", str(budget_s)])
    assert time.monotonic() - started < budget_s + prairielearn.OVERHEAD_S
    assert found["gradable"] is True
    assert "the submission's time budget is spent" in found["output"]


@pytest.mark.parametrize("params, uploads, expected", [
    pytest.param({}, None, "data/data.json", id="no-data-json"),
    pytest.param({}, {}, "No notebook was submitted: upload layers.ipynb.", id="no-upload"),
    pytest.param({}, {"layers.ipynb": b'{"cells": [oops'}, "layers.ipynb", id="broken-notebook"),
    pytest.param({"assignment": "convolutions"}, {"convolutions.ipynb": b"{}"}, "Unknown assignment 'convolutions'",
                 id="unknown-assignment"),
])
def test_a_job_that_cannot_be_graded_is_not_gradable_with_a_clear_message(tmp_path, params, uploads, expected):
    root = job(tmp_path, params, uploads or {})
    if uploads is None:
        (root / "data" / "data.json").unlink()
    args = ["--assignment", "layers"] if "assignment" not in params else []
    found, done = run_job(root, args)
    assert found["gradable"] is False and found["score"] == 0.0 and found["tests"] == []
    assert expected in found["message"] and found["message"].startswith("Not graded: ")
    assert found["format_errors"] and expected in found["format_errors"][0]
    assert "not gradable" in done.stdout


# ---------------------------------------------------------------- PrairieLearn's 1 MB limit

def test_results_stay_under_prairielearn_s_limit(monkeypatch):
    long = "x" * 100_000  # a submission's exception message can be this long
    checks = [CheckResult(f"affine.check{i}", "Affine", "error", 0.0, 1.0, message=long) for i in range(40)]
    report = Report("layers", 0.0, 40.0, checks=checks, artifacts={"gradient_errors": {
        "rows": [{"tensor": f"dW{i}", "max_rel": 10.0 ** -i} for i in range(12)], "tolerance": 1e-5}})
    found = prairielearn.results(report)
    RESULTS.validate(found)
    assert len(json.dumps(found, ensure_ascii=False).encode()) <= prairielearn.RESULTS_LIMIT_BYTES
    assert found["images"] and all(len(t["message"]) <= prairielearn.TEST_TEXT_CHARS for t in found["tests"])

    monkeypatch.setattr(prairielearn, "RESULTS_LIMIT_BYTES", 60_000)  # the plot no longer fits
    found = prairielearn.results(report)
    assert found["images"] == [] and "plots were left out" in found["message"]
    assert len(json.dumps(found, ensure_ascii=False).encode()) <= 60_000
