import atexit
import gc
import os
import sys

from .cli import main

status = main() or 0
# What the grader imported (NumPy, matplotlib, pytest) is a large heap, and the interpreter's
# shutdown walks all of it (garbage collections, then every module's cleanup): 20-200 ms that
# nothing needs, as every report is written and every sandbox gone by now. The atexit handlers
# (the runtime copy's removal) and the flush of the output still run; the rest is skipped.
gc.freeze()  # a collection an atexit handler triggers leaves the heap alone too
atexit._run_exitfuncs()
try:
    sys.stdout.flush()
    sys.stderr.flush()
except OSError:  # a closed pipe: the interpreter's own shutdown would exit with 120 too
    status = status or 120
os._exit(status)
