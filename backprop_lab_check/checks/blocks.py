"""Visible checks of the `blocks` notebook. Models are built from the notebook's own `Affine`
and `Relu`; a check judges them by identity (a container's lists hold its layers' arrays, a tie
shares them, an update writes into them), by the formulas the notebook states (an Affine-ReLU
chain, CenteredLayer's and MyLinear's gradients) on known or seeded inputs, and by the
statistics of seeded random draws. Files are written into a temporary folder that is removed
afterwards.

Without CuPy and a GPU the only thing to check of to_gpu is that it fails loudly and changes
nothing, as the hidden grader does there; where CuPy finds a GPU, the model goes there and back.
"""
import os
import tempfile
from dataclasses import dataclass

import numpy

from ..shared.blocks import (
    CENTER_ALL_NOT_COLUMNS, CENTER_ALL_NOT_ROWS, CENTER_ALL_OF_DOUT, CENTER_THROUGH_THE_MEAN, CONSTANT_SETS_BIASES,
    CONVERT_ONCE, CONVERT_SHARED_ONCE, COPIED, DRAWS_SHAPE, DUPLICATE_BY_VALUE, DUPLICATE_GRADIENT_DROPPED,
    DUPLICATE_KEPT, DUPLICATE_ON_COPIES, DUPLICATE_SUMMED_KEPT, INDEXING, INIT_NESTED, INIT_SINGLE_LAYER, IN_PLACE,
    LOAD_IN_PLACE, LOAD_KEEPS_DTYPE, LOAD_REBINDS, MY_LINEAR_DB_SUM, MY_LINEAR_GRADS_IN_PLACE,
    MY_LINEAR_GRADS_UNWRITTEN, MY_LINEAR_MASK, MY_LINEAR_RELU, NAMES_RECURSE, NORMAL_MEAN_WITHIN,
    NORMAL_STD_SQUARED, NO_GPU_CHANGES_NOTHING, NO_GPU_NO_PRETENDING, NO_GPU_RAISE, NO_GPU_WORDS, REFRESH,
    REVERSE_ORDER, SAVE_AS_NPZ, SAVE_FLOAT16, SAVE_TO_PATH, TIE_OWN_GRADS, TIE_SAME_ARRAYS, TIE_SEPARATE_OBJECT,
    holds_layers_arrays, judge_lazy_backward, judge_lazy_deferred, judge_lazy_in_sequential, judge_lazy_width_change,
    judge_my_linear_init, mean_fits, my_linear_with, std_fits)
from ..i18n import N_, _
from ..local import LocalObject
from ..outcomes import StudentRaised
from ..registry import visible
from ..verdicts import CheckFailed, PassWithNote, as_array, call_pure, close, fail
from .common import expect, no_weights

ONLY_THE_FAILURE = N_("to_gpu raised, as it must without CuPy and a GPU, and left the model as it was: that is all "
                      "there is to check without a GPU; moving the model there and back is checked where CuPy finds "
                      "one")


# -- models built in the kernel, with their arrays known here ----------------------------------

@dataclass
class Built:
    """A model built in the kernel (`model`), the handles on its layers with parameters
    (`leaves`, in order), and the same chain as known arrays (`steps`: (W, b) for an Affine,
    None for a ReLU) to compute what it must give."""
    model: LocalObject
    leaves: list
    steps: list

    @property
    def weights(self):
        """(W, b) of every Affine, in order."""
        return [step for step in self.steps if step]

    @property
    def params(self):
        return [p for W_b in self.weights for p in W_b]


def affine(kernel, rng, m, n, dtype=numpy.float64):
    """The notebook's Affine with random W (m, n) and b (n,); returns (handle, (W, b))."""
    W, b = rng.standard_normal((m, n)).astype(dtype), rng.standard_normal(n).astype(dtype)
    return kernel.new("Affine", W, b), (W, b)


def chain(kernel, rng):
    """Sequential(Affine(5, 4), Relu(), Affine(4, 3))."""
    (first, p1), (second, p2) = affine(kernel, rng, 5, 4), affine(kernel, rng, 4, 3)
    return Built(kernel.new("Sequential", first, kernel.new("Relu"), second), [first, second], [p1, None, p2])


NESTED = "Sequential(Sequential(Affine, Relu), Affine, Relu, Sequential(Sequential(Affine)))"
NESTED_NAMES = ["0.0.0", "0.0.1", "1.0", "1.1", "3.0.0.0", "3.0.0.1"]


def nested(kernel, rng, dtype=numpy.float64):
    """NESTED, three levels deep, with Affine(3, 4), Affine(4, 4), Affine(4, 2)."""
    (a, pa), (b, pb), (c, pc) = (affine(kernel, rng, m, n, dtype) for m, n in [(3, 4), (4, 4), (4, 2)])
    model = kernel.new("Sequential", kernel.new("Sequential", a, kernel.new("Relu")), b, kernel.new("Relu"),
                       kernel.new("Sequential", kernel.new("Sequential", c)))
    return Built(model, [a, b, c], [pa, None, pb, None, pc])


def leaf_ids(leaves, *attrs):
    """id() of every array in the lists `attrs` of the leaves, in order."""
    return [i for leaf in leaves for attr in attrs for i in leaf.ids(attr)]


def chain_forward(steps, x):
    """The input and the output of every step: x @ W + b, max(x, 0)."""
    values = [x]
    for step in steps:
        values.append(values[-1] @ step[0] + step[1] if step else numpy.maximum(values[-1], 0))
    return values


def chain_backward(steps, values, dout):
    """(dx, [dW, db of every Affine in order]) for the chain that computed `values`."""
    grads = []
    for step, x in reversed(list(zip(steps, values))):
        if step:
            grads = [x.T @ dout, dout.sum(axis=0)] + grads
            dout = dout @ step[0].T
        else:
            dout = dout * (x > 0)
    return dout, grads


def forward_and_backward(built, name, x, dout):
    """The model's forward and backward against the chain's formulas, with its grads, which must
    stay the same arrays. `name` is the model's expression, an identifier (Sequential(Affine, Relu, Affine))."""
    values = chain_forward(built.steps, x)
    want_dx, want_grads = chain_backward(built.steps, values, dout)
    before = built.model.ids("grads")
    expect(f"{name}.forward(x)", call_pure(built.model, "forward", x), values[-1])
    try:
        dx = call_pure(built.model, "backward", dout)
    except StudentRaised as exc:
        if exc.type_name != "ValueError":
            raise
        fail(exc.sentence(), REVERSE_ORDER)
    expect(_("{name}.backward(dout) (the gradient of x)").format(name=name), dx, want_dx)
    if built.model.ids("grads") != before:
        fail(_("{name}.grads holds other arrays after backward than before").format(name=name), COPIED)
    for i, (got, want) in enumerate(zip(built.model.get("grads"), want_grads)):
        expect(_("{name}.grads[{i}] after backward").format(name=name, i=i), got, want,
               mistakes=[(numpy.zeros_like(want), COPIED)])


# -- Sequential ----------------------------------------------------------------------------------

@visible(id="sequential.layers_and_indexing", target="Sequential")
def sequential_layers(kernel, rng):
    built = chain(kernel, rng)
    layers = built.model.get("layers")
    if not isinstance(layers, list) or len(layers) != 3:
        fail(_("Sequential(a, b, c).layers should be the list of the three layers"))
    length = built.model.call("__len__")
    if length != 3:
        fail(_("len(Sequential(a, b, c)) is {length}, expected 3").format(length=length))
    for i, leaf in ((0, built.leaves[0]), (2, built.leaves[1]), (-1, built.leaves[1])):
        layer = built.model.call("__getitem__", i)
        if not isinstance(layer, LocalObject) or layer.ids("params") != leaf.ids("params"):
            fail(_("model[{i}] of Sequential(Affine, Relu, Affine) should be the layer at position {i} itself").format(
                i=i), INDEXING)


@visible(id="sequential.own_arrays", target="Sequential")
def sequential_own_arrays(kernel, rng):
    built = chain(kernel, rng)
    holds_layers_arrays(built.model, built.leaves, "Sequential", COPIED)


@visible(id="sequential.forward_backward", target="Sequential")
def sequential_forward_backward(kernel, rng):
    forward_and_backward(chain(kernel, rng), "Sequential(Affine, Relu, Affine)", rng.standard_normal((6, 5)),
                         rng.standard_normal((6, 3)))


@visible(id="sequential.nested", target="Sequential")
def sequential_nested(kernel, rng):
    built = nested(kernel, rng)
    holds_layers_arrays(built.model, built.leaves, _("the outer Sequential"), COPIED)
    forward_and_backward(built, NESTED, rng.standard_normal((5, 3)), rng.standard_normal((5, 2)))


# -- named_params and init_params -------------------------------------------------------------------

@visible(id="named_params.nested", target="named_params")
def named_params_nested(kernel, rng):
    built = nested(kernel, rng)
    named = kernel.call("named_params", built.model)
    if not isinstance(named, (list, tuple)) or not all(isinstance(item, (list, tuple)) and len(item) == 2
                                                       for item in named):
        fail(_("named_params(model) should return a list of (name, array) pairs"))
    names = [item[0] for item in named]
    if names != NESTED_NAMES:
        fail(_("named_params of {model} gave the names {names}, expected {expected}").format(
            model=NESTED, names=names, expected=NESTED_NAMES), NAMES_RECURSE)
    for (name, got), want in zip(named, built.params):
        expect(_("named_params: the array named {name}").format(name=name), got, want, rtol=0, atol=0)


class Fill:
    """An initialiser of the check's own, so that init_params is judged apart from Normal and
    Constant: weights WEIGHT, biases BIAS, written in place."""
    WEIGHT, BIAS = 0.5, -0.25

    def __call__(self, layer):
        for p in layer.params:
            p[...] = self.WEIGHT if p.ndim >= 2 else self.BIAS

    @classmethod
    def applied(cls, W, b):
        return [numpy.full_like(W, cls.WEIGHT), numpy.full_like(b, cls.BIAS)]


@visible(id="init_params.every_layer", target="init_params")
def init_params_every_layer(kernel, rng):
    built = nested(kernel, rng)
    result = kernel.call("init_params", built.model, Fill())
    for k, (leaf, (W, b)) in enumerate(zip(built.leaves, built.weights)):
        for j, (got, want, untouched) in enumerate(zip(leaf.get("params"), Fill.applied(W, b), (W, b))):
            expect(_("after init_params({model}, init): params[{j}] of Affine layer {k}").format(
                model=NESTED, j=j, k=k), got, want, mistakes=[(untouched, INIT_NESTED)])
    if not isinstance(result, LocalObject) or result.ids("params") != built.model.ids("params"):
        fail(_("init_params(model, init) should return the model"))


@visible(id="init_params.single_layer", target="init_params")
def init_params_single_layer(kernel, rng):
    layer, (W, b) = affine(kernel, rng, 2, 3)
    kernel.call("init_params", layer, Fill())
    for j, (got, want, untouched) in enumerate(zip(layer.get("params"), Fill.applied(W, b), (W, b))):
        expect(_("init_params(layer, init) on a single Affine layer: params[{j}]").format(j=j), got, want,
               mistakes=[(untouched, INIT_SINGLE_LAYER)])


# -- the initialisers ---------------------------------------------------------------------------------

def initialised(kernel, rng, name, *args):
    """The weights and bias of a DRAWS_SHAPE Affine layer after name(*args) was applied to it."""
    layer = affine(kernel, rng, *DRAWS_SHAPE)[0]
    before = layer.ids("params")
    kernel.new(name, *args).call("__call__", layer)
    if layer.ids("params") != before:
        fail(_("{name} replaced the layer's arrays instead of writing into them").format(name=name), IN_PLACE)
    return [as_array(f"{name}: params[{i}]", p) for i, p in enumerate(layer.get("params"))]


@visible(id="normal.statistics", target="Normal")
def normal_statistics(kernel, rng):
    std = 0.05
    W, b = initialised(kernel, rng, "Normal", std)
    if not std_fits(W, std) or not mean_fits(W, std, NORMAL_MEAN_WITHIN):
        fail(_("Normal({std}): the weights have mean {mean:.3g} and standard deviation {got:.3g}").format(
            std=std, mean=W.mean(), got=W.std()), NORMAL_STD_SQUARED if std_fits(W, std ** 2) else None)
    if b.any():
        fail(_("Normal should set the biases (1-D parameters) to zero"))


@visible(id="normal.default_std", target="Normal")
def normal_default_std(kernel, rng):
    W = initialised(kernel, rng, "Normal")[0]
    if not std_fits(W, 0.01):
        fail(_("Normal() should default to std = 0.01; the weights have standard deviation {std:.3g}").format(
            std=W.std()))


@visible(id="constant.values", target="Constant")
def constant_values(kernel, rng):
    layer = affine(kernel, rng, 3, 5)[0]
    before = layer.ids("params")
    kernel.new("Constant", -1.5).call("__call__", layer)
    if layer.ids("params") != before:
        fail(_("{name} replaced the layer's arrays instead of writing into them").format(name="Constant"), IN_PLACE)
    W, b = layer.get("params")
    expect(_("{init}: the weights").format(init="Constant(-1.5)"), W, numpy.full((3, 5), -1.5), rtol=0, atol=0)
    expect(_("{init}: the bias").format(init="Constant(-1.5)"), b, numpy.zeros(5), rtol=0, atol=0,
           mistakes=[(numpy.full(5, -1.5), CONSTANT_SETS_BIASES)])


# -- custom layers -----------------------------------------------------------------------------------

@visible(id="centered_layer.forward", target="CenteredLayer")
def centered_forward(kernel, rng):
    """[[1, 2, 3], [4, 5, 9]] has mean 4; its rows have means 2 and 6, its columns 2.5, 3.5 and 6."""
    layer = kernel.new("CenteredLayer")
    no_weights(layer)
    x = numpy.array([[1.0, 2.0, 3.0], [4.0, 5.0, 9.0]])
    expect("CenteredLayer.forward([[1, 2, 3], [4, 5, 9]])", call_pure(layer, "forward", x),
           [[-3.0, -2.0, -1.0], [0.0, 1.0, 5.0]],
           mistakes=[([[-1.0, 0.0, 1.0], [-2.0, -1.0, 3.0]], CENTER_ALL_NOT_ROWS),
                     ([[-1.5, -1.5, -3.0], [1.5, 1.5, 3.0]], CENTER_ALL_NOT_COLUMNS)])


@visible(id="centered_layer.backward", target="CenteredLayer")
def centered_backward(kernel, rng):
    """dx = dout - dout.mean(), with a dout whose mean is far from 0, so that passing it through shows."""
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) + 1
    layer = kernel.new("CenteredLayer")
    layer.call("forward", x)
    expect("CenteredLayer.backward(dout)", call_pure(layer, "backward", dout), dout - dout.mean(),
           mistakes=[(dout, CENTER_THROUGH_THE_MEAN), (dout - dout.mean(axis=1, keepdims=True), CENTER_ALL_OF_DOUT)])


@visible(id="my_linear.init", target="MyLinear")
def my_linear_init(kernel, rng):
    judge_my_linear_init(kernel)


@visible(id="my_linear.forward", target="MyLinear")
def my_linear_forward(kernel, rng):
    layer, W, b = my_linear_with(kernel, rng, 4, 3)
    x = rng.standard_normal((5, 4))
    expect("MyLinear.forward(x)", call_pure(layer, "forward", x), numpy.maximum(x @ W + b, 0),
           mistakes=[(x @ W + b, MY_LINEAR_RELU)])


@visible(id="my_linear.backward", target="MyLinear")
def my_linear_backward(kernel, rng):
    layer, W, b = my_linear_with(kernel, rng, 4, 3)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    before = layer.ids("grads")
    layer.call("forward", x)
    dx = call_pure(layer, "backward", dout)
    if layer.ids("grads") != before:
        fail(_("MyLinear.backward replaced its gradient arrays"), MY_LINEAR_GRADS_IN_PLACE)
    masked = dout * (x @ W + b > 0)
    expect("MyLinear.backward(dout) (dx)", dx, masked @ W.T, mistakes=[(dout @ W.T, MY_LINEAR_MASK)])
    dW, db = layer.get("grads")
    for label, got, right, unmasked in (("grads[0] (dW)", dW, x.T @ masked, x.T @ dout),
                                        ("grads[1] (db)", db, masked.sum(axis=0), dout.sum(axis=0))):
        expect(f"MyLinear.{label}", got, right,
               mistakes=[(unmasked, MY_LINEAR_MASK), (numpy.zeros_like(right), MY_LINEAR_GRADS_UNWRITTEN),
                         (right / len(x), MY_LINEAR_DB_SUM)])




# -- deferred initialisation: LazyLinear, judged against its own parameters (shared.blocks) ------

@visible(id="lazy_linear.deferred", target="LazyLinear")
def lazy_linear_deferred(kernel, rng):
    judge_lazy_deferred(kernel, rng)


@visible(id="lazy_linear.width_change", target="LazyLinear")
def lazy_linear_width_change(kernel, rng):
    judge_lazy_width_change(kernel, rng)


@visible(id="lazy_linear.backward", target="LazyLinear")
def lazy_linear_backward(kernel, rng):
    judge_lazy_backward(kernel, rng)


@visible(id="lazy_linear.in_sequential", target="LazyLinear")
def lazy_linear_in_sequential(kernel, rng):
    judge_lazy_in_sequential(kernel, rng)
# -- tie and remove_duplicate -------------------------------------------------------------------------

@visible(id="tie.shares_params", target="tie")
def tie_shares_params(kernel, rng):
    layer = affine(kernel, rng, 3, 3)[0]
    twin = kernel.call("tie", layer)
    if not isinstance(twin, LocalObject) or twin.type_name != "Affine":
        got = getattr(twin, "type_name", type(twin).__name__)
        fail(_("tie(layer) should return a layer of the same class, got {got}").format(got=got))
    if twin.ids("params") != layer.ids("params"):
        same_values = all(numpy.array_equal(a, b) for a, b in zip(twin.get("params"), layer.get("params")))
        fail(_("the twin's params are not the layer's arrays"), TIE_SAME_ARRAYS if same_values else None)
    own, theirs = twin.ids("grads"), layer.ids("grads")
    if len(own) != len(theirs) or set(own) & set(theirs):
        fail(_("the twin shares gradient arrays with the layer; both would write into them"), TIE_OWN_GRADS)
    for i, (g, shape) in enumerate(zip(twin.get("grads"), [(3, 3), (3,)])):
        expect(f"tie(layer).grads[{i}]", g, numpy.zeros(shape), rtol=0, atol=0)


@visible(id="tie.gradients", target="tie")
def tie_gradients(kernel, rng):
    """layer, ReLU, tie(layer), chained by hand: each of the two layers writes the gradient of its own use."""
    layer, (W, b) = affine(kernel, rng, 3, 3)
    twin = kernel.call("tie", layer)
    x, dout = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    z = x @ W + b
    r, dz = numpy.maximum(z, 0), (dout @ W.T) * (z > 0)
    layer.call("forward", x)
    twin.call("forward", r)
    twin.call("backward", dout)
    layer.call("backward", dz)
    want = {"layer": [x.T @ dz, dz.sum(axis=0)], "twin": [r.T @ dout, dout.sum(axis=0)]}
    labels = {"layer": N_("layer -> ReLU -> tie(layer): grads[{i}] of the layer"),
              "twin": N_("layer -> ReLU -> tie(layer): grads[{i}] of its twin")}
    for (name, handle), other in zip((("layer", layer), ("twin", twin)), ("twin", "layer")):
        for i, (got, w) in enumerate(zip(handle.get("grads"), want[name])):
            expect(_(labels[name]).format(i=i), got, w, mistakes=[(want[other][i], TIE_SEPARATE_OBJECT)])


class ListsModel:
    """A stand-in model whose lists hold one array three times (as a layer used three times would)
    next to two different arrays with equal values (zeros)."""

    def __init__(self):
        self.shared, self.zeros, self.other_zeros = numpy.array([1.0, 2.0]), numpy.zeros(3), numpy.zeros(3)
        self.params = [self.shared, self.zeros, self.shared, self.other_zeros, self.shared]
        self.grads = [numpy.array([1.0, 2.0]), numpy.ones(3), numpy.array([10.0, 20.0]), numpy.full(3, 5.0),
                      numpy.array([100.0, 200.0])]
        self.entries = list(self.params), list(self.grads)


class RecordingOptimizer:
    """Keeps what update() receives, the arrays themselves."""

    def __init__(self):
        self.params = self.grads = None

    def update(self, params, grads):
        self.params, self.grads = list(params), list(grads)


@visible(id="remove_duplicate.known_lists", target="remove_duplicate")
def remove_duplicate_known_lists(kernel, rng):
    """The notebook's step(model, optimizer) on params [A, B, A, C, A] (B and C equal zeros): the
    optimizer must get A, B and C once each, A with the sum of its three gradients."""
    model, optimizer = ListsModel(), RecordingOptimizer()
    kernel.call("step", model, optimizer)
    if optimizer.params is None:
        fail(_("step(model, optimizer) did not call optimizer.update"))
    params_before, grads_before = model.entries
    if len(model.params) != 5 or len(model.grads) != 5 or \
            any(p is not q for p, q in zip(model.params + model.grads, params_before + grads_before)):
        fail(_("remove_duplicate changed the lists it was given: model.params has {count} entries "
               "after step(model, optimizer), 5 before").format(count=len(model.params)), DUPLICATE_ON_COPIES)
    params, grads = optimizer.params, optimizer.grads
    summed = numpy.array([111.0, 222.0])
    described = _("params [A, B, A, C, A], with B and C two different arrays of zeros, gave the optimizer "
                  "{count} arrays; expected 3, A, B and C once each").format(count=len(params))
    if sum(p is model.shared for p in params) > 1:
        first = grads[[p is model.shared for p in params].index(True)]
        fail(described, DUPLICATE_SUMMED_KEPT if close(first, summed, 1e-12, 0) else DUPLICATE_KEPT)
    if not any(p is model.zeros for p in params) or not any(p is model.other_zeros for p in params):
        fail(described, DUPLICATE_BY_VALUE)
    if len(params) != 3 or not any(p is model.shared for p in params):
        fail(_("params [A, B, A, C, A], with B and C two different arrays of zeros, gave the optimizer "
               "{count} arrays; expected 3, A, B and C once each (return the arrays themselves, not copies: the "
               "optimizer updates them in place)").format(count=len(params)))
    for label, array, want, mistakes in (
            ("A", model.shared, summed, [([1.0, 2.0], DUPLICATE_GRADIENT_DROPPED)]),
            ("B", model.zeros, numpy.ones(3), []), ("C", model.other_zeros, numpy.full(3, 5.0), [])):
        got = grads[[p is array for p in params].index(True)]
        expect(_("the gradient the optimizer got for {label}").format(label=label), got, want, rtol=1e-12, atol=0,
               mistakes=mistakes)


# -- save_params and load_params ------------------------------------------------------------------------

def own_names(kernel, model):
    """The names the submission's own named_params gives the model, or None when it does not work."""
    try:
        named = kernel.call("named_params", model)
    except StudentRaised:
        return None
    if not isinstance(named, list) or not all(isinstance(item, (list, tuple)) and item for item in named):
        return None
    names = [item[0] for item in named]
    if len(names) != len(NESTED_NAMES) or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        return None
    return names


@visible(id="save_params.float16", target="save_params")
def save_params_float16(kernel, rng):
    built = nested(kernel, rng, dtype=numpy.float32)
    names = own_names(kernel, built.model)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "saved.npz")
        kernel.call("save_params", built.model, path)
        try:
            data = numpy.load(path)
        except Exception as exc:  # what np.load raises for a missing or unreadable file varies by case
            fail(_("save_params(model, path) wrote no file at path that np.load can read ({error})").format(
                error=f"{type(exc).__name__}: {exc}"), SAVE_TO_PATH)
        if not hasattr(data, "files"):
            fail(_("np.load could not read the file save_params(model, path) wrote as an .npz archive"), SAVE_AS_NPZ)
        with data:
            stored = {name: data[name] for name in data.files}
    if sorted(stored) not in (sorted(names or NESTED_NAMES), sorted(NESTED_NAMES)):
        fail(_("the file holds the arrays {names}; expected one per parameter, named as named_params "
               "names them: {expected}").format(names=sorted(stored), expected=NESTED_NAMES))
    for name, exact in zip(names if names and sorted(stored) == sorted(names) else NESTED_NAMES, built.params):
        if stored[name].dtype != numpy.float16:
            fail(_("save_params stored {name} as {dtype}; store float16, as the second book does").format(
                name=name, dtype=stored[name].dtype), SAVE_FLOAT16)
        expect(_("the array {name} in the file").format(name=name), stored[name].astype(numpy.float32),
               exact.astype(numpy.float16).astype(numpy.float32), rtol=0, atol=0)


@visible(id="load_params.in_place", target="load_params")
def load_params_in_place(kernel, rng):
    built = nested(kernel, rng, dtype=numpy.float32)
    names = own_names(kernel, built.model) or NESTED_NAMES
    values = {name: rng.standard_normal(p.shape).astype(numpy.float16) for name, p in zip(names, built.params)}
    before = built.model.ids("params"), leaf_ids(built.leaves, "params")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "given.npz")
        numpy.savez(path, **values)
        kernel.call("load_params", built.model, path)
    if (built.model.ids("params"), leaf_ids(built.leaves, "params")) != before:
        fail(_("load_params replaced the model's arrays instead of writing into them"), LOAD_IN_PLACE)
    got = [as_array(_("a parameter"), p) for leaf in built.leaves for p in leaf.get("params")]
    if all(numpy.array_equal(g, p) for g, p in zip(got, built.params)):
        fail(_("load_params did not change the model's parameters"), LOAD_REBINDS)
    for g, name in zip(got, names):
        if g.dtype != numpy.float32:
            fail(_("after load_params, the parameter named {name} is {dtype}; the model's float32 arrays must "
                   "stay float32").format(name=name, dtype=g.dtype), LOAD_KEEPS_DTYPE)
        expect(_("the parameter named {name} after load_params").format(name=name), g,
               values[name].astype(numpy.float32), rtol=0, atol=0)


# -- host and device -------------------------------------------------------------------------------------

def device_model(kernel, rng):
    """Sequential(Sequential(Affine(3, 4), Relu()), layer, Relu(), tie(layer)) after a forward and a
    backward, built with the submission's Sequential and tie, which must work for the check to mean
    anything; its leaves are [the first Affine, layer, the twin]."""
    first, layer = affine(kernel, rng, 3, 4)[0], affine(kernel, rng, 4, 4)[0]
    twin = kernel.call("tie", layer)
    inner = kernel.new("Sequential", first, kernel.new("Relu"))
    model = kernel.new("Sequential", inner, layer, kernel.new("Relu"), twin)
    try:
        if not isinstance(twin, LocalObject) or twin.ids("params") != layer.ids("params"):
            fail(_("tie(layer) did not give a twin that holds the layer's arrays"))
        holds_layers_arrays(model, [first, layer, twin], "Sequential", COPIED)
    except CheckFailed as exc:
        fail(_("this check converts a model built with your Sequential and tie, and before the conversion: "
               "{problem}; run check(\"Sequential\", \"tie\") and fix those first").format(problem=exc.message),
             exc.hint)
    model.call("forward", rng.standard_normal((5, 3)))
    model.call("backward", rng.standard_normal((5, 4)))
    return model, inner, [first, layer, twin]


def arrays_of(leaves):
    """Every parameter and gradient of the leaves, as they come back from the kernel."""
    return [a for leaf in leaves for attr in ("params", "grads") for a in leaf.get(attr)]


def on_host(arrays):
    """Whether all are NumPy arrays (anything else, a CuPy array, comes back as a handle)."""
    return all(isinstance(a, numpy.ndarray) for a in arrays)


def same_model_after(what, model, inner, leaves, values):
    """The identity rules and the values after a conversion that ends on the host (`what`, its
    calls: "to_cpu", or TO_GPU_AND_BACK translated)."""
    if not on_host(arrays_of(leaves)):
        fail(_("after {what}, some parameters or gradients are not NumPy arrays").format(what=what))
    holds_layers_arrays(model, leaves, _("after {what}, the model").format(what=what), REFRESH)
    holds_layers_arrays(inner, leaves[:1], _("after {what}, the inner Sequential").format(what=what), REFRESH)
    if leaves[1].ids("params") != leaves[2].ids("params"):
        fail(_("after {what}, the tied layers hold different arrays").format(what=what), CONVERT_SHARED_ONCE)
    for k, (got, want) in enumerate(zip(arrays_of(leaves), values)):
        expect(_("{what}: array {k} of the layers' params and grads").format(what=what, k=k), got, want,
               rtol=0, atol=0)


TO_GPU_AND_BACK = N_("to_gpu and then to_cpu")


@visible(id="to_cpu.identity_rules", target="to_cpu")
def to_cpu_identity_rules(kernel, rng):
    model, inner, leaves = device_model(kernel, rng)
    values = arrays_of(leaves)
    result = kernel.call("to_cpu", model)
    same_model_after("to_cpu", model, inner, leaves, values)
    if not isinstance(result, LocalObject) or result.ids("params") != model.ids("params"):
        fail(_("to_cpu(model) should return the model"))


@visible(id="to_gpu.moves_or_fails_loudly", target="to_gpu")
def to_gpu_moves_or_fails_loudly(kernel, rng):
    model, inner, leaves = device_model(kernel, rng)
    values = arrays_of(leaves)
    ids_before = leaf_ids(leaves, "params", "grads")
    try:
        kernel.call("to_gpu", model)
    except StudentRaised as exc:
        if exc.type_name == "NotImplementedError":
            raise
        if not any(word in f"{exc.type_name} {exc.message}".lower() for word in NO_GPU_WORDS):
            fail(_("to_gpu raised {error}; without CuPy it should raise an error that says CuPy or a GPU "
                   "is missing").format(error=exc.sentence()), NO_GPU_RAISE)
        if not on_host(arrays_of(leaves)) or leaf_ids(leaves, "params", "grads") != ids_before:
            fail(_("to_gpu failed, but only after it had replaced some arrays of the model"), NO_GPU_CHANGES_NOTHING)
        raise PassWithNote(_("to_gpu failed loudly without a GPU"), ONLY_THE_FAILURE) from None
    if on_host(a for leaf in leaves for a in leaf.get("params")):
        fail(_("to_gpu returned, but the parameters are still NumPy arrays; without CuPy and a GPU it must raise "
               "instead of pretending"), NO_GPU_NO_PRETENDING)
    if leaves[1].ids("params") != leaves[2].ids("params"):
        fail(_("after {what}, the tied layers hold different arrays").format(what="to_gpu"), CONVERT_ONCE)
    kernel.call("to_cpu", model)
    same_model_after(_(TO_GPU_AND_BACK), model, inner, leaves, values)
