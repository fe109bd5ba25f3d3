# An ndarray subclass (and a plain object) whose pickling, finalisation, comparison,
# conversion or deletion would run code: harmless in the worker, a breach in the judge.
import numpy as np


class Evil(np.ndarray):
    def __array_finalize__(self, obj):
        judge_trap("__array_finalize__")

    def __reduce__(self):
        judge_trap("__reduce__")
        return (os.system, ("touch @TRAP@-reduce",))

    def __reduce_ex__(self, protocol):
        judge_trap("__reduce_ex__")
        return self.__reduce__()

    def __setstate__(self, state):
        judge_trap("__setstate__")

    def __eq__(self, other):
        judge_trap("__eq__")
        return np.ones(self.shape, bool)

    def __float__(self):
        judge_trap("__float__")
        return 0.0

    def __repr__(self):
        judge_trap("__repr__")
        return "Evil"

    def __del__(self):
        judge_trap("__del__")


class EvilObject:
    def __array__(self, *args, **kwargs):
        judge_trap("__array__")
        return np.zeros(1)

    def __reduce__(self):
        judge_trap("__reduce__ (object)")
        return (os.system, ("touch @TRAP@-reduce-object",))

    def __eq__(self, other):
        judge_trap("__eq__ (object)")
        return True

    def __getattr__(self, name):
        judge_trap(f"__getattr__ {name}")
        return 0
