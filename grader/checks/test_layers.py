"""Hidden checks for the `layers` assignment (second book ch. 1, first book ch. 5).

Every check builds fresh objects in the worker, feeds them random inputs with
non-unit upstream gradients, and compares with the reference; numerical checks
differentiate the submission's own forward against its own backward.
"""
import numpy
import pytest
from backprop_lab_check.gradcheck import gradient_agrees
from backprop_lab_check.i18n import N_, _
from backprop_lab_check.outcomes import StudentRaised
from backprop_lab_check.tolerances import FLOAT32, GRAD_TOL
from backprop_lab_check.verdicts import OWN_FLOAT64, as_array, compare, fail, grads_in_place, unchanged

from grader.judge.device import (device_array, device_list, device_scalar, f32, f64, host_device_errors,
                                 on_devices, promotions_note, same_as_own)
from grader.runtime.protocol import on_device as to_device

check = pytest.mark.check


def part(owner, label):
    """A label for `label` of `owner`: "MulLayer.backward's dx"."""
    return _("{name}'s {label}").format(name=owner, label=label)


def away_from_zero(rng, shape, margin=0.1):
    """Inputs whose elements stay clear of Relu's kink under small perturbations."""
    x = rng.standard_normal(shape)
    return numpy.where(numpy.abs(x) < margin, numpy.sign(x + 1e-12) * margin, x)


def own_float64(student, name, params, x, dout):
    """forward and backward of the submission's own `name` in float64, on float64 copies of the
    float32 inputs, and its grads: what its float32 run must agree with (a formula mistake is the
    same in both, and is charged by the checks of the formula)."""
    layer = student.new(name, *[p.astype(numpy.float64) for p in params])
    out, dx = forward_backward(layer, x.astype(numpy.float64), dout.astype(numpy.float64))
    return out, dx, (layer.get("grads") if params else [])


def forward_backward(layer, x, dout):
    """forward(x) then backward(dout) on a remote layer, checking neither touches its argument."""
    out, (x_after,) = layer.call("forward", x, keep_args=True)
    unchanged(_("{method}'s argument {name}").format(method=f"{layer.type_name}.forward", name="x"), x, x_after)
    dx, (dout_after,) = layer.call("backward", dout, keep_args=True)
    unchanged(_("{method}'s argument {name}").format(method=f"{layer.type_name}.backward", name="dout"), dout,
              dout_after)
    return out, dx


def check_numerical(layer, x, dout, check_id, evidence, rng, params=(), mistakes=None):
    """The layer's own backward against central differences of its own forward, for dx and each
    parameter; `mistakes` ({"dx": [(wrong value, hint)], ...}) name known wrong gradients."""
    name = layer.type_name
    layer.call("forward", x)
    dx = layer.call("backward", dout)
    grads = layer.get("grads") if params else []
    tensors = [("dx", ["arg", 0], x, dx)] + [
        (f"d{label}", ["param", ["params", i]], value, as_array(f"{name}.grads[{i}]", grads[i]))
        for i, (label, value) in enumerate(params)]
    for label, wrt, base, analytic in tensors:
        gradient_agrees(layer, _("{name}: backward's {label}").format(name=name, label=label), analytic, wrt, base,
                        [x], dout, rng=rng,
                        mistakes=(mistakes or {}).get(label, ()),
                        record=evidence.gradient(check_id, f"{name}.{label}", GRAD_TOL))


# -- MulLayer and AddLayer: the apple example and arrays ------------------------

@check(id="mul.apple", target="MulLayer", points=1)
def test_mul_apple(student):
    mul_apple, mul_tax = student.new("MulLayer"), student.new("MulLayer")
    price = mul_tax.call("forward", mul_apple.call("forward", 100, 2), 1.1)
    dprice, dtax = mul_tax.call("backward", 1)
    dapple, dapple_num = mul_apple.call("backward", dprice)
    for name, got, want in [("price", price, 220), ("dapple", dapple, 2.2),
                            ("dapple_num", dapple_num, 110), ("dtax", dtax, 200)]:
        compare(_("apple example: {name}").format(name=name), got, want, rtol=1e-9)


@check(id="mul.arrays", target="MulLayer", points=2)
def test_mul_arrays(student, rng):
    x, y, dout = rng.standard_normal((3, 4, 5))
    layer = student.new("MulLayer")
    compare("MulLayer.forward", layer.call("forward", x, y), x * y)
    dx, dy = layer.call("backward", dout)
    swapped = N_("dx and dy are swapped: dx = dout * y and dy = dout * x")
    compare(part("MulLayer.backward", "dx"), dx, dout * y, mistakes=[(dout * x, swapped)])
    compare(part("MulLayer.backward", "dy"), dy, dout * x, mistakes=[(dout * y, swapped)])


@check(id="add.forward", target="AddLayer", points=1)
def test_add_forward(student, rng):
    x, y = rng.standard_normal((2, 3, 4))
    compare("AddLayer.forward", student.new("AddLayer").call("forward", x, y), x + y)


@check(id="add.backward", target="AddLayer", points=1)
def test_add_backward(student, rng):
    x, y, dout = rng.standard_normal((3, 3, 4))
    layer = student.new("AddLayer")
    layer.call("forward", x, y)
    dx, dy = layer.call("backward", dout)
    compare(part("AddLayer.backward", "dx"), dx, dout)
    compare(part("AddLayer.backward", "dy"), dy, dout)


# -- Repeat and Sum ---------------------------------------------------------------

@check(id="repeat.forward", target="Repeat", points=1)
def test_repeat_forward(student, rng):
    x = rng.standard_normal((1, 5))
    compare("Repeat(4).forward", student.new("Repeat", 4).call("forward", x), numpy.repeat(x, 4, axis=0))


@check(id="repeat.backward", target="Repeat", points=2)
def test_repeat_backward(student, rng):
    x, dout = rng.standard_normal((1, 5)), rng.standard_normal((4, 5))
    layer = student.new("Repeat", 4)
    dx = forward_backward(layer, x, dout)[1]
    compare("Repeat.backward", dx, dout.sum(axis=0, keepdims=True),
            mistakes=[(dout.sum(axis=0), N_("sum with keepdims=True so dx keeps the shape (1, D) of x")),
                      (dout.mean(axis=0, keepdims=True), N_("the branch's gradients add up: use sum, not mean"))])


@check(id="sum.forward", target="Sum", points=1)
def test_sum_forward(student, rng):
    x = rng.standard_normal((4, 5))
    compare("Sum.forward", student.new("Sum").call("forward", x), x.sum(axis=0, keepdims=True),
            mistakes=[(x.sum(axis=0), N_("sum with keepdims=True so the output has shape (1, D)"))])


@check(id="sum.backward", target="Sum", points=2)
def test_sum_backward(student, rng):
    x, dout = rng.standard_normal((4, 5)), rng.standard_normal((1, 5))
    layer = student.new("Sum")
    dx = forward_backward(layer, x, dout)[1]
    compare("Sum.backward", dx, numpy.repeat(dout, 4, axis=0),
            mistakes=[(numpy.repeat(dout, 4, axis=0) / 4,
                       N_("Sum's backward copies dout to every row; it does not divide by N")),
                      (dout, N_("every row of x went into the sum: dx repeats dout to all N rows, "
                                "np.repeat(dout, N, axis=0), keeping the shape (N, D) of x"))])


# -- MatMul and Affine --------------------------------------------------------------

ZEROS_LIKE = N_("create the gradient arrays with np.zeros_like(param)")


def check_api(student, name, params, x, dout):
    """params holds the given arrays; after one forward/backward, grads matches params
    array for array in shape and dtype (constructing alone earns nothing)."""
    layer = student.new(name, *params)
    forward_backward(layer, x, dout)
    got_params, got_grads = layer.get("params"), layer.get("grads")
    if not isinstance(got_params, list) or not isinstance(got_grads, list):
        fail(_("{name}.params and {name}.grads must be lists of arrays").format(name=name))
    if len(got_params) != len(params) or len(got_grads) != len(params):
        fail(_("{name} should have {count} params and {count} grads, has {params} and {grads}").format(
            name=name, count=len(params), params=len(got_params), grads=len(got_grads)))
    for i, (p, g, want) in enumerate(zip(got_params, got_grads, params)):
        compare(f"{name}.params[{i}]", p, want, rtol=0, atol=0)
        g = as_array(f"{name}.grads[{i}]", g)
        if g.shape != want.shape or g.dtype != want.dtype:
            fail(_("{name}.grads[{i}] has shape {got_shape} and dtype {got_dtype}; it must match params[{i}] "
                   "({shape}, {dtype})").format(name=name, i=i, got_shape=g.shape, got_dtype=g.dtype,
                                                 shape=want.shape, dtype=want.dtype), ZEROS_LIKE)
    return layer


@check(id="matmul.api", target="MatMul", points=1)
def test_matmul_api(student, rng):
    check_api(student, "MatMul", [rng.standard_normal((3, 5))], rng.standard_normal((4, 3)),
              rng.standard_normal((4, 5)))


@check(id="matmul.forward", target="MatMul", points=1)
def test_matmul_forward(student, rng, ref):
    W, x = rng.standard_normal((3, 5)), rng.standard_normal((4, 3))
    out, (x_after,) = student.new("MatMul", W).call("forward", x, keep_args=True)
    unchanged(_("{method}'s argument {name}").format(method="MatMul.forward", name="x"), x, x_after)
    compare("MatMul.forward", out, x @ W)


@check(id="matmul.backward", target="MatMul", points=2)
def test_matmul_backward(student, rng, ref):
    W, x, dout = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    layer = student.new("MatMul", W)
    dx = forward_backward(layer, x, dout)[1]
    compare(part("MatMul.backward", "dx"), dx, dout @ W.T)
    compare(part("MatMul", "dW (grads[0])"), layer.get("grads", 0), x.T @ dout,
            mistakes=[(numpy.zeros_like(W), N_("grads[0] is still zero: write dW into it in place, "
                                               "self.grads[0][...] = dW")),
                      ((x.T @ dout).T, N_("dW is transposed: dW = x.T @ dout"))])


@check(id="matmul.numerical", target="MatMul", points=1)
def test_matmul_numerical(student, rng, evidence, check_id):
    W, x, dout = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    check_numerical(student.new("MatMul", W), x, dout, check_id, evidence, rng, params=[("W", W)])


@check(id="matmul.grads_in_place", target="MatMul", points=1)
def test_matmul_grads_in_place(student, rng):
    grads_in_place(student, "MatMul", [rng.standard_normal((3, 5))],
                         rng.standard_normal((4, 3)), rng.standard_normal((4, 5)))


DB_MEAN = N_("db is the SUM of dout over the batch (axis 0), not the mean")
DW_MEAN = N_("dW is not divided by the batch size: dW = x.T @ dout")
ZERO_GRAD = N_("the gradient array is still zero: write into it in place, self.grads[i][...] = ...")


def affine_case(rng, N=4, D=3, H=5, dtype=numpy.float64):
    W, b = rng.standard_normal((D, H)), rng.standard_normal(H)
    x, dout = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    return [a.astype(dtype) for a in (W, b, x, dout)]


@check(id="affine.api", target="Affine", points=1)
def test_affine_api(student, rng):
    W, b, x, dout = affine_case(rng)
    check_api(student, "Affine", [W, b], x, dout)


@check(id="affine.forward", target="Affine", points=1)
def test_affine_forward(student, rng):
    for N, D, H in [(4, 3, 5), (1, 6, 2)]:
        W, b, x = affine_case(rng, N, D, H)[:3]
        out, (x_after,) = student.new("Affine", W, b).call("forward", x, keep_args=True)
        unchanged(_("{method}'s argument {name}").format(method="Affine.forward", name="x"), x, x_after)
        compare(f"Affine.forward (N={N}, D={D}, H={H})", out, x @ W + b,
                mistakes=[(x @ W, N_("the bias b is missing from the output: out = x @ W + b"))])


@check(id="affine.backward", target="Affine", points=2)
def test_affine_backward(student, rng, ref):
    for N, D, H in [(4, 3, 5), (7, 2, 3)]:
        W, b, x, dout = affine_case(rng, N, D, H)
        layer = student.new("Affine", W, b)
        dx = forward_backward(layer, x, dout)[1]
        compare(part("Affine.backward", "dx"), dx, dout @ W.T)
        dW, db = layer.get("grads", 0), layer.get("grads", 1)
        compare(part("Affine", "dW (grads[0])"), dW, x.T @ dout,
                mistakes=[(numpy.zeros_like(W), ZERO_GRAD), ((x.T @ dout) / N, DW_MEAN)])
        compare(part("Affine", "db (grads[1])"), db, dout.sum(axis=0),
                mistakes=[(dout.mean(axis=0), DB_MEAN),
                          (numpy.zeros_like(b), ZERO_GRAD),
                          (dout.sum(axis=1), N_("sum dout over the batch axis: db = dout.sum(axis=0)"))])


@check(id="affine.numerical", target="Affine", points=1)
def test_affine_numerical(student, rng, evidence, check_id):
    for N, D, H in [(3, 4, 2), (16, 20, 12)]:
        W, b, x, dout = affine_case(rng, N, D, H)
        check_numerical(student.new("Affine", W, b), x, dout, check_id, evidence, rng,
                        params=[("W", W), ("b", b)], mistakes={"db": [(dout.mean(axis=0), DB_MEAN)],
                                                               "dW": [((x.T @ dout) / N, DW_MEAN)]})


@check(id="affine.grads_in_place", target="Affine", points=1)
def test_affine_grads_in_place(student, rng):
    W, b, x, dout = affine_case(rng)
    grads_in_place(student, "Affine", [W, b], x, dout)


@check(id="affine.float32", target="Affine", points=1)
def test_affine_float32(student, rng):
    W, b, x, dout = affine_case(rng, dtype=numpy.float32)
    layer = student.new("Affine", W, b)
    out, dx = forward_backward(layer, x, dout)
    own_out, own_dx, own_grads = own_float64(student, "Affine", [W, b], x, dout)
    compare("Affine.forward (float32)", out, own_out, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)
    compare(part("Affine.backward", "dx (float32)"), dx, own_dx, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)
    for i, label in enumerate(["dW", "db"]):
        compare(part("Affine", f"{label} (float32)"), layer.get("grads", i),
                own_grads[i], dtype=numpy.float32,
                against=OWN_FLOAT64, **FLOAT32)


# -- activations -----------------------------------------------------------------------

SIGMOID_PRECEDENCE = N_("operator precedence: 1 / 1 + np.exp(-x) is 1 + exp(-x); the sigmoid is "
                        "1 / (1 + np.exp(-x))")


def sigmoid_mistakes(x, dout):
    """Known wrong backward results (what the mistake in forward or backward gives)."""
    y, wrong_y = 1 / (1 + numpy.exp(-x)), 1 + numpy.exp(-x)
    return [(dout * x * (1 - x), N_("the derivative uses the OUTPUT y = sigmoid(x): dx = dout * y * (1 - y), "
                                    "with y saved in forward, not the input x")),
            (dout * y, N_("dx = dout * y * (1 - y): the (1 - y) factor is missing")),
            (y * (1 - y), N_("multiply by the upstream gradient dout")),
            (dout * (1 - wrong_y) * wrong_y, SIGMOID_PRECEDENCE)]


@check(id="sigmoid.forward", target="Sigmoid", points=1)
def test_sigmoid_forward(student, rng):
    x = rng.standard_normal((4, 6)) * 3
    out, (x_after,) = student.new("Sigmoid").call("forward", x, keep_args=True)
    unchanged(_("{method}'s argument {name}").format(method="Sigmoid.forward", name="x"), x, x_after)
    compare("Sigmoid.forward", out, 1 / (1 + numpy.exp(-x)), mistakes=[(1 + numpy.exp(-x), SIGMOID_PRECEDENCE)])


@check(id="sigmoid.backward", target="Sigmoid", points=2)
def test_sigmoid_backward(student, rng):
    x, dout = rng.standard_normal((2, 4, 6))
    y = 1 / (1 + numpy.exp(-x))
    dx = forward_backward(student.new("Sigmoid"), x, dout)[1]
    compare("Sigmoid.backward", dx, dout * y * (1 - y), mistakes=sigmoid_mistakes(x, dout))


@check(id="sigmoid.numerical", target="Sigmoid", points=1)
def test_sigmoid_numerical(student, rng, evidence, check_id):
    x, dout = rng.standard_normal((2, 3, 4))
    check_numerical(student.new("Sigmoid"), x, dout, check_id, evidence, rng,
                    mistakes={"dx": sigmoid_mistakes(x, dout)})


@check(id="sigmoid.float32", target="Sigmoid", points=1)
def test_sigmoid_float32(student, rng):
    x, dout = rng.standard_normal((2, 4, 6)).astype(numpy.float32)
    out, dx = forward_backward(student.new("Sigmoid"), x, dout)
    own_out, own_dx = own_float64(student, "Sigmoid", [], x, dout)[:2]
    compare("Sigmoid.forward (float32)", out, own_out, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)
    compare("Sigmoid.backward (float32)", dx, own_dx, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)


MASK_INVERTED = N_("the mask is inverted: Relu keeps x (and passes dout) where x > 0 and zeroes where x <= 0, "
                   "self.mask = (x <= 0); out[self.mask] = 0")


@check(id="relu.forward", target="Relu", points=1)
def test_relu_forward(student, rng):
    x = away_from_zero(rng, (4, 6))
    compare("Relu.forward", student.new("Relu").call("forward", x), numpy.maximum(x, 0),
            mistakes=[(numpy.where(x > 0, 0, x), MASK_INVERTED), (numpy.minimum(x, 0), MASK_INVERTED)])


@check(id="relu.backward", target="Relu", points=1)
def test_relu_backward(student, rng):
    x, dout = away_from_zero(rng, (4, 6)), rng.standard_normal((4, 6))
    layer = student.new("Relu")
    layer.call("forward", x)
    compare("Relu.backward", layer.call("backward", dout), numpy.where(x > 0, dout, 0),
            mistakes=[(numpy.where(x > 0, 1.0, 0), N_("multiply the mask by dout: dx = dout where x > 0, else 0")),
                      (numpy.where(x > 0, 0, dout), MASK_INVERTED)])


@check(id="relu.arguments_unchanged", target="Relu", points=1)
def test_relu_arguments_unchanged(student, rng):
    x, dout = away_from_zero(rng, (4, 6)), rng.standard_normal((4, 6))
    forward_backward(student.new("Relu"), x, dout)


@check(id="tanh.forward", target="Tanh", points=1)
def test_tanh_forward(student, rng):
    x = rng.standard_normal((3, 5)) * 2
    compare("Tanh.forward", student.new("Tanh").call("forward", x), numpy.tanh(x))


@check(id="tanh.backward", target="Tanh", points=1)
def test_tanh_backward(student, rng):
    x, dout = rng.standard_normal((2, 3, 5))
    y = numpy.tanh(x)
    dx = forward_backward(student.new("Tanh"), x, dout)[1]
    compare("Tanh.backward", dx, dout * (1 - y ** 2), mistakes=tanh_mistakes(x, dout))


def tanh_mistakes(x, dout):
    y = numpy.tanh(x)
    return [(dout * (1 - x ** 2), N_("the derivative of tanh is 1 - tanh(x)**2: use the saved output, not x")),
            (dout * (1 - numpy.tanh(y) ** 2), N_("dx = dout * (1 - y**2) with y the output saved in forward: y is "
                                                 "already tanh(x), do not apply tanh to it again")),
            (1 - y ** 2, N_("multiply by the upstream gradient dout"))]


@check(id="tanh.numerical", target="Tanh", points=1)
def test_tanh_numerical(student, rng, evidence, check_id):
    x, dout = rng.standard_normal((2, 3, 4))
    check_numerical(student.new("Tanh"), x, dout, check_id, evidence, rng, mistakes={"dx": tanh_mistakes(x, dout)})


# -- Softmax and SoftmaxWithLoss ---------------------------------------------------------

def softmax64(x):
    e = numpy.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


NEAR_1000 = N_("{method} on logits near 1000")
NOT_FINITE_NEAR_1000 = N_("{method} returns nan or inf for logits near 1000")
UNSTABLE = N_("np.exp overflows for large inputs: subtract the row maximum first, "
               "exp(x - x.max(axis=-1, keepdims=True))")


LAST_AXIS = N_("normalise over the LAST axis, axis=-1 with keepdims=True: the input may have any number of "
               "dimensions (a batch of rows, a batch of sequences), and axis=1 is the last one only in 2-D")


def softmax_over(x, axis):
    e = numpy.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_mistakes(x):
    """What a softmax normalising over the wrong axes, or not handling a 3-D input, returns."""
    axes = [axis for axis in range(x.ndim - 1)] + [None]
    return [(softmax_over(x, axis), LAST_AXIS) for axis in axes] + [(x, LAST_AXIS)]


@check(id="softmax.forward", target="Softmax", points=1)
def test_softmax_forward(student, rng):
    for x in (rng.standard_normal((4, 5)) * 2, rng.standard_normal((2, 3, 4)) * 2):
        out, (x_after,) = student.new("Softmax").call("forward", x, keep_args=True)
        unchanged(_("{method}'s argument {name}").format(method="Softmax.forward", name="x"), x, x_after)
        compare(_("{method} of a {ndim}-D input {shape}").format(method="Softmax.forward", ndim=x.ndim, shape=x.shape),
                out, softmax64(x), mistakes=softmax_mistakes(x))


@check(id="softmax.stable", target="Softmax", points=1)
def test_softmax_stable(student, rng):
    for x, label, not_finite in [
            (numpy.array([[1010.0, 1000.0, 990.0]]), N_("{method} on [1010, 1000, 990]"),
             N_("{method} returns nan or inf for [1010, 1000, 990]")),
            (1000 + rng.standard_normal((3, 4)), NEAR_1000, NOT_FINITE_NEAR_1000)]:
        label = _(label).format(method="Softmax.forward")
        got = as_array(label, student.new("Softmax").call("forward", x))
        if got.shape == x.shape and not numpy.all(numpy.isfinite(got)):
            fail(_(not_finite).format(method="Softmax.forward"), UNSTABLE)
        compare(label, got, softmax64(x), mistakes=softmax_mistakes(x))


def softmax_backward_mistakes(x, dout):
    y = softmax64(x)
    wrong_axes = [(y * dout - y * (y * dout).sum(axis=axis, keepdims=True), LAST_AXIS)
                  for axis in range(x.ndim - 1)]
    return wrong_axes + [(y * dout, N_("dx = y * dout - y * sum(y * dout, axis=-1): the second term is missing")),
                         (dout * y * (1 - y), N_("softmax's outputs depend on every input of the row: the Jacobian is "
                                                 "diag(y) - y y^T, not the elementwise y * (1 - y)"))]


@check(id="softmax.backward", target="Softmax", points=2)
def test_softmax_backward(student, rng):
    x, dout = rng.standard_normal((2, 2, 3, 4))
    y = softmax64(x)
    dx = forward_backward(student.new("Softmax"), x, dout)[1]
    compare(_("{method} of a 3-D input").format(method="Softmax.backward"), dx,
            y * dout - y * (y * dout).sum(axis=-1, keepdims=True),
            mistakes=softmax_backward_mistakes(x, dout))


@check(id="softmax.numerical", target="Softmax", points=1)
def test_softmax_numerical(student, rng, evidence, check_id):
    x, dout = rng.standard_normal((2, 2, 3, 4))
    check_numerical(student.new("Softmax"), x, dout, check_id, evidence, rng,
                    mistakes={"dx": softmax_backward_mistakes(x, dout)})


@check(id="softmax.float32", target="Softmax", points=1)
def test_softmax_float32(student, rng):
    x, dout = rng.standard_normal((2, 2, 3, 4)).astype(numpy.float32)
    out, dx = forward_backward(student.new("Softmax"), x, dout)
    own_out, own_dx = own_float64(student, "Softmax", [], x, dout)[:2]
    compare("Softmax.forward (float32)", out, own_out, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)
    compare("Softmax.backward (float32)", dx, own_dx, dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)


def loss_case(rng, N=5, C=4, scale=2.0, dtype=numpy.float64):
    x = (rng.standard_normal((N, C)) * scale).astype(dtype)
    labels = rng.integers(0, C, size=N)
    return x, labels, numpy.eye(C, dtype=numpy.int32)[labels]


def cross_entropy64(x, labels):
    y = softmax64(x.astype(numpy.float64))
    return float(-numpy.log(y[numpy.arange(len(labels)), labels] + 1e-7).mean())


ONE_HOT = N_("t may be one-hot (N, C) or labels (N,): convert one-hot targets with t.argmax(axis=1)")
MEAN_LOSS = N_("the loss is the MEAN over the batch: divide by N")
WITH_LABELS = N_("{method} with labels")
WITH_ONE_HOT = N_("{method} with one-hot targets")
DIVIDE_N = N_("divide by the batch size: dx = (y - t) / N, because the loss is a mean")


@check(id="softmax_with_loss.forward_labels", target="SoftmaxWithLoss", points=1)
def test_swl_forward_labels(student, rng):
    x, labels = loss_case(rng)[:2]
    loss, (x_after, t_after) = student.new("SoftmaxWithLoss").call("forward", x, labels, keep_args=True)
    unchanged(_("{method}'s argument {name}").format(method="SoftmaxWithLoss.forward", name="x"), x, x_after)
    unchanged(_("{method}'s argument {name}").format(method="SoftmaxWithLoss.forward", name="t"), labels, t_after)
    compare(_(WITH_LABELS).format(method="SoftmaxWithLoss.forward"), loss, cross_entropy64(x, labels), rtol=1e-5,
            mistakes=[(cross_entropy64(x, labels) * len(labels), MEAN_LOSS)])


@check(id="softmax_with_loss.forward_onehot", target="SoftmaxWithLoss", points=1)
def test_swl_forward_onehot(student, rng):
    x, labels, onehot = loss_case(rng)
    student.new("SoftmaxWithLoss").call("forward", x, labels)  # a forward that fails on labels too is no one-hot matter
    try:
        loss = student.new("SoftmaxWithLoss").call("forward", x, onehot)
    except StudentRaised as exc:
        fail(_("with one-hot targets (labels work), {problem}").format(problem=exc.sentence()), ONE_HOT)
    compare(_(WITH_ONE_HOT).format(method="SoftmaxWithLoss.forward"), loss, cross_entropy64(x, labels), rtol=1e-5,
            mistakes=[(cross_entropy64(x, labels) * len(labels), MEAN_LOSS)])


@check(id="softmax_with_loss.stable", target="SoftmaxWithLoss", points=1)
def test_swl_stable(student, rng):
    x, labels = loss_case(rng, scale=1.0)[:2]
    x = x + 1000
    loss = student.new("SoftmaxWithLoss").call("forward", x, labels)
    if not numpy.isfinite(numpy.asarray(loss, dtype=numpy.float64)).all():
        fail(_(NOT_FINITE_NEAR_1000).format(method="SoftmaxWithLoss.forward"), UNSTABLE)
    compare(_(NEAR_1000).format(method="SoftmaxWithLoss.forward"), loss, cross_entropy64(x, labels), rtol=1e-5,
            mistakes=[(cross_entropy64(x, labels) * len(labels), MEAN_LOSS)])


@check(id="softmax_with_loss.backward", target="SoftmaxWithLoss", points=2)
def test_swl_backward(student, rng):
    for use_onehot in (False, True):
        x, labels, onehot = loss_case(rng)
        layer = student.new("SoftmaxWithLoss")
        layer.call("forward", x, onehot if use_onehot else labels)
        dx = layer.call("backward")
        diff = softmax64(x) - numpy.eye(x.shape[1])[labels]
        label = _(WITH_ONE_HOT if use_onehot else WITH_LABELS).format(method="SoftmaxWithLoss.backward()")
        compare(label, dx, diff / len(labels),
                mistakes=[(diff, DIVIDE_N),
                          (softmax64(x) / len(labels),
                           ONE_HOT if use_onehot else N_("subtract 1 at each sample's label"))])


@check(id="softmax_with_loss.backward_dout", target="SoftmaxWithLoss", points=1)
def test_swl_backward_dout(student, rng):
    x, labels = loss_case(rng)[:2]
    layer = student.new("SoftmaxWithLoss")
    layer.call("forward", x, labels)
    diff = softmax64(x) - numpy.eye(x.shape[1])[labels]
    compare("SoftmaxWithLoss.backward(dout=2.5)", layer.call("backward", 2.5), 2.5 * diff / len(labels),
            mistakes=[(diff / len(labels), N_("multiply by the upstream gradient: dx = dout * (y - t) / N")),
                      (2.5 * diff, DIVIDE_N)])


@check(id="softmax_with_loss.float32", target="SoftmaxWithLoss", points=1)
def test_swl_float32(student, rng):
    x, labels, onehot = loss_case(rng, dtype=numpy.float32)
    layer, own = student.new("SoftmaxWithLoss"), student.new("SoftmaxWithLoss")
    loss, own_loss = layer.call("forward", x, onehot), own.call("forward", x.astype(numpy.float64), onehot)
    compare("SoftmaxWithLoss.forward (float32)", loss, as_array(_("the float64 loss"), own_loss), against=OWN_FLOAT64,
            **FLOAT32)
    compare(_("{method} (float32 logits, int32 one-hot targets)").format(method="SoftmaxWithLoss.backward"),
            layer.call("backward"),
            as_array(_("the float64 dx"), own.call("backward")), dtype=numpy.float32, against=OWN_FLOAT64, **FLOAT32)


# -- on a device: float32 with np bound to CuPy, and to its emulation (judge/device.py) --------------

@pytest.mark.parametrize("on_device", on_devices("affine", "Affine"), indirect=True)
def test_affine_on_device(on_device, student, rng):
    device, cpu = on_device, student
    W, b, x, dout = f32(rng.standard_normal((6, 5)), rng.standard_normal(5), rng.standard_normal((8, 6)),
                        rng.standard_normal((8, 5)))
    with host_device_errors():
        layer = device.new("Affine", to_device(W), to_device(b))
        out = device_array(_("{method}'s output").format(method="Affine.forward"), layer.call("forward", to_device(x)))
        dx = device_array(part("Affine.backward", "dx"), layer.call("backward", to_device(dout)))
        grads = device_list("Affine.grads", layer.get("grads"), 2)
    own = cpu.new("Affine", *f64(W, b))
    same_as_own("Affine.forward", out, own.call("forward", *f64(x)))
    same_as_own(part("Affine.backward", "dx"), dx, own.call("backward", *f64(dout)))
    for i, (label, got) in enumerate(zip(("dW (grads[0])", "db (grads[1])"), grads)):
        same_as_own(part("Affine", label), got, own.get("grads", i))
    promotions_note(device, "Affine")


@pytest.mark.parametrize("on_device", on_devices("sigmoid", "Sigmoid"), indirect=True)
def test_sigmoid_on_device(on_device, student, rng):
    device, cpu = on_device, student
    x, dout = f32(rng.standard_normal((8, 6)) * 3, rng.standard_normal((8, 6)))
    with host_device_errors():
        layer = device.new("Sigmoid")
        out = device_array(_("{method}'s output").format(method="Sigmoid.forward"), layer.call("forward", to_device(x)))
        dx = device_array(part("Sigmoid.backward", "dx"), layer.call("backward", to_device(dout)))
    own = cpu.new("Sigmoid")
    same_as_own("Sigmoid.forward", out, own.call("forward", *f64(x)))
    same_as_own("Sigmoid.backward", dx, own.call("backward", *f64(dout)))
    promotions_note(device, "Sigmoid")


@pytest.mark.parametrize("on_device", on_devices("softmax_with_loss", "SoftmaxWithLoss"), indirect=True)
def test_softmax_with_loss_on_device(on_device, student, rng):
    device, cpu = on_device, student
    N, C = 8, 4
    x = f32(rng.standard_normal((N, C)) * 2)[0]
    labels = rng.integers(0, C, size=N)
    # each kind of targets with its own sentences (Korean puts the kind elsewhere in the sentence)
    for t, device_dx, with_targets in (
            (numpy.eye(C, dtype=numpy.int32)[labels],
             N_("{method}'s dx (float32 logits, int32 one-hot targets)"), N_("{method} with int32 one-hot targets")),
            (labels, N_("{method}'s dx (float32 logits, labels)"), WITH_LABELS)):
        with host_device_errors():
            layer = device.new("SoftmaxWithLoss")
            loss = device_scalar(_("{method}'s loss").format(method="SoftmaxWithLoss.forward"),
                                 layer.call("forward", to_device(x), to_device(t)))
            dx = device_array(_(device_dx).format(method="SoftmaxWithLoss.backward"), layer.call("backward"))
        own = cpu.new("SoftmaxWithLoss")
        same_as_own(_(with_targets).format(method="SoftmaxWithLoss.forward"), loss, own.call("forward", *f64(x), t))
        same_as_own(_(with_targets).format(method="SoftmaxWithLoss.backward"), dx, own.call("backward"))
    promotions_note(device, "SoftmaxWithLoss")
