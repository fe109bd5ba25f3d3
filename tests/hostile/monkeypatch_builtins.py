# Patch builtins, math, json and the worker's own protocol module: nothing here
# reaches the judge, which compares plain data it decoded itself.
import builtins
import math

builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.abs = lambda x: 0 * x
builtins.round = lambda x, *args: x
math.isclose = lambda *args, **kwargs: True
math.isfinite = lambda x: True
_real_max, _real_min = builtins.max, builtins.min
builtins.max = lambda *args, **kwargs: _real_max(*args, **kwargs)
builtins.min = lambda *args, **kwargs: _real_min(*args, **kwargs)
assert 1 == 2, "assertions are off"
