"""The `regularization` checks' own sentences in Korean: every mutant of the assignment graded
with --lang ko gets the verdicts it gets in English, with every message and hint in Korean and
each known mistake's hint the catalogue's Korean of the English one; the solution's report is
Korean throughout; the visible checks say the same in a student's kernel after
use_language("ko").

Until the assignment's sentences are in the Korean catalogue these tests are skipped, saying
how many are missing."""
import pytest
from babel.messages.extract import extract_from_file

import assignment_suite as suite
from backprop_lab_check import run as run_visible
from gradelib import ROOT, grade, mutate, notebook_namespace, solution, write
from test_assignment_regularization import A, MUTANTS
from test_i18n_messages import HANGUL, KOREAN, feedback, language, untranslated

SOURCES = ["backprop_lab_check/checks/regularization.py", "backprop_lab_check/shared/regularization.py",
           "grader/checks/test_regularization.py"]


def sentences_without_korean():
    """The marked sentences of the assignment's checks that the Korean catalogue does not translate."""
    marked = {message if isinstance(message, str) else message[0]
              for source in SOURCES for _, message, _, _ in extract_from_file("python", ROOT / source)}
    return sorted(message for message in marked if KOREAN.gettext(message) == message)


def is_korean_of(korean, english):
    """`korean` is the catalogue's Korean of the hint `english`; a hint built with values (the
    shapes of a broadcast) is not a catalogue sentence itself, and must be Korean."""
    if KOREAN.gettext(english) != english:
        return korean == KOREAN.gettext(english)
    return bool(HANGUL.search(korean)) and korean != english


MISSING = sentences_without_korean()
pytestmark = pytest.mark.skipif(bool(MISSING), reason=(
    f"the Korean catalogue lacks {len(MISSING)} of the regularization checks' sentences "
    f"(first: {MISSING[:1]}); they pass once those translations are merged into locale/ko (make i18n)"))


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_regularization_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english, _ = grade(path, A, tmp_path / "en", ["--lang", "en"])
    korean, _ = grade(path, A, tmp_path / "ko", ["--lang", "ko"])
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert english["language"] == "en" and not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    # Statistical checks draw from the worker's seeded numpy: the same verdicts in both languages
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}
    for check in korean["checks"]:
        if check["id"] in hints:
            assert is_korean_of(check["hint"], hints[check["id"]]), check


@pytest.mark.slow
def test_correct_regularization_in_korean(tmp_path):
    report, _ = grade(write(suite.definitions_only(solution(A)), tmp_path / f"{A}.ipynb"), A, tmp_path / "ko",
                      ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_visible_checks_explain_mistakes_in_korean(mutant):
    """The mutant's visible checks (in the student's kernel) fail in Korean, with the same hints
    as in English, translated."""
    namespace = notebook_namespace(mutate(mutant.assignment, mutant.edits))
    with language("en"):
        english = run_visible([mutant.target], namespace, A)
    with language("ko"):
        korean = run_visible([mutant.target], namespace, A)
    assert [(o.id, o.status) for o in korean.outcomes] == [(o.id, o.status) for o in english.outcomes]
    assert korean.failed, f"{mutant.name} passes every visible check of {mutant.target}"
    for ko, en in zip(korean.outcomes, english.outcomes):
        if ko.status != "pass":
            assert HANGUL.search(ko.message), ko.message
        if en.hint:
            assert is_korean_of(ko.hint, en.hint), (ko.hint, en.hint)
