"""Autograding for this repository, run by .github/workflows/classroom.yml.

    python .github/classroom/grade.py unpack    # decrypt the hidden grader (key: $BACKPROP_LAB_KEY)
    python .github/classroom/grade.py layers    # grade layers.ipynb: step output `result`, job summary

`unpack` decrypts grader.bundle (the grader, its hidden checks and the reference, encrypted
with AES-SIV under the course's key, an organisation secret) into $RUNNER_TEMP. Grading an assignment runs
`python -m grader grade` from there, writes the step output `result` that GitHub Classroom's
autograding-grading-reporter reads (base64 of {"version": 1, "status", "max_score", "tests"},
one test per check, score = the check's points, so Classroom's points are the grader's score),
and appends the grader's report.md to the job summary. Both commands exit 0 so that every step
runs; a problem becomes a result with status "error" and the reason as its message.

Changing this file, the workflow or the check runtime shows up in the instructor's gradebook.
"""
import base64
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
KEY_VARIABLE = "BACKPROP_LAB_KEY"
BUNDLE_CONTEXT = b"backprop-lab grader bundle v1"
GRADE_TIMEOUT_S = 1200
MESSAGE_CHARS = 1000  # per test, so that the step output stays small whatever the notebook raises
# What a message quoting the notebook could use to write into the job log: control characters
# (a newline, then `::error::...`; terminal escapes) and a workflow command at the start.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text):
    """One line that no log shows as a workflow command or a terminal escape."""
    line = CONTROL.sub(" ", str(text).encode("utf-8", "backslashreplace").decode("utf-8"))
    return "\\" + line if line.lstrip().startswith(("::", "##[")) else line


def work_dir():
    return Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / "backprop-lab"


def decrypt(bundle_text, key_text):
    """The bundle's tar.gz bytes; RuntimeError when the key is missing, malformed or not the one."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    if not key_text.strip():
        raise RuntimeError(f"the secret {KEY_VARIABLE} is not available to this repository; the "
                           "instructor sets it as an organisation secret (see docs/classroom.md)")
    try:
        return AESSIV(base64.urlsafe_b64decode(key_text.strip())).decrypt(
            base64.b64decode(bundle_text), [BUNDLE_CONTEXT])
    except (InvalidTag, ValueError):
        raise RuntimeError(f"grader.bundle does not decrypt with {KEY_VARIABLE}: the secret and the "
                           "template come from different `make classroom` keys") from None


def unpack():
    """Decrypt and extract the bundle; on failure leave the reason for the grading steps."""
    target, problem = work_dir() / "grader", work_dir() / "unpack-error.txt"
    target.mkdir(parents=True, exist_ok=True)
    try:
        data = decrypt((HERE / "grader.bundle").read_bytes(), os.environ.get(KEY_VARIABLE, ""))
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # a Python without extraction filters: the bundle is authenticated by the key
                tar.extractall(target)
    except Exception as exc:
        problem.write_text(f"{exc}\n")
        print(f"::error::the hidden grader could not be unpacked: {exc}")
        return 0
    problem.unlink(missing_ok=True)
    print(f"grader unpacked into {target}")
    return 0


def result(status, max_score, tests):
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def test(name, status, score, message, code="", filename="", duration=0):
    return {"name": name, "status": status, "score": score, "message": message, "test_code": code,
            "filename": filename, "line_no": 0, "duration": duration}


def from_report(report, notebook):
    """The reporter's input: one test per graded check (skipped checks count for nothing)."""
    tests = []
    for check in report.get("checks", []):
        if check.get("status") == "skip":
            continue
        message = check.get("message") or ""
        if check.get("hint"):
            message += f" Hint: {check['hint']}"
        message = inert(message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS - 1] + "…")
        tests.append(test(f"{check['target']}: {check['id']}", check["status"] if check["status"] in
                          ("pass", "fail") else "error", check["points"], message, check["id"], notebook))
    if report.get("error"):
        tests.insert(0, test("the notebook could be read", "error", 0, inert(report["error"]), filename=notebook))
    full = not report.get("error") and report["score"] >= report["max_score"]
    status = "error" if report.get("error") else "pass" if full else "fail"
    return result(status, report["max_score"], tests)


def grade(assignment):
    config = json.loads((HERE / "assignments.json").read_text())[assignment]
    notebook, max_score = config["notebook"], config["max_score"]
    out = work_dir() / "reports" / assignment
    report, summary = None, ""
    problem = work_dir() / "unpack-error.txt"
    if problem.exists() or not (work_dir() / "grader" / "grader").is_dir():
        reason = problem.read_text().strip() if problem.exists() else "run `grade.py unpack` first"
        message = f"the hidden grader is not available: {reason}"
    else:
        message = _run_grader(notebook, assignment, out)
        if (out / "report.json").exists():
            report = json.loads((out / "report.json").read_text())
            summary = (out / "report.md").read_text() if (out / "report.md").exists() else ""
    if report is not None:
        payload = from_report(report, notebook)
    else:
        payload = result("error", max_score, [test(f"{assignment}: grading", "error", 0, message, filename=notebook)])
        summary = f"## {assignment}: 0 / {max_score:g}\n\n> **Not graded:** {message}\n"
    _github_output("result", base64.b64encode(json.dumps(payload).encode()).decode())
    _github_summary(summary)
    points = sum(t["score"] for t in payload["tests"])
    print(f"{assignment}: {points:g} / {payload['max_score']:g} ({payload['status']})")
    return 0


def _run_grader(notebook, assignment, out):
    """`python -m grader grade` from the unpacked bundle (never this repository's code);
    returns a sentence when it did not produce a report."""
    command = [sys.executable, "-m", "grader", "grade", str(REPO / notebook), "--assignment", assignment,
               "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if k != KEY_VARIABLE and not k.startswith("PYTHON")}
    try:
        proc = subprocess.run(command, cwd=work_dir() / "grader", env=env, capture_output=True, text=True,
                              timeout=GRADE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"the grader did not finish within {GRADE_TIMEOUT_S} s"
    print("\n".join(inert(line) for line in (proc.stdout + proc.stderr).splitlines()))
    return f"the grader stopped with exit status {proc.returncode}: {proc.stderr.strip()[-500:]}"


def _github_output(name, value):
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")
    else:
        print(f"{name}={value}")


def _github_summary(markdown):
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path and markdown:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown.rstrip("\n") + "\n\n")


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "unpack":
        return unpack()
    if argv[0] not in json.loads((HERE / "assignments.json").read_text()):
        print(f"unknown assignment {argv[0]!r}", file=sys.stderr)
        return 2
    return grade(argv[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
