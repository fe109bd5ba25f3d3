"""The data sets the notebooks train on, loaded without the libraries that ship them.

    from backprop_lab_check.datasets import load_digits, load_diabetes
    digits = load_digits()          # digits.data (1797, 64), digits.target (1797,), digits.images
    diabetes = load_diabetes()      # diabetes.data (442, 10), diabetes.target (442,)

Both give what scikit-learn's `sklearn.datasets.load_digits()` and `load_diabetes()` give (the
8x8 handwritten digits, pixels 0..16; ten measurements of 442 diabetes patients and a measure
of their disease a year later), read from the files scikit-learn installs: importing
scikit-learn itself takes about a second, longer than anything the notebooks do with the data.
Where a file is missing they ask scikit-learn.
"""
from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace

import numpy

DIABETES_FEATURES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def _shipped_file(name):
    """scikit-learn's data file `name` (datasets/data/), found without importing scikit-learn;
    None if absent."""
    spec = find_spec("sklearn")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location) / "datasets" / "data" / name
        if path.exists():
            return path
    return None


def load_digits():
    """The 1797 8x8 digits: `.data` (1797, 64) floats 0..16, `.target` (1797,) ints 0..9,
    `.images` (1797, 8, 8), as scikit-learn's load_digits() returns them."""
    path = _shipped_file("digits.csv.gz")
    if path is None:
        from sklearn.datasets import load_digits as from_scikit_learn
        digits = from_scikit_learn()
        data, target = digits.data, digits.target
    else:
        table = numpy.loadtxt(path, delimiter=",")
        data, target = table[:, :-1], table[:, -1].astype(int)
    return SimpleNamespace(data=data, target=target, images=data.reshape(-1, 8, 8),
                           target_names=numpy.arange(10))


def load_diabetes(scaled=True):
    """The 442 diabetes patients: `.data` (442, 10) floats, `.target` (442,) floats 25..346,
    `.feature_names`, as scikit-learn's load_diabetes(scaled=...) returns them. With `scaled`
    (scikit-learn's default) every column is centred and scaled to unit Euclidean norm; without
    it the measurements keep their units (age in years, sex 1 or 2, body mass index, ...)."""
    data_path, target_path = _shipped_file("diabetes_data_raw.csv.gz"), _shipped_file("diabetes_target.csv.gz")
    if data_path is None or target_path is None:
        from sklearn.datasets import load_diabetes as from_scikit_learn
        diabetes = from_scikit_learn(scaled=scaled)
        return SimpleNamespace(data=diabetes.data, target=diabetes.target, feature_names=DIABETES_FEATURES)
    data, target = numpy.loadtxt(data_path), numpy.loadtxt(target_path)
    if scaled:
        data = (data - data.mean(axis=0)) / data.std(axis=0) / len(data) ** 0.5
    return SimpleNamespace(data=data, target=target, feature_names=DIABETES_FEATURES)
