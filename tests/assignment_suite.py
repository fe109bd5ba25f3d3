"""What every assignment's own test module checks, as plain functions: the notebooks (markup,
a clean run of the solution with its figures, the exercise stopping at its first stub), the
grader's verdicts (full marks, zero, sample submissions) and the mutant suite.

Used by test_notebooks.py and test_assignment_<id>.py (`standard_tests` makes the usual set
of test functions for one assignment); grading always goes through the real CLI in a
subprocess (gradelib.grade), notebooks run for real in a kernel of this interpreter (the
`kernel_dir` fixture of conftest.py).
"""
import os
import subprocess
import sys

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from backprop_lab_check import run as run_visible, targets as visible_targets
from gradelib import ROOT, grade, lost, mutate, notebook_namespace, solution, write

CELL_TIMEOUT = 120


def read(path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def execute(nb, kernel_dir, workdir):
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    client = NotebookClient(nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute(env=dict(os.environ, MPLBACKEND="Agg"), cwd=str(workdir))
    return nb


def error_outputs(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def stdout_of(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stdout")


# -- static ---------------------------------------------------------------------------------------

def check_markup(assignment, figures, graded_names):
    """Metadata, nbgrader markup, figure tags; the exercise has stubs and no solution."""
    solution, exercise = read(ROOT / "solutions" / f"{assignment}.ipynb"), read(ROOT / "exercises" / f"{assignment}.ipynb")
    for nb in (solution, exercise):
        nbformat.validate(nb)
        assert nb.metadata["backprop_lab"] == {"assignment": assignment}
        assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in solution.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "solutions are saved without outputs"
    grade_ids = [nbgrader_meta(c)["grade_id"] for c in solution.cells if nbgrader_meta(c)]
    assert len(grade_ids) == len(set(grade_ids)), grade_ids
    check_written_questions(solution, exercise)
    for cell in solution.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "markdown":
            continue  # a written answer (check_written_questions)
        if meta.get("solution"):
            assert not meta["grade"] and not meta["locked"]
            assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION") >= 1
        elif meta.get("grade"):
            assert meta["locked"] and meta["grade_id"].startswith("check_")
            assert isinstance(meta["points"], int) and meta["points"] > 0
        else:
            assert "BEGIN SOLUTION" not in cell.source
    assert set(figures) <= {t for c in solution.cells for t in tags(c)}
    text = "\n".join(c.source for c in exercise.cells)
    assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
    defined = "\n".join(c.source for c in solution.cells if nbgrader_meta(c).get("solution"))
    for name in graded_names:
        assert f"def {name}(" in defined or f"class {name}" in defined, f"{name} is not a solution of the notebook"


def check_written_questions(solution, exercise):
    """3 to 6 written questions (nbgrader's manually graded answer cells), each right after the
    read-only cell that asks it; a model answer and positive points in the solution, the
    placeholder in the exercise; the batch's answer sheets find the same questions."""
    from grader.batch.questions import PLACEHOLDER, questions_of
    from nbgrader.preprocessors import ClearSolutions

    assert PLACEHOLDER == ClearSolutions.text_stub.default_value
    answers = {}
    for nb in (solution, exercise):
        cells = nb.cells
        found = [(i, c) for i, c in enumerate(cells) if c.cell_type == "markdown" and nbgrader_meta(c).get("solution")]
        answers[id(nb)] = {nbgrader_meta(c)["grade_id"]: c.source for _, c in found}
        assert 3 <= len(found) <= 6, f"{len(found)} written questions"
        for i, cell in found:
            meta, asked = nbgrader_meta(cell), nbgrader_meta(cells[i - 1])
            assert meta["grade"] and not meta["locked"] and meta["grade_id"].startswith("written_")
            assert isinstance(meta["points"], int) and meta["points"] > 0
            assert cells[i - 1].cell_type == "markdown" and asked["locked"] and not asked["grade"]
            assert asked["grade_id"] == meta["grade_id"] + "_question"
            assert cells[i - 1].source.startswith("**Written question.** ")
    model, blank = answers[id(solution)], answers[id(exercise)]
    assert model.keys() == blank.keys() and set(blank.values()) == {PLACEHOLDER}
    assert all(len(text.split()) >= 30 and "BEGIN SOLUTION" not in text for text in model.values()), \
        "a model answer is a paragraph a TA can grade against"
    assignment = solution.metadata["backprop_lab"]["assignment"]
    assert [q.id for q in questions_of(assignment)] == list(model)


def check_exercise_in_sync(assignment):
    """Every edition of the exercise (English, and each translation) is generated from the solution."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from make_exercises import editions, generate
    finally:
        sys.path.pop(0)
    solution_path = ROOT / "solutions" / f"{assignment}.ipynb"
    for exercise, language in editions(solution_path, ROOT / "exercises"):
        assert exercise.read_text() == generate(solution_path, language), f"run `make exercises` ({exercise.name}, {language})"


def check_graded_names(assignment, graded_names):
    """The hidden checks grade exactly the names the notebook asks for (as the judge collects
    them, parametrized checks included)."""
    from grader.judge import NoSubmission, run_checks
    from grader.limits import Limits

    checks, _, _ = run_checks(assignment, NoSubmission("collecting the checks"), Limits())
    assert {check.target for check in checks} == set(graded_names)


def check_nbgrader_accepts(assignment, tmp_path):
    source = tmp_path / "source" / assignment
    source.mkdir(parents=True)
    (source / f"{assignment}.ipynb").write_bytes((ROOT / "solutions" / f"{assignment}.ipynb").read_bytes())
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    released = tmp_path / "release" / assignment / f"{assignment}.ipynb"
    assert released.exists(), result.stdout + result.stderr
    assert read(released).metadata["backprop_lab"] == {"assignment": assignment}


# -- executed notebooks ----------------------------------------------------------------------------

def check_solution_runs(assignment, figures, kernel_dir, tmp_path):
    nb = read(ROOT / "solutions" / f"{assignment}.ipynb")
    try:
        execute(nb, kernel_dir, tmp_path)
    except CellExecutionError as exc:
        pytest.fail(f"solutions/{assignment}.ipynb failed: {exc.ename}: {exc.evalue}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not any(error_outputs(c) for c in code)
    for cell in code:
        if nbgrader_meta(cell).get("grade"):
            out = stdout_of(cell).strip()
            assert out.endswith("ok"), f"{nbgrader_meta(cell)['grade_id']} printed {out[-200:]!r}"
    for tag in figures:
        cells = [c for c in nb.cells if tag in tags(c)]
        assert len(cells) == 1, tag
        assert any("image/png" in o.get("data", {}) for o in cells[0].get("outputs", [])), f"{tag} drew nothing"


def check_exercise_stops_at_first_stub(assignment, kernel_dir, tmp_path):
    nb = read(ROOT / "exercises" / f"{assignment}.ipynb")
    with pytest.raises(CellExecutionError) as info:
        execute(nb, kernel_dir, tmp_path)
    assert info.value.ename == "NotImplementedError", f"{info.value.ename}: {info.value.evalue}"
    failing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and error_outputs(c)]
    assert len(failing) == 1
    first_stub = min(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("solution"))
    assert failing[0] > first_stub
    assert all(c.execution_count is not None for c in nb.cells[:failing[0]] if c.cell_type == "code")
    assert "NotImplementedError()" in "\n".join(error_outputs(nb.cells[failing[0]])[0]["traceback"])


# -- grading ---------------------------------------------------------------------------------------

def check_full_marks(path, assignment, tmp_path):
    report, proc = grade(path, assignment, out=tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert report["error"] is None and report["assignment"] == assignment
    assert report["max_score"] > 0 and report["score"] == report["max_score"], \
        [c for c in report["checks"] if c["status"] != "pass"]
    return report


def check_zero(assignment, tmp_path):
    report, proc = grade(ROOT / "exercises" / f"{assignment}.ipynb", assignment, out=tmp_path / "out")
    assert proc.returncode == 0 and report["error"] is None, proc.stderr
    assert report["score"] == 0 and report["max_score"] > 0
    assert all(c["status"] == "error" and "not implemented yet" in c["message"] for c in report["checks"]), \
        [c for c in report["checks"] if c["status"] != "error" or "not implemented yet" not in c["message"]]
    assert not report["warnings"], report["warnings"]
    return report


def definitions_only(nb):
    """The notebook without its demonstration cells: the imports, the provided cells and the
    solutions, which is all the hidden checks use (the demos only draw, and would make most of
    the grading time). Self-check cells stay; the grader skips them anyway."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    keep = {id(code[0])} | {id(c) for c in code if nbgrader_meta(c)}
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or id(c) in keep]
    return nb


def check_mutant(mutant, tmp_path, whole_notebook=False):
    """The mutant loses points on its target (and only where it may), with feedback that says
    what `mutant.says`; graded without the demonstration cells unless `whole_notebook`."""
    nb = mutate(mutant.assignment, mutant.edits)
    path = write(nb if whole_notebook else definitions_only(nb), tmp_path / f"{mutant.name}.ipynb")
    report, proc = grade(path, mutant.assignment)
    assert proc.returncode == 0, proc.stderr
    losses = lost(report)
    assert mutant.target in losses, f"{mutant.name}: no points lost on {mutant.target}; lost {losses}"
    assert set(losses) <= set(mutant.only), f"{mutant.name}: lost points elsewhere too: {losses}"
    feedback = [f"{c['message']} {c['hint'] or ''}" for c in report["checks"]
                if c["target"] == mutant.target and c["status"] != "pass"]
    assert any(mutant.says in text for text in feedback), (mutant.name, feedback)


def check_samples(assignment, expected, tmp_path):
    """expected: {student: {target: points lost}} ({} for a correct submission)."""
    for student, losses in expected.items():
        path = ROOT / "submissions" / student / f"{assignment}.ipynb"
        report, proc = grade(path, assignment, out=tmp_path / student)
        assert proc.returncode == 0 and report["error"] is None, proc.stderr
        assert lost(report) == losses, (student, lost(report))


# -- visible checks (backprop_lab_check) ------------------------------------------------------------

def check_visible_solution(assignment):
    """The solution passes every visible check of every name that has them, each name in under a second."""
    namespace = notebook_namespace(solution(assignment))
    for target in visible_targets(assignment):
        result = run_visible([target], namespace, assignment)
        assert result.passed, str(result)
        assert result.seconds < 1.0, (target, result.seconds)


def check_visible_catches(mutant):
    namespace = notebook_namespace(mutate(mutant.assignment, mutant.edits))
    result = run_visible([mutant.target], namespace, mutant.assignment)
    assert not result.passed, f"{mutant.name} passes every visible check of {mutant.target}"


def check_visible_passes(variant):
    namespace = notebook_namespace(mutate(variant.assignment, variant.edits))
    for target in visible_targets(variant.assignment):
        result = run_visible([target], namespace, variant.assignment)
        assert result.passed, str(result)


# -- the usual tests of one assignment -------------------------------------------------------------

def standard_tests(assignment, *, figures, graded, max_score, samples, mutants, equivalent=(),
                   mutated_targets=()):
    """{name: test function} for a test module's globals: markup, the exercise in sync, the
    graded names, nbgrader's acceptance, the notebooks run, full marks and zero, the sample
    submissions, every mutant and every equivalent variant. `mutated_targets`: names the
    mutant suite must cover."""
    solution_path = ROOT / "solutions" / f"{assignment}.ipynb"

    def test_markup():
        check_markup(assignment, figures, graded)

    def test_exercise_is_generated_from_the_solution():
        check_exercise_in_sync(assignment)

    def test_checks_grade_the_names_the_notebook_asks_for():
        check_graded_names(assignment, graded)

    def test_every_graded_name_has_visible_checks():
        assert sorted(set(graded) - set(visible_targets(assignment))) == []

    def test_there_are_enough_mutants():
        assert len(mutants) >= 6 and len({m.name for m in mutants}) == len(mutants)
        assert {m.target for m in mutants} >= set(mutated_targets)

    @pytest.mark.slow
    def test_nbgrader_generate_assignment_accepts_the_solution(tmp_path):
        check_nbgrader_accepts(assignment, tmp_path)

    @pytest.mark.slow
    def test_solution_notebook_runs_with_its_figures(kernel_dir, tmp_path):
        check_solution_runs(assignment, figures, kernel_dir, tmp_path)

    @pytest.mark.slow
    def test_exercise_stops_at_the_first_stub(kernel_dir, tmp_path):
        check_exercise_stops_at_first_stub(assignment, kernel_dir, tmp_path)

    @pytest.mark.slow
    def test_solution_earns_full_marks(tmp_path):
        report = check_full_marks(solution_path, assignment, tmp_path)
        assert report["cells"] == [], "every cell of the solution runs cleanly in the sandbox"
        assert report["max_score"] == max_score and {t["target"] for t in report["targets"]} == set(graded)

    @pytest.mark.slow
    def test_exercise_earns_zero_without_crashing(tmp_path):
        check_zero(assignment, tmp_path)

    @pytest.mark.slow
    def test_sample_submissions(tmp_path):
        check_samples(assignment, samples, tmp_path)

    @pytest.mark.slow
    @pytest.mark.parametrize("mutant", mutants, ids=lambda m: m.name)
    def test_mutant_loses_points_with_the_right_feedback(mutant, tmp_path):
        check_mutant(mutant, tmp_path)

    if visible_targets(assignment):
        def test_solution_passes_every_visible_check_in_under_a_second():
            check_visible_solution(assignment)

        @pytest.mark.slow
        @pytest.mark.parametrize("mutant", [m for m in mutants if m.target in visible_targets(assignment)],
                                 ids=lambda m: m.name)
        def test_visible_checks_catch_the_mutant(mutant):
            check_visible_catches(mutant)

        if equivalent:
            @pytest.mark.slow
            @pytest.mark.parametrize("variant", equivalent, ids=lambda m: m.name)
            def test_equivalent_variant_passes_the_visible_checks(variant):
                check_visible_passes(variant)

    tests = {name: test for name, test in locals().items() if name.startswith("test_")}
    if equivalent:
        @pytest.mark.slow
        @pytest.mark.parametrize("variant", equivalent, ids=lambda m: m.name)
        def test_equivalent_variant_keeps_full_marks(variant, tmp_path):
            path = write(definitions_only(mutate(assignment, variant.edits)), tmp_path / f"{variant.name}.ipynb")
            check_full_marks(path, assignment, tmp_path)

        tests[test_equivalent_variant_keeps_full_marks.__name__] = test_equivalent_variant_keeps_full_marks
    return tests
