"""The message catalogues (Babel, tools/i18n.py) and the language of the reports.

Every marked sentence has a current, complete Korean entry whose compiled copy is up to date;
the Korean uses the glossary's terms; a report is written in the language asked for, else the
notebook's own, else the environment's."""
import re
import sys

import pytest

from backprop_lab_check import i18n
from gradelib import ROOT, grade, solution, write

sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalogues  # noqa: E402  (tools/i18n.py)

GLOSSARY = ROOT / "locale" / "ko" / "glossary.md"


def glossary():
    """(English, Korean) pairs of the glossary's table."""
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|", GLOSSARY.read_text(encoding="utf-8"), re.MULTILINE)
    return [(en, ko) for en, ko in rows if en not in ("English", "---")]


def test_catalogues_are_complete_and_current():
    assert catalogues.problems() == []


def test_glossary_terms_are_used_consistently():
    terms = glossary()
    assert len(terms) >= 40
    catalog = catalogues.read(catalogues.po_path("ko"), "ko")
    inconsistent = []
    for message in catalog:
        if not message.id:
            continue
        # "%(check)s" names a value, not a check; an ngettext() entry has several forms
        english = catalogues.PLACEHOLDER.sub("", " ".join(catalogues.forms(message.id)))
        korean = " ".join(catalogues.forms(message.string))
        for en, ko in terms:
            if re.search(rf"\b{re.escape(en)}(e?s)?\b", english, re.IGNORECASE) and ko not in korean:
                inconsistent.append(f"{message.id!r} -> {message.string!r}: {en!r} is {ko!r}")
    assert inconsistent == []


@pytest.mark.parametrize("environ, expected", [
    pytest.param({}, "en", id="nothing-set"),
    pytest.param({"LANG": "ko_KR.UTF-8"}, "ko", id="LANG"),
    pytest.param({"LANG": "ko_KR.UTF-8", "LC_ALL": "C.UTF-8"}, "en", id="LC_ALL-first"),
    pytest.param({"LC_MESSAGES": "ko_KR", "LANG": "en_US.UTF-8"}, "ko", id="LC_MESSAGES-before-LANG"),
    pytest.param({"LANG": "C.UTF-8", "BACKPROP_LAB_LANG": "ko"}, "ko", id="own-variable-first"),
    pytest.param({"LANG": "fr_FR.UTF-8"}, "en", id="unsupported"),
])
def test_language_from_the_environment(environ, expected):
    assert i18n.resolve(environ=environ) == expected
    assert i18n.resolve("ko", environ=environ) == "ko"


# Only what a test sets: the machine's own locale variables must not decide.
LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "BACKPROP_LAB_LANG": "", "LANG": "C.UTF-8"}


def notebook(tmp_path, language=None):
    nb = solution("layers")
    if language:
        nb.metadata.setdefault("backprop_lab", {})["language"] = language
    return write(nb, tmp_path / "layers.ipynb")


@pytest.mark.parametrize("lang, notebook_language, expected", [
    pytest.param(None, "ko", "ko", id="notebook-metadata"),
    pytest.param("en", "ko", "en", id="lang-overrides-notebook"),
    pytest.param("ko", None, "ko", id="lang"),
])
def test_report_language(tmp_path, lang, notebook_language, expected):
    out = tmp_path / "out"
    report, _ = grade(notebook(tmp_path, notebook_language), "layers", out, ["--lang", lang] if lang else [],
                      environment=LOCALE)
    assert report["language"] == expected
    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f'<html lang="{expected}">' in html
    if expected == "ko":
        assert "| 대상 | 점수 |" in markdown and "통과" in markdown
        assert "검사 항목" in html and "이 보고서에 대하여" in html
    else:
        assert "| target | points |" in markdown and "About this report" in html


def test_environment_language_when_the_notebook_says_none(tmp_path):
    report, _ = grade(notebook(tmp_path), "layers", tmp_path / "out", environment={**LOCALE, "LANG": "ko_KR.UTF-8"})
    assert report["language"] == "ko"


def test_unknown_language_is_a_usage_error(tmp_path):
    _, result = grade(notebook(tmp_path), "layers", tmp_path / "out", ["--lang", "xx"])
    assert result.returncode == 2 and "invalid choice: 'xx'" in result.stderr and "Traceback" not in result.stderr


def test_compiled_catalogue_ships_with_the_package():
    assert catalogues.mo_path("ko").is_file()
    assert i18n.translations("ko").gettext("Checks") == "검사 항목"
