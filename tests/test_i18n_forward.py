"""The `forward` assignment's checks in Korean: every mutant of tests/test_assignment_forward.py,
graded with --lang ko, gets the same verdicts as in English with every message and hint in
Korean, each hint the catalogue's Korean of the English one (also the hints built from a
template, such as "{key} is transposed: ..."); the visible checks say the same in the
notebook; the solution earns full marks with Korean messages.

The sentences come from backprop_lab_check/checks/forward.py, shared/forward.py and
grader/checks/test_forward.py; until the catalogue holds their Korean, these tests skip."""
import re
import string

import pytest
from babel.messages.extract import extract_from_file

import assignment_suite as suite
from gradelib import ROOT, grade, mutate, notebook_namespace, solution, write
from test_assignment_forward import MUTANTS
from test_i18n_messages import HANGUL, KOREAN, english_sentences, feedback, language, untranslated

import backprop_lab_check

SOURCES = ["backprop_lab_check/checks/forward.py", "backprop_lab_check/shared/forward.py",
           "grader/checks/test_forward.py"]


def forward_msgids():
    """Every sentence the forward checks mark for the catalogue."""
    return {message for source in SOURCES for _line, message, _comments, _context in
            extract_from_file("python", ROOT / source)}


@pytest.fixture(scope="module", autouse=True)
def catalogue_has_forward():
    untranslated_ids = sorted(m for m in forward_msgids() if KOREAN.gettext(m) == m)
    if untranslated_ids:
        pytest.skip(f"the Korean catalogue lacks {len(untranslated_ids)} of the forward checks' sentences "
                    f"(e.g. {untranslated_ids[0]!r}): merge their translations and run `make i18n`")


def template_pattern(msgid):
    """A regex that matches `msgid` with any text in place of each of its named placeholders."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(msgid):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+?)" if f"(?P<{field}>" not in "".join(parts) else f"(?P={field})")
    return re.compile("".join(parts))


def korean_of(english):
    """The catalogue's Korean of the English sentence `english`: its entry, or the entry of the
    template it was formatted from, formatted with the same values."""
    if KOREAN.gettext(english) != english:
        return KOREAN.gettext(english)
    for msgid in forward_msgids():
        match = "{" in msgid and template_pattern(msgid).fullmatch(english)
        if match:
            return re.sub(r"\{(\w+)[^{}]*\}", lambda field: match[field[1]], KOREAN.gettext(msgid))
    return None


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_forward_mistakes_are_explained_in_korean(mutant, tmp_path):
    path = write(suite.definitions_only(mutate(mutant.assignment, mutant.edits)), tmp_path / f"{mutant.name}.ipynb")
    english, _proc = grade(path, mutant.assignment, tmp_path / "en", ["--lang", "en"])
    korean, _proc = grade(path, mutant.assignment, tmp_path / "ko", ["--lang", "ko"])
    # English, unchanged: the mistake is named as the mutant suite expects
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert english["language"] == "en" and not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    # Korean: the same verdicts, every sentence translated, each hint the Korean of the English one
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}
    assert hints, "every forward mutant is named by a hint"
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == korean_of(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_visible_checks_explain_the_mistake_in_korean(mutant):
    """The same failures in the notebook in both languages; in Korean every failing row's message
    and hint is Korean."""
    if mutant.target not in backprop_lab_check.targets(mutant.assignment):
        pytest.skip(f"{mutant.target} has no visible checks")
    namespace = notebook_namespace(mutate(mutant.assignment, mutant.edits))
    with language("en"):
        english = backprop_lab_check.run([mutant.target], namespace, mutant.assignment)
    with language("ko"):
        korean = backprop_lab_check.run([mutant.target], namespace, mutant.assignment)
    assert [(o.id, o.status) for o in korean.outcomes] == [(o.id, o.status) for o in english.outcomes]
    assert korean.failed
    sentences = english_sentences()
    for outcome, english_outcome in zip(korean.outcomes, english.outcomes):
        if outcome.status != "pass":
            for text in (outcome.message, outcome.hint):
                assert text is None or (HANGUL.search(text) and text not in sentences), outcome
            if english_outcome.hint:
                assert outcome.hint == korean_of(english_outcome.hint), outcome


@pytest.mark.slow
def test_correct_forward_in_korean(tmp_path):
    report, _proc = grade(write(suite.definitions_only(solution("forward")), tmp_path / "forward.ipynb"),
                          "forward", tmp_path / "ko", ["--lang", "ko"])
    assert report["score"] == report["max_score"] > 0
    assert untranslated(report) == []


def test_template_hints_are_translated_with_their_values():
    """korean_of finds the template a formatted hint came from and fills its Korean."""
    english = "the bias is missing: A2 = ... @ W2 + b2"
    assert korean_of(english) == KOREAN.gettext("the bias is missing: A{layer} = ... @ W{layer} + b{layer}").format(
        layer=2)
    assert "A2" in korean_of(english) and HANGUL.search(korean_of(english))
