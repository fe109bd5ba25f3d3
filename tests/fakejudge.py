"""A fake judge for batch tests (no real grading needed), shared by test_batch and test_cluster.

The fake reads its Job on stdin, as the real judge does, and directives from the submission's
text: `score N`, `sleep S`, `crash` (SIGKILLs itself), `exit N`, `hang` (with a grandchild in
its process group), `noreport` (a result but no report.json), `badresult` (no JobResult on
stdout). It writes report.json atomically, prints its JobResult and logs each call to $FAKE_LOG.
"""
import sys
import textwrap

FAKE_JUDGE = textwrap.dedent('''\
    import json, os, signal, subprocess, sys, time
    job = json.loads(sys.stdin.read())
    path, assignment, out = job["submission"], job["assignment"], job["out"]
    log = os.environ.get("FAKE_LOG")
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.path.basename(os.path.dirname(out))}/{assignment}\\n")
    pids = os.environ.get("FAKE_PIDS")
    if pids:
        with open(pids, "a") as handle:
            handle.write(f"{os.getpid()}\\n")
    words = dict.fromkeys(["score"], "0")
    for line in open(path).read().splitlines():
        key, _, value = line.strip("# ").partition(" ")
        words[key] = value
    if "sleep" in words:
        started = time.time()
        time.sleep(float(words["sleep"]))
        spans = os.environ.get("FAKE_SPANS")
        if spans:
            with open(spans, "a") as handle:
                handle.write(f"{started} {time.time()}\\n")
    if "crash" in words:
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in words:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        with open(os.path.join(os.path.dirname(path), "grandchild.pid"), "w") as handle:
            handle.write(str(child.pid))
        time.sleep(600)
    if "exit" in words:
        sys.exit(int(words["exit"]))
    result = json.dumps({"score": float(words["score"]), "max_score": 10.0, "error": None})
    if "noreport" in words:
        print(result)
        sys.exit(0)
    report = json.dumps({"assignment": assignment, "score": float(words["score"]),
                         "max_score": 10.0, "error": None, "checks": []})
    os.makedirs(out, exist_ok=True)
    for name in ("report.md", "report.html"):
        with open(os.path.join(out, name), "w") as handle:
            handle.write("ok")
    tmp = os.path.join(out, f"report.json.{os.getpid()}.tmp")
    with open(tmp, "w") as handle:
        handle.write(report)
    os.replace(tmp, os.path.join(out, "report.json"))
    print("{not a result" if "badresult" in words else result)
''')


class FakeJudge:
    def __init__(self, script, log):
        self.script, self.log = script, log
        self.command = [sys.executable, str(script)]

    def calls(self):
        return sorted(self.log.read_text().split()) if self.log.exists() else []

    def reset(self):
        self.log.unlink(missing_ok=True)


def install_fake(tmp_path, monkeypatch):
    """The fake judge written under tmp_path, logging its calls there (the `fake` fixture)."""
    script = tmp_path / "fake_judge.py"
    script.write_text(FAKE_JUDGE)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FAKE_LOG", str(log))
    return FakeJudge(script, log)


def make_submissions(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
