"""The message catalogues (Babel, tools/catalogues.py) and the language of the reports.

Every marked sentence has a current, complete Korean entry whose compiled copy is up to date;
the Korean uses the glossary's terms; a report is written in the language asked for, else the
notebook's own, else the environment's."""
import re
import warnings

import matplotlib.image
import numpy
import pytest

from backprop_lab_check import i18n
from gradelib import ROOT, grade, solution, write

import student_path  # noqa: E402  (tools/student_path.py, on the path by conftest.py)
from tools import catalogues, notebook_text  # noqa: E402

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
        for en, ko in sorted(terms, key=lambda term: -len(term[0])):  # "gradient check" before "check"
            pattern = re.compile(rf"\b{re.escape(en)}(e?s)?\b", re.IGNORECASE)
            if pattern.search(english) and ko not in korean:
                inconsistent.append(f"{message.id!r} -> {message.string!r}: {en!r} is {ko!r}")
            english = pattern.sub(" ", english)
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


# -- Hangul on the page and in the plots -------------------------------------------------------

def korean_report_data():
    from grader.report import CheckResult, Report, TargetScore
    report = Report("layers", 1.0, 3.0, language="ko", grader_version="test", isolation="bubblewrap",
                    checks=[CheckResult("affine.forward", "Affine", "pass", 1.0, 1.0, "ok"),
                            CheckResult("affine.backward", "Affine", "fail", 0.0, 2.0, "dW differs", hint="x.T @ dout")],
                    targets=[TargetScore("Affine", 1.0, 3.0)],
                    artifacts={"loss_curve": {"losses": [2.0, 1.0, float("nan"), 0.5], "eval_interval": 20}})
    return report.to_json()


HANGUL = re.compile("[\uac00-\ud7a3]")


def test_korean_plots_draw_every_glyph(korean_font):
    from grader.render import plots
    tr = i18n.translations("ko")
    draw = [lambda: plots.loss_curve([2.0, 1.0, float("nan"), 0.5], 20, tr.gettext),
            lambda: plots.gradient_errors([{"tensor": "Affine.dW", "max_rel": 1e-9}] * 70, 1e-5, tr.gettext),
            lambda: plots.decision_boundary({"xlim": [0, 1], "ylim": [0, 1], "grid": [[0, 1]], "points": [[0.2, 0.5]],
                                             "labels": [0]}, tr.gettext)]

    def missing_glyphs(language):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with plots.fonts_for(language):
                for plot in draw:
                    plot()
        return [str(w.message) for w in caught if "missing from" in str(w.message)]

    assert missing_glyphs("ko") == []
    assert missing_glyphs("en"), "the Korean labels should need the Korean font (the test would prove nothing)"


def test_korean_report_renders_hangul_in_chromium(tmp_path, chromium, korean_font):
    """The page with its Hangul, against the same page with every Hangul syllable replaced by an
    unassigned code point: without a font for Hangul both show the same empty boxes."""
    from grader.render.views import render_html
    html = render_html(korean_report_data())
    assert '<html lang="ko">' in html and "검사 항목" in html
    pages = {"hangul": html, "boxes": HANGUL.sub("\u0378", html)}
    shots = {}
    for name, text in pages.items():
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        student_path.screenshot(tmp_path / f"{name}.html", tmp_path / f"{name}.png", tmp_path / f"profile-{name}",
                                width=900, height=700)
        shots[name] = matplotlib.image.imread(str(tmp_path / f"{name}.png"))[..., :3]
    differs = numpy.abs(shots["hangul"] - shots["boxes"]).max(axis=-1) > 0.2
    assert differs.mean() > 0.002, f"only {differs.mean():.2%} of the pixels differ: is Hangul drawn as boxes?"


# -- the notebooks' editions -------------------------------------------------------------------

ASSIGNMENTS = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_text_round_trips(assignment):
    """Replacing every unit by itself gives the notebook back: no text is lost or added; a
    translation changes the text, never the code."""
    nb = solution(assignment)
    same = notebook_text.translate(nb, {unit: unit for unit in notebook_text.units(nb)}, "ko")
    assert [cell.source for cell in same.cells] == [cell.source for cell in nb.cells]
    marked = notebook_text.translate(nb, {unit: "번역\n" + unit for unit in notebook_text.units(nb)}, "ko")
    assert notebook_text.code_only(marked) == notebook_text.code_only(nb)
    assert all(notebook_text.parses(ours.source) for ours, theirs in zip(marked.cells, nb.cells)
               if theirs.cell_type == "code" and notebook_text.parses(theirs.source))


@pytest.mark.parametrize("language", catalogues.TRANSLATED)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_translated_exercise_has_the_same_code(assignment, language):
    import nbformat
    english = nbformat.read(ROOT / "exercises" / f"{assignment}.ipynb", as_version=4)
    translated = nbformat.read(ROOT / "exercises" / language / f"{assignment}.ipynb", as_version=4)
    assert notebook_text.code_only(translated) == notebook_text.code_only(english)
    for ours, theirs in zip(translated.cells, english.cells):  # translated docstrings leave valid Python
        if theirs.cell_type == "code" and notebook_text.parses(theirs.source):
            assert notebook_text.parses(ours.source), ours.source[:200]
    assert [cell.cell_type for cell in translated.cells] == [cell.cell_type for cell in english.cells]
    assert translated.metadata["backprop_lab"]["language"] == language
    assert translated.metadata["backprop_lab"]["assignment"] == english.metadata["backprop_lab"]["assignment"]
    korean_text = " ".join(cell.source for cell in translated.cells if cell.cell_type == "markdown")
    assert len(HANGUL.findall(korean_text)) > 500


def test_visible_checks_follow_the_notebook_language(monkeypatch):
    """check() in a kernel that knows its notebook's file (Jupyter's __session__) answers in the
    notebook's language, else in the environment's; use_language() wins over both."""
    import backprop_lab_check
    monkeypatch.setattr(backprop_lab_check, "_chosen", False)
    monkeypatch.setattr(i18n, "_language", i18n._language)
    monkeypatch.setattr(i18n, "_translations", i18n._translations)
    for name, value in LOCALE.items():
        monkeypatch.setenv(name, value)

    def summary(notebook):
        with pytest.raises(backprop_lab_check.ChecksFailed) as failed:
            backprop_lab_check.check("SGD", namespace={"__session__": str(notebook)})
        return str(failed.value)

    korean, english = ROOT / "exercises" / "ko" / "optimizers.ipynb", ROOT / "exercises" / "optimizers.ipynb"
    assert HANGUL.search(summary(korean))
    assert not HANGUL.search(summary(english))
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert HANGUL.search(summary(english)), "a notebook that declares no language: the environment's"
    backprop_lab_check.use_language("en")
    assert not HANGUL.search(summary(korean)), "use_language() wins"
