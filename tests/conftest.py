"""Fixtures shared by the test modules that run notebooks."""
import json
import sys

import pytest


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
