"""The `gradients` checks in Korean: every mutant of tests/test_assignment_gradients.py graded
with --lang ko gets the same verdicts as in English, every message and hint in Korean, and each
known mistake's hint is the catalogue's Korean of the English one; the solution's report and
the visible check() table are Korean too (test_i18n_messages.py does the same for optimizers).

A hint built from a template ("use delta = 1e-7 inside the log, not {delta:g}") is compared
with the template's Korean filled with the same values."""
import re

import pytest
from babel.messages.extract import extract_from_file

import assignment_suite as suite
from gradelib import ROOT, grade, mutate, notebook_namespace, solution, write
from test_assignment_gradients import ASSIGNMENT, MUTANTS
from test_i18n_messages import HANGUL, KOREAN, feedback, language, shown, untranslated

SOURCES = ["backprop_lab_check/shared/gradients.py", "backprop_lab_check/checks/gradients.py",
           "grader/checks/test_gradients.py"]
MESSAGES = sorted({message for source in SOURCES for _, message, _, _ in extract_from_file("python", ROOT / source)})
MISSING = [message for message in MESSAGES if KOREAN.gettext(message) == message]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"the Korean catalogue has no entry yet for {len(MISSING)} "
                                f"of the gradients checks' {len(MESSAGES)} sentences (e.g. {MISSING[:1]})")
FIELD = re.compile(r"\{(\w+)[^{}]*\}")


def korean_of(english):
    """The catalogue's Korean of `english`: its own entry, or the Korean of the template (with
    placeholders) it was built from, filled with the same values."""
    if KOREAN.gettext(english) != english:
        return KOREAN.gettext(english)
    for template in sorted(MESSAGES, key=lambda message: -len(FIELD.sub("", message))):  # the most specific first
        parts = FIELD.split(template)  # text, placeholder, text, ...
        if len(parts) == 1:
            continue
        seen, pattern = set(), ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pattern += re.escape(part)
            else:
                pattern += f"(?P={part})" if part in seen else f"(?P<{part}>.+?)"
                seen.add(part)
        found = re.fullmatch(pattern, english)
        if found:
            return FIELD.sub(r"{\1}", KOREAN.gettext(template)).format(**found.groupdict())
    return None


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_gradient_mistakes_are_explained_in_korean(mutant, tmp_path):
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
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}
    assert hints or mutant.name == "train_updates_a_copy", english["checks"]  # some name the mistake in the message
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == korean_of(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.slow
def test_correct_gradients_in_korean(tmp_path):
    """Every check passes, and every message is Korean."""
    report, _ = grade(write(suite.definitions_only(solution(ASSIGNMENT)), tmp_path / f"{ASSIGNMENT}.ipynb"),
                      ASSIGNMENT, tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_a_template_hint_is_matched_to_its_korean():
    english = "use delta = 1e-7 inside the log, not 1e-08"
    assert korean_of(english) == KOREAN.gettext("use delta = 1e-7 inside the log, not {delta:g}").replace(
        "{delta:g}", "1e-08")


def test_visible_mistake_in_korean():
    mutant = next(m for m in MUTANTS if m.name == "sse_without_half")
    namespace = notebook_namespace(mutate(ASSIGNMENT, mutant.edits))
    with language("ko"):
        text, html = shown(["sum_squared_error"], namespace)
    hint = KOREAN.gettext("the factor 1/2 is missing: E = 0.5 * sum((y - t)**2)")
    assert "sum_squared_error.book_example: 책의 예제에 대한 sum_squared_error(" in text
    assert f"힌트: {hint}" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["sum_squared_error"], namespace)
    assert "sum_squared_error on the book's example (2 most likely, correct class 2)" in text
    assert "the factor 1/2 is missing" in text and not HANGUL.search(text)
