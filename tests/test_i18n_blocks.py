"""The `blocks` assignment's check sentences in Korean: every blocks mutant graded with --lang ko
has the same verdicts as in English, every message and hint in Korean, and each hint that is a
catalogue sentence is the catalogue's Korean of the English one; the solution passes with Korean
messages (the note of to_gpu without a GPU included); the visible check() of a known mistake
answers in Korean.

Skipped while the catalogue lacks the blocks entries (they come with the merge of the blocks
translations into locale/ko/LC_MESSAGES/backprop_lab.po)."""
import pytest

import assignment_suite as suite
from backprop_lab_check.shared import blocks
from gradelib import grade, mutate, notebook_namespace, solution, write
from test_assignment_blocks import MUTANTS
from test_i18n_messages import HANGUL, KOREAN, feedback, language, shown, untranslated

# Sentences of each blocks file: when one has no Korean entry, the catalogue lacks the blocks'.
SENTINELS = [blocks.COPIED, blocks.LAZY_OWN_ERROR,
             "to_gpu failed loudly without a GPU",                                  # checks/blocks.py
             "CenteredLayer has no parameters: params and grads are empty lists"]   # grader/checks/test_blocks.py
pytestmark = pytest.mark.skipif(
    any(KOREAN.gettext(text) == text for text in SENTINELS),
    reason="the Korean catalogue has no blocks entries yet (merge the blocks translations, then `make i18n`)")


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_blocks_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english, _ = grade(path, mutant.assignment, tmp_path / "en", ["--lang", "en"])
    korean, _ = grade(path, mutant.assignment, tmp_path / "ko", ["--lang", "ko"])
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert untranslated(korean) == []
    known = {c["id"]: c["hint"] for c in english["checks"] if c["hint"] and KOREAN.gettext(c["hint"]) != c["hint"]}
    assert any(c["target"] == mutant.target for c in english["checks"] if c["id"] in known) or \
        all(c["hint"] is None for c in english["checks"] if c["target"] == mutant.target), known
    for check in korean["checks"]:
        if check["id"] in known:
            assert check["hint"] == KOREAN.gettext(known[check["id"]]), check


@pytest.mark.slow
def test_correct_blocks_in_korean(tmp_path):
    report, _ = grade(write(suite.definitions_only(solution("blocks")), tmp_path / "blocks.ipynb"),
                      "blocks", tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_visible_blocks_mistake_in_korean():
    mutant = next(m for m in MUTANTS if m.name == "constant_sets_biases")
    namespace = notebook_namespace(mutate("blocks", mutant.edits))
    with language("ko"):
        text, html = shown(["Constant"], namespace)
    assert "constant.values: Constant(-1.5): 편향의 값이" in text, text
    assert "힌트: Constant는 가중치를 정하고, 편향(1차원)은 0이 됩니다" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["Constant"], namespace)
    assert "hint: Constant sets the weights; the biases (1-D) become zero" in text and not HANGUL.search(text)


def test_visible_to_gpu_note_in_korean():
    """Without CuPy the solution's to_gpu passes, with a note whose hint is in the kernel's language."""
    with language("ko"):
        text, _ = shown(["to_gpu"], notebook_namespace(solution("blocks")))
    assert "to_gpu.moves_or_fails_loudly: 통과" in text and "힌트: CuPy와 GPU가 없을 때 해야 하는 대로" in text, text
