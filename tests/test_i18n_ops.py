"""What instructors and students read around the reports, in Korean: the CLI's usage errors
(from --lang or the environment), the batch's progress, gradebook table and summary line, the
fallback report of a judge that did not finish, the Gradescope and PrairieLearn results of an
upload that cannot be graded, where a submission's code raised and the sandbox's protections in
a Korean report, and the PrairieLearn questions built with --lang ko. The CSV columns and JSON
keys of the gradebook stay English: they are contracts."""
import csv
import json
import os
import re
import subprocess
import sys

import pytest

from backprop_lab_check import i18n
from fakejudge import make_submissions
from gradelib import ROOT, grade, mutate, write

import prairielearn_course  # noqa: E402  (tools/prairielearn_course.py, on the path by conftest.py)

HANGUL = re.compile("[\uac00-\ud7a3]")
KOREAN = i18n.translations("ko")
SUMMARY = "{graded} graded, {cached} cached, {failed} failed in {seconds:.1f} s"

pytestmark = pytest.mark.skipif(KOREAN.gettext(SUMMARY) == SUMMARY,
                                reason="the Korean catalogue has no entries for the CLI, batch and platform "
                                       "sentences yet (/work/tr3/ops.json is merged into locale/ko by `make i18n`)")


@pytest.fixture
def korean():
    """This process speaks Korean during the test, its own language after."""
    before = i18n.current()
    i18n.use("ko")
    yield KOREAN
    i18n.use(before)


def cli(*args, environment=None):
    """`python -m grader ARGS` with only `environment`'s language variables set."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANG", "LC_ALL", "LC_MESSAGES", i18n.ENVIRONMENT)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, env={**env, **(environment or {})},
                          capture_output=True, text=True, timeout=300)


def test_usage_errors_follow_the_environment_and_lang(tmp_path):
    missing = tmp_path / "nowhere"
    korean = cli("batch", missing, "--out", tmp_path / "out", environment={"LANG": "ko_KR.UTF-8"})
    assert korean.returncode == 2
    assert korean.stderr.strip() == KOREAN.gettext("error: {problem}").format(
        problem=KOREAN.gettext("submissions folder not found: {folder}").format(folder=missing))
    assert korean.stderr.startswith("오류: ") and HANGUL.search(korean.stderr)
    english = cli("batch", missing, "--out", tmp_path / "out", "--lang", "en", environment={"LANG": "ko_KR.UTF-8"})
    assert english.stderr.strip() == f"error: submissions folder not found: {missing}"
    unknown = cli("grade", tmp_path / "x.ipynb", "--assignment", "nope", "--out", tmp_path / "r", "--lang", "ko")
    assert unknown.returncode == 2 and "알 수 없는 과제" in unknown.stderr and "'nope'" in unknown.stderr


def test_a_korean_batch_prints_korean_progress_table_and_summary(tmp_path):
    root = make_submissions(tmp_path / "subs", {"ann/optimizers.ipynb": "not a notebook"})
    out = tmp_path / "reports"
    run = cli("batch", root, "--out", out, "--jobs", "1", "--lang", "ko")
    assert run.returncode == 0, run.stderr
    summary = [line for line in run.stdout.splitlines() if line.startswith("채점 1개, 캐시 0개, 실패 0개")]
    assert len(summary) == 1 and summary[0].endswith("초"), run.stdout
    assert "성적표" in run.stdout and "학생" in run.stdout and "합계" in run.stdout  # the table's title and headers
    progress = [line for line in run.stderr.splitlines() if line.startswith("[1/1]")]
    assert progress and progress[0].startswith("[1/1] 채점함 ann/optimizers: 0.0/"), run.stderr
    # the report is the notebook's (Korean here, from --lang); the gradebook's keys and columns stay English
    report = json.loads((out / "ann" / "optimizers" / "report.json").read_text(encoding="utf-8"))
    assert report["language"] == "ko" and HANGUL.search(report["error"])
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["student", "optimizers", "total"]
    book = json.loads((out / "gradebook.json").read_text(encoding="utf-8"))
    assert set(book["summary"]) == {"graded", "cached", "failed", "refused", "elapsed_s"}
    assert book["students"]["ann"]["optimizers"]["status"] == "graded"


def test_a_fallback_report_is_written_in_the_batchs_language(tmp_path, fake, korean):
    from grader.batch import run_batch

    root = make_submissions(tmp_path / "subs", {"ann/layers.py": "# exit 3\n"})
    result = run_batch(root, tmp_path / "reports", 1, judge_command=fake.command, known_ids=["layers"],
                       progress=False)
    (failed,) = result.results
    reason = korean.gettext("exit status {status}").format(status=3)
    assert failed.error == korean.gettext(
        "the grader could not finish this submission: {reason}. This is not a verdict on the code; the "
        "submission will be graded again on the next run.").format(reason=reason)
    report = json.loads(failed.report_path.read_text(encoding="utf-8"))
    assert report["language"] == "ko" and report["error"] == failed.error and "종료 상태 3" in report["error"]
    assert "<html lang=\"ko\"" in (failed.report_dir / "report.html").read_text(encoding="utf-8")


def test_gradescope_tells_an_empty_upload_in_korean(tmp_path):
    from grader.platforms import gradescope

    (tmp_path / "submission").mkdir()
    before = i18n.current()
    try:
        assert gradescope.main(["--root", str(tmp_path), "--lang", "ko"]) == 0
    finally:
        i18n.use(before)
    data = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    empty = KOREAN.gettext("Your submission is empty: upload your notebook (.ipynb).")
    assert empty != "Your submission is empty: upload your notebook (.ipynb)." and empty in data["output"]
    assert data["output"].startswith("## unknown: 채점하지 못함")
    assert data["tests"][0]["name"] == "전체 보고서"
    assert json.loads((tmp_path / "results" / "report" / "report.json").read_text(encoding="utf-8"))["language"] == "ko"


def test_prairielearn_tells_a_missing_notebook_in_korean(tmp_path):
    from grader.platforms import prairielearn

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "data.json").write_text('{"params": {}}')
    (tmp_path / "student").mkdir()
    before = i18n.current()
    try:
        assert prairielearn.main(["--root", str(tmp_path), "--assignment", "optimizers", "--lang", "ko"]) == 0
    finally:
        i18n.use(before)
    data = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert data["gradable"] is False
    assert data["message"] == "채점하지 못함: 제출된 노트북이 없습니다: optimizers.ipynb을(를) 올리세요.", data["message"]


def test_prairielearn_course_in_korean(tmp_path):
    before = i18n.current()
    folder = prairielearn_course.build(tmp_path / "ko", language="ko") / "optimizers"
    assert i18n.current() == before  # the build spoke Korean on its own
    info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
    entrypoint = info["externalGradingOptions"]["entrypoint"]
    assert entrypoint[entrypoint.index("--lang") + 1] == "ko"
    assert (folder / "clientFilesQuestion" / "optimizers.ipynb").read_bytes() == \
        (ROOT / "exercises" / "ko" / "optimizers.ipynb").read_bytes()
    assert HANGUL.search(info["title"]) and HANGUL.search((folder / "question.html").read_text(encoding="utf-8"))
    english = prairielearn_course.build(tmp_path / "en") / "optimizers"
    assert "--lang" not in json.loads((english / "info.json").read_text())["externalGradingOptions"]["entrypoint"]
    assert not HANGUL.search((english / "question.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_where_the_code_raised_and_the_protections_are_korean(tmp_path):
    nb = mutate("optimizers", [], extra_cells=["def broken_helper():\n    raise ValueError('bad')\n",
                                               "SGD.update = lambda self, params, grads: broken_helper()\n"])
    path = write(nb, tmp_path / "optimizers.ipynb")
    report, proc = grade(path, "optimizers", tmp_path / "ko", ["--lang", "ko"])
    assert report is not None, proc.stderr
    raised = [c["message"] for c in report["checks"] if c["message"] and "ValueError: bad" in c["message"]]
    assert raised and all(re.search(r"\(코드 셀 \d+, 2번째 줄: raise ValueError\('bad'\)\)", m) for m in raised), raised
    assert report["protections"] and all(HANGUL.search(p) for p in report["protections"]), report["protections"]
    english = grade(path, "optimizers", tmp_path / "en", ["--lang", "en"])[0]
    assert any(re.search(r"\(code cell \d+, line 2: raise ValueError\('bad'\)\)", c["message"] or "")
               for c in english["checks"])
