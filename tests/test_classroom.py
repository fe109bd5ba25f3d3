"""The GitHub Classroom side: the template `make classroom` builds, a simulated CI run of its
workflow, tamper evidence in the batch, and the visible checks students run in their notebooks.

The simulated run copies the template to a temporary repository, puts notebooks in it, and
runs the workflow's own grading commands (parsed from classroom.yml) with GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and RUNNER_TEMP pointing at files, as GitHub Actions does; then it decodes
the `result` outputs the way classroom-resources/autograding-grading-reporter does.
"""
import base64
import contextlib
import io
import json
import linecache
import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import assignment_suite as suite
from gradelib import mutate, write
from mutants import ALL, EQUIVALENT

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import classroom  # noqa: E402  (tools/classroom.py)

from backprop_lab_check import ChecksFailed, check, run  # noqa: E402
from grader.batch import tamper  # noqa: E402
from grader.batch import run_batch  # noqa: E402

MINE = ["layers", "optimizers", "spiral"]   # the assignments these tests build a template of (mutants.py has theirs)
GRADE_SCRIPT = ".github/classroom/grade.py"


# ---------------------------------------------------------------- the template

@pytest.fixture(scope="session")
def key():
    return base64.urlsafe_b64decode(classroom.new_key())


@pytest.fixture(scope="session")
def template(tmp_path_factory, key):
    """(template folder, manifest path), built as `make classroom` does, with a test key, for the
    assignments whose notebooks call the visible checks (others may be work in progress)."""
    out = tmp_path_factory.mktemp("dist") / "classroom"
    manifest = classroom.build(out, key, classroom.assignments(MINE))
    return out, manifest


def test_every_assignment_with_an_exercise_and_hidden_checks_goes_into_the_template():
    from grader.assignments import known_assignments

    ids = classroom.assignments()
    assert set(MINE) <= set(ids)
    assert ids == [a for a in known_assignments() if (ROOT / "exercises" / f"{a}.ipynb").exists()]
    with pytest.raises(SystemExit, match="no exercise or no hidden checks"):
        classroom.assignments(["layers", "nonsense"])


def workflow_of(template_dir):
    return yaml.safe_load((template_dir / ".github" / "workflows" / "classroom.yml").read_text())


def test_workflow_has_the_structure_classroom_reads(template):
    out, _ = template
    ids = list(json.loads((out / ".github/classroom/assignments.json").read_text()))
    assert ids == MINE
    flow = workflow_of(out)
    assert flow["name"] == "Autograding Tests"
    assert "push" in flow.get("on", flow.get(True))          # YAML 1.1 reads `on` as True
    assert flow["permissions"]["checks"] == "write"
    assert list(flow["jobs"]) == ["run-autograding-tests"]
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    by_id = {s["id"]: s for s in steps if "id" in s}
    assert sorted(by_id) == sorted(ids)
    for a in ids:
        assert by_id[a]["run"].split() == ["python", GRADE_SCRIPT, a]
    unpack = next(s for s in steps if "unpack" in s.get("run", ""))
    assert unpack["env"] == {"BACKPROP_LAB_KEY": "${{ secrets.BACKPROP_LAB_KEY }}"}
    assert all("secrets." not in json.dumps(s) for s in steps if s is not unpack), "the key reaches one step only"
    reporter = next(s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-grading-reporter"))
    assert reporter["uses"].endswith("@v1")
    assert reporter["with"]["runners"].split(",") == ids
    assert reporter["env"] == {f"{a.upper()}_RESULTS": f"${{{{ steps.{a}.outputs.result }}}}" for a in ids}
    order = [s.get("id") or s.get("name") for s in steps]
    assert order.index(ids[-1]) < order.index(reporter["name"])
    assert order.index(unpack["name"]) < order.index(ids[0])


def test_template_contents(template):
    out, manifest = template
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    ids = json.loads((out / ".github/classroom/assignments.json").read_text())
    assert {f"{a}.ipynb" for a in ids} <= set(files)
    for name in ["README.md", "requirements.txt", ".github/workflows/classroom.yml", GRADE_SCRIPT,
                 ".github/classroom/grader.bundle", "backprop_lab_check/__init__.py",
                 "backprop_lab_check/checks/layers.py", "backprop_lab_check/locale/ko/LC_MESSAGES/backprop_lab.mo"]:
        assert name in files
    for a in ids:
        assert (out / f"{a}.ipynb").read_bytes() == (ROOT / "exercises" / f"{a}.ipynb").read_bytes()
    assert "numpy" in (out / "requirements.txt").read_text()
    assert not any("__pycache__" in f for f in files)
    recorded = json.loads(manifest.read_text())["files"]
    assert recorded == {rel: tamper.digest(out / rel) for rel in tamper.protected_files(out)}
    assert ".github/workflows/classroom.yml" in recorded and "backprop_lab_check/registry.py" in recorded


def test_korean_template(tmp_path, key):
    """`--lang ko`: the Korean exercises and README; both editions ship the compiled catalogues,
    so the visible checks and the grader can speak Korean in a student's repository."""
    out = tmp_path / "classroom"
    classroom.build(out, key, ["layers"], "ko")
    assert (out / "layers.ipynb").read_bytes() == (ROOT / "exercises" / "ko" / "layers.ipynb").read_bytes()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# backprop-lab: 과제 진행과 검사 방법") and "## 수정하지 말아야 할 것" in readme
    assert "`check(\"Sigmoid\", \"Relu\")`" in readme, "code spans stay as they are"
    assert (out / "backprop_lab_check/locale/ko/LC_MESSAGES/backprop_lab.mo").is_file()


def test_build_is_reproducible(template, key):
    """Same sources and key, same bytes: rebuilding does not change what students already have."""
    out, _ = template
    assert classroom.bundle(key) == (out / ".github/classroom/grader.bundle").read_bytes()
    assert classroom.render_workflow(MINE) == (out / ".github/workflows/classroom.yml").read_text()


def hidden_sources():
    return [p for top in ("reference", "grader/checks") for p in sorted((ROOT / top).rglob("*.py"))
            if "__pycache__" not in p.parts]


def distinctive_lines(paths, public_text):
    """Lines of `paths` long enough to be telling and not also found in public material."""
    lines = set()
    for path in paths:
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 30 and line not in public_text:
                lines.add(line)
    return lines


def test_template_reveals_no_reference_and_no_hidden_check(template):
    out, _ = template
    texts = {p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
             for p in out.rglob("*") if p.is_file()}
    for rel in texts:
        assert not rel.startswith(("reference/", "grader/")), rel
        assert not re.fullmatch(r"test_\w+\.py|conftest\.py", Path(rel).name), rel
    contents = {p.read_text() for p in hidden_sources() if p.stat().st_size > 100}
    assert not contents & set(texts.values()), "a hidden file is in the template"
    # What students may see anyway: the exercises, the check runtime, the template's own files.
    public = "\n".join(texts[rel] for rel in texts if not rel.endswith("grader.bundle"))
    telling = distinctive_lines(hidden_sources(), public_text="\n".join(
        [(ROOT / "exercises" / f"{a}.ipynb").read_text() for a in classroom.assignments()]
        + [p.read_text() for p in (ROOT / "backprop_lab_check").rglob("*.py")]))
    assert len(telling) > 200, "too few lines to search for"
    leaked = [line for line in telling if line in public]
    assert not leaked, leaked[:5]
    for word in ["import reference", "from reference", "grader.checks", "conftest"]:
        assert word not in public, word
    # the bundle is ciphertext: none of the hidden lines, and it does not even look like a tar.gz
    bundle = base64.b64decode((out / ".github/classroom/grader.bundle").read_bytes())
    assert not bundle.startswith(b"\x1f\x8b") and b"import numpy" not in bundle


def load_grade_script(template_dir):
    import importlib.util

    spec = importlib.util.spec_from_file_location("grade_script", template_dir / GRADE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundle_needs_the_key(template, key):
    out, _ = template
    script = load_grade_script(out)
    bundle = (out / ".github/classroom/grader.bundle").read_bytes()
    for wrong in ["", "not base64 at all!", classroom.new_key(),
                  base64.urlsafe_b64encode(key[:-1] + bytes([key[-1] ^ 1])).decode()]:
        with pytest.raises(RuntimeError, match="BACKPROP_LAB_KEY"):
            script.decrypt(bundle, wrong)
    tampered = bytearray(base64.b64decode(bundle))
    tampered[100] ^= 1
    with pytest.raises(RuntimeError, match="does not decrypt"):
        script.decrypt(base64.b64encode(bytes(tampered)), base64.urlsafe_b64encode(key).decode())
    import tarfile
    data = script.decrypt(bundle, base64.urlsafe_b64encode(key).decode())
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        names = tar.getnames()
    assert "reference/layers.py" in names and "grader/checks/test_layers.py" in names
    assert "grader/render/templates/report.md.j2" in names and "backprop_lab_check/verdicts.py" in names
    assert not any("__pycache__" in n for n in names)


# ---------------------------------------------------------------- a simulated CI run

def simulate_ci(template_dir, notebooks, key, tmp_path):
    """Copy the template, put `notebooks` ({id: notebook path}) in it and run the workflow's grading
    steps as GitHub Actions would. Returns (decoded results by id, summary text, reports by id)."""
    repo = tmp_path / "repo"
    shutil.copytree(template_dir, repo)
    for assignment, path in notebooks.items():
        shutil.copyfile(path, repo / f"{assignment}.ipynb")
    runner_temp, outputs = tmp_path / "runner", tmp_path / "outputs"
    runner_temp.mkdir()
    outputs.mkdir()
    summary = tmp_path / "step_summary.md"
    secrets = {"BACKPROP_LAB_KEY": base64.urlsafe_b64encode(key).decode()}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GITHUB_"))}
    base_env.update(PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
                    RUNNER_TEMP=str(runner_temp), GITHUB_STEP_SUMMARY=str(summary))
    steps = workflow_of(repo)["jobs"]["run-autograding-tests"]["steps"]
    for index, step in enumerate(steps):
        if GRADE_SCRIPT not in step.get("run", ""):
            continue   # checkout, setup-python, pip, apt: the test environment has them already
        env = dict(base_env, GITHUB_OUTPUT=str(outputs / f"{step.get('id', index)}.txt"))
        for name, value in (step.get("env") or {}).items():
            env[name] = re.sub(r"\$\{\{\s*secrets\.(\w+)\s*\}\}", lambda m: secrets[m.group(1)], value)
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=600)
        assert proc.returncode == 0, (step, proc.stdout, proc.stderr)
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    results = {}
    for runner in reporter["with"]["runners"].split(","):
        expression = reporter["env"][f"{runner.upper()}_RESULTS"]
        step_id = re.fullmatch(r"\$\{\{\s*steps\.(\S+)\.outputs\.result\s*\}\}", expression).group(1)
        lines = (outputs / f"{step_id}.txt").read_text().splitlines()
        value = [line.split("=", 1)[1] for line in lines if line.startswith("result=")][-1]
        results[runner] = json.loads(base64.b64decode(value))
    reports = {a: json.loads((runner_temp / "backprop-lab" / "reports" / a / "report.json").read_text())
               for a in results if (runner_temp / "backprop-lab" / "reports" / a / "report.json").exists()}
    return results, summary.read_text(), reports


def reporter_points(result):
    """What autograding-grading-reporter adds up for one runner: the tests' scores, in order."""
    total = 0
    for test in result["tests"]:
        total += test["score"]
    return total


def check_payloads(results, reports, summary):
    for assignment, result in results.items():
        assert result["version"] == 1 and result["status"] in ("pass", "fail", "error")
        assert set(result) == {"version", "status", "max_score", "tests"}
        for test in result["tests"]:
            assert set(test) == {"name", "status", "score", "message", "test_code", "filename", "line_no",
                                 "duration"}
        report = reports[assignment]
        assert math.isclose(reporter_points(result), report["score"], abs_tol=1e-9), assignment
        assert result["max_score"] == report["max_score"]
        assert f"## {assignment}: " in summary


@pytest.mark.slow
def test_ci_run_of_a_correct_submission(template, key, tmp_path):
    out, _ = template
    ids = list(json.loads((out / ".github/classroom/assignments.json").read_text()))
    results, summary, reports = simulate_ci(out, {a: ROOT / "solutions" / f"{a}.ipynb" for a in ids}, key, tmp_path)
    assert sorted(results) == sorted(ids)
    check_payloads(results, reports, summary)
    for assignment in MINE:
        assert results[assignment]["status"] == "pass"
        assert reporter_points(results[assignment]) == reports[assignment]["score"] == reports[assignment]["max_score"] > 0
    print(json.dumps({a: results[a] for a in MINE[:1]}, indent=1)[:3000])


@pytest.mark.slow
def test_ci_run_of_a_buggy_submission(template, key, tmp_path):
    out, _ = template
    db_mean = next(m for m in ALL if m.name == "db_mean")
    clip_per_array = next(m for m in ALL if m.name == "clip_per_array")
    notebooks = {"layers": write(mutate("layers", db_mean.edits), tmp_path / "nb" / "layers.ipynb"),
                 "spiral": write(mutate("spiral", clip_per_array.edits), tmp_path / "nb" / "spiral.ipynb")}
    # optimizers stays the untouched exercise: every stub raises NotImplementedError
    results, summary, reports = simulate_ci(out, notebooks, key, tmp_path)
    check_payloads(results, reports, summary)
    layers, spiral, optimizers = results["layers"], results["spiral"], results["optimizers"]
    assert layers["status"] == spiral["status"] == optimizers["status"] == "fail"
    assert 0 < reporter_points(layers) < layers["max_score"]
    assert 0 < reporter_points(spiral) < spiral["max_score"]
    assert reporter_points(optimizers) == 0
    failed = [t for t in layers["tests"] if t["status"] != "pass"]
    assert failed and all(t["name"].startswith("Affine: ") for t in failed)
    assert any("SUM of dout" in t["message"] for t in failed)
    assert any("not implemented yet" in t["message"] for t in optimizers["tests"])
    assert "SUM of dout" in summary and "| target | points |" in summary


def test_ci_run_without_the_key_reports_an_error(template, tmp_path):
    out, _ = template
    wrong_key = base64.urlsafe_b64decode(classroom.new_key())
    notebooks = {"layers": ROOT / "solutions" / "layers.ipynb"}
    results, summary, reports = simulate_ci(out, notebooks, wrong_key, tmp_path)
    assert reports == {}
    for assignment, result in results.items():
        assert result["status"] == "error" and reporter_points(result) == 0
        assert result["max_score"] > 0
        assert "does not decrypt" in result["tests"][0]["message"]
    assert "Not graded" in summary


# ---------------------------------------------------------------- tamper evidence

def test_tamper_findings(template, tmp_path):
    out, manifest_path = template
    manifest = tamper.load_manifest(manifest_path)
    repo = tmp_path / "repo"
    shutil.copytree(out, repo)
    assert tamper.findings(repo, manifest) == []
    (repo / "layers.ipynb").write_text("{}")                    # the student's own work
    (repo / "README.md").write_text("notes")
    (repo / "backprop_lab_check" / "__pycache__").mkdir()
    (repo / "backprop_lab_check" / "__pycache__" / "registry.cpython-311.pyc").write_bytes(b"x")
    workflow = repo / ".github/workflows/classroom.yml"
    workflow.write_bytes(workflow.read_bytes().replace(b"\n", b"\r\n"))   # a Windows checkout
    assert tamper.findings(repo, manifest) == []
    workflow.write_text(workflow.read_text() + "      - run: echo 'Points 100/100'\n")
    (repo / "backprop_lab_check/checks/optimizers.py").unlink()
    (repo / ".github/workflows/extra.yml").write_text("name: x\n")
    assert tamper.findings(repo, manifest) == [
        "modified: .github/workflows/classroom.yml", "missing: backprop_lab_check/checks/optimizers.py",
        "added: .github/workflows/extra.yml"]
    assert tamper.findings(repo, tamper.load_manifest(out)) == tamper.findings(repo, manifest)


FAKE_JUDGE = [sys.executable, "-c",
              "import json, pathlib, sys; out = pathlib.Path(json.load(sys.stdin)['out']); "
              "out.mkdir(parents=True, exist_ok=True); result = {'score': 1.0, 'max_score': 2.0, 'error': None}; "
              "(out / 'report.json').write_text(json.dumps({**result, 'checks': []})); print(json.dumps(result))"]


def test_batch_flags_a_modified_workflow(template, tmp_path):
    out, manifest = template
    clones = tmp_path / "clones"
    for name in ["alice-repo", "bob-repo", "carol-repo"]:
        shutil.copytree(out, clones / name)
        (clones / name / ".git").mkdir()
    (clones / "dave").mkdir()                                     # the plain layout: not a clone
    shutil.copyfile(ROOT / "exercises" / "layers.ipynb", clones / "dave" / "layers.ipynb")
    flow = clones / "bob-repo/.github/workflows/classroom.yml"
    flow.write_text(flow.read_text().replace("grade.py layers", "grade.py layers || true"))
    (clones / "carol-repo/backprop_lab_check/verdicts.py").write_text("def compare(*a, **k): pass\n")
    result = run_batch(clones, tmp_path / "reports", jobs=2, progress=False, known_ids=["layers"],
                       judge_command=FAKE_JUDGE,
                       template=manifest)
    assert result.tamper == {"alice-repo": [], "bob-repo": ["modified: .github/workflows/classroom.yml"],
                             "carol-repo": ["modified: backprop_lab_check/verdicts.py"]}
    rows = (tmp_path / "reports" / "gradebook.csv").read_text().splitlines()
    assert rows[0] == "student,layers,total,tamper"
    assert rows[1:] == ["alice-repo,1.0,1.0,", "bob-repo,1.0,1.0,modified: .github/workflows/classroom.yml",
                        "carol-repo,1.0,1.0,modified: backprop_lab_check/verdicts.py", "dave,1.0,1.0,"]
    book = json.loads((tmp_path / "reports" / "gradebook.json").read_text())
    assert book["tamper"]["bob-repo"] == ["modified: .github/workflows/classroom.yml"]
    assert "dave" not in book["tamper"]


def test_batch_without_a_template_has_no_tamper_column(tmp_path, monkeypatch):
    monkeypatch.setattr("grader.batch.DEFAULT_TEMPLATE_MANIFEST", tmp_path / "missing.json")
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    shutil.copyfile(ROOT / "exercises" / "layers.ipynb", tmp_path / "subs" / "alice" / "layers.ipynb")
    result = run_batch(tmp_path / "subs", tmp_path / "reports", jobs=1, progress=False, known_ids=["layers"],
                       judge_command=FAKE_JUDGE)
    assert result.tamper == {}
    assert (tmp_path / "reports" / "gradebook.csv").read_text().splitlines()[0] == "student,layers,total"


# ---------------------------------------------------------------- the visible checks

CORRECT_AFFINE = '''
import numpy as np
class Affine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
    def forward(self, x):
        self.x = x
        return x @ self.params[0] + self.params[1]
    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return dout @ self.params[0].T
'''


def namespace_of(source, filename="<cell>"):
    """Run `source` as a notebook cell (IPython also puts the cell's lines in linecache)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": "__main__"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def test_check_passes_a_correct_layer_quickly(capsys):
    namespace = namespace_of(CORRECT_AFFINE)
    started = time.perf_counter()
    check("Affine", namespace=namespace)
    assert time.perf_counter() - started < 1.0
    out = capsys.readouterr().out
    assert out.startswith("Affine: 4/4 visible checks passed")
    assert "hidden grader runs more checks" in out


def test_check_names_the_mistake(capsys):
    namespace = namespace_of(CORRECT_AFFINE.replace("dout.sum(axis=0)", "dout.mean(axis=0)"))
    with pytest.raises(ChecksFailed, match="affine.gradients"):
        check("Affine", namespace=namespace)
    out = capsys.readouterr().out
    assert "FAIL affine.gradients: Affine: backward's db (grads[1]) disagrees with central differences" in out
    assert "hint: db is the SUM of dout over the batch (axis 0), not the mean" in out
    result = run(["Affine"], namespace)
    html = result._repr_html_()
    assert "<table>" in html and "db is the SUM of dout" in html and "✘ fail" in html


def test_check_uses_the_callers_globals_and_restores_random_state():
    import numpy as np

    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        namespace_of(CORRECT_AFFINE + "from backprop_lab_check import check\ncheck('Affine')\n")
    assert "Affine: 4/4 visible checks passed" in out.getvalue()
    assert np.random.rand() == expected


def test_check_raises_the_stubs_not_implemented_error():
    namespace = namespace_of("class Sigmoid:\n    def __init__(self):\n        self.params, self.grads = [], []\n"
                             "    def forward(self, x):\n        raise NotImplementedError()\n")
    with contextlib.redirect_stdout(io.StringIO()) as out, pytest.raises(NotImplementedError) as info:
        check("Sigmoid", namespace=namespace)
    assert "Sigmoid.forward raised NotImplementedError: it is not implemented yet (line 5: raise NotImplementedError())" \
        in out.getvalue()
    frames, tb = [], info.value.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    assert frames[-1] == "<cell>", "the traceback ends in the student's stub"
    assert not any(f.endswith("local.py") for f in frames), "the checks' own frames are left out"


def test_check_reports_missing_names_and_escapes_html():
    result = run(["Relu"], {})
    assert [o.status for o in result.outcomes] == ["error"] * len(result.outcomes)
    assert "`Relu` is not defined in the notebook" in result.outcomes[0].message
    evil = namespace_of("class Relu:\n    def __init__(self):\n        raise ValueError('<script>x</script>')\n")
    html = run(["Relu"], evil)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    with pytest.raises(KeyError, match="no visible checks"):
        run(["reference"], {})


def test_visible_checks_have_no_reference():
    for path in (ROOT / "backprop_lab_check").rglob("*.py"):
        text = path.read_text()
        assert "reference" not in re.findall(r"^\s*(?:from|import)\s+(\S+)", text, re.M), path
        assert "grader" not in " ".join(re.findall(r"^\s*(?:from|import)\s+(\S+)", text, re.M)), path


@pytest.mark.parametrize("assignment", MINE)
def test_solutions_pass_every_visible_check_in_under_a_second(assignment):
    suite.check_visible_solution(assignment)


@pytest.mark.slow
@pytest.mark.parametrize("mutant", [m for m in ALL if m.assignment in MINE], ids=lambda m: f"{m.assignment}-{m.name}")
def test_visible_checks_catch_the_mutant(mutant):
    suite.check_visible_catches(mutant)


@pytest.mark.slow
@pytest.mark.parametrize("variant", [v for v in EQUIVALENT if v.assignment in MINE], ids=lambda v: v.name)
def test_equivalent_variants_pass_the_visible_checks(variant):
    suite.check_visible_passes(variant)


def test_batch_refuses_an_unreadable_template_before_grading(tmp_path):
    from grader.batch import BatchUsageError

    (tmp_path / "subs" / "alice").mkdir(parents=True)
    shutil.copyfile(ROOT / "exercises" / "layers.ipynb", tmp_path / "subs" / "alice" / "layers.ipynb")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(BatchUsageError, match="cannot read the Classroom template"):
        run_batch(tmp_path / "subs", tmp_path / "reports", jobs=1, progress=False, known_ids=["layers"],
                  judge_command=[sys.executable, "-c", "raise SystemExit('graded before the template was read')"],
                  template=tmp_path / "bad.json")
