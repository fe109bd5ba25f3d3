"""What the judge holds of the worker: handles on the objects that live there, and the ways a
request can end other than with a value (the submission's code raised, the worker was lost, a
handle outlived its worker)."""
import time

from backprop_lab_check.i18n import _
from backprop_lab_check.outcomes import StudentRaised


class WorkerLost(Exception):
    """The worker timed out, died or broke the protocol during a request. The message is a
    sentence in the current language: about the worker ("the worker was killed by SIGKILL"), or,
    made by `timeout` and `budget_spent`, about the request ("timed out after 5 s"), whose `kind`
    says which. `died`: it was gone (killed, exited) rather than slow or speaking nonsense: a
    check may run once more on a fresh worker, since its death may come from code an earlier
    check ran (a timer, a thread)."""

    def __init__(self, message, died=False, kind="worker", seconds=None):
        super().__init__(message)
        self.died, self.kind, self.seconds = died, kind, seconds

    @classmethod
    def timeout(cls, seconds):
        return cls(_("timed out after {seconds:g} s").format(seconds=seconds), kind="timeout", seconds=seconds)

    @classmethod
    def budget_spent(cls):
        return cls(_("was not run: the submission's time budget is spent"), kind="budget")


class StaleHandle(Exception):
    """A handle from a worker that has since been restarted."""

    def __init__(self):
        super().__init__(_("the worker that held this object was restarted"))


class RemoteObject:
    """The judge's view of an object living in the worker: every access is a request."""

    def __init__(self, sandbox, handle, generation):
        self._sandbox, self._handle, self._generation = sandbox, handle, generation

    @property
    def type_name(self):
        return self._handle.type_name

    def __repr__(self):
        return f"<remote {self._handle.type_name}>"

    def _request(self, what, op, timeout=None, **args):
        try:
            return self._sandbox.request(op, timeout=timeout, target=self, **args)
        except StudentRaised as exc:
            exc.context = what
            raise

    def call(self, method, *args, timeout=None, keep_args=False, set_first=None, **kwargs):
        """`obj.method(*args, **kwargs)`; with keep_args also the args as they were afterwards;
        `set_first` ((path, value)): obj.path[...] = value in the same request, before the call."""
        extra = {} if set_first is None else {"set_first": {"path": list(set_first[0]), "value": set_first[1]}}
        reply = self._request(f"{self.type_name}.{method}", "call", timeout=timeout, method=method,
                              args=list(args), kwargs=kwargs, return_args=keep_args, **extra)
        return (reply["result"], reply["args"]) if keep_args else reply["result"]

    def get(self, *path):
        """An attribute, or an item below it: get("grads", 0) is obj.grads[0]."""
        return self._request(f"{self.type_name}.{'.'.join(map(str, path))}", "get", path=list(path))

    def ref(self, *path):
        """The worker's own object at `path` (obj.params itself, not a copy), to pass as an argument."""
        return self._request(f"{self.type_name}.{'.'.join(map(str, path))}", "ref", path=list(path))

    def ids(self, *path):
        """id() of each element of a list attribute, to test identity across calls."""
        return self._request(f"{self.type_name}.{path[0]}", "ids", path=list(path))

    def set_item(self, *path, value):
        """obj.path[...] = value, in place."""
        return self._request(f"{self.type_name}.{path[0]}", "set_item", path=list(path), value=value)

    def scan(self, method, args, wrt, points, timeout=None, **kwargs):
        """method(*args) once per row of `points`, with the tensor `wrt` set to that row
        (["arg", k]: the k-th argument; ["param", path]: an array of the object, restored
        afterwards). Each evaluation is an ordinary request, the same as any check's call, so
        a forward cannot tell that it is being differentiated (a param's row is set in the
        same request, just before the call); all of them share one call's time limit."""
        deadline = time.monotonic() + (timeout or self._sandbox.limits.call_timeout_s)

        def call(*call_args, set_first=None):
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerLost.timeout(timeout or self._sandbox.limits.call_timeout_s)
            return self.call(method, *call_args, timeout=left, set_first=set_first, **kwargs)

        if wrt[0] == "arg":
            k = wrt[1]
            return [call(*args[:k], point, *args[k + 1:]) for point in points]
        original = self.get(*wrt[1])
        try:
            return [call(*args, set_first=(wrt[1], point)) for point in points]
        finally:
            self.set_item(*wrt[1], value=original)
