"""Visible checks of the `layers` notebook: known values, the layers' own numerical
gradients, in-place gradients, untouched arguments and float32."""
import numpy

from ..gradcheck import gradient_agrees
from ..i18n import N_, _
from ..outcomes import StudentRaised
from ..registry import visible
from ..verdicts import as_array, call_pure, fail, grads_in_place
from .common import expect, keeps_float32, no_weights, pair

SWAPPED = N_("dx and dy are swapped: dx = dout * y and dy = dout * x")
ZERO_GRAD = N_("the gradient array is still zero: write into it in place, self.grads[i][...] = ...")
UNSTABLE = N_("np.exp overflows for large inputs: subtract the row maximum first, "
               "exp(x - x.max(axis=-1, keepdims=True))")
ZEROS_LIKE = N_("create the gradient arrays with np.zeros_like(param)")


def part(owner, label):
    """A label for `label` of `owner`: "MulLayer.backward's dx"."""
    return _("{name}'s {label}").format(name=owner, label=label)


def gradient_of(layer, label):
    """What gradient_agrees calls a layer's gradient: "Affine: backward's dW (grads[0])"."""
    return _("{name}: backward's {label}").format(name=layer.type_name, label=label)


# -- MulLayer and AddLayer ------------------------------------------------------------

@visible(id="mul.apple", target="MulLayer")
def mul_apple(kernel, rng):
    """2 apples at 100 each, tax 1.1: the book's example."""
    mul_apple, mul_tax = kernel.new("MulLayer"), kernel.new("MulLayer")
    price = mul_tax.call("forward", mul_apple.call("forward", 100, 2), 1.1)
    expect(_("apple example: {name}").format(name="price"), price, 220.0)
    dsubtotal, dtax = pair("MulLayer.backward", mul_tax.call("backward", 1))
    dapple, dapple_num = pair("MulLayer.backward", mul_apple.call("backward", dsubtotal))
    expect(_("apple example: the tax node's dx (d price / d subtotal)"), dsubtotal, 1.1, mistakes=[(200.0, SWAPPED)])
    expect(_("apple example: {name}").format(name="dtax"), dtax, 200.0, mistakes=[(1.1, SWAPPED)])
    expect(_("apple example: {name}").format(name="dapple"), dapple, 2.2, mistakes=[(110.0, SWAPPED)])
    expect(_("apple example: {name}").format(name="dapple_num"), dapple_num, 110.0, mistakes=[(2.2, SWAPPED)])


@visible(id="mul.arrays", target="MulLayer")
def mul_arrays(kernel, rng):
    x, y, dout = rng.standard_normal((3, 3, 4)).astype(numpy.float32)
    layer = kernel.new("MulLayer")
    no_weights(layer)
    out = call_pure(layer, "forward", x, y)
    expect("MulLayer.forward", out, x * y, dtype=numpy.float32)
    dx, dy = pair("MulLayer.backward", call_pure(layer, "backward", dout))
    expect(part("MulLayer.backward", "dx"), dx, dout * y, dtype=numpy.float32, mistakes=[(dout * x, SWAPPED)])
    expect(part("MulLayer.backward", "dy"), dy, dout * x, dtype=numpy.float32, mistakes=[(dout * y, SWAPPED)])


@visible(id="add.fruit", target="AddLayer")
def add_fruit(kernel, rng):
    """Apples (200) plus oranges (450): the add node passes dout to both sides unchanged."""
    layer = kernel.new("AddLayer")
    expect("AddLayer.forward(200, 450)", layer.call("forward", 200, 450), 650.0)
    dapple, dorange = pair("AddLayer.backward", layer.call("backward", 1.1))
    expect(part("AddLayer.backward(1.1)", "dx"), dapple, 1.1)
    expect(part("AddLayer.backward(1.1)", "dy"), dorange, 1.1)


@visible(id="add.arrays", target="AddLayer")
def add_arrays(kernel, rng):
    x, y, dout = rng.standard_normal((3, 2, 5)).astype(numpy.float32)
    layer = kernel.new("AddLayer")
    no_weights(layer)
    expect("AddLayer.forward", call_pure(layer, "forward", x, y), x + y, dtype=numpy.float32)
    dx, dy = pair("AddLayer.backward", call_pure(layer, "backward", dout))
    expect(part("AddLayer.backward", "dx"), dx, dout, dtype=numpy.float32)
    expect(part("AddLayer.backward", "dy"), dy, dout, dtype=numpy.float32)


# -- Repeat and Sum ------------------------------------------------------------------------

@visible(id="repeat.forward", target="Repeat")
def repeat_forward(kernel, rng):
    x = rng.standard_normal((1, 3))
    layer = kernel.new("Repeat", 4)
    no_weights(layer)
    expect(_("Repeat(4).forward of a (1, 3) row"), call_pure(layer, "forward", x), numpy.tile(x, (4, 1)))
    keeps_float32("Repeat.forward", (_("the output"), kernel.new("Repeat", 2).call("forward", x.astype(numpy.float32))))


@visible(id="repeat.backward", target="Repeat")
def repeat_backward(kernel, rng):
    x, dout = rng.standard_normal((1, 3)), rng.standard_normal((4, 3))
    layer = kernel.new("Repeat", 4)
    layer.call("forward", x)
    dx = call_pure(layer, "backward", dout)
    gradient_agrees(layer, gradient_of(layer, "dx"), dx, ["arg", 0], x, [x], dout, mistakes=[
        (dout.sum(axis=0), N_("sum with keepdims=True so dx keeps the shape (1, D) of x")),
        (dout.mean(axis=0, keepdims=True), N_("the branches' gradients add up: use sum, not mean"))])


@visible(id="sum.forward", target="Sum")
def sum_forward(kernel, rng):
    x = rng.standard_normal((4, 3))
    layer = kernel.new("Sum")
    no_weights(layer)
    expect(_("Sum().forward of a (4, 3) array"), call_pure(layer, "forward", x), x.sum(axis=0, keepdims=True),
            mistakes=[(x.sum(axis=0), N_("sum with keepdims=True so the output has shape (1, D)"))])
    keeps_float32("Sum.forward", (_("the output"), kernel.new("Sum").call("forward", x.astype(numpy.float32))))


@visible(id="sum.backward", target="Sum")
def sum_backward(kernel, rng):
    x, dout = rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    layer = kernel.new("Sum")
    layer.call("forward", x)
    dx = call_pure(layer, "backward", dout)
    gradient_agrees(layer, gradient_of(layer, "dx"), dx, ["arg", 0], x, [x], dout, mistakes=[
        (numpy.repeat(dout, 4, axis=0) / 4, N_("Sum's backward copies dout to every row; it does not divide by N"))])


# -- MatMul and Affine ------------------------------------------------------------------------

def weighted(kernel, name, params, x, dout):
    """A layer built from `params`, after one forward and backward, with its grads checked
    for count, shape and dtype."""
    layer = kernel.new(name, *params)
    grads = layer.get("grads")
    if not isinstance(grads, list) or len(grads) != len(params):
        fail(_("{name}.grads should be a list of {count} array(s), one per parameter").format(
            name=name, count=len(params)))
    call_pure(layer, "forward", x)
    call_pure(layer, "backward", dout)
    for i, (g, p) in enumerate(zip(layer.get("grads"), params)):
        g = as_array(f"{name}.grads[{i}]", g)
        if g.shape != p.shape or g.dtype != p.dtype:
            fail(_("{name}.grads[{i}] has shape {got_shape} and dtype {got_dtype}; it must match params[{i}] "
                   "({shape}, {dtype})").format(name=name, i=i, got_shape=g.shape, got_dtype=g.dtype, shape=p.shape,
                                                 dtype=p.dtype), ZEROS_LIKE)
    return layer


def float32_layer(kernel, name, *arrays):
    """forward and backward of `name` built from float32 `arrays` (params..., x, dout)."""
    *params, x, dout = [a.astype(numpy.float32) for a in arrays]
    layer = kernel.new(name, *params)
    out = layer.call("forward", x)
    dx = layer.call("backward", dout)
    grads = layer.get("grads") or []
    keeps_float32(name, (_("forward's output"), out), (_("backward's dx"), dx),
                  *((f"grads[{i}]", g) for i, g in enumerate(grads)))


@visible(id="matmul.forward", target="MatMul")
def matmul_forward(kernel, rng):
    W, x = rng.standard_normal((3, 5)), rng.standard_normal((4, 3))
    layer = kernel.new("MatMul", W)
    expect("MatMul.params[0]", layer.get("params", 0), W, rtol=0, atol=0)
    expect("MatMul.forward", call_pure(layer, "forward", x), x @ W)


@visible(id="matmul.gradients", target="MatMul")
def matmul_gradients(kernel, rng):
    W, x, dout = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    layer = weighted(kernel, "MatMul", [W], x, dout)
    dx = layer.call("backward", dout)
    gradient_agrees(layer, gradient_of(layer, "dx"), dx, ["arg", 0], x, [x], dout)
    gradient_agrees(layer, gradient_of(layer, "dW (grads[0])"), layer.get("grads", 0), ["param", ["params", 0]], W,
                    [x], dout, mistakes=[(numpy.zeros_like(W), ZERO_GRAD)])


@visible(id="matmul.grads_in_place", target="MatMul")
def matmul_grads_in_place(kernel, rng):
    grads_in_place(kernel, "MatMul", [rng.standard_normal((3, 2))], rng.standard_normal((2, 3)),
                   rng.standard_normal((2, 2)))


@visible(id="matmul.float32", target="MatMul")
def matmul_float32(kernel, rng):
    float32_layer(kernel, "MatMul", rng.standard_normal((3, 5)), rng.standard_normal((4, 3)),
                  rng.standard_normal((4, 5)))


@visible(id="affine.forward", target="Affine")
def affine_forward(kernel, rng):
    W, b, x = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((5, 4))
    layer = kernel.new("Affine", W, b)
    expect("Affine.forward", call_pure(layer, "forward", x), x @ W + b,
            mistakes=[(x @ W, N_("the bias b is missing from the output: out = x @ W + b"))])


@visible(id="affine.gradients", target="Affine")
def affine_gradients(kernel, rng):
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer = weighted(kernel, "Affine", [W, b], x, dout)
    dx = layer.call("backward", dout)
    gradient_agrees(layer, gradient_of(layer, "dx"), dx, ["arg", 0], x, [x], dout)
    gradient_agrees(layer, gradient_of(layer, "dW (grads[0])"), layer.get("grads", 0), ["param", ["params", 0]], W,
                    [x], dout, mistakes=[(numpy.zeros_like(W), ZERO_GRAD),
                                         (x.T @ dout / 5, N_("dW is not divided by the batch size"))])
    gradient_agrees(layer, gradient_of(layer, "db (grads[1])"), layer.get("grads", 1), ["param", ["params", 1]], b,
                    [x], dout,
                    mistakes=[(dout.mean(axis=0), N_("db is the SUM of dout over the batch (axis 0), not the mean")),
                              (numpy.zeros_like(b), ZERO_GRAD)])


@visible(id="affine.grads_in_place", target="Affine")
def affine_grads_in_place(kernel, rng):
    grads_in_place(kernel, "Affine", [rng.standard_normal((3, 2)), rng.standard_normal(2)],
                   rng.standard_normal((2, 3)), rng.standard_normal((2, 2)))


@visible(id="affine.float32", target="Affine")
def affine_float32(kernel, rng):
    float32_layer(kernel, "Affine", rng.standard_normal((4, 3)), rng.standard_normal(3),
                  rng.standard_normal((5, 4)), rng.standard_normal((5, 3)))


# -- activations ------------------------------------------------------------------------------

def activation_gradient(kernel, name, x, rng, mistakes=()):
    dout = rng.standard_normal(x.shape)
    layer = kernel.new(name)
    no_weights(layer)
    call_pure(layer, "forward", x)
    dx = call_pure(layer, "backward", dout)
    y = numpy.asarray(layer.call("forward", x))
    gradient_agrees(layer, gradient_of(layer, "dx"), dx, ["arg", 0], x, [x], dout,
                    mistakes=[(wrong(x, y, dout), hint) for wrong, hint in mistakes])


def activation_float32(kernel, name, rng):
    x, dout = rng.standard_normal((2, 3, 4)).astype(numpy.float32)
    layer = kernel.new(name)
    keeps_float32(name, (_("forward's output"), layer.call("forward", x)),
                  (_("backward's dx"), layer.call("backward", dout)))


@visible(id="sigmoid.known_values", target="Sigmoid")
def sigmoid_known_values(kernel, rng):
    expect("Sigmoid.forward([0, 2, -2])", kernel.new("Sigmoid").call("forward", numpy.array([0.0, 2.0, -2.0])),
            [0.5, 0.8807970779778823, 0.11920292202211755], rtol=1e-12)


@visible(id="sigmoid.gradient", target="Sigmoid")
def sigmoid_gradient(kernel, rng):
    activation_gradient(kernel, "Sigmoid", rng.standard_normal((4, 5)), rng, mistakes=[
        (lambda x, y, d: d * x * (1 - x), N_("the derivative uses the OUTPUT y = sigmoid(x): dx = dout * y * (1 - y), "
                                             "with y saved in forward, not the input x")),
        (lambda x, y, d: d * y, N_("dx = dout * y * (1 - y): the (1 - y) factor is missing")),
        (lambda x, y, d: y * (1 - y), N_("multiply by the upstream gradient dout"))])


@visible(id="sigmoid.float32", target="Sigmoid")
def sigmoid_float32(kernel, rng):
    activation_float32(kernel, "Sigmoid", rng)


@visible(id="relu.known_values", target="Relu")
def relu_known_values(kernel, rng):
    x = numpy.array([[-1.5, 0.5], [2.0, -0.25]])
    dout = numpy.array([[10.0, 20.0], [30.0, 40.0]])
    layer = kernel.new("Relu")
    no_weights(layer)
    expect("Relu.forward", call_pure(layer, "forward", x), [[0.0, 0.5], [2.0, 0.0]],
            mistakes=[(x, N_("negative inputs become 0: out = x where x > 0, else 0"))])
    expect("Relu.backward", call_pure(layer, "backward", dout), [[0.0, 20.0], [30.0, 0.0]],
            mistakes=[((x > 0).astype(float), N_("multiply the mask by dout: dx = dout where x > 0, else 0"))])


@visible(id="relu.gradient", target="Relu")
def relu_gradient(kernel, rng):
    x = rng.standard_normal((4, 5))
    activation_gradient(kernel, "Relu", numpy.where(numpy.abs(x) < 0.1, 0.5, x), rng)


@visible(id="relu.float32", target="Relu")
def relu_float32(kernel, rng):
    activation_float32(kernel, "Relu", rng)


@visible(id="tanh.known_values", target="Tanh")
def tanh_known_values(kernel, rng):
    expect("Tanh.forward([0, 1])", kernel.new("Tanh").call("forward", numpy.array([0.0, 1.0])),
            [0.0, 0.7615941559557649], rtol=1e-12)


@visible(id="tanh.gradient", target="Tanh")
def tanh_gradient(kernel, rng):
    activation_gradient(kernel, "Tanh", rng.standard_normal((4, 5)), rng, mistakes=[
        (lambda x, y, d: d * (1 - x ** 2),
         N_("the derivative of tanh is 1 - tanh(x)**2: use the saved output, not x"))])


@visible(id="tanh.float32", target="Tanh")
def tanh_float32(kernel, rng):
    activation_float32(kernel, "Tanh", rng)


# -- Softmax and SoftmaxWithLoss ------------------------------------------------------------------

@visible(id="softmax.known_values", target="Softmax")
def softmax_known_values(kernel, rng):
    expect("Softmax.forward([[0, log 3]])", kernel.new("Softmax").call("forward", numpy.array([[0.0, numpy.log(3.0)]])),
            [[0.25, 0.75]], rtol=1e-12,
            mistakes=[([[1.0, 1.0]], N_("normalise each row (axis=-1, keepdims=True), not each column"))])
    x3 = rng.standard_normal((2, 3, 4))
    y3 = as_array("Softmax.forward", call_pure(kernel.new("Softmax"), "forward", x3))
    expect(_("the sums over the last axis of {method} of a (2, 3, 4) array").format(method="Softmax.forward"),
           y3.sum(axis=-1),
            numpy.ones((2, 3)), rtol=1e-12)


@visible(id="softmax.stable", target="Softmax")
def softmax_stable(kernel, rng):
    y = as_array("Softmax.forward([[1010, 1000, 990]])",
                 kernel.new("Softmax").call("forward", numpy.array([[1010.0, 1000.0, 990.0]])))
    if not numpy.all(numpy.isfinite(y)):
        fail(_("{method} returns nan or inf for [[1010, 1000, 990]]").format(method="Softmax.forward"), UNSTABLE)
    expect("Softmax.forward([[1010, 1000, 990]])", y,
            [[0.999954600070331, 4.539786860886666e-05, 2.061060046209062e-09]], rtol=1e-10)


@visible(id="softmax.gradient", target="Softmax")
def softmax_gradient(kernel, rng):
    for shape in [(4, 6), (2, 3, 4)]:
        activation_gradient(kernel, "Softmax", rng.standard_normal(shape), rng, mistakes=[
            (lambda x, y, d: y * d, N_("dx = y * dout - y * sum(y * dout, axis=-1): the second term is missing")),
            (lambda x, y, d: d * y * (1 - y), N_("softmax's outputs depend on every input of the row: the Jacobian "
                                                 "is diag(y) - y y^T, not the elementwise y * (1 - y)"))])


@visible(id="softmax.float32", target="Softmax")
def softmax_float32(kernel, rng):
    activation_float32(kernel, "Softmax", rng)


SCORES = numpy.array([[0.3, 2.9, 4.0], [0.2, 1.0, 5.0]])
LABELS = numpy.array([2, 1])
LOSS = 2.165953947540052
DX = [[0.009105636647773765, 0.12259590646753696, -0.13170154311531068],
      [0.004008467215262049, -0.4910789921519141, 0.48707052493665204]]
ONE_HOT = N_("t may be one-hot (N, C) or labels (N,): convert one-hot targets with t.argmax(axis=1)")
MEAN = N_("the loss is the MEAN over the batch: divide by N")


@visible(id="softmax_with_loss.uniform", target="SoftmaxWithLoss")
def swl_uniform(kernel, rng):
    loss = kernel.new("SoftmaxWithLoss").call("forward", numpy.zeros((2, 3)), numpy.array([0, 2]))
    if not isinstance(loss, float):
        fail(_("{method} must return a Python float, got {kind}").format(method="SoftmaxWithLoss.forward",
                                                                          kind=type(loss).__name__),
             N_("return float(...) of the mean loss"))
    expect(_("the loss of uniform scores over 3 classes (log 3)"), loss, numpy.log(3.0), rtol=1e-6,
            mistakes=[(2 * numpy.log(3.0), MEAN)])


@visible(id="softmax_with_loss.known_values", target="SoftmaxWithLoss")
def swl_known_values(kernel, rng):
    # each kind of targets with its own sentences (Korean puts the kind elsewhere in the sentence)
    for targets, raised, with_targets in [
            (LABELS, N_("with labels, {problem}"), N_("{method} with labels")),
            (numpy.eye(3, dtype=numpy.int32)[LABELS], N_("with one-hot targets, {problem}"),
             N_("{method} with one-hot targets"))]:
        layer = kernel.new("SoftmaxWithLoss")
        try:
            loss = call_pure(layer, "forward", SCORES, targets)
        except StudentRaised as exc:
            fail(_(raised).format(problem=exc.sentence()), ONE_HOT if targets.ndim == 2 else None)
        expect(_(with_targets).format(method="SoftmaxWithLoss.forward"), loss, LOSS, rtol=1e-10,
               mistakes=[(2 * LOSS, MEAN)])
        expect(_(with_targets).format(method="SoftmaxWithLoss.backward()"), layer.call("backward"), DX, rtol=1e-10,
               atol=1e-14,
               mistakes=[(numpy.multiply(DX, 2), N_("divide by the batch size: dx = (y - t) / N, because the loss is a "
                                                    "mean"))])
    expect("SoftmaxWithLoss.backward(2.0)", layer.call("backward", 2.0), numpy.multiply(DX, 2.0), rtol=1e-10,
           atol=1e-14, mistakes=[(DX, N_("multiply by the upstream gradient: dx = dout * (y - t) / N"))])


@visible(id="softmax_with_loss.gradient", target="SoftmaxWithLoss")
def swl_gradient(kernel, rng):
    x, labels = rng.standard_normal((5, 4)), rng.integers(0, 4, size=5)
    layer = kernel.new("SoftmaxWithLoss")
    layer.call("forward", x, labels)
    gradient_agrees(layer, gradient_of(layer, "dx"), layer.call("backward"), ["arg", 0], x, [x, labels])


@visible(id="softmax_with_loss.stable", target="SoftmaxWithLoss")
def swl_stable(kernel, rng):
    loss = kernel.new("SoftmaxWithLoss").call("forward", numpy.array([[1000.0, 0.0, -1000.0]]), numpy.array([1]))
    if not numpy.all(numpy.isfinite(as_array("SoftmaxWithLoss.forward", loss))):
        fail(_("{method} returns nan or inf for the scores [[1000, 0, -1000]]").format(
            method="SoftmaxWithLoss.forward"), UNSTABLE)


@visible(id="softmax_with_loss.float32", target="SoftmaxWithLoss")
def swl_float32(kernel, rng):
    layer = kernel.new("SoftmaxWithLoss")
    layer.call("forward", rng.standard_normal((3, 4)).astype(numpy.float32), numpy.array([0, 1, 3]))
    keeps_float32("SoftmaxWithLoss", (_("backward's dx"), layer.call("backward")))
