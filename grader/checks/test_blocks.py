"""Hidden checks for the `blocks` assignment (Dive into Deep Learning's builder's guide in
the second book's params/grads style): Sequential, named_params, init_params and the
initialisers, CenteredLayer, MyLinear, tie and remove_duplicate, float16 checkpoints,
and moving a model between host and device arrays.

Models are built in the worker from the notebook's provided `Affine` and `Relu` with
judge-chosen arrays, and compared with reference.blocks built from the same arrays.
Identity, which decides most of this assignment (a container's lists hold its layers'
own arrays, a tie shares arrays, an update happens in place), is observed with `ids`:
the worker's id() of every element of a list attribute.
"""
import numpy
import pytest

from backprop_lab_check.shared.blocks import (
    CENTER_ALL_NOT_COLUMNS, CENTER_ALL_NOT_ROWS, CENTER_ALL_OF_DOUT, CENTER_THROUGH_THE_MEAN, CONSTANT_SETS_BIASES,
    CONVERT_ONCE, CONVERT_SHARED_ONCE, COPIED, DRAWS_SHAPE, DUPLICATE_BY_VALUE, DUPLICATE_GRADIENT_DROPPED,
    DUPLICATE_IS_IDENTITY, DUPLICATE_KEPT, DUPLICATE_ON_COPIES, DUPLICATE_SUMMED_KEPT, INDEXING, INIT_NESTED,
    INIT_SINGLE_LAYER, IN_PLACE, LOAD_IN_PLACE, LOAD_KEEPS_DTYPE, LOAD_REBINDS, MY_LINEAR_DB_SUM,
    MY_LINEAR_GRADS_IN_PLACE, MY_LINEAR_GRADS_UNWRITTEN, MY_LINEAR_MASK, MY_LINEAR_RELU, NAMES_RECURSE,
    NORMAL_MEAN_WITHIN, NORMAL_STD_SQUARED, NO_GPU_CHANGES_NOTHING, NO_GPU_NO_PRETENDING, NO_GPU_RAISE,
    NO_GPU_WORDS, REFRESH, REVERSE_ORDER, SAVE_AS_NPZ, SAVE_FLOAT16, SAVE_TO_PATH, TIE_OWN_GRADS, TIE_SAME_ARRAYS,
    TIE_SEPARATE_OBJECT, holds_layers_arrays, judge_lazy_backward, judge_lazy_deferred, judge_lazy_in_sequential,
    judge_lazy_width_change, judge_my_linear_init, mean_fits, my_linear_with, std_fits)
from backprop_lab_check.i18n import N_, _
from backprop_lab_check.outcomes import StudentRaised
from backprop_lab_check.verdicts import as_array, compare, fail

import reference
import reference.blocks as rb
import reference.layers as rl
from grader.runtime.protocol import DeviceArray
from grader.sandbox import RemoteObject

check = pytest.mark.check


def not_a_stub(exc):
    """Student errors other than an unimplemented stub become verdicts; stubs stay errors."""
    return isinstance(exc, StudentRaised) and exc.type_name != "NotImplementedError"


class Built:
    """A model built twice from the same arrays: in the worker (`remote`, with `leaves`, the
    remote layers that hold parameters, in order) and in the judge (`local`)."""

    def __init__(self, remote, local, leaves):
        self.remote, self.local, self.leaves = remote, local, leaves


def affine_pair(student, rng, m, n, zero_bias=False, dtype=numpy.float64):
    W = rng.standard_normal((m, n)).astype(dtype)
    b = (numpy.zeros(n) if zero_bias else rng.standard_normal(n)).astype(dtype)
    return student.new("Affine", W, b), rl.Affine(W.copy(), b.copy())


def chain(student, rng, sizes=(5, 4, 3)):
    """Sequential(Affine, Relu, Affine)."""
    (r1, l1), (r2, l2) = affine_pair(student, rng, sizes[0], sizes[1]), affine_pair(student, rng, sizes[1], sizes[2])
    remote = student.new("Sequential", r1, student.new("Relu"), r2)
    return Built(remote, rb.Sequential(l1, rl.Relu(), l2), [r1, r2])


def nested(student, rng, dtype=numpy.float64):
    """Sequential(Sequential(Affine(3, 4), Relu, Affine(4, 4)), Relu, Affine(4, 2))."""
    (r1, l1), (r2, l2), (r3, l3) = (affine_pair(student, rng, m, n, dtype=dtype) for m, n in [(3, 4), (4, 4), (4, 2)])
    inner = student.new("Sequential", r1, student.new("Relu"), r2)
    remote = student.new("Sequential", inner, student.new("Relu"), r3)
    local = rb.Sequential(rb.Sequential(l1, rl.Relu(), l2), rl.Relu(), l3)
    built = Built(remote, local, [r1, r2, r3])
    built.inner, built.local_leaves = inner, [l1, l2, l3]
    return built


def leaf_ids(leaves, attr):
    return [i for leaf in leaves for i in leaf.ids(attr)]


def expect_lists(built, what="Sequential", hint=COPIED):
    """The container's params and grads are exactly its leaves' arrays, in order (`what`: an
    identifier, or a label translated by the caller)."""
    holds_layers_arrays(built.remote, built.leaves, what, hint)


# -- 1. Sequential ----------------------------------------------------------------------------

@check(id="sequential.collects_the_layers_arrays", target="Sequential", points=1)
def test_sequential_lists(student, rng):
    built = chain(student, rng)
    layers = built.remote.get("layers")
    if not isinstance(layers, list) or len(layers) != 3:
        fail(_("Sequential(a, b, c).layers should be the list of the three layers"))
    expect_lists(built)


@check(id="sequential.forward", target="Sequential", points=1)
def test_sequential_forward(student, rng):
    built = chain(student, rng)
    x = rng.standard_normal((6, 5))
    compare("Sequential(Affine, Relu, Affine).forward(x)", built.remote.call("forward", x), built.local.forward(x))


@check(id="sequential.backward", target="Sequential", points=2)
def test_sequential_backward(student, rng):
    built = chain(student, rng)
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 3))
    before = built.remote.ids("grads")
    built.remote.call("forward", x)
    try:
        dx = built.remote.call("backward", dout)
    except StudentRaised as exc:
        if not not_a_stub(exc) or exc.type_name != "ValueError":
            raise
        fail(exc.sentence(), REVERSE_ORDER)
    built.local.forward(x)
    want_dx = built.local.backward(dout)
    compare(_("{name}.backward(dout) (the gradient of x)").format(name="Sequential"), dx, want_dx)
    if built.remote.ids("grads") != before:
        fail(_("{name}.grads holds other arrays after backward than before").format(name="Sequential"), COPIED)
    for i, (got, want) in enumerate(zip(built.remote.get("grads"), built.local.grads)):
        compare(_("{name}.grads[{i}] after backward").format(name="Sequential", i=i), got, want,
                mistakes=[(numpy.zeros_like(want), COPIED)])


@check(id="sequential.nested", target="Sequential", points=1)
def test_sequential_nested(student, rng):
    built = nested(student, rng)
    expect_lists(built, _("the outer Sequential"))
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    compare(_("nested Sequential: {what}").format(what="forward"), built.remote.call("forward", x),
            built.local.forward(x))
    compare(_("nested Sequential: {what}").format(what="backward"), built.remote.call("backward", dout),
            built.local.backward(dout))
    for i, (got, want) in enumerate(zip(built.remote.get("grads"), built.local.grads)):
        compare(_("nested Sequential: {what}").format(what=f"grads[{i}]"), got, want)


@check(id="sequential.indexing", target="Sequential", points=1)
def test_sequential_indexing(student, rng):
    built = chain(student, rng)
    length = built.remote.call("__len__")
    if length != 3:
        fail(_("len(Sequential(a, b, c)) is {length}, expected 3").format(length=length))
    for i, leaf in ((0, built.leaves[0]), (2, built.leaves[1]), (-1, built.leaves[1])):
        layer = built.remote.call("__getitem__", i)
        if not isinstance(layer, RemoteObject) or layer.type_name != "Affine" or layer.ids("params") != leaf.ids("params"):
            fail(_("model[{i}] should be the layer at position {i} itself").format(i=i), INDEXING)


# -- 2. parameter access and initialisation ------------------------------------------------------

@check(id="named_params.names_and_arrays", target="named_params", points=2)
def test_named_params(student, rng):
    built = nested(student, rng)
    named = student.call("named_params", built.remote)
    if not isinstance(named, (list, tuple)) or not all(isinstance(item, (list, tuple)) and len(item) == 2 for item in named):
        fail(_("named_params(model) should return a list of (name, array) pairs"))
    names = [item[0] for item in named]
    expected = [name for name, _array in rb.named_params(built.local)]
    if names != expected:
        fail(_("named_params of {model} gave the names {names}, expected {expected}").format(
            model="Sequential(Sequential(Affine, Relu, Affine), Relu, Affine)", names=names, expected=expected),
             NAMES_RECURSE)
    for (name, got), want in zip(named, built.local.params):
        compare(_("named_params: the array named {name}").format(name=name), got, want)


def constant(student, value):
    return student.new("Constant", value)


@check(id="init_params.every_layer", target="init_params", points=1)
def test_init_params(student, rng):
    built = nested(student, rng)
    init = constant(student, 0.5)
    # what the submission's own Constant does to a single layer: the judge of init_params
    alone = [affine_pair(student, rng, m, n)[0] for m, n in [(3, 4), (4, 4), (4, 2)]]
    for layer in alone:
        init.call("__call__", layer)
    expected = [leaf.get("params") for leaf in alone]
    result = student.call("init_params", built.remote, init)
    for k, (leaf, want) in enumerate(zip(built.leaves, expected)):
        for j, (got, w) in enumerate(zip(leaf.get("params"), want)):
            compare(_("after init_params(model, Constant(0.5)): params[{j}] of parameterised layer {k}").format(
                j=j, k=k), got, w,
                    mistakes=[(built.local_leaves[k].params[j], INIT_NESTED)])
    if not isinstance(result, RemoteObject) or result.ids("params") != built.remote.ids("params"):
        fail(_("init_params(model, init) should return the model"))
    single, local_single = affine_pair(student, rng, 2, 3)
    twin_single = student.new("Affine", *local_single.params)
    init.call("__call__", twin_single)
    student.call("init_params", single, init)
    for j, (got, want) in enumerate(zip(single.get("params"), twin_single.get("params"))):
        compare(_("init_params(layer, Constant(0.5)) on a single layer: params[{j}]").format(j=j), got, want,
                mistakes=[(local_single.params[j], INIT_SINGLE_LAYER)])


@check(id="normal.statistics", target="Normal", points=1)
def test_normal(student, rng):
    layer = affine_pair(student, rng, *DRAWS_SHAPE)[0]
    before = layer.ids("params")
    student.new("Normal", 0.02).call("__call__", layer)
    if layer.ids("params") != before:
        fail(_("{name} replaced the layer's arrays instead of writing into them").format(name="Normal"), IN_PLACE)
    W, b = (as_array(f"params[{i}]", p) for i, p in enumerate(layer.get("params")))
    std = float(W.std())
    if not std_fits(W, 0.02) or not mean_fits(W, 0.02, NORMAL_MEAN_WITHIN):
        fail(_("Normal({std}): the weights have mean {mean:.3g} and standard deviation {got:.3g}").format(
            std=0.02, mean=W.mean(), got=std), NORMAL_STD_SQUARED if std < 0.002 else None)
    if b.any():
        fail(_("Normal should set the biases (1-D parameters) to zero"))
    layer2 = affine_pair(student, rng, *DRAWS_SHAPE)[0]
    student.new("Normal").call("__call__", layer2)
    W2 = numpy.asarray(layer2.get("params", 0))
    std = float(W2.std())
    if not std_fits(W2, 0.01):
        fail(_("Normal() should default to std = 0.01; the weights have standard deviation {std:.3g}").format(std=std))


@check(id="constant.values", target="Constant", points=1)
def test_constant(student, rng):
    layer = affine_pair(student, rng, 4, 3)[0]
    before = layer.ids("params")
    constant(student, 3.0).call("__call__", layer)
    if layer.ids("params") != before:
        fail(_("{name} replaced the layer's arrays instead of writing into them").format(name="Constant"), IN_PLACE)
    W, b = layer.get("params")
    compare(_("{init}: the weights").format(init="Constant(3.0)"), W, numpy.full((4, 3), 3.0))
    compare(_("{init}: the bias").format(init="Constant(3.0)"), b, numpy.zeros(3),
            mistakes=[(numpy.full(3, 3.0), CONSTANT_SETS_BIASES)])


# -- 3. custom layers --------------------------------------------------------------------------------

@check(id="centered_layer.forward", target="CenteredLayer", points=1)
def test_centered_forward(student, rng):
    x = rng.standard_normal((4, 5)) + 3
    layer = student.new("CenteredLayer")
    if layer.get("params") != [] or layer.get("grads") != []:
        fail(_("CenteredLayer has no parameters: params and grads are empty lists"))
    got, (after,) = layer.call("forward", x, keep_args=True)
    if not numpy.array_equal(after, x):
        fail(_("CenteredLayer.forward modified its input"), N_("return x - x.mean(), a new array"))
    compare("CenteredLayer.forward(x)", got, x - x.mean(),
            mistakes=[(x - x.mean(axis=1, keepdims=True), CENTER_ALL_NOT_ROWS),
                      (x - x.mean(axis=0), CENTER_ALL_NOT_COLUMNS)])


@check(id="centered_layer.backward", target="CenteredLayer", points=1)
def test_centered_backward(student, rng):
    x, dout = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)) + 1
    layer = student.new("CenteredLayer")
    layer.call("forward", x)
    compare("CenteredLayer.backward(dout)", layer.call("backward", dout), dout - dout.mean(),
            mistakes=[(dout, CENTER_THROUGH_THE_MEAN),
                      (dout - dout.mean(axis=1, keepdims=True), CENTER_ALL_OF_DOUT)])


def my_linear_pair(student, rng, m=5, n=4):
    layer, W, b = my_linear_with(student, rng, m, n)
    local = rb.MyLinear(m, n)
    local.params[0][...], local.params[1][...] = W, b
    return layer, local


@check(id="my_linear.init", target="MyLinear", points=1)
def test_my_linear_init(student):
    judge_my_linear_init(student)


@check(id="my_linear.forward", target="MyLinear", points=1)
def test_my_linear_forward(student, rng):
    layer, local = my_linear_pair(student, rng)
    x = rng.standard_normal((6, 5))
    W, b = local.params
    compare("MyLinear.forward(x)", layer.call("forward", x), local.forward(x),
            mistakes=[(x @ W + b, MY_LINEAR_RELU)])


@check(id="my_linear.backward", target="MyLinear", points=2)
def test_my_linear_backward(student, rng):
    layer, local = my_linear_pair(student, rng)
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 4))
    before = layer.ids("grads")
    layer.call("forward", x)
    dx = layer.call("backward", dout)
    local.forward(x)
    want_dx = local.backward(dout)
    W, b = local.params
    unmasked = [x.T @ dout, dout.sum(axis=0), dout @ W.T]
    compare("MyLinear.backward(dout) (dx)", dx, want_dx, mistakes=[(unmasked[2], MY_LINEAR_MASK)])
    if layer.ids("grads") != before:
        fail(_("MyLinear.backward replaced its gradient arrays"), MY_LINEAR_GRADS_IN_PLACE)
    for i, (got, want) in enumerate(zip(layer.get("grads"), local.grads)):
        compare(f"MyLinear.grads[{i}]", got, want,
                mistakes=[(unmasked[i], MY_LINEAR_MASK), (numpy.zeros_like(want), MY_LINEAR_GRADS_UNWRITTEN),
                          (want / len(x), MY_LINEAR_DB_SUM)])


# -- deferred initialisation: LazyLinear ---------------------------------------------------------
# Judged against the layer's own parameters, read back after its first forward (shared.blocks).

@check(id="lazy_linear.deferred", target="LazyLinear", points=2)
def test_lazy_linear_deferred(student, rng):
    judge_lazy_deferred(student, rng)


@check(id="lazy_linear.width_change", target="LazyLinear", points=1)
def test_lazy_linear_width_change(student, rng):
    judge_lazy_width_change(student, rng)


@check(id="lazy_linear.backward", target="LazyLinear", points=1)
def test_lazy_linear_backward(student, rng):
    judge_lazy_backward(student, rng)


@check(id="lazy_linear.in_sequential", target="LazyLinear", points=1)
def test_lazy_linear_in_sequential(student, rng):
    judge_lazy_in_sequential(student, rng)


# -- 4. tied parameters ------------------------------------------------------------------------------

@check(id="tie.shares_params", target="tie", points=1)
def test_tie_shares(student, rng):
    shared = affine_pair(student, rng, 4, 4)[0]
    twin = student.call("tie", shared)
    if not isinstance(twin, RemoteObject) or twin.type_name != "Affine":
        fail(_("tie(layer) should return a layer of the same class, got {got}").format(
            got=getattr(twin, "type_name", type(twin).__name__)))
    if twin.ids("params") != shared.ids("params"):
        same_values = all(numpy.array_equal(a, b) for a, b in zip(twin.get("params"), shared.get("params")))
        fail(_("the twin's params are not the layer's arrays"), TIE_SAME_ARRAYS if same_values else None)
    own, theirs = twin.ids("grads"), shared.ids("grads")
    if len(own) != 2 or set(own) & set(theirs):
        fail(_("the twin shares gradient arrays with the layer; both would write into them"), TIE_OWN_GRADS)
    for i, g in enumerate(twin.get("grads")):
        compare(f"tie(layer).grads[{i}]", g, numpy.zeros((4, 4) if i == 0 else (4,)))


@check(id="tie.gradients", target="tie", points=1)
def test_tie_gradients(student, rng):
    shared, local_shared = affine_pair(student, rng, 4, 4)
    twin = student.call("tie", shared)
    model = student.new("Sequential", shared, student.new("Relu"), twin)
    local = rb.Sequential(local_shared, rl.Relu(), rb.tie(local_shared))
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    model.call("forward", x)
    model.call("backward", dout)
    local.forward(x)
    local.backward(dout)
    for label, remote, want, other in (
            (N_("Sequential(layer, Relu(), tie(layer)): grads[{i}] of the layer"), shared, local.layers[0],
             local.layers[2]),
            (N_("Sequential(layer, Relu(), tie(layer)): grads[{i}] of its twin"), twin, local.layers[2],
             local.layers[0])):
        for i, (got, w) in enumerate(zip(remote.get("grads"), want.grads)):
            compare(_(label).format(i=i), got, w, mistakes=[(other.grads[i], TIE_SEPARATE_OBJECT)])


@check(id="remove_duplicate.identity_not_values", target="remove_duplicate", points=1)
def test_remove_duplicate_values(student, rng):
    A = rng.standard_normal(3)
    params = [A, numpy.zeros(4), A.copy(), numpy.zeros(4)]
    grads = [rng.standard_normal(p.shape) for p in params]
    result = student.call("remove_duplicate", params, grads)
    if not isinstance(result, (tuple, list)) or len(result) != 2 or not all(isinstance(r, list) for r in result):
        fail(_("remove_duplicate(params, grads) should return two lists, (params, grads)"))
    new_params, new_grads = result
    if len(new_params) != 4 or len(new_grads) != 4:
        fail(_("remove_duplicate merged arrays that only have equal values: 4 distinct arrays (two pairs with "
               "equal values) came back as {count}").format(count=len(new_params)), DUPLICATE_IS_IDENTITY)
    for i in range(4):
        compare(f"remove_duplicate: params[{i}]", new_params[i], params[i])
        compare(f"remove_duplicate: grads[{i}]", new_grads[i], grads[i])


def tied_model(student, rng):
    """Sequential(Affine(3, 4), Relu, shared Affine(4, 4), Relu, tie(shared), Relu, Affine(4, 2)) in the
    worker and in the judge; the first and the shared layer both start with zero biases."""
    (r0, l0), (rs, ls), (r3, l3) = (affine_pair(student, rng, 3, 4, zero_bias=True),
                                    affine_pair(student, rng, 4, 4, zero_bias=True), affine_pair(student, rng, 4, 2))
    twin = student.call("tie", rs)  # the trusted tie (grader/trusted/blocks.py): remove_duplicate comes after it
    relu = lambda: student.new("Relu")  # noqa: E731
    remote = student.new("Sequential", r0, relu(), rs, relu(), twin, relu(), r3)
    local = rb.Sequential(l0, rl.Relu(), ls, rl.Relu(), rb.tie(ls), rl.Relu(), l3)
    built = Built(remote, local, [r0, rs, twin, r3])
    return built


def adam_variants(local, x, dout, lr):
    """Parameters after one Adam step: correct, and the known wrong ways."""
    local.forward(x)
    local.backward(dout)
    start = [p.copy() for p in local.params]
    outcomes = {}

    def run(name, pick):
        arrays = [p.copy() for p in start]
        copies = {}
        for p, a in zip(local.params, arrays):
            copies.setdefault(id(p), a)
        params = [copies[id(p)] for p in local.params]
        ps, gs = pick(params, [g.copy() for g in local.grads])
        reference.Adam(lr=lr).update(ps, gs)
        outcomes[name] = [copies[id(p)] for p in local.params]

    def by_value(params, grads):
        ps, gs = [], []
        for p, g in zip(params, grads):
            for k, q in enumerate(ps):
                if q.shape == p.shape and numpy.array_equal(q, p):
                    gs[k] = gs[k] + g
                    break
            else:
                ps.append(p)
                gs.append(g)
        return ps, gs

    def first_only(params, grads):
        ps, gs = [], []
        for p, g in zip(params, grads):
            if not any(p is q for q in ps):
                ps.append(p)
                gs.append(g)
        return ps, gs

    def summed_kept(params, grads):
        ps, gs = list(params), [g.copy() for g in grads]
        for i in range(len(ps)):
            for j in range(i + 1, len(ps)):
                if ps[j] is ps[i]:
                    gs[i] = gs[i] + gs[j]
        return ps, gs

    run("correct", reference.remove_duplicate)
    run("none", lambda p, g: (p, g))
    run("summed_kept", summed_kept)
    run("by_value", by_value)
    run("first_only", first_only)
    return outcomes


@check(id="remove_duplicate.tied_step", target="remove_duplicate", points=2)
def test_remove_duplicate_step(student, trusted, rng):
    built = tied_model(student, rng)
    x, dout = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    outcomes = adam_variants(built.local, x, dout, 0.01)
    built.remote.call("forward", x)
    built.remote.call("backward", dout)
    before = built.remote.ids("params")
    # the notebook's step(model, optimizer), with a textbook Adam: remove_duplicate alone is judged
    trusted("step", student.ref("remove_duplicate"), built.remote, trusted("Adam", lr=0.01))
    if len(built.remote.ids("params")) != len(before):
        fail(_("after step(model, optimizer) the model's params list has lost entries"), DUPLICATE_ON_COPIES)
    got = [as_array(f"model.params[{i}]", p) for i, p in enumerate(built.remote.get("params"))]
    hints = {"none": DUPLICATE_KEPT, "summed_kept": DUPLICATE_SUMMED_KEPT, "first_only": DUPLICATE_GRADIENT_DROPPED,
             "by_value": DUPLICATE_BY_VALUE}
    if not all(g.shape == w.shape and numpy.allclose(g, w, rtol=1e-6, atol=1e-9)
               for g, w in zip(got, outcomes["correct"])):
        for name, hint in hints.items():
            if all(g.shape == w.shape and numpy.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(got, outcomes[name])):
                fail(_("after forward, backward and step(model, Adam(lr=0.01)) the parameters differ from one Adam "
                       "step on each distinct array with its summed gradient"), hint)
        for i, (g, w) in enumerate(zip(got, outcomes["correct"])):
            compare(_("model.params[{i}] after step(model, Adam(lr=0.01))").format(i=i), g, w)
    if built.leaves[1].ids("params") != built.leaves[2].ids("params"):
        fail(_("after step, the layer and its twin no longer share their arrays"))


# -- 5. saving and loading -----------------------------------------------------------------------------

def worker_numpy(student, function, *args, **kwargs):
    """np.<function>(*args) run by the worker's own NumPy (the notebook's `np`), e.g. to read or
    write an .npz file in the worker's private directory; the judge never opens its files."""
    return student.ref("np").call(function, *args, **kwargs)


def names_of(student, model):
    """The names the submission's own named_params gives, or None when it does not work."""
    try:
        named = student.call("named_params", model)
    except StudentRaised:
        return None
    if not isinstance(named, list) or not all(isinstance(item, (list, tuple)) and item for item in named):
        return None
    return [item[0] for item in named]


@check(id="save_params.float16", target="save_params", points=2)
def test_save_params(student, rng):
    built = nested(student, rng, dtype=numpy.float32)
    student.call("save_params", built.remote, "saved.npz")
    try:
        data = worker_numpy(student, "load", "saved.npz")
    except StudentRaised as exc:
        fail(_("save_params(model, 'saved.npz') wrote no file that np.load can read ({error})").format(
            error=exc.message), SAVE_TO_PATH)
    files = data.get("files") if isinstance(data, RemoteObject) else None
    if not isinstance(files, list):
        fail(_("np.load could not read the file save_params(model, 'saved.npz') wrote as an .npz archive"),
             SAVE_AS_NPZ)
    names = names_of(student, built.remote) or []
    expected_names = [name for name, _array in rb.named_params(built.local)]
    if sorted(files) not in (sorted(names), sorted(expected_names)):
        fail(_("the file holds the arrays {names}; expected one per parameter, named as named_params "
               "names them: {expected}").format(names=sorted(files), expected=expected_names))
    by_name = dict(zip(names if sorted(files) == sorted(names) else expected_names, built.local.params))
    for name, exact in by_name.items():
        label = _("the array {name} in the file").format(name=name)
        stored = as_array(label, data.call("__getitem__", name))
        if stored.dtype != numpy.float16:
            fail(_("save_params stored {name} as {dtype}; store float16, as the second book does").format(
                name=name, dtype=stored.dtype), SAVE_FLOAT16)
        compare(label, stored.astype(numpy.float32), exact.astype(numpy.float16).astype(numpy.float32),
                rtol=0, atol=0)


@check(id="load_params.in_place", target="load_params", points=1)
def test_load_params(student, rng):
    target = nested(student, rng, dtype=numpy.float32)
    names = [name for name, _array in rb.named_params(target.local)]
    own = names_of(student, target.remote)  # the file is written with the submission's own names
    if own and len(own) == len(names) and len(set(own)) == len(own) and all(isinstance(n, str) for n in own):
        names = own
    values = {name: rng.standard_normal(p.shape).astype(numpy.float16) for name, p in zip(names, target.local.params)}
    worker_numpy(student, "savez", "judge.npz", **values)
    before = target.remote.ids("params"), leaf_ids(target.leaves, "params")
    student.call("load_params", target.remote, "judge.npz")
    if leaf_ids(target.leaves, "params") != before[1] or target.remote.ids("params") != before[0]:
        fail(_("load_params replaced the model's arrays instead of writing into them"), LOAD_IN_PLACE)
    got = [as_array(_("a parameter"), p) for leaf in target.leaves for p in leaf.get("params")]
    if all(numpy.array_equal(g, w) for g, w in zip(got, target.local.params)):
        fail(_("load_params did not change the model's parameters"), LOAD_REBINDS)
    for i, (g, name) in enumerate(zip(got, names)):
        if g.dtype != numpy.float32:
            fail(_("after load_params, the parameter named {name} is {dtype}; the model's float32 arrays must "
                   "stay float32").format(name=name, dtype=g.dtype), LOAD_KEEPS_DTYPE)
        compare(_("the parameter named {name} after load_params").format(name=name), g,
                values[name].astype(numpy.float32),
                rtol=0, atol=0)


# -- 6. host and device ----------------------------------------------------------------------------------

def device_model(student, rng):
    """Sequential(Sequential(Affine(3, 4), Relu), shared Affine(4, 4), Relu, tie(shared)), with gradients."""
    r1, rs = affine_pair(student, rng, 3, 4)[0], affine_pair(student, rng, 4, 4)[0]
    inner = student.new("Sequential", r1, student.new("Relu"))
    twin = student.call("tie", rs)  # the trusted tie: to_cpu and to_gpu come after it
    model = student.new("Sequential", inner, rs, student.new("Relu"), twin)
    model.call("forward", rng.standard_normal((5, 3)))
    model.call("backward", rng.standard_normal((5, 4)))
    built = Built(model, None, [r1, rs, twin])
    built.inner = inner
    return built


def snapshot(built):
    return [[numpy.asarray(p).copy() for p in leaf.get(attr)] for leaf in built.leaves for attr in ("params", "grads")]


def on_host(value):
    """A NumPy array in the worker (a CuPy array arrives as a handle, or as a DeviceArray)."""
    return isinstance(value, numpy.ndarray) and not isinstance(value, DeviceArray)


# What a conversion was, in the sentences that follow it ("after {what}, ..."); "to_cpu" is a name.
TO_GPU_AND_BACK = N_("to_gpu and then to_cpu")
FAILED_TO_GPU = N_("a failed to_gpu")


def host_arrays(built, what):
    """Every array of the leaves is a NumPy array after `what` (its calls, translated)."""
    for k, leaf in enumerate(built.leaves):
        for attr in ("params", "grads"):
            for j, a in enumerate(leaf.get(attr)):
                if not on_host(a):
                    fail(_("after {what}, {attr}[{j}] of parameterised layer {k} is a {kind}, not a NumPy "
                           "array").format(what=what, attr=attr, j=j, k=k,
                                           kind=getattr(a, "type_name", type(a).__name__)))


def identity_rules(built, what):
    expect_lists(built, _("after {what}, the model").format(what=what), REFRESH)
    inner = Built(built.inner, None, built.leaves[:1])
    expect_lists(inner, _("after {what}, the inner Sequential").format(what=what), REFRESH)
    if built.leaves[1].ids("params") != built.leaves[2].ids("params"):
        fail(_("after {what}, the tied layers hold different arrays").format(what=what), CONVERT_SHARED_ONCE)


@check(id="to_cpu.identity_rules", target="to_cpu", points=2)
def test_to_cpu(student, rng):
    built = device_model(student, rng)
    before = snapshot(built)
    result = student.call("to_cpu", built.remote)
    host_arrays(built, "to_cpu")
    identity_rules(built, "to_cpu")
    for k, (got, want) in enumerate(zip(snapshot(built), before)):
        for j, (g, w) in enumerate(zip(got, want)):
            compare(_("{what}: array {j} of list {k}").format(what="to_cpu", j=j, k=k), g, w, rtol=0, atol=0)
    if not isinstance(result, RemoteObject) or result.ids("params") != built.remote.ids("params"):
        fail(_("to_cpu(model) should return the model"))


@check(id="to_gpu.moves_or_fails_loudly", target="to_gpu", points=1)
def test_to_gpu(student, rng):
    """Without CuPy (or without a device in the sandbox) to_gpu must raise and leave the model alone;
    with one, the model moves to CuPy arrays, keeps its ties and comes back with to_cpu unchanged."""
    built = device_model(student, rng)
    before = snapshot(built)
    ids_before = [leaf.ids(attr) for leaf in built.leaves for attr in ("params", "grads")]
    try:
        student.call("to_gpu", built.remote)
    except StudentRaised as exc:
        if not not_a_stub(exc):
            raise
        text = f"{exc.type_name} {exc.message}".lower()
        if not any(word in text for word in NO_GPU_WORDS):
            fail(_("to_gpu raised {error}; without CuPy it should raise an error that says CuPy or a GPU "
                   "is missing").format(error=exc.sentence()), NO_GPU_RAISE)
        host_arrays(built, _(FAILED_TO_GPU))
        if [leaf.ids(attr) for leaf in built.leaves for attr in ("params", "grads")] != ids_before:
            fail(_("to_gpu failed, but only after it had replaced some arrays of the model"), NO_GPU_CHANGES_NOTHING)
        return
    arrays = [a for leaf in built.leaves for a in leaf.get("params")]
    if all(on_host(a) for a in arrays):
        fail(_("to_gpu returned, but the parameters are still NumPy arrays; without CuPy and a GPU it must raise "
               "instead of pretending"), NO_GPU_NO_PRETENDING)
    if built.leaves[1].ids("params") != built.leaves[2].ids("params"):
        fail(_("after {what}, the tied layers hold different arrays").format(what="to_gpu"), CONVERT_ONCE)
    student.call("to_cpu", built.remote)
    host_arrays(built, _(TO_GPU_AND_BACK))
    identity_rules(built, _(TO_GPU_AND_BACK))
    for k, (got, want) in enumerate(zip(snapshot(built), before)):
        for j, (g, w) in enumerate(zip(got, want)):
            compare(_("to_gpu then to_cpu: array {j} of list {k}").format(j=j, k=k), g, w, rtol=0, atol=0)
