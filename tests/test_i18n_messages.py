"""The checks' own sentences in Korean: a report graded with --lang ko says every message and
hint in Korean, the Korean hint of each known optimizer mistake included, while the same
submission graded in English reads as before; the visible `check()` table follows
use_language().

A message is Korean when it contains Hangul and is not an English sentence of the catalogue
left as it is (what a sentence that nobody marked, or a translation that is not looked up at
check time, would give)."""
import contextlib
import io
import re

import pytest

import assignment_suite as suite
import backprop_lab_check
from backprop_lab_check import i18n
from gradelib import grade, mutate, notebook_namespace, solution, write
from mutants import OPTIMIZERS
from test_i18n import catalogues

HANGUL = re.compile("[\uac00-\ud7a3]")
KOREAN = i18n.translations("ko")


def english_sentences():
    """Every English sentence of the catalogue (each form of a plural entry)."""
    catalog = catalogues.read(catalogues.po_path("ko"), "ko")
    return {form for message in catalog if message.id for form in catalogues.forms(message.id)}


def untranslated(report):
    """Each (check id, text) of the report whose message or hint is not Korean."""
    english = english_sentences()
    return [(check["id"], text) for check in report["checks"] for text in (check["message"], check["hint"])
            if text is not None and (not HANGUL.search(text) or text in english)]


def feedback(report, target):
    return [f"{check['message']} {check['hint'] or ''}" for check in report["checks"]
            if check["target"] == target and check["status"] != "pass"]


@pytest.mark.slow
@pytest.mark.parametrize("mutant", OPTIMIZERS, ids=lambda m: m.name)
def test_optimizer_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english, _ = grade(path, mutant.assignment, tmp_path / "en", ["--lang", "en"])
    korean, _ = grade(path, mutant.assignment, tmp_path / "ko", ["--lang", "ko"])
    # English, unchanged: the mistake is named as the mutant suite expects
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert english["language"] == "en" and not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    # Korean: the same verdicts, every sentence translated, each hint the Korean of the English one
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}  # some mistakes are named in the message
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == KOREAN.gettext(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.slow
def test_correct_optimizers_in_korean(tmp_path):
    """Every check passes, and every message (ok, or why a GPU check is skipped) is Korean."""
    report, _ = grade(write(suite.definitions_only(solution("optimizers")), tmp_path / "optimizers.ipynb"),
                      "optimizers", tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_unreadable_submission_in_korean(tmp_path):
    path = tmp_path / "optimizers.ipynb"
    path.write_text("{not json", encoding="utf-8")
    report, _ = grade(path, "optimizers", tmp_path / "ko", ["--lang", "ko"])
    assert report["language"] == "ko" and "Jupyter 노트북이 아닙니다" in report["error"]
    assert untranslated(report) == []


@contextlib.contextmanager
def language(code):
    before = i18n.current()
    backprop_lab_check.use_language(code)
    try:
        yield
    finally:
        i18n.use(before)


def shown(names, namespace):
    """What check(*names) shows outside Jupyter (its text table), and its HTML table."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            backprop_lab_check.check(*names, namespace=namespace)
        except backprop_lab_check.ChecksFailed:
            pass
    return out.getvalue(), backprop_lab_check.run(names, namespace)._repr_html_()


def test_visible_check_table_in_korean():
    namespace = notebook_namespace(solution("optimizers"))
    with language("ko"):
        text, html = shown(["SGD"], namespace)
    assert text.startswith("SGD: 공개 검사 3개 중 3개 통과 (모두 통과, ")
    assert "  통과   sgd.known_steps: 통과" in text and "비공개 채점기는 다른 입력으로 더 많은 검사를 실행합니다." in text
    assert ">검사</th>" in html and ">메시지</th>" in html and "✔ 통과" in html
    with language("en"):
        text, html = shown(["SGD"], namespace)
    assert text.startswith("SGD: 3/3 visible checks passed (all passed, ") and "  ok   sgd.known_steps: ok" in text
    assert ">check</th>" in html and "✔ pass" in html


def test_visible_mistake_in_korean():
    mutant = next(m for m in OPTIMIZERS if m.name == "sgd_rebinds_params")
    namespace = notebook_namespace(mutate("optimizers", mutant.edits))
    with language("ko"):
        text, html = shown(["SGD"], namespace)
        with pytest.raises(backprop_lab_check.ChecksFailed, match="공개 검사 3개를 통과하지 못했습니다"):
            backprop_lab_check.run(["SGD"], namespace).raise_for_status()
    assert "  실패   sgd.known_steps: SGD.update가 호출한 쪽이 가진 매개변수를 바꾸지 않았습니다(1번째 단계)" in text
    assert "힌트: 각 배열을 제자리에서 갱신하세요" in text and "<b>힌트:</b>" in html and "✘ 실패" in html


def test_use_language_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="use_language\\(\\) takes one of 'en', 'ko', not 'fr'"):
        backprop_lab_check.use_language("fr")
