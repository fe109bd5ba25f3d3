"""Trusted helpers: the model, optimizer or container a check needs around the name it grades.

A check of target T judges the submission's T and nothing else the student wrote: a Trainer is
trained with these helpers' TwoLayerNet and SGD, not the student's. The files here are sent as
source to the worker (`Student.trusted`), which runs them in a namespace of their own, with
`import numpy as np` bound to the device module in a device run. They are plain textbook code,
not the reference (which never leaves the judge), and they reach the worker only after every
check of the names they stand in for has run (runner.py orders the checks), so that no
submission can pass off a helper as its own work.
"""
import functools
from pathlib import Path

HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def source(assignment):
    """(source text, file name) of the assignment's helpers."""
    path = HERE / f"{assignment}.py"
    return path.read_text(encoding="utf-8"), f"<trusted {assignment}>"
