"""The checks' own sentences in Korean: what an unreadable submission is told, the visible
`check()` table in both languages, use_language(); and the helpers the other Korean tests share
(tests/test_i18n_mistakes.py grades every known mistake in both languages).

A message is Korean when it contains Hangul and is not an English sentence of the catalogue
left as it is (what a sentence that nobody marked, or a translation that is not looked up at
check time, would give)."""
import contextlib
import functools
import io
import re

import pytest

import backprop_lab_check
from backprop_lab_check import i18n
from gradelib import grade, mutate, notebook_namespace, solution
from mutants import OPTIMIZERS
from test_i18n import catalogues

HANGUL = re.compile("[\uac00-\ud7a3]")
KOREAN = i18n.translations("ko")


@functools.cache
def english_sentences():
    """Every English sentence of the catalogue (each form of a plural entry), read once per process."""
    catalog = catalogues.read(catalogues.po_path("ko"), "ko")
    return frozenset(form for message in catalog if message.id for form in catalogues.forms(message.id))


def untranslated(report):
    """Each (check id, text) of the report whose message or hint is not Korean."""
    english = english_sentences()
    return [(check["id"], text) for check in report["checks"] for text in (check["message"], check["hint"])
            if text is not None and (not HANGUL.search(text) or text in english)]


def feedback(report, target):
    return [f"{check['message']} {check['hint'] or ''}" for check in report["checks"]
            if check["target"] == target and check["status"] != "pass"]


def test_unreadable_submission_in_korean(tmp_path):
    path = tmp_path / "optimizers.ipynb"
    path.write_text("{not json", encoding="utf-8")
    report, _ = grade(path, "optimizers", tmp_path / "ko", ["--lang", "ko"])
    assert report["language"] == "ko" and "Jupyter 노트북이 아닙니다" in report["error"]
    assert untranslated(report) == []


@contextlib.contextmanager
def language(code):
    """check() in `code` inside, as after use_language(code); as before after."""
    chosen = backprop_lab_check._chosen
    backprop_lab_check._chosen = True
    try:
        with i18n.speaking(code):
            yield
    finally:
        backprop_lab_check._chosen = chosen


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
