"""The `spiral` assignment's check sentences in Korean: every spiral mutant graded with --lang ko
has the same verdicts as in English, every message and hint in Korean, and each hint that is a
catalogue sentence is the catalogue's Korean of the English one; the solution passes with Korean
messages; the visible check() of a known mistake answers in Korean.

Skipped while the catalogue lacks the spiral entries (they come with the merge of the spiral
translations into locale/ko/LC_MESSAGES/backprop_lab.po)."""
import pytest

import assignment_suite as suite
from backprop_lab_check.shared import spiral
from gradelib import grade, mutate, notebook_namespace, solution, write
from mutants import SPIRAL
from test_i18n_messages import HANGUL, KOREAN, feedback, language, shown, untranslated

# Sentences of each spiral file: when one has no Korean entry, the catalogue lacks the spiral's.
SENTINELS = [spiral.ONE_LOSS_PER_STEP, spiral.NOT_FITTED,
             "TwoLayerNet.predict returns probabilities",                       # checks/spiral.py
             "use the TOTAL norm over all gradients, sqrt(sum of every g**2), and one rate for all of them; "
             "not each array's own norm"]                                       # grader/checks/test_spiral.py
pytestmark = pytest.mark.skipif(
    any(KOREAN.gettext(text) == text for text in SENTINELS),
    reason="the Korean catalogue has no spiral entries yet (merge the spiral translations, then `make i18n`)")


def same_verdicts(korean, english):
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]


@pytest.mark.slow
@pytest.mark.parametrize("mutant", SPIRAL, ids=lambda m: m.name)
def test_spiral_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english, _ = grade(path, mutant.assignment, tmp_path / "en", ["--lang", "en"])
    korean, _ = grade(path, mutant.assignment, tmp_path / "ko", ["--lang", "ko"])
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    same_verdicts(korean, english)
    assert untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}
    known = {check_id: hint for check_id, hint in hints.items() if KOREAN.gettext(hint) != hint}
    for check in korean["checks"]:
        if check["id"] in known:  # a hint built with numbers in it is Korean (untranslated() says so) but no msgid
            assert check["hint"] == KOREAN.gettext(known[check["id"]]), check


@pytest.mark.slow
def test_correct_spiral_in_korean(tmp_path):
    report, _ = grade(write(suite.definitions_only(solution("spiral")), tmp_path / "spiral.ipynb"),
                      "spiral", tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_visible_spiral_mistake_in_korean():
    mutant = next(m for m in SPIRAL if m.name == "weights_not_scaled")
    namespace = notebook_namespace(mutate("spiral", mutant.edits))
    with language("ko"):
        text, html = shown(["TwoLayerNet"], namespace)
    assert "two_layer_net.init: np.random.seed(0) 다음에 만든 TwoLayerNet(2, 10, 3)의 params[0](W1)의 값이" in text, text
    assert "힌트: 가중치의 크기를 줄이세요: W1 = 0.01 * np.random.randn(2, 10)" in text and "<b>힌트:</b>" in html
    with language("en"):
        text, _ = shown(["TwoLayerNet"], namespace)
    assert "hint: scale the weights: W1 = 0.01 * np.random.randn(2, 10)" in text and not HANGUL.search(text)
