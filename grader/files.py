"""A submission's files as data, never as paths to follow.

Whatever a student's folder or cloned repository holds (symbolic links, to a classmate's
notebook, to the solutions or to /proc/self/mem; pipes; sockets; devices; huge files),
the grader reads only regular files, opens them without following a link, and checks the
size before it reads a byte. Anything else is `Refused`, with a sentence that says why,
which becomes that submission's report.
"""
import errno
import os
import stat
import tempfile
from pathlib import Path

from backprop_lab_check.i18n import _

from .text import shown_name

CHUNK = 1 << 20


class Refused(Exception):
    """A file the grader will not read; the message is a sentence for the report."""


def kind(path):
    """What `path` itself is, without following a link: 'file', 'dir', 'link', 'other' or 'missing'."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def refusal(name, what):
    """The sentence for a path of kind `what` that is not a regular file."""
    if what == "link":
        sentence = _("{name} is a symbolic link; the grader reads only regular files (submit the notebook itself).")
    elif what == "dir":
        sentence = _("{name} is a folder, not a notebook or a Python file.")
    elif what == "missing":
        sentence = _("{name} does not exist.")
    else:
        sentence = _("{name} is not a regular file (a pipe, socket or device); the grader reads only regular files.")
    return sentence.format(name=name)


def read_regular(path, limit, name=None):
    """The bytes of the regular file `path`, at most `limit` of them; Refused otherwise."""
    name = name or shown_name(os.path.basename(os.fspath(path)))
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(refusal(name, "link")) from None
        if exc.errno == errno.ENOENT:
            raise Refused(refusal(name, kind(path))) from None
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket
            raise Refused(refusal(name, "other")) from None
        raise Refused(unreadable(name, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(refusal(name, "dir" if stat.S_ISDIR(info.st_mode) else "other"))
        if info.st_size > limit:
            raise Refused(too_large(name, info.st_size, limit))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read
            raise Refused(too_large(name, size, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(unreadable(name, exc)) from None
    finally:
        os.close(fd)


def unreadable(name, exc):
    return _("{name} could not be read ({error}).").format(name=name, error=exc.strerror)


def too_large(name, size, limit):
    return _("{name} is {size:.1f} MiB, over the {limit} MiB limit (clear the notebook's outputs and "
             "submit again).").format(name=name, size=size / (1 << 20), limit=limit >> 20)


# -- writing ------------------------------------------------------------------------------

TEMP_SUFFIX = ".tmp"  # `.<name>.<random>.tmp`: what a writer killed mid-write leaves behind


def write_temporary(path, data):
    """A finished, synced temporary file beside `path` holding `data` (str as UTF-8), to be
    renamed over `path` (os.replace) once everything that belongs with it is written."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o644)
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path, data):
    """Replace `path` with `data` in one rename: readers see the old file or the new one."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.replace(write_temporary(path, data), path)


def is_temporary(name):
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)
