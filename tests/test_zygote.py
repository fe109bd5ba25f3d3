"""Workers forked warm by the zygote (grader/runtime/zygote.py, grader/sandbox/zygote.py): each
one confined exactly as a worker bubblewrap starts (capabilities, no_new_privs, seccomp, cgroup,
namespaces, files, environment), two of them never reaching each other's files or processes,
exits and kills reported as before, nothing left running, and cold workers when the zygote is
gone. Each scenario runs in a judge of its own (a subprocess), as the grader's judges do.
The hostile submissions of test_hostile.py run through the zygote with BACKPROP_LAB_ZYGOTE=always."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from grader.sandbox import bubblewrap_available  # noqa: E402

pytestmark = pytest.mark.skipif(not bubblewrap_available(), reason="the zygote needs bubblewrap")

JUDGE = """
import json, os, sys, time
sys.path.insert(0, {repo!r})
from grader.limits import Limits
from grader.sandbox import Sandbox, prepare_judge, probe, start_zygote
from grader.sandbox import zygote
prepare_judge()
probe()
use_zygote = {use_zygote!r}
if use_zygote:
    assert start_zygote() is not None, "the zygote did not start"
forked = []
spawn = zygote.Zygote.spawn
def counted(self, request, fds):
    forked.append(request["config"]["device"])
    return spawn(self, request, fds)
zygote.Zygote.spawn = counted
def results(cells, limits=Limits(), device=None, then=None):
    with Sandbox(cells, limits, "bubblewrap", device=device) as sandbox:
        sandbox.start_cells()
        out = {{"cells": sandbox.finish_cells()}}
        if then:
            out["value"] = sandbox.request("get", target=then, path=[])
        out["restarts"] = sandbox.restarts
        out["cgroup"] = [open(f"/proc/{{pid}}/cmdline", "rb").read().split(b"\\0")[-2].decode(errors="replace")[:40]
                         for pid in sandbox.confinement.cgroup.members()]
        return out
{body}
"""

PROBE = r'''
import json, os, sys, tempfile
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
keep = ("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh", "NoNewPrivs", "Seccomp", "Uid", "Gid", "Groups")
try:
    os.unshare(os.CLONE_NEWUSER)
    userns = "created"
except (OSError, AttributeError) as exc:
    userns = type(exc).__name__
PROBED = json.dumps({
    "status": {key: status[key].strip() for key in keep},
    "cwd": os.getcwd(), "tmp": tempfile.gettempdir(), "root": sorted(os.listdir("/")),
    "env": {key: value for key, value in os.environ.items() if key != "PWD"}, "pwd": os.environ.get("PWD"),
    "uid_map": open("/proc/self/uid_map").read().split(), "cgroup": open("/proc/self/cgroup").read(),
    "mounts": sorted(line.split()[1] for line in open("/proc/self/mounts")),
    "grader": any(os.path.exists(os.path.join(p, "grader")) for p in sys.path),
    # the project's files (its folder itself exists where the virtualenv inside it is bound)
    "project": os.path.exists(os.path.join("@REPO@", "pyproject.toml")), "userns": userns,
    "limits": open("/proc/self/limits").read(), "nice": os.nice(0),
})
'''


def judge(body, use_zygote=True, timeout=180):
    script = JUDGE.format(repo=str(REPO), use_zygote=use_zygote, body=textwrap.dedent(body))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_forked_worker_is_confined_as_a_cold_one():
    body = f"""
    probe_cell = {PROBE.replace('@REPO@', str(REPO))!r}
    out = {{}}
    for device in (None, "emulated"):
        found = results([probe_cell], device=device, then="PROBED")
        out[str(device)] = {{**json.loads(found["value"]), "members": found["cgroup"]}}
    print(json.dumps({{"probes": out, "forked": forked}}))
    """
    warm, cold = judge(body, use_zygote=True), judge(body, use_zygote=False)
    assert warm["forked"] == [None, "emulated"] and cold["forked"] == []
    for device in ("None", "emulated"):
        got, expected = warm["probes"][device], cold["probes"][device]
        assert got["status"]["CapEff"] == got["status"]["CapBnd"] == "0000000000000000"
        assert got["status"]["NoNewPrivs"] == "1" and got["status"]["Seccomp"] == "2"
        assert not got["grader"] and not got["project"] and got["userns"] != "created"
        # the worker is in its sandbox's cgroups (with bwrap and its init; beside it, the placeholder)
        assert any(member.startswith("{") for member in got["members"]), got["members"]
        assert len(got["members"]) == len(expected["members"]) + 1
        for key in ("status", "cwd", "tmp", "root", "env", "pwd", "uid_map", "cgroup", "mounts", "userns", "nice"):
            assert got[key] == expected[key], key
        # the same limits, but for the address space the preloaded libraries take on top
        limits = [[line for line in found["limits"].splitlines() if not line.startswith("Max address space")]
                  for found in (got, expected)]
        assert limits[0] == limits[1]
        space = [int(line.split()[3]) for found in (got, expected) for line in found["limits"].splitlines()
                 if line.startswith("Max address space")]
        assert space[1] < space[0] < space[1] + (1 << 30)


def test_two_forked_workers_never_reach_each_other():
    body = r"""
    import threading
    first_cells = ["import os, subprocess, time\n"
                   "open('/scratch/secret', 'w').write('first')\n"
                   "open('/tmp/secret', 'w').write('first')\n"
                   "sleeper = subprocess.Popen(['sleep', '30'])\n"
                   "MINE = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())"]
    second_cells = ["import os\n"
                    "SEEN = {'files': [p for p in ('/scratch/secret', '/tmp/secret') if os.path.exists(p)],\n"
                    "        'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),\n"
                    "        'cmdlines': [open(f'/proc/{p}/cmdline', 'rb').read().decode(errors='replace')\n"
                    "                     for p in os.listdir('/proc') if p.isdigit()]}"]
    with Sandbox(first_cells, Limits(), "bubblewrap") as first:
        first.start_cells()
        first.finish_cells()
        mine = first.request("get", target="MINE", path=[])
        second = results(second_cells, then="SEEN")
    print(json.dumps({"mine": mine, "seen": second["value"], "cells": second["cells"], "forked": len(forked)}))
    """
    found = judge(body)
    assert found["forked"] == 2
    assert found["cells"] == [{"status": "ok", "message": ""}]
    assert found["seen"]["files"] == []
    assert not any("sleep" in cmdline for cmdline in found["seen"]["cmdlines"])
    assert len(found["seen"]["pids"]) <= 3  # its init, the placeholder and itself
    assert len(found["mine"]) >= 4  # the first worker's sleeper is there, in its own namespace


def test_exits_kills_and_timeouts_read_as_with_a_cold_worker():
    body = r"""
    cells = ["x = 1", "import os\nos._exit(3)", "y = 2", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
             "import os\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(600)\n",
             "while True:\n    pass\n", "z = 3"]
    found = results(cells, Limits(cell_timeout_s=2), then="z")
    time.sleep(0.5)
    left = [p for p in os.listdir("/proc") if p.isdigit() and p != str(os.getpid())
            and b"time.sleep(600)" in open(f"/proc/{p}/cmdline", "rb").read()]
    found["left"] = left
    found["forked"] = len(forked)
    print(json.dumps(found))
    """
    warm, cold = judge(body, use_zygote=True), judge(body, use_zygote=False)
    assert warm["forked"] == 4 and warm["left"] == [] and cold["left"] == []
    assert warm["cells"] == cold["cells"]
    assert [cell["status"] for cell in warm["cells"]] == ["ok", "error", "ok", "error", "ok", "timeout", "ok"]
    assert warm["cells"][1]["message"] == "the worker exited with status 3"
    assert warm["restarts"] == cold["restarts"] == 3


def test_without_the_zygote_workers_start_cold():
    body = r"""
    zygote.current_zygote()._proc.kill()
    zygote.current_zygote()._proc.wait()
    first = results(["x = 1"], then="x")
    second = results(["x = 2"], then="x")
    print(json.dumps({"values": [first["value"], second["value"]], "forked": len(forked),
                      "current": zygote.current_zygote() is not None}))
    """
    found = judge(body)
    assert found["values"] == [1, 2]
    assert found["current"] is False


def test_a_batch_starts_one_zygote_and_grades_as_without_it(tmp_path):
    sample = REPO / "submissions" / "s-1a2b"
    for assignment in ("layers", "spiral"):
        (tmp_path / "in" / "s-1a2b").mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / "s-1a2b" / f"{assignment}.ipynb").write_bytes((sample / f"{assignment}.ipynb").read_bytes())
    (tmp_path / "in" / "s-3c4d").mkdir()
    other = REPO / "submissions" / "s-3c4d" / "layers.ipynb"
    (tmp_path / "in" / "s-3c4d" / "layers.ipynb").write_bytes(other.read_bytes())
    reports = {}
    for mode in ("1", "0"):
        out = tmp_path / f"out{mode}"
        env = {**os.environ, "PYTHONPATH": str(REPO), "BACKPROP_LAB_ZYGOTE": mode}
        subprocess.run([sys.executable, "-m", "grader", "batch", str(tmp_path / "in"), "--out", str(out),
                        "--jobs", "2"], check=True, cwd=REPO, capture_output=True, env=env, timeout=300)
        reports[mode] = {str(path.relative_to(out)): json.loads(path.read_text()) for path in out.rglob("report.json")}
    assert len(reports["1"]) == 3 and reports["1"].keys() == reports["0"].keys()
    for name, report in reports["1"].items():
        for key in ("duration_s", "created"):
            report.pop(key)
            reports["0"][name].pop(key)
        assert report == reports["0"][name], name
