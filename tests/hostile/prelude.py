# Hostile prelude: helpers every attack cell uses. @NAME@ placeholders are filled in by
# tests/test_hostile.py for each run.
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

MARKER = "@MARKER@"   # the name (comm) of every process this submission forks
SLEEP = "@SLEEP@"     # `/bin/sleep SLEEP`: a child that is easy to find in /proc afterwards
OUT = "@OUT@"         # the judge's output directory (the attacker is assumed to know it)
ROOT = "@ROOT@"       # the grader's checkout (reference/, grader/checks/)
LEAKS = []


def mark_process():
    """Name this process MARKER, so the test can tell whether it outlived grading."""
    try:
        ctypes.CDLL(None).prctl(15, MARKER.encode(), 0, 0, 0)  # PR_SET_NAME
    except Exception:
        pass


def judge_trap(what):
    """Does something only where it must never run: outside the worker (in the judge)."""
    if not any("worker.py" in arg for arg in sys.argv):
        with open("@TRAP@", "a") as handle:
            handle.write(f"{what} ran in pid {os.getpid()}: {sys.argv}\n")


def leak(what):
    """The sandbox let us do something it must not: reported through the grade report."""
    LEAKS.append(what)


def report_leaks():
    if LEAKS:
        raise RuntimeError("LEAKED: " + "; ".join(LEAKS))
