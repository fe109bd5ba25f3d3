"""`make gpu-check` (tools/gpu_check.sh): one line and exit 0 without a GPU; with one, every step
run and recorded. Here the GPU is the emulation posing as CuPy (a copy of fakecupy.py named
cupy.py on PYTHONPATH), which exercises everything but the real library."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.judge.device import gpu_status

ROOT = Path(__file__).resolve().parent.parent


def gpu_check(tmp_path, *args, pythonpath=None):
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(["bash", str(ROOT / "tools" / "gpu_check.sh"), "--out", str(tmp_path / "out"), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(gpu_status() is None, reason="a GPU is here")
def test_without_a_gpu_it_says_so_in_one_line_and_exits_0(tmp_path):
    proc = gpu_check(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("gpu-check: no GPU here (") and proc.stdout.count("\n") == 1, proc.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_with_a_gpu_every_step_runs_and_is_recorded(tmp_path):
    fake = tmp_path / "fake-gpu"
    fake.mkdir()
    shutil.copy(ROOT / "grader" / "runtime" / "fakecupy.py", fake / "cupy.py")
    proc = gpu_check(tmp_path, "--repeat", "1", "--wheels", str(tmp_path / "no-wheels"), pythonpath=fake)
    out = tmp_path / "out"
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("gpu-check: emulated device") and "NumPy" in lines[0], lines[0]
    for step in ("conformance", "device checks", "timing"):
        assert any(line.startswith(f"== {step}") and ": passed in" in line for line in lines), (step, lines)
    assert lines[-1].startswith("gpu-check: every step passed in"), lines[-1]
    assert "| GPU (emulated device" in (out / "float32.md").read_text()
    for record in ("gpu-check.log", "conformance.xml", "device-checks.xml"):
        assert (out / record).stat().st_size > 0, record
    assert "<skipped" not in (out / "conformance.xml").read_text()  # the CuPy side ran too
