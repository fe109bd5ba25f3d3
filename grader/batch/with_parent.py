"""Run a command that dies with the process that started it: `python -I -S with_parent.py
PARENT_PID COMMAND...` sets the parent-death signal (SIGKILL), checks that the parent is still
the one that started it, and execs COMMAND in its place. The batch starts its cold judges
through it (a `preexec_fn` is not safe in a process with threads), so that nothing keeps
running or writing after the batch is gone, even after `kill -9`. Standard library only.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

if __name__ == "__main__":
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != int(sys.argv[1]):
        os._exit(111)  # the parent died before the signal was set
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        sys.stderr.write(f"cannot run {sys.argv[2]!r}: {exc}\n")
        os._exit(127)
