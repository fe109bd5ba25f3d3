"""The mutant suite in both languages: every known mistake of every assignment (tests/mutants.py
and each tests/test_assignment_<id>.py), graded in English and in Korean, gets the same
verdicts, every Korean message and hint is Korean, and each hint is the catalogue's Korean of
the English one (a hint formatted from a template: the template's Korean with the same values);
the solution earns full marks in Korean; the visible checks of each mistake's name answer the
same way in both languages.

Each assignment's mutants are graded by one `python -m grader batch` per language (warm judges
from the fork server), shared by the assignment's tests whichever xdist worker runs them: the
first to need them grades them under a file lock, in a folder of this test run, and the others
read them."""
import fcntl
import json
import os
import re
import string
import subprocess
import sys

import pytest

import assignment_suite as suite
import backprop_lab_check
import mutants
import test_assignment_blocks
import test_assignment_forward
import test_assignment_gradients
import test_assignment_model_selection
import test_assignment_regularization
from gradelib import ROOT, mutate, notebook_namespace, solution, write
from test_i18n_messages import HANGUL, KOREAN, english_sentences, feedback, language, untranslated
from tools import catalogues

MUTANTS = {
    "layers": mutants.LAYERS, "optimizers": mutants.OPTIMIZERS, "spiral": mutants.SPIRAL,
    "forward": test_assignment_forward.MUTANTS, "gradients": test_assignment_gradients.MUTANTS,
    "regularization": test_assignment_regularization.MUTANTS, "blocks": test_assignment_blocks.MUTANTS,
    "model_selection": test_assignment_model_selection.MUTANTS,
}
SOLUTION = "the-solution"  # the student folder of each batch that holds the solution
BATCH_TIMEOUT_S = 900
_graded = {}


def run_folder(tmp_path_factory):
    """A folder every xdist worker of this test run shares (xdist names the run), else this session's."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    return tmp_path_factory.getbasetemp().parent / f"mutants-{run}" if run else tmp_path_factory.getbasetemp()


def graded(assignment, tmp_path_factory):
    """{student: (English report, Korean report)} of the assignment's mutants and solution."""
    if assignment not in _graded:
        folder = run_folder(tmp_path_factory) / assignment
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "done").exists():
                grade_mutants(assignment, folder)
                (folder / "done").touch()
        reports = {language_code: {student.name: json.loads((student / assignment / "report.json").read_text())
                                   for student in (folder / language_code).iterdir()
                                   if (student / assignment / "report.json").exists()}
                   for language_code in ("en", "ko")}
        _graded[assignment] = {student: (reports["en"][student], reports["ko"][student]) for student in reports["en"]}
    return _graded[assignment]


def grade_mutants(assignment, folder):
    write(suite.definitions_only(solution(assignment)), folder / "in" / SOLUTION / f"{assignment}.ipynb")
    for mutant in MUTANTS[assignment]:
        write(suite.definitions_only(mutate(assignment, mutant.edits)), folder / "in" / mutant.name / f"{assignment}.ipynb")
    for language_code in ("en", "ko"):
        subprocess.run([sys.executable, "-m", "grader", "batch", str(folder / "in"), "--out", str(folder / language_code),
                        "--jobs", "1", "--lang", language_code], cwd=ROOT, check=True, capture_output=True,
                       timeout=BATCH_TIMEOUT_S)


def template_pattern(msgid):
    """A regex that matches `msgid` with any text in place of each of its named placeholders."""
    parts, seen = [], set()
    for literal, field, _spec, _conversion in string.Formatter().parse(msgid):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
            seen.add(field)
    return re.compile("".join(parts))


def _templates():
    """The catalogue's sentences with placeholders, the most specific (most literal text) first."""
    catalog = catalogues.read(catalogues.po_path("ko"), "ko")
    found = [message.id for message in catalog if isinstance(message.id, str) and "{" in message.id]
    return sorted(found, key=lambda msgid: -len(re.sub(r"\{[^{}]*\}", "", msgid)))


TEMPLATES = _templates()


def korean_of(english):
    """The catalogue's Korean of the English sentence `english`: its entry, or the entry of the
    template it was formatted from, formatted with the same values; None when it has neither."""
    if KOREAN.gettext(english) != english:
        return KOREAN.gettext(english)
    for msgid in TEMPLATES:
        found = template_pattern(msgid).fullmatch(english)
        if found:
            return re.sub(r"\{(\w+)[^{}]*\}", lambda field: found[field[1]], KOREAN.gettext(msgid))
    return None


def each_mutant():
    return [pytest.param(mutant, id=f"{assignment}-{mutant.name}") for assignment, known in MUTANTS.items()
            for mutant in known]


@pytest.mark.slow
@pytest.mark.parametrize("mutant", each_mutant())
def test_mistake_is_explained_in_korean(mutant, tmp_path_factory):
    english, korean = graded(mutant.assignment, tmp_path_factory)[mutant.name]
    # English, unchanged: the mistake is named as the mutant suite expects
    assert any(mutant.says in text for text in feedback(english, mutant.target)), feedback(english, mutant.target)
    assert english["language"] == "en" and not any(HANGUL.search(text) for text in feedback(english, mutant.target))
    # Korean: the same verdicts, every sentence translated, each hint the Korean of the English one
    assert korean["language"] == "ko"
    assert [(c["id"], c["status"], c["points"]) for c in korean["checks"]] == \
        [(c["id"], c["status"], c["points"]) for c in english["checks"]]
    assert untranslated(korean) == []
    hints = {c["id"]: c["hint"] for c in english["checks"] if c["hint"]}
    for check in korean["checks"]:
        if check["id"] in hints:
            assert check["hint"] == korean_of(hints[check["id"]]) != hints[check["id"]], check


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(MUTANTS))
def test_solution_in_korean(assignment, tmp_path_factory):
    """Every check passes, and every message (ok, or why a GPU check is skipped) is Korean."""
    _, korean = graded(assignment, tmp_path_factory)[SOLUTION]
    assert korean["score"] == korean["max_score"] > 0
    assert untranslated(korean) == []


@pytest.mark.parametrize("mutant", each_mutant())
def test_visible_checks_explain_the_mistake_in_korean(mutant):
    """The same outcomes in the notebook in both languages; in Korean every message and hint of
    a check that does not pass is Korean, each hint the Korean of the English one."""
    if mutant.target not in backprop_lab_check.targets(mutant.assignment):
        pytest.skip(f"{mutant.target} has no visible checks")
    namespace = notebook_namespace(mutate(mutant.assignment, mutant.edits))
    with language("en"):
        english = backprop_lab_check.run([mutant.target], namespace, mutant.assignment)
    with language("ko"):
        korean = backprop_lab_check.run([mutant.target], namespace, mutant.assignment)
    assert [(o.id, o.status) for o in korean.outcomes] == [(o.id, o.status) for o in english.outcomes]
    sentences = english_sentences()
    for outcome, english_outcome in zip(korean.outcomes, english.outcomes):
        if outcome.status != "pass":
            for text in (outcome.message, outcome.hint):
                assert text is None or (HANGUL.search(text) and text not in sentences), outcome
            if english_outcome.hint:
                assert outcome.hint == korean_of(english_outcome.hint), outcome


@pytest.mark.parametrize("english, template, values", [
    pytest.param("the bias is missing: A2 = ... @ W2 + b2",
                 "the bias is missing: A{layer} = ... @ W{layer} + b{layer}", {"layer": 2}, id="repeated-field"),
    pytest.param("use delta = 1e-7 inside the log, not 1e-08",
                 "use delta = 1e-7 inside the log, not {delta:g}", {"delta": 1e-08}, id="format-spec"),
])
def test_a_hint_formatted_from_a_template_is_matched_to_its_korean(english, template, values):
    assert korean_of(english) == KOREAN.gettext(template).format(**values)
    assert HANGUL.search(korean_of(english))
