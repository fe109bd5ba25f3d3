"""What a check sees of a submission: names it defines, objects it constructs."""
import numpy

from .sandbox import StudentError
from .trusted import helpers_for, order
from .verdicts import fail


class MissingName(Exception):
    """The submission does not define a graded name."""


class Student:
    def __init__(self, sandbox, assignment):
        self.sandbox = sandbox
        self.assignment = assignment
        self._names = None
        self.own = False

    def names(self):
        if self._names is None:
            self._names = self.sandbox.request("names")
        return self._names

    def has(self, name):
        return name in self.names()

    def _require(self, name):
        if not self.has(name):
            raise MissingName(f"`{name}` is not defined in the submission")

    def new(self, name, *args, **kwargs):
        """Construct `name(*args, **kwargs)` in the worker."""
        self._require(name)
        try:
            return self.sandbox.request("new", name=name, args=list(args), kwargs=kwargs)
        except StudentError as exc:
            exc.context = f"{name}(...)"
            raise

    def trusted(self, name, *args, **kwargs):
        """Construct the trusted helper `name(*args, **kwargs)` (grader/trusted/<assignment>.py)
        in the worker: the model or optimizer a check needs around the name it grades. Only the
        helpers of names graded before the current check's are there (`use_helpers_for`); with
        `own` names, a graded name the submission defines is the submission's own."""
        if self.sandbox.helpers is None:
            raise LookupError(f"no trusted helpers for this check of {self.assignment}")
        if self.own and name in order(self.assignment) and self.has(name):
            return self.new(name, *args, **kwargs)
        return self.sandbox.request("new", name=name, args=list(args), kwargs=kwargs, trusted=True)

    def use_helpers_for(self, target, own=False):
        """From now on, every request runs with the trusted helpers of the names `target` may be
        built on standing in for the submission's (none for assignments without helpers); with
        `own`, the helpers are there but the submission's own names are used."""
        self.own = own
        self.sandbox.helpers = helpers_for(self.assignment, target, twins=not own)

    def call(self, name, *args, timeout=None, keep_args=False, **kwargs):
        """Call the function `name`; with keep_args also its args as they were afterwards."""
        self._require(name)
        try:
            reply = self.sandbox.request("call", timeout=timeout, target=name, method=None,
                                         args=list(args), kwargs=kwargs, return_args=keep_args)
        except StudentError as exc:
            exc.context = name
            raise
        return (reply["result"], reply["args"]) if keep_args else reply["result"]

    def call_pure(self, name, *args, **kwargs):
        """Call the function `name`, failing the check if it modified one of its array arguments."""
        result, after = self.call(name, *args, keep_args=True, **kwargs)
        for i, (before, now) in enumerate(zip(args, after)):
            if isinstance(before, numpy.ndarray):
                now = numpy.asarray(now)
                if now.shape != before.shape or not numpy.array_equal(now, before, equal_nan=True):
                    fail(f"{name} modified its argument {i + 1}; it must only read it",
                         "compute into a new array (np.maximum(0, x), a - c) instead of writing into the "
                         "argument (x[x < 0] = 0, a -= c)")
        return result

    def ref(self, name):
        """A handle to the function or object `name` in the worker, to pass as an argument:
        student.call("numerical_gradient", student.ref("function_2"), x). Plain data comes back as data."""
        self._require(name)
        try:
            return self.sandbox.request("get", target=name, path=[])
        except StudentError as exc:
            exc.context = name
            raise

    def seed(self, seed):
        """Seed the worker's `random` and `numpy.random` (a restarted worker forgets names' state)."""
        self.sandbox.request("seed", seed=int(seed))
