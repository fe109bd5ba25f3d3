"""What a check sees of a submission: the names it defines and the objects it constructs, all
in the worker; and `NoSubmission`, what the checks meet when there is no submission to grade."""
from backprop_lab_check.i18n import _
from backprop_lab_check.outcomes import MissingName, seed_for

from ..sandbox import StudentRaised, WorkerLost
from ..trusted import helpers_for, order


class Student:
    """The submission running in `sandbox`, as the hidden checks reach it (the `student` fixture)."""

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
            raise MissingName(_("`{name}` is not defined in the submission").format(name=name))

    def new(self, name, *args, **kwargs):
        """Construct `name(*args, **kwargs)` in the worker."""
        self._require(name)
        try:
            return self.sandbox.request("new", name=name, args=list(args), kwargs=kwargs)
        except StudentRaised as exc:
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

    def prepare_for(self, check_id, target, own=False):
        """Ready for one run of the check `check_id` of `target`: its helpers, its seed."""
        self.use_helpers_for(target, own)
        try:
            self.reset(check_id)
        except WorkerLost as exc:
            if not exc.died:
                raise
            # Code an earlier check left running (a timer, a thread) ended the worker during the
            # grader's own request: a fresh worker takes it, and this check pays nothing.
            self.reset(check_id)

    def reset(self, check_id):
        """The worker's state at the start of a check: its random generators seeded for it."""
        self.seed(seed_for(check_id))

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
        except StudentRaised as exc:
            exc.context = name
            raise
        return (reply["result"], reply["args"]) if keep_args else reply["result"]

    def ref(self, name):
        """A handle to the function or object `name` in the worker, to pass as an argument:
        student.call("numerical_gradient", student.ref("function_2"), x). Plain data comes back as data."""
        self._require(name)
        try:
            return self.sandbox.request("get", target=name, path=[])
        except StudentRaised as exc:
            exc.context = name
            raise

    def seed(self, seed):
        """Seed the worker's `random` and `numpy.random` (a restarted worker forgets names' state)."""
        self.sandbox.request("seed", seed=int(seed))


class NoSubmission:
    """What the checks meet when there is no submission to grade (it could not be read, or the
    fork server runs the checks once to load them): every way into a submission raises
    MissingName with `reason`, so every check ends as an error that says why."""

    assignment = None

    def __init__(self, reason):
        self.reason = reason

    def _missing(self, *args, **kwargs):
        raise MissingName(self.reason)

    names = has = new = trusted = call = ref = seed = use_helpers_for = prepare_for = _missing

    @property
    def sandbox(self):
        raise MissingName(self.reason)
