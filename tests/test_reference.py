"""The reference is the oracle: it must be right. Layers against numerical gradients in
float64, float32 within float32 tolerance, the books' numbers, the spiral run."""
import numpy
import pytest

import reference as ref
from reference import spiral

rng = numpy.random.default_rng(0)


def numeric_vs_analytic(layer, x, dout, tensors):
    """Central differences of sum(forward(x) * dout) against backward, for x and params."""
    layer.forward(x)
    dx = layer.backward(dout)
    analytic = {"x": dx, **{f"p{i}": g.copy() for i, g in enumerate(layer.grads)}}
    targets = {"x": x, **{f"p{i}": p for i, p in enumerate(layer.params)}}
    for name in tensors:
        numeric = ref.numerical_gradient(lambda: float(numpy.sum(layer.forward(x) * dout)), targets[name])
        assert ref.rel_error(analytic[name], numeric) < 1e-6, name


LAYERS = [
    (lambda: ref.MatMul(rng.standard_normal((3, 4))), (5, 3), (5, 4), ["x", "p0"]),
    (lambda: ref.Affine(rng.standard_normal((3, 4)), rng.standard_normal(4)), (5, 3), (5, 4), ["x", "p0", "p1"]),
    (lambda: ref.Sigmoid(), (4, 3), (4, 3), ["x"]),
    (lambda: ref.Tanh(), (4, 3), (4, 3), ["x"]),
    (lambda: ref.Softmax(), (4, 3), (4, 3), ["x"]),
    (lambda: ref.Repeat(4), (1, 3), (4, 3), ["x"]),
    (lambda: ref.Sum(), (4, 3), (1, 3), ["x"]),
]


@pytest.mark.parametrize("make, x_shape, out_shape, tensors", LAYERS, ids=lambda v: getattr(v, "__name__", ""))
def test_layer_gradients_float64(make, x_shape, out_shape, tensors):
    numeric_vs_analytic(make(), rng.standard_normal(x_shape), rng.standard_normal(out_shape), tensors)


def test_relu_gradient_away_from_the_kink():
    x = rng.standard_normal((4, 5))
    x[numpy.abs(x) < 0.1] = 0.5
    numeric_vs_analytic(ref.Relu(), x, rng.standard_normal((4, 5)), ["x"])


def test_softmax_with_loss_gradient_and_targets():
    x = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    onehot = numpy.eye(4, dtype=numpy.int32)[labels]
    layer = ref.SoftmaxWithLoss()
    loss = layer.forward(x, labels)
    assert loss == pytest.approx(ref.SoftmaxWithLoss().forward(x, onehot))
    assert loss == pytest.approx(ref.cross_entropy_error(ref.softmax(x), labels), rel=1e-6)
    dx = layer.backward()
    numeric = ref.numerical_gradient(lambda: layer.forward(x, labels), x)
    assert ref.rel_error(dx, numeric) < 1e-5
    layer.forward(x, labels)
    assert numpy.allclose(layer.backward(2.5), 2.5 * dx)


def test_apple_example():
    mul_apple, mul_tax = ref.MulLayer(), ref.MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    dprice, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dprice)
    assert (price, dapple, dapple_num, dtax) == pytest.approx((220, 2.2, 110, 200))


def test_stable_softmax():
    y = ref.softmax(numpy.array([1010.0, 1000.0, 990.0]))
    assert numpy.all(numpy.isfinite(y)) and y.sum() == pytest.approx(1)
    assert y == pytest.approx([9.99954600e-01, 4.53978686e-05, 2.06106005e-09], rel=1e-6)
    assert numpy.all(numpy.isfinite(ref.SoftmaxWithLoss().forward(numpy.full((2, 3), 1000.0) + numpy.eye(2, 3), numpy.array([0, 1]))))


@pytest.mark.parametrize("make, x_shape, out_shape, tensors", LAYERS[:5], ids=lambda v: getattr(v, "__name__", ""))
def test_layers_keep_float32(make, x_shape, out_shape, tensors):
    layer64 = make()
    layer32 = type(layer64)(*[p.astype(numpy.float32) for p in layer64.params]) if layer64.params else type(layer64)()
    x, dout = rng.standard_normal(x_shape), rng.standard_normal(out_shape)
    out32, out64 = layer32.forward(x.astype(numpy.float32)), layer64.forward(x)
    dx32, dx64 = layer32.backward(dout.astype(numpy.float32)), layer64.backward(dout)
    assert out32.dtype == dx32.dtype == numpy.float32
    assert all(g.dtype == numpy.float32 for g in layer32.grads)
    numpy.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-5)
    numpy.testing.assert_allclose(dx32, dx64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])
def test_optimizers_descend_in_place_and_keep_float32(name):
    """On f(x, y) = x**2 / 20 + y**2 from (-7, 2) every optimizer gets closer to the minimum."""
    optimizer = getattr(ref, name)(lr=0.1)
    p = numpy.array([-7.0, 2.0], dtype=numpy.float32)
    params = [p]
    for _ in range(100):
        optimizer.update(params, [numpy.array([p[0] / 10, 2 * p[1]], dtype=numpy.float32)])
    assert params[0] is p and p.dtype == numpy.float32
    assert p[0] ** 2 / 20 + p[1] ** 2 < 49 / 20 + 4


def test_nesterov_follows_bengio_eq7():
    opt = ref.Nesterov(lr=0.1, momentum=0.9)
    p, g = numpy.array([1.0]), numpy.array([2.0])
    opt.update([p], [g])
    assert p[0] == pytest.approx(1.0 - 1.9 * 0.1 * 2.0)  # v was 0: only -(1 + mu) lr g
    opt.update([p], [g])
    v = -0.2
    assert p[0] == pytest.approx(0.62 + 0.81 * v - 1.9 * 0.2)


def test_clip_grads_and_remove_duplicate():
    grads = [numpy.full((2, 2), 3.0), numpy.full(2, 4.0)]
    total = numpy.sqrt(4 * 9 + 2 * 16)
    ref.clip_grads(grads, 1.0)
    assert numpy.sqrt(sum((g ** 2).sum() for g in grads)) == pytest.approx(1.0, rel=1e-5)
    W = rng.standard_normal((3, 4))
    params, gs = ref.remove_duplicate([W, W, W.T.copy()], [numpy.ones((3, 4)), numpy.ones((3, 4)), numpy.ones((4, 3))])
    assert len(params) == 1 and numpy.all(gs[0] == 3) and total > 1


def test_spiral_data_matches_the_books_generator():
    x, t = spiral.load_data()
    assert x.shape == (300, 2) and t.shape == (300, 3) and t.dtype == numpy.int32
    assert numpy.all(t.sum(axis=1) == 1) and numpy.all(t[:100, 0] == 1)
    # The book's loop: one global-generator normal draw per point, class by class.
    numpy.random.seed(1984)
    j, i = 1, 50
    draws = numpy.random.randn(300)
    theta = j * 4.0 + 4.0 * i / 100 + draws[100 * j + i] * 0.2
    assert x[150] == pytest.approx([0.5 * numpy.sin(theta), 0.5 * numpy.cos(theta)])


@pytest.mark.parametrize("dtype", [numpy.float64, numpy.float32])
def test_spiral_training_with_the_books_hyperparameters(dtype):
    x, t = spiral.load_data()
    numpy.random.seed(1984)
    model = ref.TwoLayerNet(2, 10, 3, dtype=dtype)
    trainer = ref.Trainer(model, ref.SGD(lr=1.0))
    trainer.fit(x.astype(dtype), t, max_epoch=300, batch_size=30, eval_interval=10)
    accuracy = float(numpy.mean(model.predict(x.astype(dtype)).argmax(axis=1) == t.argmax(axis=1)))
    assert trainer.loss_list[-1] <= 0.15 and accuracy >= 0.95
    assert all(p.dtype == dtype for p in model.params)
    assert trainer.plot() is not None
