"""The `layers` assignment's check sentences in Korean: every layers mutant graded with --lang ko
gets the same verdicts as in English, every message and hint in Korean, and the Korean hint of
each known mistake; the solution's Korean report is all Korean; the visible checks of each
mutant's layer answer in Korean after use_language("ko").

The sentences are marked in backprop_lab_check/checks/layers.py and grader/checks/test_layers.py;
until the catalogue holds their Korean, these tests are skipped (and say so)."""
import pytest
from babel.messages.extract import extract_from_file

import assignment_suite as suite
import backprop_lab_check
from gradelib import ROOT, grade, mutate, notebook_namespace, solution, write
from mutants import LAYERS
from test_i18n_messages import HANGUL, KOREAN, english_sentences, feedback, language, untranslated

SOURCES = [ROOT / "backprop_lab_check" / "checks" / "layers.py", ROOT / "grader" / "checks" / "test_layers.py"]


def untranslated_sentences():
    """The sentences the layers checks mark that the compiled Korean catalogue does not translate."""
    marked = {message if isinstance(message, str) else message[0]
              for path in SOURCES for _, message, _, _ in extract_from_file("python", str(path))}
    return sorted(m for m in marked if KOREAN.gettext(m) == m)


@pytest.fixture(scope="module", autouse=True)
def catalogue_has_the_layers_sentences():
    missing = untranslated_sentences()
    if missing:
        pytest.skip(f"the Korean catalogue does not translate {len(missing)} sentences of the layers checks yet "
                    f"(e.g. {missing[0]!r}): merge their translations and run `make i18n`")


@pytest.mark.slow
@pytest.mark.parametrize("mutant", LAYERS, ids=lambda m: m.name)
def test_layer_mistakes_are_explained_in_korean(mutant, tmp_path):
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
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == KOREAN.gettext(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.slow
def test_correct_layers_in_korean(tmp_path):
    """Every check passes, and every message (ok, or why a GPU check is skipped) is Korean."""
    report, _ = grade(write(suite.definitions_only(solution("layers")), tmp_path / "layers.ipynb"),
                      "layers", tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


@pytest.mark.parametrize("mutant", LAYERS, ids=lambda m: m.name)
def test_visible_layer_checks_in_korean(mutant):
    """The visible checks of the mutant's layer: the same verdicts in both languages, and in Korean
    every message and hint is Korean, each hint the catalogue's Korean of the English one."""
    namespace = notebook_namespace(mutate(mutant.assignment, mutant.edits))
    with language("en"):
        english = backprop_lab_check.run([mutant.target], namespace).outcomes
    with language("ko"):
        korean = backprop_lab_check.run([mutant.target], namespace).outcomes
    assert [(o.id, o.status) for o in korean] == [(o.id, o.status) for o in english]
    sentences = english_sentences()
    assert [(o.id, text) for o in korean for text in (o.message, o.hint)
            if text is not None and (not HANGUL.search(text) or text in sentences)] == []
    for ko, en in zip(korean, english):
        if en.hint:
            assert ko.hint == KOREAN.gettext(en.hint) != en.hint, (ko.id, ko.hint)
