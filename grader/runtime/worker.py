"""The sandboxed worker: runs a submission's cells, then serves the judge's requests.

Started by the judge as `python -I -S worker.py CONFIG_JSON` inside the sandbox,
with only this file and protocol.py in its runtime directory. It talks to the
judge over two inherited pipe file descriptors; stdout and stderr are drained
(and capped) by the judge. Everything here is untrusted once student code runs:
the judge treats every reply as plain data and checks it.
"""
import json
import linecache
import os
import sys
import traceback


def _bootstrap(config):
    # -S skipped site-packages (and with it every .pth file, so nothing the
    # grader installed is importable); add back only the library directories.
    sys.path[:] = [os.path.dirname(os.path.abspath(__file__))] + config["sys_path"]
    os.chdir(config["scratch"])


class _NoIPython:
    """Stands in for get_ipython(): magics and shell lines do nothing, except
    cell magics that only wrap Python (%%time, %%capture), whose body runs."""

    def __init__(self, namespace):
        self._namespace = namespace

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, body):
        if name in ("time", "timeit", "capture", "prun"):
            exec(compile(body, "<cell magic>", "exec"), self._namespace)

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Worker:
    def __init__(self, in_fd, out_fd):
        self.in_fd, self.out_fd = in_fd, out_fd
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.namespace["get_ipython"] = lambda: _NoIPython(self.namespace)
        self.namespace["display"] = lambda *args, **kwargs: None
        self.handles = {}
        self.next_handle = 1

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
        return {"pid": os.getpid(), "python": sys.version.split()[0], "numpy": numpy.__version__}

    def op_run_cell(self, source, index):
        filename = f"<code cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            code = compile(source, filename, "exec")
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

    def op_new(self, name, args, kwargs):
        return protocol.Handle(self.register(self.lookup(name)(*args, **kwargs)), name)

    def op_call(self, target, method, args, kwargs, return_args=False):
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

    def op_ids(self, target, path):
        value = self.op_get(target, path)
        return [id(item) for item in value]

    def op_set_item(self, target, path, value):
        array = self.op_get(target, path)
        array[...] = value

    def op_scan(self, target, method, args, kwargs, wrt, points):
        """Evaluate `method(*args)` once per row of `points`, each time with the
        tensor named by `wrt` replaced by that row: the judge differentiates."""
        obj = self.target(target)
        fn = getattr(obj, method) if method else obj
        outputs = []
        if wrt[0] == "arg":
            k = wrt[1]
            for point in points:
                call_args = list(args)
                call_args[k] = point.copy()
                outputs.append(fn(*call_args, **kwargs))
        else:
            tensor = self.op_get(target, wrt[1])
            original = tensor.copy()
            try:
                for point in points:
                    tensor[...] = point
                    outputs.append(fn(*args, **kwargs))
            finally:
                tensor[...] = original
        return outputs

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
    """The innermost frame that belongs to submission code, e.g. 'cell 4, line 12'."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<code cell")]
    if not frames:
        return ""
    frame = frames[-1]
    return f"{frame.filename.strip('<>')}, line {frame.lineno}" + (f": {frame.line}" if frame.line else "")


def _close_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close("all")
        except Exception:
            pass


def main():
    config = json.loads(sys.argv[1])
    _bootstrap(config)
    global protocol
    import protocol  # noqa: E402  (after the path is set up)
    import numpy  # noqa: F401  (loaded before student code can shadow anything)
    Worker(config["in_fd"], config["out_fd"]).serve()


if __name__ == "__main__":
    main()
