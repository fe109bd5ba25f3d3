"""Fixtures shared by the test modules: kernels for notebooks, a fake judge, what the tests
that look at rendered pages need."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import student_path  # noqa: E402  (tools/student_path.py: the Chromium the JupyterLab tests drive too)


def required(problem):
    """Fail in CI, where `make install` provides everything; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {problem}")
    pytest.skip(problem)


@pytest.fixture
def chromium():
    """The headless Chromium that renders reports in tests."""
    found = student_path.chromium()
    if found is None:
        required("Chromium is not installed: cannot look at the rendered report (apt-get install chromium)")
    return found


@pytest.fixture
def korean_font():
    """A font with Hangul (the install step's fonts-nanum), for Korean reports and plots."""
    listed = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if not listed.strip():
        required("no font with Hangul is installed (apt-get install fonts-nanum)")
    return listed.split("\n")[0]


@pytest.fixture(scope="session")
def kernel_dir(tmp_path_factory):
    """A directory holding a `python3` kernelspec that runs this very interpreter, so that no
    other installed "python3" kernel is picked up."""
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / "python3"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (backprop-lab tests)", "language": "python"}))
    return kernels


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A fake judge for batch tests (fakejudge.py)."""
    from fakejudge import install_fake

    return install_fake(tmp_path, monkeypatch)
