# Eat memory in the notebook itself (the cell gets a MemoryError, the rest still runs),
# then in a method: children that together want several times the memory limit, which
# the memory cgroup (where there is one) must stop by killing some of them.
import numpy as np

try:
    huge = np.ones(1 << 40)  # 8 TiB at once
except MemoryError:
    huge = None
hog = []
try:
    while True:
        hog.append(np.ones(1 << 24))  # 128 MiB at a time, touched
except MemoryError:
    pass
del hog


def hog_children(count=4, chunks=5):
    """`count` children, each touching `chunks` x 128 MiB; waits for them."""
    pids = []
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            mark_process()
            try:
                keep = [np.ones(1 << 24) for _ in range(chunks)]
                time.sleep(0.5)
            finally:
                os._exit(0)
        pids.append(pid)
    killed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        killed += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if @MEMORY_CGROUP@ and pids and not killed:  # together they held count x 640 MiB > the limit
        leak(f"{len(pids)} children held {len(pids) * chunks * 128} MiB together")
    report_leaks()
    raise MemoryError(f"the hog children are done ({killed} of {len(pids)} killed)")
