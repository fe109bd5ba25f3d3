"""The `gradients` assignment (first book, ch. 4): loss functions, numerical
differentiation, gradient descent, a one-layer network and its numerical gradient, and
a first-book TwoLayerNet (parameters in a dict) trained with mini-batches.

Imported by the hidden checks as `reference.gradients`; never by a notebook.
"""
import numpy

from backprop_lab_check.shared.gradients import function_1, function_2, function_3  # noqa: F401 (the checks' oracle)

from .forward import sigmoid, softmax


# -- loss functions --------------------------------------------------------------------------

def sum_squared_error(y, t):
    return 0.5 * numpy.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    """Mean over the batch of -log(y at the correct class + 1e-7); t labels or one-hot."""
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    n = y.shape[0]
    return -numpy.sum(numpy.log(y[numpy.arange(n), t] + 1e-7)) / n


# -- numerical differentiation and gradient descent -------------------------------------------

def numerical_diff(f, x, h=1e-4):
    """Central difference (f(x + h) - f(x - h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


def chain_rule(x, y):
    """(z, dz/dx, dz/dy) of z = t**2 with t = x + y (first book, ch. 5): the outer node's local
    derivative dz/dt = 2t times the inner node's dt/dx = dt/dy = 1."""
    t = x + y
    return t ** 2, 2 * t * 1.0, 2 * t * 1.0


def numerical_gradient(f, x, h=1e-4):
    """df/dx for every element of x (any shape), perturbing x in place and restoring it."""
    grad = numpy.zeros(x.shape, dtype=numpy.float64)
    it = numpy.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        original = float(x[idx])
        x[idx] = original + h
        f_plus = float(f(x))
        x[idx] = original - h
        f_minus = float(f(x))
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = numpy.array(init_x, dtype=numpy.float64)
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x


def gradient_of_function_3(x):
    return 2 * x + numpy.sum(x)


# -- networks -----------------------------------------------------------------------------------

def one_hot(t, classes):
    return t if t.ndim == 2 else numpy.eye(classes)[t]


class simpleNet:
    """One weight matrix W (2, 3), softmax and cross entropy."""

    def __init__(self):
        self.W = numpy.random.randn(2, 3)

    def predict(self, x):
        return x @ self.W

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def numerical_gradient(self, x, t):
        return numerical_gradient(lambda W: self.loss(x, t), self.W)

    def gradient(self, x, t):
        """Analytic dL/dW, for the checks."""
        x2 = x.reshape(1, -1) if x.ndim == 1 else x
        y = softmax(self.predict(x2))
        t2 = one_hot(t.reshape(1, -1) if t.ndim == 1 and t.size == y.size else numpy.atleast_1d(t), y.shape[1])
        return x2.T @ (y - t2) / len(x2)


class TwoLayerNet:
    """Affine, sigmoid, affine, softmax; parameters in the dict `params`."""

    KEYS = ("W1", "b1", "W2", "b2")

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * numpy.random.randn(input_size, hidden_size),
            "b1": numpy.zeros(hidden_size),
            "W2": weight_init_std * numpy.random.randn(hidden_size, output_size),
            "b2": numpy.zeros(output_size),
        }

    def predict(self, x):
        p = self.params
        return softmax(sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = self.predict(x).argmax(axis=1)
        if t.ndim != 1:
            t = t.argmax(axis=1)
        return float(numpy.sum(y == t)) / x.shape[0]

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)  # noqa: E731  (W is perturbed in place)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in self.KEYS}

    def gradient(self, x, t):
        p = self.params
        n = x.shape[0]
        a1 = x @ p["W1"] + p["b1"]
        z1 = sigmoid(a1)
        y = softmax(z1 @ p["W2"] + p["b2"])
        dy = (y - one_hot(t, y.shape[1])) / n
        da1 = (dy @ p["W2"].T) * z1 * (1 - z1)
        return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


def train(network, x, t, iters_num=1000, batch_size=100, learning_rate=0.1, numerical=False):
    """Mini-batch SGD; returns the loss of every iteration (on its batch, after the update)."""
    losses = []
    for _ in range(iters_num):
        mask = numpy.random.choice(len(x), batch_size)
        xb, tb = x[mask], t[mask]
        grad = network.numerical_gradient(xb, tb) if numerical else network.gradient(xb, tb)
        for key in TwoLayerNet.KEYS:
            network.params[key] -= learning_rate * grad[key]
        losses.append(float(network.loss(xb, tb)))
    return losses
