"""The data sets the notebooks train on, loaded without the libraries that ship them.

    from backprop_lab_check.datasets import load_digits
    digits = load_digits()          # digits.data (1797, 64), digits.target (1797,), digits.images

`load_digits` gives what scikit-learn's `sklearn.datasets.load_digits()` gives (the same
8x8 handwritten digits, pixels 0..16), read from the file scikit-learn installs: importing
scikit-learn itself takes about a second, longer than anything the notebooks do with the
data. Where that file is missing it asks scikit-learn.
"""
from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace

import numpy


def _shipped_digits_file():
    """scikit-learn's digits.csv.gz, found without importing scikit-learn; None if absent."""
    spec = find_spec("sklearn")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location) / "datasets" / "data" / "digits.csv.gz"
        if path.exists():
            return path
    return None


def load_digits():
    """The 1797 8x8 digits: `.data` (1797, 64) floats 0..16, `.target` (1797,) ints 0..9,
    `.images` (1797, 8, 8), as scikit-learn's load_digits() returns them."""
    path = _shipped_digits_file()
    if path is None:
        from sklearn.datasets import load_digits as from_scikit_learn
        digits = from_scikit_learn()
        data, target = digits.data, digits.target
    else:
        table = numpy.loadtxt(path, delimiter=",")
        data, target = table[:, :-1], table[:, -1].astype(int)
    return SimpleNamespace(data=data, target=target, images=data.reshape(-1, 8, 8),
                           target_names=numpy.arange(10))
