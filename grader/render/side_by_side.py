"""A report's plots drawn side by side: all but the first in forked copies of this process, which
has matplotlib loaded and warm, each sending its PNG back through a pipe.

A grading that someone waits for alone (`grade`, Gradescope, PrairieLearn) ends with its plots:
on two cores they take half the time. Such a grading also starts them early (`start_early`):
after each check that changed a plot's data, one child at the idle scheduling priority draws
those plots side by side while the remaining checks and the sandbox's teardown go on, and the
report takes each drawing whose data is exactly its own (`take_early`). A batch, whose judges
keep every core busy already, draws them one after the other (the forks would only add their
own CPU time).
"""
import contextlib
import os
import select
import signal
import struct
import time
import warnings

CHILD_TIMEOUT_S = 60.0  # a child that takes longer is killed, and its plot drawn here
PNG, ERROR = b"P", b"E"  # the first byte a child sends: what follows is a PNG, or the error's text
_LENGTH = struct.Struct(">Q")  # of each drawing in an early child's message


def side_by_side(draws):
    """[(PNG bytes, None) or (None, "Type: message")] of each of `draws` (functions returning a
    PNG), in order. The first is drawn in this process while forked children draw the others;
    one whose fork fails or whose child dies is drawn here afterwards."""
    children = [_fork(draw) for draw in draws[1:]]
    results = [_attempt(draw) for draw in draws[:1]]
    for draw, child in zip(draws[1:], children):
        results.append((child and _collect(*child)) or _attempt(draw))
    return results


def one_by_one(draws):
    """As side_by_side, every plot drawn in this process."""
    return [_attempt(draw) for draw in draws]


class _Early:
    """Drawings a child started before the report asked for them: their keys, the child, and
    what it sent once collected; `stale` once later drawings replaced them all."""

    def __init__(self, keys, child):
        self.keys, self.child, self.results, self.stale = keys, child, None, False

    def take(self, key):
        # one pass: a key holds the plot's whole data, so each comparison walks it
        index = None if self.stale else next((i for i, started in enumerate(self.keys) if started == key), None)
        if index is None:
            return None
        if self.results is None:
            pid, read_end = self.child
            self.child, self.results = None, _unpack(_collect(pid, read_end), len(self.keys))
        return self.results[index]

    def stop(self):
        """Kill the child if it is still drawing (abandon reaps it)."""
        self.stale = True
        if self.child is not None:
            for kill in (os.killpg, os.kill):  # its group holds the forks it draws with, once it leads one
                with contextlib.suppress(ProcessLookupError):
                    kill(self.child[0], signal.SIGKILL)

    def abandon(self):
        self.stop()
        if self.child is not None:
            pid, read_end = self.child
            self.child = None
            _collect(pid, read_end)


_early = []  # the _Early of this process not yet abandoned


def start_early(plots):
    """Draw `plots`, [(key, function returning a PNG)], side by side in one forked child now, for
    the report that asks for their keys (take_early); the child and the forks it draws with run
    only on cores nothing else wants. A key is a tuple whose first item names the plot: earlier
    drawings of none but these names are stopped (their data has changed since)."""
    names = {key[0] for key, _draw in plots}
    for early in _early:
        if not early.stale and {key[0] for key in early.keys} <= names:
            early.stop()

    def draw_all():
        os.setpgid(0, 0)
        # behind everything else: the checks, even a device run at nice 19
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        tagged = [_tagged(result) for result in side_by_side([draw for _key, draw in plots])]
        return b"".join(_LENGTH.pack(len(message)) + message for message in tagged)
    child = _fork(draw_all)
    if child is not None:
        _early.append(_Early([key for key, _draw in plots], child))


def take_early(key):
    """(PNG bytes, None) or (None, "Type: message") of the early drawing of `key`, waiting for it,
    or None when there is none or its child died: the caller draws it."""
    for early in _early:
        taken = early.take(key)
        if taken is not None:
            return taken
    return None


def abandon_early():
    """Let go of every early drawing: a child still drawing one no report took (its data changed
    after it started) is killed."""
    while _early:
        _early.pop().abandon()


def _unpack(collected, count):
    """The `count` results in an early child's message; None each when it died or failed."""
    message, results = (collected or (None, None))[0], []
    while message and len(results) < count:
        (length,), start = _LENGTH.unpack_from(message), _LENGTH.size
        results.append(_untagged(message[start:start + length]))
        message = message[start + length:]
    return results if len(results) == count and None not in results else [None] * count


def _tagged(result):
    """A drawing's (PNG, None) or (None, error) as a child sends it: a tag byte, then the PNG or
    the error's text."""
    png, error = result
    return PNG + png if error is None else ERROR + error.encode("utf-8", "replace")


def _untagged(message):
    """The (PNG, None) or (None, error) a child's message holds, None when it is neither."""
    if message[:1] == PNG:
        return message[1:], None
    if message[:1] == ERROR:
        return None, message[1:].decode("utf-8", "replace")
    return None


def _attempt(draw):
    try:
        return draw(), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _fork(draw):
    """(pid, read end of its pipe) of a child drawing `draw`, or None when it cannot fork. The
    child is registered as this process's own, so that a sandbox's teardown, which kills the
    orphans it finds among the judge's children, leaves it alone."""
    from ..sandbox.containment import register_child

    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12 warns about forking with threads: ours only draws
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: draw, send, and leave without running anything of the parent's
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(_tagged(_attempt(draw)))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    register_child(pid)
    return pid, read_end


def _collect(pid, read_end):
    """What the child `pid` sent, or None when it died or timed out without a whole message."""
    from ..sandbox.containment import unregister_child

    chunks, deadline = [], time.monotonic() + CHILD_TIMEOUT_S
    try:
        while (left := deadline - time.monotonic()) > 0 and select.select([read_end], [], [], left)[0]:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
            chunks = []
    finally:
        os.close(read_end)
        status = os.waitpid(pid, 0)[1]
        unregister_child(pid)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    return _untagged(b"".join(chunks))
