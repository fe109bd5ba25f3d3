# Reach for the judge from inside a method the checks call: ptrace it, read its memory,
# environment and files, signal it, write global kernel settings, remount read-only
# directories writable. Each success is reported as a leak (nothing is actually harmed).
PTRACE_SEIZE, PTRACE_DETACH = 0x4206, 17  # SEIZE: attach without stopping the tracee
MS_REMOUNT, MS_BIND = 32, 4096


def judge_candidates():
    """The judge is our parent in the fallback; under bubblewrap it is not even visible
    (our parent is bwrap's init, or, for a worker the zygote forked, outside our PID namespace:
    getppid() is 0, and kill(0, ...) would only reach our own process group). Only the parent
    is probed: a test must not touch other processes on the machine even if the sandbox were
    broken."""
    return {os.getppid()} - {os.getpid(), 0}


def probe_judge():
    libc = ctypes.CDLL(None, use_errno=True)
    in_namespace = os.getppid() in (0, 1) and os.getpid() < 100  # bwrap: the judge is not in our PID namespace
    for pid in judge_candidates():
        if pid == 1 and in_namespace:
            continue  # bwrap's own init inside the sandbox, not the judge
        for what in ("mem", "environ", "maps"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as handle:
                    handle.read(64)
                leak(f"read /proc/{pid}/{what}")
            except OSError:
                pass
        for what in ("cwd", "root", "fd"):
            try:
                os.listdir(f"/proc/{pid}/{what}")
                leak(f"listed /proc/{pid}/{what}")
            except OSError:
                pass
        if libc.ptrace(PTRACE_SEIZE, pid, None, None) == 0:
            leak(f"ptrace-attached to {pid}")
            libc.ptrace(PTRACE_DETACH, pid, None, None)
        try:
            os.kill(pid, 0)
            leak(f"may signal {pid}")
        except OSError:
            pass
    for path in ("/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sysrq-trigger",
                 "/sys/fs/cgroup/pids/cgroup.procs", os.path.dirname(os.__file__) + "/os.py",
                 ROOT + "/grader/judge/plugin.py", ROOT + "/reference/layers.py"):
        try:
            fd = os.open(path, os.O_WRONLY)  # opened for writing, never written
            os.close(fd)
            leak(f"opened {path} for writing")
        except OSError:
            pass
    for target in (os.path.dirname(os.__file__), "/usr"):
        if libc.mount(b"none", target.encode(), None, MS_REMOUNT | MS_BIND, None) == 0:
            leak(f"remounted {target} writable")
    # Only once nothing above got out: kill every process we may signal.
    if not LEAKS:
        os.kill(-1, signal.SIGKILL)
    report_leaks()
