"""What only the emulated device does (grader/runtime/fakecupy.py): NumPy's seeded draws, the
record of float64 promotions; the wire format's device flag, the worker's device switch, and the
reference implementation running on the emulation. What it shares with CuPy is in
test_device_conformance.py, asserted of both."""
import numpy
import pytest

import reference
from grader.runtime import fakecupy as cp
from grader.runtime import protocol
from grader.sandbox import Sandbox, StudentRaised


@pytest.fixture(autouse=True)
def fresh_promotions():
    cp._take_promotions()
    yield
    cp._take_promotions()


def dev(array):
    return cp.asarray(numpy.asarray(array))


def same(device_array, expected):
    """Same dtype and values as NumPy's result, and still on the device."""
    assert isinstance(device_array, cp.ndarray), type(device_array)
    got = device_array.get()
    expected = numpy.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    numpy.testing.assert_array_equal(got, expected)


def test_random_draws_follow_numpys_seeded_generator_with_cupys_dtypes():
    cp.random.seed(3)
    got = [cp.random.randn(2, 3), cp.random.rand(4), cp.random.permutation(5), cp.random.choice(10, 3),
           cp.random.normal(0, 2, size=(2,)), cp.random.uniform(-1, 1, 3), cp.random.randn(2, dtype=numpy.float32)]
    numpy.random.seed(3)
    want = [numpy.random.randn(2, 3), numpy.random.rand(4), numpy.random.permutation(5), numpy.random.choice(10, 3),
            numpy.random.normal(0, 2, size=(2,)), numpy.random.uniform(-1, 1, 3),
            numpy.random.randn(2).astype(numpy.float32)]
    for g, w in zip(got, want):
        same(g, w)
    assert isinstance(cp.random.randn(), cp.ndarray) and cp.random.randn().ndim == 0
    rs = cp.random.RandomState(7)
    same(rs.randn(3), numpy.random.RandomState(7).randn(3))


# -- float64 promotions -----------------------------------------------------------------------

def run_as_cell(source, index, **names):
    """Run `source` as the worker runs a notebook cell (its filename names the cell)."""
    import linecache
    filename = f"<code cell {index}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": cp, **names}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def test_silent_float64_promotions_are_recorded_with_their_place_in_the_notebook():
    x = dev(numpy.ones((2, 3), numpy.float32))
    t = dev(numpy.eye(3, dtype=numpy.int32)[[0, 2]])
    run_as_cell("a = np.float64(1.0) - x\nb = x - t\nh = np.zeros(x.shape)\nh += x * x\n", 4, x=x, t=t)
    found = cp._take_promotions()
    assert found == [
        "numpy.float64 scalar - float32 array -> float64 at code cell 4, line 1: a = np.float64(1.0) - x",
        "float32 array - int32 array -> float64 at code cell 4, line 2: b = x - t",
        "float64 array += float32 array -> float64 at code cell 4, line 4: h += x * x"], found
    run_as_cell("c = 1.0 - x * 0.5\nd = np.exp(-x) / 2\ne = x.astype(np.float64)\nf = x.sum() / 3\n"
                "g = x[np.arange(2), t.argmax(axis=1)]\n", 5, x=x, t=t)
    assert cp._take_promotions() == []  # Python numbers and explicit casts are not promotions


# -- the reference implementation on the emulated device ---------------------------------------

def test_reference_backend_recognises_the_emulation():
    x = dev(numpy.ones(2))
    assert reference.array_module(x) is cp and reference.array_module(numpy.ones(2)) is numpy
    assert isinstance(reference.to_cpu(x), numpy.ndarray)
    assert isinstance(reference.to_gpu(numpy.ones(2), xp=cp), cp.ndarray)


def run_layer(layer_cls, args, inputs, dout):
    layer = layer_cls(*args)
    out = layer.forward(*inputs)
    dx = layer.backward(dout) if dout is not None else layer.backward()
    return out, dx, list(layer.grads)


LAYERS = [
    ("Affine", lambda r: ((r.standard_normal((3, 5)), r.standard_normal(5)), (r.standard_normal((4, 3)),), r.standard_normal((4, 5)))),
    ("MatMul", lambda r: ((r.standard_normal((3, 5)),), (r.standard_normal((4, 3)),), r.standard_normal((4, 5)))),
    ("Sigmoid", lambda r: ((), (r.standard_normal((4, 5)),), r.standard_normal((4, 5)))),
    ("Relu", lambda r: ((), (r.standard_normal((4, 5)),), r.standard_normal((4, 5)))),
    ("Tanh", lambda r: ((), (r.standard_normal((4, 5)),), r.standard_normal((4, 5)))),
    ("Softmax", lambda r: ((), (r.standard_normal((4, 5)),), r.standard_normal((4, 5)))),
    ("Repeat", lambda r: ((3,), (r.standard_normal((1, 5)),), r.standard_normal((3, 5)))),
    ("Sum", lambda r: ((), (r.standard_normal((3, 5)),), r.standard_normal((1, 5)))),
    ("SoftmaxWithLoss", lambda r: ((), (r.standard_normal((4, 3)), numpy.eye(3, dtype=numpy.int32)[[0, 2, 1, 1]]), None)),
]


@pytest.mark.parametrize("name,case", LAYERS, ids=[n for n, _ in LAYERS])
def test_reference_layers_run_on_the_device_in_float32_like_numpy(name, case):
    args, inputs, dout = case(numpy.random.default_rng(1))
    as32 = lambda a: a.astype(numpy.float32) if isinstance(a, numpy.ndarray) and a.dtype.kind == "f" else a
    args, inputs, dout = [as32(a) for a in args], [as32(a) for a in inputs], as32(dout)
    to_dev = lambda a: dev(a) if isinstance(a, numpy.ndarray) else a
    host = run_layer(getattr(reference, name), args, inputs, dout)
    device = run_layer(getattr(reference, name), [to_dev(a) for a in args], [to_dev(a) for a in inputs],
                       to_dev(dout))
    for h, d in zip(host[:2], device[:2]):
        if isinstance(h, float):
            assert isinstance(d, float) and abs(h - d) < 1e-6
        else:
            same(d, h)
            assert d.dtype == numpy.float32
    for h, d in zip(host[2], device[2]):
        same(d, h)
    assert cp._take_promotions() == []


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"])
def test_reference_optimizers_step_device_arrays_in_place_in_float32(name):
    rng = numpy.random.default_rng(2)
    params = [rng.standard_normal(s).astype(numpy.float32) for s in [(3, 4), (4,)]]
    grads = [[rng.standard_normal(p.shape).astype(numpy.float32) for p in params] for _ in range(3)]
    host_opt, dev_opt = getattr(reference, name)(), getattr(reference, name)()
    host_params, dev_params = [p.copy() for p in params], [dev(p) for p in params]
    for step in grads:
        host_opt.update(host_params, step)
        dev_opt.update(dev_params, [dev(g) for g in step])
    for h, d in zip(host_params, dev_params):
        same(d, h)
    assert cp._take_promotions() == []


def device_net(dtype=numpy.float32):
    """A reference TwoLayerNet whose layers hold device arrays."""
    numpy.random.seed(0)
    net = reference.TwoLayerNet(2, 10, 3, dtype=dtype)
    net.params, net.grads = [], []
    for layer in net.layers:
        layer.params[:] = [dev(p) for p in layer.params]
        layer.grads[:] = [dev(g) for g in layer.grads]
        net.params += layer.params
        net.grads += layer.grads
    return net


def test_reference_training_on_the_device_matches_numpy_in_float32():
    x, t = reference.spiral.load_data()
    x32 = x.astype(numpy.float32)
    numpy.random.seed(0)
    host_net = reference.TwoLayerNet(2, 10, 3, dtype=numpy.float32)
    net = device_net()
    numpy.random.seed(5)
    host = reference.Trainer(host_net, reference.SGD(lr=1.0))
    host.fit(x32, t, max_epoch=5, batch_size=30, max_grad=5.0, eval_interval=5)
    numpy.random.seed(5)
    device = reference.Trainer(net, reference.SGD(lr=1.0))
    device.fit(dev(x32), dev(t), max_epoch=5, batch_size=30, max_grad=5.0, eval_interval=5)
    assert device.loss_list == host.loss_list
    for h, d in zip(host_net.params, net.params):
        same(d, h)
        assert d.dtype == numpy.float32
    assert cp._take_promotions() == []


# -- the wire format's device flag ------------------------------------------------------------

def roundtrip(value, **kwargs):
    header, buffers = protocol.encode(value, **kwargs)
    return protocol.decode(header, buffers)


def test_device_arrays_cross_the_wire_flagged_and_come_back_as_device_arrays(monkeypatch):
    a = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    judge_side = roundtrip({"x": protocol.on_device(a), "y": a})
    assert type(judge_side["x"]) is protocol.DeviceArray and type(judge_side["y"]) is numpy.ndarray
    numpy.testing.assert_array_equal(judge_side["x"], a)
    # the worker side: device arrays encode as flagged data, flagged data decodes onto the device
    monkeypatch.setattr(protocol, "_device", (cp.ndarray, cp.asnumpy, cp.asarray))
    header, buffers = protocol.encode([dev(a), a])
    assert b'"device": true' in header and header.count(b'"device"') == 1
    x_worker = protocol.decode(*protocol.encode(protocol.on_device(a)))
    assert isinstance(x_worker, cp.ndarray)
    monkeypatch.setattr(protocol, "_device", None)
    back = protocol.decode(header, buffers)
    assert type(back[0]) is protocol.DeviceArray and type(back[1]) is numpy.ndarray
    assert back[0].dtype == numpy.float32


def test_a_bad_device_flag_is_refused():
    header, buffers = protocol.encode(numpy.ones(2))
    with pytest.raises(protocol.ProtocolError, match="device flag"):
        protocol.decode(header.replace(b'"nbytes"', b'"device": 1, "nbytes"'), buffers)


# -- the worker's switch ---------------------------------------------------------------------------

CELLS = [
    "import numpy as np\nimport numpy\nfrom numpy import zeros\nimport numpy.random as npr\n",
    "def modules():\n    import numpy as inner\n    return [np.__name__, numpy.__name__, zeros.__module__, npr.__name__, inner.__name__,"
    " type(y).__module__]\n",
    "class Layer:\n    def __init__(self, W):\n        self.W = W\n        self.grads = [np.zeros_like(W)]\n"
    "    def forward(self, x):\n        return x @ self.W\n"
    "    def host(self, x):\n        return x + numpy.zeros(x.shape, dtype=x.dtype)\n"
    "    def promote(self, x):\n        return np.float64(1.0) - x\n",
    "def draw():\n    return np.random.randn(3)\n",
    "get_ipython().run_cell_magic('time', '', 'y = np.ones(2)\\n')\n",  # what %%time becomes
]


def call(sandbox, name):
    return sandbox.request("call", target=name, method=None, args=[], kwargs={})["result"]


@pytest.fixture(scope="module")
def emulated():
    with Sandbox(CELLS, device="emulated") as sandbox:
        sandbox.run_cells()
        yield sandbox


def test_import_numpy_as_np_gives_the_device_module_and_bare_numpy_stays_the_host(emulated):
    assert all(r["status"] == "ok" for r in emulated.cell_results), emulated.cell_results
    assert emulated.request("hello")["device"].startswith("emulated device")
    assert call(emulated, "modules") == [
        "fakecupy", "numpy", "numpy", "fakecupy.random", "fakecupy", "fakecupy"]


def test_device_inputs_land_on_the_device_and_results_come_back_flagged(emulated):
    W = numpy.ones((3, 2), numpy.float32)
    layer = emulated.request("new", name="Layer", args=[protocol.on_device(W)], kwargs={})
    out = layer.call("forward", protocol.on_device(numpy.ones((4, 3), numpy.float32)))
    assert type(out) is protocol.DeviceArray and out.dtype == numpy.float32
    numpy.testing.assert_array_equal(out, numpy.full((4, 2), 3.0))
    assert type(layer.get("grads", 0)) is protocol.DeviceArray
    with pytest.raises(StudentRaised, match="Unsupported type"):
        layer.call("forward", numpy.ones((4, 3), numpy.float32))  # a host input meets device weights


def test_host_device_mixing_and_promotions_are_seen_in_the_worker(emulated):
    layer = emulated.request("new", name="Layer", args=[protocol.on_device(numpy.ones((3, 2)))], kwargs={})
    x = protocol.on_device(numpy.ones((4, 3), numpy.float32))
    with pytest.raises(StudentRaised, match="Unsupported type") as info:
        layer.call("host", x)
    assert "code cell 3" in info.value.where
    emulated.request("device_promotions")
    assert layer.call("promote", x).dtype == numpy.float64
    (found,) = emulated.request("device_promotions")
    assert "numpy.float64 scalar - float32 array -> float64 at code cell 3" in found
    assert emulated.request("device_promotions") == []


def test_seeding_reaches_the_device_generator(emulated):
    draws = []
    for _ in range(2):
        emulated.request("seed", seed=11)
        draws.append(call(emulated, "draw"))
    numpy.testing.assert_array_equal(*draws)
    numpy.random.seed(11)
    numpy.testing.assert_array_equal(draws[0], numpy.random.randn(3))


def test_without_a_device_the_same_cells_run_on_numpy():
    with Sandbox(CELLS) as sandbox:
        sandbox.run_cells()
        assert call(sandbox, "modules")[0] == "numpy"
        assert sandbox.request("device_promotions") == []


def test_a_missing_cupy_is_reported_not_crashed():
    try:
        import cupy  # noqa: F401
        pytest.skip("CuPy is installed here")
    except ImportError:
        pass
    with Sandbox(CELLS[:1], device="cupy") as sandbox:
        (result,) = sandbox.run_cells()
        assert result["status"] == "error" and "No module named 'cupy'" in result["message"]
        hello = sandbox.request("hello")
        assert hello["device_error"].startswith("ModuleNotFoundError")  # the judge words the sentence


@pytest.fixture
def device_targets(monkeypatch):
    """DEVICE_TARGETS["layers"] set to the given names."""
    from grader.judge import device
    return lambda *names: monkeypatch.setitem(device.DEVICE_TARGETS, "layers", names)


def test_a_device_run_started_before_the_cpu_results_runs_again_where_they_differ(device_targets):
    from grader.judge.device import DeviceRun

    # an unfinished exercise: the demo after the class fails; the class exists in both runs
    device_targets("Sigmoid", "Relu")
    exercise = ["class Sigmoid:\n    def forward(self, x):\n        raise NotImplementedError\n",
                "# try it\nclass Relu:\n    pass\nSigmoid().forward(1)\n# more\nprint('a demo')\n"]
    with Sandbox(exercise) as cpu:
        run = DeviceRun(cpu, "emulated", "layers").start()
        early = run.sandbox
        try:
            assert early.cells[1] == "# try it\nclass Relu:\n    pass\n\n# more\n\n"
            assert [r["status"] for r in cpu.run_cells()] == ["ok", "error"]
            assert run.student().has("Relu") and run.sandbox is early  # no second run needed
            assert [r["status"] for r in early.cell_results] == ["ok", "ok"]
        finally:
            run.close()

    device_targets("Affine", "Sigmoid")
    cells = ["import numpy as np\n",
             "print(not_defined)\nclass Affine:\n    pass\n",  # the CPU run stops at line 1
             "class Sigmoid:\n    pass\nprint('a demo')\n"]
    with Sandbox(cells) as cpu:
        run = DeviceRun(cpu, "emulated", "layers").start()  # beside the CPU run: all sliced
        early = run.sandbox
        try:
            assert early.cells[1] == "\nclass Affine:\n    pass\n"
            assert [r["status"] for r in cpu.run_cells()] == ["ok", "error", "ok"]
            student = run.student()
            assert run.sandbox is not early, "the device run started over with the CPU run's results"
            assert run.sandbox.cells[1] == cells[1] and run.sandbox.cells[2] == "class Sigmoid:\n    pass\n\n"
            assert [r["status"] for r in run.sandbox.cell_results] == ["ok", "error", "ok"]
            assert not student.has("Affine") and student.has("Sigmoid")
        finally:
            early.close()
            run.close()


def test_the_device_run_skips_cells_that_timed_out_and_shares_the_time_budget(device_targets):
    from grader.judge.device import TIMED_OUT, DeviceRun
    from grader.limits import Limits

    device_targets("y")
    limits = Limits(cell_timeout_s=1.0, submission_timeout_s=100.0)
    with Sandbox(["x = 1\n", "while True:\n    pass\n", "import numpy as np\ny = np.ones(2)\n"], limits) as cpu:
        assert [r["status"] for r in cpu.run_cells()] == ["ok", "timeout", "ok"]
        run = DeviceRun(cpu, "emulated", "layers")
        try:
            run.student()
            device = run.sandbox
            assert device.cells[1] == TIMED_OUT and device.cells[2] == cpu.cells[2]
            assert device.cells[0] == "\n"  # `x` is not needed for `y`
            assert device.limits.submission_timeout_s <= cpu.time_left() + 1
            results = device.cell_results
            assert [r["status"] for r in results] == ["ok", "error", "ok"], results
            assert "timed out in the CPU run" in results[1]["message"]
            assert type(device.request("get", target="y", path=[])) is protocol.DeviceArray
        finally:
            run.close()
