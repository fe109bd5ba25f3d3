"""What the `blocks` assignment's visible checks (checks/blocks.py) and hidden checks
(grader/checks/test_blocks.py) both say, written once: the hints for known mistakes, the
bounds an initialiser's random draws must fall in, and the rule that a container's lists hold
its layers' own arrays.

The judge imports this module, so it holds no visible check (those register themselves when
imported, and the judge must not load them: tests/test_layout.py).
"""
import numpy

from ..i18n import N_, _
from ..outcomes import StudentRaised
from ..verdicts import as_array, call_pure, compare, fail

# -- Sequential ----------------------------------------------------------------------------
COPIED = N_("collect the layers' own arrays, params += layer.params and grads += layer.grads; a copy is "
            "not updated by the optimizer and does not see the gradients backward writes")
REVERSE_ORDER = N_("go through the layers in reverse order: for layer in reversed(self.layers)")
INDEXING = N_("return self.layers[index]")


def holds_layers_arrays(container, leaves, what, hint):
    """Fail unless `container.params` and `.grads` are exactly the arrays of `leaves` (the layers
    with parameters under it, in order). Both are handles on objects of the submission (the
    hidden grader's RemoteObject or the visible checks' LocalObject); identity is read with ids.
    `what` names the container in the message: an identifier or a label translated by the caller."""
    for attr in ("params", "grads"):
        got, want = container.ids(attr), [i for leaf in leaves for i in leaf.ids(attr)]
        if len(got) != len(want):
            fail(_("{what}.{attr} has {count} arrays; its layers have {expected}").format(
                what=what, attr=attr, count=len(got), expected=len(want)), hint)
        if got != want:
            fail(_("{what}.{attr} does not hold its layers' own arrays").format(what=what, attr=attr), hint)


# -- named_params and init_params -------------------------------------------------------------
NAMES_RECURSE = N_("recurse into every nested block (a layer that has `layers`), passing the prefix on: its layers "
                   "get names that start with its index, named_params(layer, f\"{prefix}{i}.\"), so "
                   "model[0][2].params[0] is \"0.2.0\"")
INIT_NESTED = N_("init_params must reach every layer with parameters, also those inside nested "
                 "containers: recurse into every layer that has `layers`")
INIT_SINGLE_LAYER = N_("a single layer is a model too: call init(model) when it has no `layers` but has params")

# -- initialisers ------------------------------------------------------------------------------
IN_PLACE = N_("write into the existing arrays (p[...] = ...) instead of putting new arrays into the lists")
NORMAL_STD_SQUARED = N_("std is the standard deviation: np.random.normal(0, self.std, p.shape), not std**2")
CONSTANT_SETS_BIASES = N_("Constant sets the weights; the biases (1-D) become zero")
# Bounds on an initialiser's random draws, loose enough for any correct way of drawing: the
# standard deviation of 60,000 draws (a DRAWS_SHAPE weight matrix) is within 0.3% of the true one
# and their mean within 0.004 standard deviations (one sigma each).
DRAWS_SHAPE = (300, 200)
STD_WITHIN = 0.05                  # measured std / asked std within 1 +- this
NORMAL_MEAN_WITHIN = 0.1           # |mean| / asked std at most this
MY_LINEAR_W_MEAN_WITHIN = 0.02
MY_LINEAR_B_STD_WITHIN = 0.25      # MyLinear's bias has only 200 draws: one sigma is 5%
MY_LINEAR_W = N_("W = np.random.randn(in_units, units)")
MY_LINEAR_B = N_("b = np.random.randn(units)")


def std_fits(values, std, within=STD_WITHIN):
    """Whether the standard deviation of `values` is `std` to within a fraction `within`."""
    return abs(float(values.std()) / std - 1) < within


def mean_fits(values, std, within):
    """Whether the mean of `values`, drawn with standard deviation `std`, is near enough to 0."""
    return abs(float(values.mean())) <= within * std


# -- custom layers -----------------------------------------------------------------------------
def judge_my_linear_init(target):
    """The verdict on MyLinear(*DRAWS_SHAPE) built by `target` (the student's kernel or the
    submission in the worker): lists of the right shapes, W and b drawn from N(0, 1)."""
    layer = target.new("MyLinear", *DRAWS_SHAPE)
    params = [as_array(f"MyLinear.params[{i}]", p) for i, p in enumerate(layer.get("params"))]
    grads = [as_array(f"MyLinear.grads[{i}]", g) for i, g in enumerate(layer.get("grads"))]
    shapes = [DRAWS_SHAPE, DRAWS_SHAPE[1:]]
    if [p.shape for p in params] != shapes or [g.shape for g in grads] != shapes:
        fail(_("MyLinear{size}: params {params} and grads {grads}; expected {shapes} for both").format(
            size=DRAWS_SHAPE, params=[p.shape for p in params], grads=[g.shape for g in grads], shapes=shapes))
    W, b = params
    if not std_fits(W, 1.0) or not mean_fits(W, 1.0, MY_LINEAR_W_MEAN_WITHIN):
        fail(_("MyLinear's W has mean {mean:.3g} and standard deviation {std:.3g}; the book draws it "
               "from N(0, 1)").format(mean=W.mean(), std=W.std()), MY_LINEAR_W)
    if not std_fits(b, 1.0, MY_LINEAR_B_STD_WITHIN):
        fail(_("MyLinear's b has standard deviation {std:.3g}; the book draws it from N(0, 1) too").format(
            std=b.std()), MY_LINEAR_B)


def my_linear_with(target, rng, m, n):
    """MyLinear(m, n) built by `target` with random W and b written into its params; returns
    (handle, W, b)."""
    layer = target.new("MyLinear", m, n)
    params = layer.get("params")
    if not isinstance(params, list) or [numpy.shape(p) for p in params] != [(m, n), (n,)]:
        fail(_("MyLinear({m}, {n}).params should be [W of shape {w_shape}, b of shape {b_shape}]").format(
            m=m, n=n, w_shape=(m, n), b_shape=(n,)))
    W, b = rng.standard_normal((m, n)), rng.standard_normal(n) * 0.5
    layer.set_item("params", 0, value=W)
    layer.set_item("params", 1, value=b)
    return layer, W, b


CENTER_ALL_NOT_ROWS = N_("subtract the mean of ALL elements, x.mean(), not of each row")
CENTER_ALL_NOT_COLUMNS = N_("subtract the mean of ALL elements, x.mean(), not of each column")
CENTER_THROUGH_THE_MEAN = N_("every output depends on every input through the mean: dx = dout - dout.mean()")
CENTER_ALL_OF_DOUT = N_("subtract the mean of all of dout, dout.mean()")
MY_LINEAR_RELU = N_("MyLinear ends with a ReLU: np.maximum(x @ W + b, 0)")
MY_LINEAR_MASK = N_("the ReLU passes gradient only where x @ W + b > 0: multiply dout by that mask first")
MY_LINEAR_GRADS_IN_PLACE = N_("write them in place: self.grads[0][...] = dW")
MY_LINEAR_GRADS_UNWRITTEN = N_("write dW and db into self.grads")
MY_LINEAR_DB_SUM = N_("db is the SUM of the masked dout over the batch")

# -- tie and remove_duplicate -------------------------------------------------------------------
TIE_SAME_ARRAYS = N_("the twin must hold the SAME arrays (copy.copy, not copy.deepcopy, then "
                     "twin.params = list(layer.params))")
TIE_OWN_GRADS = N_("give the twin its own gradient arrays: twin.grads = [np.zeros_like(g) for g in layer.grads]")
TIE_SEPARATE_OBJECT = N_("the twin must be a separate object with its own cache and gradients; the same "
                         "object used twice overwrites what its first use stored")
DUPLICATE_IS_IDENTITY = N_("an array is a duplicate only when it is the same object: params[j] is params[i], not ==")
DUPLICATE_ON_COPIES = N_("remove_duplicate works on copies of the lists: params, grads = list(params), list(grads)")
# The known wrong ways of remove_duplicate, by what the optimizer then sees.
DUPLICATE_KEPT = N_("the shared array was updated twice: remove every later occurrence of the same array "
                    "(params[j] is params[i]) before the optimizer steps")
DUPLICATE_SUMMED_KEPT = N_("the duplicate stays in the lists: after adding its gradient to the first "
                           "occurrence's, delete it (del params[j], grads[j]) so that the shared array is "
                           "updated once")
DUPLICATE_GRADIENT_DROPPED = N_("add the gradient of every duplicate to the first occurrence's gradient before "
                                "dropping it: the shared weight's gradient is the sum over its uses")
DUPLICATE_BY_VALUE = N_("two different arrays with equal values (here two zero biases) were merged: compare "
                        "with `is`, not by value")

# -- save_params and load_params ------------------------------------------------------------------
SAVE_TO_PATH = N_("write to the path you are given: np.savez(path, **{name: array})")
SAVE_AS_NPZ = N_("write it with np.savez(path, **{name: array})")
SAVE_FLOAT16 = N_("p.astype(np.float16): half the size of float32, and precise enough to use the network")
LOAD_IN_PLACE = N_("copy into the existing arrays, p[...] = data[name]: the layers, the model's lists and an "
                   "optimizer's state all refer to them")
LOAD_REBINDS = N_("p = data[name] only rebinds the loop variable: write into the array, p[...] = data[name]")
LOAD_KEEPS_DTYPE = N_("p[...] = data[name] converts the float16 values into p's own dtype")

# -- to_cpu and to_gpu ------------------------------------------------------------------------------
REFRESH = N_("after replacing the layers' arrays, rebuild every container's lists from its layers, in place: "
             "block.params[:] = [p for layer in block.layers for p in layer.params] (and grads), "
             "recursing into nested containers")
CONVERT_SHARED_ONCE = N_("convert each distinct array once and give every layer that held it the same new array "
                         "(remember the converted arrays by id of the original)")
CONVERT_ONCE = N_("convert each distinct array once (remember the converted arrays by id of the original)")
# What an error raised for a missing GPU says (any of these words, in any case).
NO_GPU_WORDS = ("cupy", "gpu", "cuda", "device")
NO_GPU_RAISE = N_("let as_cupy (or an explicit check of `cupy is None`) raise")
NO_GPU_CHANGES_NOTHING = N_("convert nothing until CuPy is known to work (the conversion of the first array raises)")
NO_GPU_NO_PRETENDING = N_("use as_cupy, which raises when there is no GPU")

# -- deferred initialisation ---------------------------------------------------------------------
LAZY_EMPTY = N_("a lazy layer cannot know its input width before it sees an input: leave params and grads empty "
                "([]) in __init__ and create W, b and their gradients in the first forward")
LAZY_SHAPES = N_("W has shape (x.shape[-1], units) and b shape (units,); grads holds zeros of the same shapes")
LAZY_RANDOM = N_("draw W at random, np.random.normal(0, 0.01, (in_units, units)): equal weights make every "
                 "output unit compute the same thing")
LAZY_BIAS = N_("the bias b starts at zero, and forward adds it: x @ W + b")
LAZY_ONCE = N_("create the parameters only on the first forward (when params is still empty), then keep them")
LAZY_OWN_ERROR = N_("check the width yourself before computing and raise a ValueError that says which width the "
                    "layer was built for and which it got; numpy's matmul error does not say which layer failed "
                    "or why")
LAZY_GRADS_IN_PLACE = N_("write the gradients into the arrays created in the first forward: self.grads[0][...] = dW")
LAZY_WIDTH, LAZY_UNITS = 5, 3
NUMPY_SHAPE_ERRORS = ("ValueError: matmul:", "ValueError: shapes (")   # x @ W and np.dot(x, W)


def shapes_in(value):
    """The shapes of a list of arrays, or what the value is instead of a list."""
    return [numpy.shape(a) for a in value] if isinstance(value, list) else _("a {kind}, not a list").format(
        kind=type(value).__name__)


def lazy_built(target, rng, units=LAZY_UNITS, width=LAZY_WIDTH):
    """LazyLinear(units) built by `target`, judged before and after its first forward of an input
    of `width` features: empty lists, then W (width, units), b (units,), their gradients, and
    x @ W + b of its own parameters. Returns (layer, x, W, b)."""
    layer = target.new("LazyLinear", units)
    if layer.get("params") != [] or layer.get("grads") != []:
        fail(_("LazyLinear({units}).params and .grads should be empty before the first forward").format(units=units),
             LAZY_EMPTY)
    x = rng.standard_normal((4, width))
    y = as_array(_("LazyLinear({units}).forward(x of shape {shape})").format(units=units, shape=x.shape),
                 call_pure(layer, "forward", x))
    params, grads = layer.get("params"), layer.get("grads")
    shapes = [(width, units), (units,)]
    if shapes_in(params) != shapes or shapes_in(grads) != shapes:
        fail(_("after forward(x of shape {shape}), LazyLinear({units}) has params {params} and grads {grads}; "
               "expected the shapes {shapes} for both").format(shape=x.shape, units=units, params=shapes_in(params),
                                                              grads=shapes_in(grads), shapes=shapes), LAZY_SHAPES)
    W, b = (as_array(f"LazyLinear.params[{i}]", p) for i, p in enumerate(params))
    if numpy.ptp(W) == 0:
        fail(_("LazyLinear's W starts with all its {count} weights equal to {value:.3g}").format(
            count=W.size, value=W.flat[0]), LAZY_RANDOM)
    compare(f"LazyLinear({units}).forward(x)", y, x @ W + b, against=N_("x @ W + b of the layer's own params"),
            mistakes=[(x @ W, LAZY_BIAS)])
    return layer, x, W, b


def judge_lazy_deferred(target, rng):
    """The first forward creates the parameters (b zero), a second forward of the same width
    reuses them, and a large layer's W is drawn with standard deviation 0.01."""
    layer, x, W, b = lazy_built(target, rng)
    if numpy.any(b != 0):
        fail(_("LazyLinear's b should start at zero"), LAZY_BIAS)
    before = layer.ids("params")
    call_pure(layer, "forward", rng.standard_normal((2, LAZY_WIDTH)))
    after = [as_array("LazyLinear.params[0]", p) for p in layer.get("params")]
    if layer.ids("params") != before or not numpy.array_equal(after[0], W):
        fail(_("a second forward of the same width replaced LazyLinear's parameters"), LAZY_ONCE)
    large = target.new("LazyLinear", DRAWS_SHAPE[1])
    call_pure(large, "forward", numpy.ones((1, DRAWS_SHAPE[0])))
    W = as_array("LazyLinear.params[0]", large.get("params", 0))
    if not std_fits(W, 0.01) or not mean_fits(W, 0.01, NORMAL_MEAN_WITHIN):
        fail(_("LazyLinear({units})'s W, created for inputs of width {width}, has mean {mean:.3g} and standard "
               "deviation {std:.3g}; expected N(0, 0.01^2)").format(units=DRAWS_SHAPE[1], width=DRAWS_SHAPE[0],
                                                                   mean=W.mean(), std=W.std()), LAZY_RANDOM)


def judge_lazy_width_change(target, rng):
    """An input of another width than the first raises, and leaves the parameters as they were."""
    layer, _x, W, _b = lazy_built(target, rng)
    widths = dict(width=LAZY_WIDTH, wider=LAZY_WIDTH + 2)
    try:
        layer.call("forward", rng.standard_normal((4, widths["wider"])))
    except StudentRaised as exc:
        if exc.type_name == "NotImplementedError":
            raise
        if exc.message.startswith(NUMPY_SHAPE_ERRORS):
            fail(_("LazyLinear built by an input of width {width}, then given one of width {wider}, stopped only at "
                   "numpy's own error ({error}...)").format(error=exc.message[:80], **widths), LAZY_OWN_ERROR)
    else:
        shapes = [numpy.shape(p) for p in layer.get("params")]
        fail(_("LazyLinear built by an input of width {width}, then given one of width {wider}, returned a result "
               "instead of raising an error (its params now have shapes {shapes})").format(shapes=shapes, **widths),
             LAZY_ONCE if shapes[0] != W.shape else LAZY_OWN_ERROR)
    after = as_array("LazyLinear.params[0]", layer.get("params", 0))
    if after.shape != W.shape or not numpy.array_equal(after, W):
        fail(_("LazyLinear built by an input of width {width}, then given one of width {wider}, raised, but changed "
               "its W first").format(**widths), LAZY_OWN_ERROR)


def judge_lazy_backward(target, rng):
    layer, x, W, b = lazy_built(target, rng)
    dout = rng.standard_normal((len(x), LAZY_UNITS))
    before = layer.ids("grads")
    dx = call_pure(layer, "backward", dout)
    compare("LazyLinear.backward(dout) (dx)", dx, dout @ W.T, against=N_("dout @ W.T of the layer's own W"))
    if layer.ids("grads") != before:
        fail(_("LazyLinear.backward replaced its gradient arrays"), LAZY_GRADS_IN_PLACE)
    dW, db = layer.get("grads")
    compare("LazyLinear.grads[0] (dW)", dW, x.T @ dout, against="x.T @ dout",
            mistakes=[(numpy.zeros_like(W), LAZY_GRADS_IN_PLACE)])
    compare("LazyLinear.grads[1] (db)", db, dout.sum(axis=0), against=N_("the column sums of dout"),
            mistakes=[(numpy.zeros_like(b), LAZY_GRADS_IN_PLACE),
                      (dout.mean(axis=0), N_("db is the SUM of dout over the batch"))])


LAYERS_OWN_PARAMS = N_("the layers' own params")


def judge_lazy_in_sequential(target, rng):
    """Sequential(LazyLinear(4), Relu(), LazyLinear(2)) of the submission: the first forward
    chains the shapes (the second layer learns its width from the first's output), and
    forward and backward agree with the layers' own parameters."""
    first, second = target.new("LazyLinear", 4), target.new("LazyLinear", 2)
    model = target.new("Sequential", first, target.new("Relu"), second)
    label = "Sequential(LazyLinear(4), Relu(), LazyLinear(2))"
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 2))
    y = as_array(_("{model}.forward(x of shape (6, 5))").format(model=label), model.call("forward", x))
    shapes = [shapes_in(layer.get("params")) for layer in (first, second)]
    if shapes != [[(5, 4), (4,)], [(4, 2), (2,)]]:
        fail(_("after a forward of x of shape (6, 5) through {model} the two layers have params of shapes {shapes}; "
               "expected [[(5, 4), (4,)], [(4, 2), (2,)]]").format(model=label, shapes=shapes), LAZY_SHAPES)
    (W1, b1), (W2, b2) = ([as_array("LazyLinear.params", p) for p in layer.get("params")] for layer in (first, second))
    h = numpy.maximum(x @ W1 + b1, 0)
    compare(f"{label}.forward(x)", y, h @ W2 + b2, against=LAYERS_OWN_PARAMS)
    dh = (dout @ W2.T) * (h > 0)
    compare(f"{label}.backward(dout)", model.call("backward", dout), dh @ W1.T, against=LAYERS_OWN_PARAMS)
    compare(_("the first LazyLinear's grads[0] after backward through the Sequential"), first.get("grads", 0),
            x.T @ dh, against=N_("x.T @ dout of that layer"))
