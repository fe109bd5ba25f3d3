"""The zygote: a warm parent for a batch's workers, so that each worker starts with NumPy and
the libraries notebooks import (matplotlib, scikit-learn's data sets) already loaded instead
of importing them again (about 1 CPU-second per submission, half of a grading).

Started once per batch by the fork server, outside any sandbox, as `python -I -S zygote.py
CONFIG_JSON` from a copy of the runtime folder, with only the library folders on its path: it
never sees the project, the reference or a submission, and never runs submission code. It
imports the worker's modules and `preload`, then waits on a SOCK_SEQPACKET socket for spawn
requests from the judges: one message, JSON plus file descriptors, per worker.

A worker still gets a bubblewrap sandbox of its own: the judge starts bwrap as always, with a
placeholder in place of `python worker.py`, and sends the placeholder's namespaces here. The
zygote forks a child that joins the worker's cgroups, sets its rlimits and session keyring,
enters every namespace of that sandbox (the sandbox's mount tree, PID, network, IPC, UTS,
cgroup and user namespaces: what bwrap gave the placeholder), and forks the worker there.
The worker drops every capability, sets no_new_privs, installs the same seccomp filter bwrap
installs and closes every descriptor but its own before it runs anything of the submission;
then it is `worker.Worker.serve()`, as after `python worker.py`. The child outside waits for
it and hands its exit status to the placeholder, which exits with it, so that the judge sees
bwrap exit as it would have with the worker inside. Killing bwrap (the judge's timeout, its
exit) kills the PID namespace's init, and with it the worker.

Request: {"namespaces": [names, in the order of the first descriptors], "config": the
worker's config (in_fd/out_fd are set here), "env": its environment, "cgroups": [paths],
"rlimits": [[resource, soft, hard]], "nice": bool, "seccomp": base64 program or null};
descriptors: the namespaces, then the worker's request pipe (read end), its reply pipe (write
end), its stdout/stderr (write end), the placeholder's status pipe (write end).
"""
import array
import base64
import ctypes
import fcntl
import gc
import importlib
import json
import os
import resource
import signal
import socket
import sys
import tempfile

MAX_REQUEST_BYTES = 1 << 20
MAX_FDS = 16
IN_FD, OUT_FD = 3, 4  # where the worker finds its pipes
CLONE_FLAGS = {"cgroup": 0x02000000, "ipc": 0x08000000, "uts": 0x04000000, "net": 0x40000000,
               "pid": 0x20000000, "mnt": 0x00020000, "user": 0x10000000}
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 1, 24, 28, 38
PR_SET_CHILD_SUBREAPER = 36
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 47, 4, 22, 2
SECUREBITS_NO_ROOT = (1 << 0) | (1 << 1) | (1 << 5) | (1 << 6) | (1 << 7)
KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL = {"x86_64": 250, "aarch64": 219}

_libc = ctypes.CDLL(None, use_errno=True)
# Address space the preloaded libraries take beyond a worker that imported NumPy: added to a
# worker's RLIMIT_AS, so that --memory-mb leaves the submission what a cold worker leaves it.
_preloaded_bytes = 0


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result, what):
    if result != 0:
        raise OSError(ctypes.get_errno(), f"{what}: {os.strerror(ctypes.get_errno())}")


def _prctl(option, value, arg3=0):
    ulong = ctypes.c_ulong
    return _libc.prctl(option, ulong(value), ulong(arg3), ulong(0), ulong(0))


def _fail(message):
    """The child cannot set the worker up: it says why on the worker's output and stops; the
    judge sees a worker that exited without a word."""
    try:
        os.write(2, f"backprop-lab zygote: {message}\n".encode())
    finally:
        os._exit(125)


# ------------------------------------------------------------------ in the worker

def _drop_privileges(seccomp):
    """No capability now or after execve, none from setuid binaries, and the seccomp filter."""
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) != 0 and ctypes.get_errno() == 22:  # EINVAL: past the last cap
            break
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    _prctl(PR_SET_SECUREBITS, SECUREBITS_NO_ROOT)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()  # _LINUX_CAPABILITY_VERSION_3: all zero
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    if seccomp is not None:
        program = base64.b64decode(seccomp)
        buffer = ctypes.create_string_buffer(program, len(program))
        fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
        _check(_prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog)), "seccomp")


def _enter(request, namespaces):
    """In the worker, still with the host's view and capabilities: its cgroups, rlimits,
    priority and session keyring, as bwrap's child gets them between fork and exec, then
    every namespace of its sandbox (the PID namespace it was forked into already): the
    user namespace last, which leaves it the capabilities of the sandbox only."""
    for path in request.get("cgroups", []):
        try:
            with open(os.path.join(path, "cgroup.procs"), "w") as procs:
                procs.write("0")
        except OSError:
            pass
    for number, soft, hard in request.get("rlimits", []):
        if number == resource.RLIMIT_AS and soft != resource.RLIM_INFINITY:
            # the address space the preloaded libraries take is not the submission's
            soft, hard = soft + _preloaded_bytes, hard + _preloaded_bytes
        resource.setrlimit(number, (soft, hard))
    if request.get("nice"):
        os.nice(19)
    keyctl = KEYCTL.get(os.uname().machine)
    if keyctl is not None:
        _libc.syscall(ctypes.c_long(keyctl), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), None)
    for name, fd in sorted(namespaces.items(), key=lambda item: item[0] == "user"):
        _check(_libc.setns(fd, CLONE_FLAGS[name]), f"setns {name}")
        os.close(fd)
    os.chdir(request["config"]["scratch"])


def _become_worker(request, to_worker, from_worker):
    """In the worker, inside every namespace of its sandbox: its descriptors, privileges,
    environment and working directory as bwrap leaves them, then the worker's loop."""
    os.setsid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # with the child that waits for it
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_worker, from_worker)]  # out of each other's way
    os.dup2(high[0], IN_FD)
    os.dup2(high[1], OUT_FD)
    os.closerange(OUT_FD + 1, 1 << 16)
    _drop_privileges(request.get("seccomp"))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it at start-up
    os.environ.clear()
    os.environ.update({**request["env"], "PWD": request["config"]["scratch"]})  # as bwrap --chdir sets it
    tempfile.tempdir = None  # found again from TMPDIR, should anything have asked already
    config = {**request["config"], "in_fd": IN_FD, "out_fd": OUT_FD}
    # the command line a worker bwrap started has (the submission may read it)
    shown = {key: value for key, value in config.items() if key != "runtime"}
    sys.argv[:] = [f"{config['runtime']}/worker.py", json.dumps(shown)]
    sys.orig_argv[:] = [sys.orig_argv[0], "-I", "-S", *sys.argv]
    import worker
    worker.run(config)
    os._exit(0)


# ------------------------------------------------------------------ the child outside

def _child(request, fds):
    """Between the zygote and the worker, outside the sandbox and in no cgroup of it: forks
    the worker into the sandbox's PID namespace, waits for it and passes its exit status to
    the placeholder. It outlives the worker (the worker dies with the namespace's init when
    the judge kills bwrap), so the worker is never an orphan outside the sandbox."""
    names = request["namespaces"]
    namespaces, rest = dict(zip(names, fds[:len(names)])), fds[len(names):]
    to_worker, from_worker, output, status = rest
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        if "pid" in namespaces:
            _check(_libc.setns(namespaces.pop("pid"), CLONE_FLAGS["pid"]), "setns pid")
    except Exception as exc:
        _fail(f"could not enter the sandbox: {exc}")
    pid = os.fork()
    if pid == 0:
        try:
            os.close(status)
            _enter(request, namespaces)
            _become_worker(request, to_worker, from_worker)
        except BaseException as exc:
            _fail(f"could not start the worker: {type(exc).__name__}: {exc}")
    for fd in (to_worker, from_worker, output, null, 0, 1, 2, *namespaces.values()):
        os.close(fd)
    while True:
        try:
            _, wait_status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(0)
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(wait_status)
    try:
        os.write(status, f"{128 - code if code < 0 else code}\n".encode())  # as bwrap reports its child's
    except OSError:
        pass
    os._exit(0)


# ------------------------------------------------------------------ the zygote

def _receive(sock):
    fds = array.array("i")
    message, ancillary, _, _ = sock.recvmsg(MAX_REQUEST_BYTES, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
    return message, list(fds)


def serve(sock):
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the children outside are reaped by the kernel
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # and a worker whose child outside died anyway is ours, not init's
    while True:
        try:
            message, fds = _receive(sock)
        except InterruptedError:
            continue
        if not message:
            return 0  # the batch is over
        try:
            request = json.loads(message)
            if len(fds) != len(request["namespaces"]) + 4:
                raise ValueError("wrong number of descriptors")
            pid = os.fork()
        except Exception:
            pid = None
        if pid == 0:
            try:
                sock.close()
                _child(request, fds)
            finally:
                os._exit(125)
        for fd in fds:
            os.close(fd)


def _address_space():
    """This process's virtual memory size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    config = json.loads(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [here] + config["sys_path"]
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with the fork server
    import protocol  # noqa: F401
    import worker  # noqa: F401
    import numpy  # noqa: F401
    global _preloaded_bytes
    before = _address_space()
    for name in config.get("preload", []):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    _preloaded_bytes = max(0, _address_space() - before)
    # What is loaded now lives as long as every worker: out of the collector's sight, so that no
    # worker's full collection walks it again (65 ms each with scikit-learn loaded) nor writes to
    # its pages (which would copy them into the worker).
    gc.collect()
    gc.freeze()
    sock = socket.socket(fileno=config["socket_fd"])
    os.write(config["ready_fd"], b"ready\n")
    os.close(config["ready_fd"])
    return serve(sock)


if __name__ == "__main__":
    sys.exit(main())
