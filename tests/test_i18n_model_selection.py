"""The `model_selection` checks in Korean: every mutant of tests/test_assignment_model_selection.py
graded with --lang ko gets the same verdicts as in English, every message and hint in Korean,
and each known mistake's hint is the catalogue's Korean of the English one; the solution's
report and the visible `check()` table speak Korean too.

The sentences of the checks (backprop_lab_check/shared/model_selection.py, checks/ and the
hidden grader/checks/test_model_selection.py) are read from the sources as `make i18n` reads
them; until the Korean catalogue has every one of them, these tests are skipped."""
import pytest
from babel.messages.extract import extract_from_file

import assignment_suite as suite
from gradelib import ROOT, grade, mutate, notebook_namespace, solution, write
from test_assignment_model_selection import A, MUTANTS
from test_i18n_messages import KOREAN, feedback, language, shown, untranslated

SOURCES = ["backprop_lab_check/shared/model_selection.py", "backprop_lab_check/checks/model_selection.py",
           "grader/checks/test_model_selection.py"]


def untranslated_sentences():
    """The marked sentences of the model_selection checks that the Korean catalogue lacks."""
    sentences = {message if isinstance(message, str) else message[0] for path in SOURCES
                 for _line, message, _comments, _context in extract_from_file("python", ROOT / path)}
    return sorted(sentence for sentence in sentences if KOREAN.gettext(sentence) == sentence)


MISSING = untranslated_sentences()
pytestmark = pytest.mark.skipif(bool(MISSING), reason=(
    f"the Korean catalogue (locale/ko/LC_MESSAGES/backprop_lab.po, compiled by `make i18n`) lacks {len(MISSING)} "
    f"sentences of the model_selection checks, e.g. {MISSING[:1]}"))


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_model_selection_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english = grade(path, A, tmp_path / "en", ["--lang", "en"])[0]
    korean = grade(path, A, tmp_path / "ko", ["--lang", "ko"])[0]
    # English, unchanged: the mistake is named as the mutant suite expects
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    # Korean: the same verdicts, every sentence translated, each hint the Korean of the English one
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert korean["language"] == "ko" and untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}  # some mistakes are named in the message
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == KOREAN.gettext(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.slow
def test_correct_model_selection_in_korean(tmp_path):
    report = grade(write(suite.definitions_only(solution(A)), tmp_path / f"{A}.ipynb"), A, tmp_path / "ko",
                   ["--lang", "ko"])[0]
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_visible_model_selection_mistake_in_korean():
    """A split that does not shuffle: the visible check's message names the call in Korean, and
    the hint is the Korean one."""
    mutant = next(m for m in MUTANTS if m.name == "split_not_shuffled")
    namespace = notebook_namespace(mutate(A, mutant.edits))
    with language("ko"):
        text, html = shown(["train_valid_split"], namespace)
    assert "예제 20개에 대한 train_valid_split(X, y, 0.25, seed=0): 검증용 부분이 처음 또는 마지막 5개 행을 원래 " \
           "순서 그대로 담고 있습니다" in text
    assert "힌트: 먼저 행을 섞으세요: order = np.random.default_rng(seed).permutation(n)" in text
    assert "<b>힌트:</b>" in html
    with language("en"):
        text, html = shown(["train_valid_split"], namespace)
    assert "train_valid_split(X, y, 0.25, seed=0) with 20 examples: the validation part is the first or last 5" in text
    assert "hint: shuffle the rows first" in text
