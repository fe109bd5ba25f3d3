"""The sandboxed worker: runs a submission's cells, then serves the judge's requests.

Started by the judge as `python -I -S worker.py CONFIG_JSON` inside the sandbox,
with only this file, protocol.py, fakecupy.py and a copy of the student-facing package
backprop_lab_check (which notebooks import) in its runtime directory. It talks
to the judge over two inherited pipe file descriptors; stdout and stderr are drained
(and capped) by the judge. Everything here is untrusted once student code runs:
the judge treats every reply as plain data and checks it.
"""
import ast
import contextlib
import importlib
import json
import linecache
import os
import re
import sys
import traceback


CELL_FILENAME = re.compile(r"<code cell (\d+)>")  # a cell's code is compiled as the file "<code cell 4>"
_DEVICE_MODULES = {"cupy": "cupy", "emulated": "fakecupy"}


class _DeviceImports(ast.NodeTransformer):
    """The books' switch from NumPy to CuPy (`import cupy as np`): every `import numpy as
    ALIAS` (and `import numpy.x as ALIAS`) imports the device module instead. The bare
    name `numpy` (`import numpy`, `from numpy import ...`) stays the host NumPy, as it
    does after the books' one-line edit, so host/device mixing shows up as it would."""

    def __init__(self, module):
        self.module = module

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname and (alias.name == "numpy" or alias.name.startswith("numpy.")):
                alias.name = self.module + alias.name[len("numpy"):]
        return node


def _compile(source, filename, device_module=None):
    if device_module is None:
        return compile(source, filename, "exec")
    tree = _DeviceImports(device_module).visit(ast.parse(source, filename, "exec"))
    return compile(tree, filename, "exec")


def _bootstrap(config):
    # -S skipped site-packages (and with it every .pth file, so nothing the
    # grader installed is importable); add back only the library directories.
    # The scratch directory is the working directory, on the path as a notebook's is: a module
    # a cell wrote (%%writefile) can be imported.
    runtime = config.get("runtime") or os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [runtime, config["scratch"]] + config["sys_path"]
    os.chdir(config["scratch"])
    if config.get("background"):
        _lower_priority()


def _lower_priority():
    """Only CPU time the main run and the judge leave over. bubblewrap starts a new session,
    and with it a new kernel autogroup, whose own nice value is what the scheduler weighs
    against other sessions. The kernel accepts one such change every 100 ms machine-wide
    from unprivileged processes, hence the retries."""
    import time

    for _ in range(10):
        try:
            with open("/proc/self/autogroup", "w") as autogroup:
                autogroup.write("19")
            return
        except BlockingIOError:
            time.sleep(0.03)
        except OSError:  # no autogroups here: the nice value set by the judge is enough
            return


class HelpersMissing(Exception):
    """The judge named helpers this worker has not been sent yet (it was restarted)."""


class _NoIPython:
    """Stands in for get_ipython(): magics and shell lines do nothing, except
    cell magics that only wrap Python (%%time, %%capture), whose body runs."""

    def __init__(self, namespace, device_module=None):
        self._namespace = namespace
        self._device_module = device_module

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, body):
        if name in ("time", "timeit", "capture", "prun"):
            exec(_compile(body, "<cell magic>", self._device_module), self._namespace)
        elif name == "writefile":
            self._write_file(line.split(), body)

    def _write_file(self, words, body):
        """%%writefile [-a] NAME: into the scratch directory; a Python module is written with the
        device switch applied, as the cells' own code is."""
        append = "-a" in words or "--append" in words
        path = [w for w in words if not w.startswith("-")][-1]
        if self._device_module is not None and path.endswith(".py"):
            try:
                body = ast.unparse(_DeviceImports(self._device_module).visit(ast.parse(body))) + "\n"
            except SyntaxError:
                pass
        with open(path, "a" if append else "w", encoding="utf-8") as handle:
            handle.write(body)

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Worker:
    def __init__(self, in_fd, out_fd, device=None):
        self.in_fd, self.out_fd = in_fd, out_fd
        self.device, self.device_module, self.device_error = device, None, None
        if device is not None:
            self._use_device(device)
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.namespace["get_ipython"] = lambda: _NoIPython(self.namespace, self._device_name())
        self.namespace["display"] = lambda *args, **kwargs: None
        self.handles = {}
        self.helpers = {}  # key -> namespace of the judge's trusted helpers
        self._helpers = {}  # the namespace of the request being served
        self.pinned = []  # objects whose id() a check holds
        self.next_handle = 1

    # -- the device ------------------------------------------------------------
    def _use_device(self, device):
        """Load CuPy ("cupy") or its emulation ("emulated") before any student code runs."""
        import importlib
        name = _DEVICE_MODULES.get(device)
        try:
            if name is None:
                raise ValueError(f"unknown device {device!r}")
            module = importlib.import_module(name)
            if name == "cupy":
                module.cuda.runtime.getDeviceCount()  # fails here, not in a cell, without a GPU
        except Exception as exc:
            self.device_error = _describe(exc)  # the judge says it in the report's language
            return
        self.device_module = module
        protocol.use_device(module.ndarray, module.asnumpy, module.asarray)

    def _device_name(self):
        """The module `import numpy as np` gives the cells: the device's, even when it failed to
        load (the cells then fail to import it, rather than run on the host unnoticed)."""
        return _DEVICE_MODULES.get(self.device) if self.device is not None else None

    # -- handles -------------------------------------------------------------
    def register(self, obj):
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = obj
        return handle

    def resolve(self, handle):
        try:
            return self.handles[handle.id]
        except KeyError:
            raise LookupError(f"unknown handle {handle.id}") from None

    def lookup(self, name):
        if name not in self.namespace:
            raise NameError(f"name '{name}' is not defined")
        return self.namespace[name]

    def target(self, ref):
        """A name in the submission's namespace, or an object a handle already resolved to."""
        return self.lookup(ref) if isinstance(ref, str) else ref

    # -- operations ----------------------------------------------------------
    def op_hello(self):
        import numpy
        hello = {"pid": os.getpid(), "python": sys.version.split()[0], "numpy": numpy.__version__}
        if self.device_module is not None:
            hello["device"] = _device_description(self.device_module)
        if self.device_error:
            hello["device_error"] = self.device_error  # the cells run, with `np` failing to import
        return hello

    def op_device_promotions(self):
        """float64 promotions of float32 arrays since the last call (the emulation records them)."""
        take = getattr(self.device_module, "_take_promotions", None)
        return take() if take is not None else []

    def op_run_cell(self, source, index):
        filename = f"<code cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            code = _compile(source, filename, self._device_name())
            exec(code, self.namespace)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included
            return {"status": "error", "message": _describe(exc)}
        finally:
            _close_figures()
        return {"status": "ok", "message": ""}

    def op_names(self):
        kinds = {}
        for name, value in list(self.namespace.items()):
            if name.startswith("__"):
                continue
            kinds[name] = "class" if isinstance(value, type) else "function" if callable(value) else "value"
        return kinds

    def op_seed(self, seed):
        import random
        import numpy
        random.seed(seed)
        numpy.random.seed(seed)
        if self.device_module is not None:
            self.device_module.random.seed(seed)

    def op_new(self, name, args, kwargs, trusted=False):
        """`name(*args, **kwargs)`: the submission's, or with `trusted` the judge's helper of that name."""
        factory = self._helpers[name] if trusted else self.lookup(name)
        return protocol.Handle(self.register(factory(*args, **kwargs)), name)

    def op_call(self, target, method, args, kwargs, return_args=False, set_first=None):
        """`set_first` ({path, value}): op_set_item of that tensor before the call (one evaluation
        of a scan)."""
        if set_first is not None:
            self.op_set_item(target, set_first["path"], set_first["value"])
        obj = self.target(target)
        fn = getattr(obj, method) if method else obj
        # The caller's own references: a list argument is copied before the call, so
        # rebinding its items (params[i] = ...) is seen as "not updated in place".
        originals = [list(a) if isinstance(a, list) else a for a in args]
        result = fn(*args, **kwargs)
        return {"result": result, "args": originals if return_args else None}

    def op_get(self, target, path):
        value = self.target(target)
        for part in path:
            # ints index lists; a dict (params = {'W1': ...}) is indexed by its keys
            value = value[part] if isinstance(part, int) or isinstance(value, dict) else getattr(value, part)
        return value

    def op_ref(self, target, path):
        """A handle to the object at `path` itself (a list, an array), to pass back as an argument."""
        value = self.op_get(target, path)
        return protocol.Handle(self.register(value), type(value).__name__)

    def op_ids(self, target, path):
        """id() of each item; the items are kept alive, so that a later object can never
        reuse one of these ids (a `grads` property that builds new arrays on each access
        must not look like the same arrays)."""
        items = list(self.op_get(target, path))
        self.pinned.extend(items)
        return [id(item) for item in items]

    def op_set_item(self, target, path, value):
        array = self.op_get(target, path)
        array[...] = value

    @contextlib.contextmanager
    def _twins(self, helpers):
        """During one request: the judge's trusted helpers (a model, an optimizer, the graded
        names a check's target may be built on) stand in for the submission's names of the same
        name, so that a check of one name judges that name's code alone. `helpers` is
        {"key", "twins"} or, the first time, also "source" and "filename"."""
        if not helpers:
            yield
            return
        key = helpers["key"]
        if key not in self.helpers:
            if "source" not in helpers:
                raise HelpersMissing(key)
            namespace = {"__name__": "backprop_lab_trusted", "__builtins__": __builtins__}
            exec(_compile(helpers["source"], helpers["filename"], self._device_name()), namespace)
            self.helpers[key] = namespace
        self._helpers = self.helpers[key]
        twins = {name: self._helpers[name] for name in helpers["twins"]}
        missing = object()
        saved = {name: self.namespace.get(name, missing) for name in twins}
        self.namespace.update(twins)
        try:
            yield
        finally:
            self._helpers = {}
            for name, value in saved.items():
                if value is missing:
                    self.namespace.pop(name, None)
                else:
                    self.namespace[name] = value

    def serve(self):
        while True:
            try:
                request = protocol.read_frame(self.in_fd, resolve_handle=self.resolve)
            except protocol.ChannelClosed:
                return
            except LookupError as exc:
                self.reply_error(exc)
                continue
            op = request.pop("op")
            try:
                with self._twins(request.pop("helpers", None)):
                    value = getattr(self, "op_" + op)(**request)
            except BaseException as exc:
                self.reply_error(exc)
                continue
            try:
                protocol.write_frame(self.out_fd, {"ok": True, "value": value}, self.register)
            except protocol.ProtocolError as exc:
                self.reply_error(exc)

    def reply_error(self, exc):
        protocol.write_frame(self.out_fd, {"ok": False, "type": type(exc).__name__,
                                           "message": _describe(exc), "where": _where(exc)})


def _describe(exc):
    text = str(exc)
    name = type(exc).__name__
    return f"{name}: {text}"[:2000] if text else name


def _where(exc):
    """The innermost frame that belongs to submission code, as data the judge words in the
    report's language: {"cell": 4, "line": 12, "code": "x = 1 / 0"}, or None."""
    cells = [(f, CELL_FILENAME.fullmatch(f.filename)) for f in traceback.extract_tb(exc.__traceback__)]
    cells = [(frame, found) for frame, found in cells if found]
    if not cells:
        return None
    frame, found = cells[-1]
    return {"cell": int(found[1]), "line": frame.lineno, "code": frame.line or ""}


def _device_description(module):
    if getattr(module, "__emulates__", None) == "cupy":
        return "emulated device (fakecupy: NumPy on the CPU)"
    try:
        name = module.cuda.runtime.getDeviceProperties(0)["name"]
        name = name.decode() if isinstance(name, bytes) else str(name)
    except Exception:
        name = "a CUDA device"
    return f"CuPy {module.__version__} on {name}"


def _close_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except Exception:
            pass


def run(config):
    """The worker's life: `python worker.py CONFIG` (main), or a process the zygote forked
    (zygote.py), which has imported this module and NumPy already."""
    _bootstrap(config)
    global protocol
    import protocol  # noqa: E402  (after the path is set up)
    import numpy  # noqa: F401  (loaded before student code can shadow anything)
    for name in config.get("preload", ()):  # while the judge still reads the notebook
        try:
            importlib.import_module(name)
        except Exception:
            pass  # the cell that imports it says why
    Worker(config["in_fd"], config["out_fd"], config.get("device")).serve()


def main():
    run(json.loads(sys.argv[1]))


if __name__ == "__main__":
    main()
