"""Reference for the `regularization` assignment (Dive into Deep Learning, linear
networks and multilayer perceptrons): linear regression from scratch, softmax
regression and an MLP written by hand, polynomial features, weight decay,
inverted dropout, the sigmoid's gradient and Xavier initialisation.

Written for NumPy: where the book lets autograd compute gradients, the functions
here return them explicitly. Random draws go through `numpy.random` (the global
generator), as a student's code does, so the grader can seed both alike.
"""
import math

import numpy

from .functions import softmax


# -- linear regression from scratch ------------------------------------------------

def synthetic_data(w, b, num_examples):
    """X ~ N(0, 1) of shape (n, len(w)); y = Xw + b + N(0, 0.01^2) as a column (n, 1)."""
    w = numpy.asarray(w, dtype=numpy.float64).reshape(-1)
    X = numpy.random.normal(0, 1, (num_examples, len(w)))
    y = X @ w + b
    y = y + numpy.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    """Shuffled minibatches (features[i], labels[i]); the last one may be smaller."""
    num_examples = len(features)
    indices = numpy.random.permutation(num_examples)
    for i in range(0, num_examples, batch_size):
        batch = indices[i:i + batch_size]
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    """One loss per example, (y_hat - y)^2 / 2, with y reshaped like y_hat."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg_grads(X, y, w, b):
    """[dw, db]: gradient of the SUM of squared_loss(linreg(X, w, b), y) over the batch."""
    err = linreg(X, w, b) - y.reshape(-1, 1)
    return [X.T @ err, err.sum(axis=0).reshape(numpy.shape(b))]


def sgd(params, grads, lr, batch_size):
    """Minibatch SGD in place: p -= lr * g / batch_size."""
    for p, g in zip(params, grads):
        p -= lr * g / batch_size


# -- softmax regression and an MLP ---------------------------------------------------

def cross_entropy(y_hat, y):
    """-log of the probability given to the true class, one value per example."""
    return -numpy.log(y_hat[numpy.arange(len(y_hat)), y])


def accuracy(y_hat, y):
    """Fraction of rows whose largest entry is at the true label."""
    return float(numpy.mean(y_hat.argmax(axis=1) == y))


def one_hot(y, num_classes):
    out = numpy.zeros((len(y), num_classes))
    out[numpy.arange(len(y)), y] = 1
    return out


class SoftmaxRegression:
    """Scores X W + b, mean cross entropy of their softmax, gradients by hand."""

    def __init__(self, num_inputs, num_outputs, sigma=0.01):
        W = numpy.random.normal(0, sigma, (num_inputs, num_outputs))
        b = numpy.zeros(num_outputs)
        self.params = [W, b]
        self.grads = [numpy.zeros_like(W), numpy.zeros_like(b)]
        self.cache = None

    def predict(self, X):
        W, b = self.params
        return X @ W + b

    def forward(self, X, y):
        probs = softmax(self.predict(X))
        self.cache = (X, y, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, probs = self.cache
        dZ = (probs - one_hot(y, probs.shape[1])) / len(X)
        self.grads[0][...] = X.T @ dZ
        self.grads[1][...] = dZ.sum(axis=0)


class MLP:
    """One hidden layer of ReLU units: scores relu(X W1 + b1) W2 + b2."""

    def __init__(self, num_inputs, num_hiddens, num_outputs, sigma=0.01):
        W1 = numpy.random.normal(0, sigma, (num_inputs, num_hiddens))
        b1 = numpy.zeros(num_hiddens)
        W2 = numpy.random.normal(0, sigma, (num_hiddens, num_outputs))
        b2 = numpy.zeros(num_outputs)
        self.params = [W1, b1, W2, b2]
        self.grads = [numpy.zeros_like(p) for p in self.params]
        self.cache = None

    def _scores(self, X):
        W1, b1, W2, b2 = self.params
        Z1 = X @ W1 + b1
        H = numpy.maximum(Z1, 0)
        return Z1, H, H @ W2 + b2

    def predict(self, X):
        return self._scores(X)[2]

    def forward(self, X, y):
        Z1, H, scores = self._scores(X)
        probs = softmax(scores)
        self.cache = (X, y, Z1, H, probs)
        return float(cross_entropy(probs, y).mean())

    def backward(self):
        X, y, Z1, H, probs = self.cache
        W1, b1, W2, b2 = self.params
        dZ2 = (probs - one_hot(y, probs.shape[1])) / len(X)
        self.grads[2][...] = H.T @ dZ2
        self.grads[3][...] = dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
        self.grads[0][...] = X.T @ dZ1
        self.grads[1][...] = dZ1.sum(axis=0)


# -- polynomial features, weight decay -----------------------------------------------

def poly_features(x, max_degree):
    """Columns x**i / i! for i = 0 .. max_degree - 1 of a 1-D x: shape (n, max_degree)."""
    x = numpy.asarray(x, dtype=numpy.float64).reshape(-1, 1)
    powers = numpy.arange(max_degree)
    factorials = numpy.array([math.gamma(i + 1) for i in powers])
    return x ** powers / factorials


def l2_penalty(w):
    return float((w ** 2).sum() / 2)


def apply_weight_decay(params, grads, wd):
    """grads[i] += wd * params[i] in place, for weights (ndim >= 2) only, not biases."""
    for p, g in zip(params, grads):
        if p.ndim >= 2:
            g += wd * p


# -- dropout ------------------------------------------------------------------------

def dropout_layer(X, dropout):
    """Inverted dropout: zero each element with probability `dropout`, scale the rest."""
    if dropout == 1:
        return numpy.zeros_like(X)
    if dropout == 0:
        return X.copy()
    mask = numpy.random.uniform(0, 1, X.shape) > dropout
    return mask * X / (1.0 - dropout)


class Dropout:
    def __init__(self, p=0.5):
        self.p = p
        self.params, self.grads = [], []
        self.scale = None  # mask / (1 - p) of the last forward in training mode, or None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.scale = None
            return x.copy()
        if self.p == 1:
            self.scale = numpy.zeros_like(x)
        else:
            self.scale = (numpy.random.uniform(0, 1, x.shape) > self.p) / (1.0 - self.p)
        return x * self.scale

    def backward(self, dout):
        return dout.copy() if self.scale is None else dout * self.scale


# -- numerical stability -------------------------------------------------------------

def sigmoid_grad(x):
    s = 1 / (1 + numpy.exp(-x))
    return s * (1 - s)


def xavier_uniform(fan_in, fan_out):
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return numpy.random.uniform(-a, a, (fan_in, fan_out))


def xavier_normal(fan_in, fan_out):
    return numpy.random.normal(0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


def distinct_units(W, b, tol=1e-6):
    """How many different hidden units a layer has: unit j is column j of W with its bias b[j],
    and two units are the same when none of their numbers differ by more than tol."""
    units = numpy.vstack([W, numpy.reshape(b, (1, -1))]).T
    kept = []
    for unit in units:
        if all(numpy.max(numpy.abs(unit - other)) > tol for other in kept):
            kept.append(unit)
    return len(kept)
