# A fork bomb (children fork forever, sleeping between failures), a thread bomb, and
# an attempt to leave the pids cgroup first. The number of processes this cell manages
# to create tells whether the process limit holds.
import threading

for procs in ("/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/memory/cgroup.procs",
              "/sys/fs/cgroup/cgroup.procs", "/sys/fs/cgroup/unified/cgroup.procs"):
    try:
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))
        leak(f"moved itself to {procs}")
    except OSError:
        pass


def bomb():
    mark_process()
    while True:
        try:
            os.fork()
            mark_process()
        except OSError:
            time.sleep(0.2)


forked = 0
for _ in range(5000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        try:
            bomb()
        finally:
            os._exit(0)
    forked += 1
threads = 0
try:
    for _ in range(5000):
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
        threads += 1
except RuntimeError:
    pass
if forked + threads >= @MAX_PROCESSES@:
    leak(f"started {forked} processes and {threads} threads, limit @MAX_PROCESSES@")
report_leaks()
