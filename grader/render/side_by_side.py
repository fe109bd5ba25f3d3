"""A report's plots drawn side by side: all but the first in forked copies of this process, which
has matplotlib loaded and warm, each sending its PNG back through a pipe.

A grading that someone waits for alone (`grade`, Gradescope, PrairieLearn) ends with its plots:
on two cores they take half the time. A batch, whose judges keep every core busy already, draws
them one after the other (the forks would only add their own CPU time).
"""
import os
import select
import signal
import time
import warnings

CHILD_TIMEOUT_S = 60.0  # a child that takes longer is killed, and its plot drawn here
PNG, ERROR = b"P", b"E"  # the first byte a child sends: what follows is a PNG, or the error's text


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


def _attempt(draw):
    try:
        return draw(), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _fork(draw):
    """(pid, read end of its pipe) of a child drawing `draw`, or None when it cannot fork."""
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
            png, error = _attempt(draw)
            message = PNG + png if error is None else ERROR + error.encode("utf-8", "replace")
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(message)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid, read_end):
    """What the child `pid` sent, or None when it died or timed out without a whole message."""
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
    message = b"".join(chunks)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    if message[:1] == PNG:
        return message[1:], None
    if message[:1] == ERROR:
        return None, message[1:].decode("utf-8", "replace")
    return None
