"""Which assignments the grader knows: one hidden-check module each, grader/checks/test_<id>.py.
Kept free of heavy imports so the CLI can validate an id before anything else loads."""
from pathlib import Path

CHECKS_DIR = Path(__file__).resolve().parent / "checks"
# The graded names each assignment's device checks run on a device (judge/device.py): a device
# run executes only what these depend on (slicing.py), decided before the checks are collected.
DEVICE_TARGETS = {
    "layers": ("Affine", "Sigmoid", "SoftmaxWithLoss"),
    "optimizers": ("SGD", "Adam"),
    "spiral": ("TwoLayerNet", "Trainer"),
}


def check_module(assignment):
    return CHECKS_DIR / f"test_{assignment}.py"


def known_assignments():
    return sorted(p.stem[len("test_"):] for p in CHECKS_DIR.glob("test_*.py"))
