"""The visible checks' view of the student's kernel, with the hidden grader's API.

The hidden checks reach a submission through `grader.student.Student` and
`grader.sandbox.RemoteObject` (an object in the sandboxed worker: every access is a
request and every value comes back as a copy). `Kernel` and `LocalObject` offer the
same calls on the objects of the notebook's own namespace, with the same copying, so
a visible check reads like a hidden one and sees what the grader will see: a layer
that keeps a reference to an argument, rebinds `params[i]` or modifies its input
behaves here as it does under the grader.
"""
import linecache
import random
import sys
from pathlib import Path

import numpy

from .i18n import _
from .outcomes import MissingName, StudentRaised

PACKAGE_DIR = str(Path(__file__).resolve().parent)
# Frames in these are not the student's: this package, the Python installation, its libraries.
NOT_STUDENT = tuple({PACKAGE_DIR, sys.prefix, sys.base_prefix, sys.exec_prefix})


def _raised(exc, context):
    """The StudentRaised for `exc`, raised by the student's code while a check called `context`."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return StudentRaised(type(exc).__name__, text, _where(exc), context, original=exc)


def _where(exc):
    """The innermost frame of the student's code: 'cell In[7], line 12: raise NotImplementedError()'."""
    tb, frame = exc.__traceback__, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith(NOT_STUDENT):
            frame = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if frame is None:
        return ""
    filename, line = frame
    source = linecache.getline(filename, line).strip()
    return _place(filename, line) + (f": {source}" if source else "")


def _place(filename, line):
    """'cell In[7], line 12' for a Jupyter cell, 'file.py, line 12' for a file, else 'line 12'."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    named = getattr(getattr(shell, "compile", None), "format_code_name", lambda name: None)(filename)
    if named:
        return _("cell {cell}, line {line}").format(cell=named[1], line=line)
    if filename.startswith("<"):
        return _("line {line}").format(line=line)
    return _("{file}, line {line}").format(file=Path(filename).name, line=line)


def student_frames(exc):
    """The traceback of `exc` from the first frame outside this package: what a student
    should see when their stub's NotImplementedError is raised again."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(PACKAGE_DIR):
        tb = tb.tb_next
    return tb


def detach(value):
    """A copy of plain data (as it would travel over the grader's channel); objects stay."""
    if isinstance(value, LocalObject):
        return value._obj
    if isinstance(value, numpy.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(detach(v) for v in value)
    if isinstance(value, dict):
        return {k: detach(v) for k, v in value.items()}
    return value


def _plain(value):
    return value is None or isinstance(value, (bool, int, float, complex, str, bytes, numpy.ndarray,
                                               numpy.generic, list, tuple, dict))


def incoming(value):
    """A value coming back from student code: data copied, objects wrapped as LocalObject."""
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(incoming(v) for v in value)
    if isinstance(value, dict):
        return {k: incoming(v) for k, v in value.items()}
    return detach(value) if _plain(value) else LocalObject(value)


class LocalObject:
    """An object of the student's kernel, reached like grader.sandbox.RemoteObject."""

    def __init__(self, obj, type_name=None):
        self._obj = obj
        self.type_name = type_name or type(obj).__name__
        self._pinned = []  # objects whose id() was handed out: alive, so no later object reuses the id

    def __repr__(self):
        return f"<local {self.type_name}>"

    def _run(self, what, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _raised(exc, what) from exc

    def call(self, method, *args, timeout=None, keep_args=False, **kwargs):
        """`obj.method(*args, **kwargs)` (`obj(...)` when method is None) on copies of the
        arguments; with keep_args also the arguments as the caller holds them afterwards
        (a rebound list item is not seen, an array changed in place is)."""
        what = self.type_name if method is None else f"{self.type_name}.{method}"
        fn = self._obj if method is None else self._run(what, getattr, self._obj, method)
        args, kwargs = detach(list(args)), detach(kwargs)
        held = [list(a) if isinstance(a, list) else a for a in args]
        result = incoming(self._run(what, fn, *args, **kwargs))
        return (result, incoming(held)) if keep_args else result

    def _resolve(self, path):
        value = self._obj
        for part in path:
            value = value[part] if isinstance(part, int) or isinstance(value, dict) else getattr(value, part)
        return value

    def get(self, *path):
        """An attribute, or an item below it: get("grads", 0) is obj.grads[0], get("params", "W1")
        is obj.params["W1"] (a copy)."""
        what = f"{self.type_name}.{'.'.join(map(str, path))}"
        return incoming(self._run(what, self._resolve, path))

    def ids(self, *path):
        """id() of each element of a list attribute, to test identity across calls."""
        items = list(self._run(f"{self.type_name}.{path[0]}", self._resolve, path))
        self._pinned.extend(items)
        return [id(item) for item in items]

    def set_item(self, *path, value):
        """obj.path[...] = value, in place."""
        array = self._run(f"{self.type_name}.{path[0]}", self._resolve, path)
        array[...] = value

    def scan(self, method, args, wrt, points, timeout=None, **kwargs):
        """method(*args) once per row of `points`, with the tensor `wrt` set to that row:
        ["arg", k] is the k-th argument, ["param", path] an array of the object."""
        what = f"{self.type_name}.{method}"
        fn = getattr(self._obj, method)
        args = detach(list(args))
        if wrt[0] == "arg":
            calls = (args[:wrt[1]] + [point.copy()] + args[wrt[1] + 1:] for point in points)
            return [incoming(self._run(what, fn, *a, **kwargs)) for a in calls]
        tensor = self._resolve(wrt[1])
        saved = tensor.copy()
        outputs = []
        try:
            for point in points:
                tensor[...] = point
                outputs.append(incoming(self._run(what, fn, *args, **kwargs)))
        finally:
            tensor[...] = saved
        return outputs


class Kernel:
    """The notebook's namespace, reached like grader.student.Student."""

    def __init__(self, namespace):
        self.namespace = namespace

    def has(self, name):
        return name in self.namespace

    def _lookup(self, name):
        if name not in self.namespace:
            raise MissingName(_("`{name}` is not defined in the notebook: run the cell that defines it first").format(
                name=name))
        return self.namespace[name]

    def new(self, name, *args, **kwargs):
        """`name(*args, **kwargs)` built from copies of the arguments."""
        cls = self._lookup(name)
        try:
            obj = cls(*detach(list(args)), **detach(kwargs))
        except Exception as exc:
            raise _raised(exc, f"{name}(...)") from exc
        return LocalObject(obj, name)

    def call(self, name, *args, timeout=None, keep_args=False, **kwargs):
        """Call the function `name`; with keep_args also its arguments afterwards."""
        return LocalObject(self._lookup(name), name).call(None, *args, keep_args=keep_args, **kwargs)

    def seed(self, seed):
        random.seed(seed)
        numpy.random.seed(seed)
