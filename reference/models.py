"""TwoLayerNet, gradient clipping and weight-tying de-duplication (second book, ch. 1)."""
import math

import numpy

from .layers import Affine, Sigmoid, SoftmaxWithLoss


class TwoLayerNet:
    """Affine -> Sigmoid -> Affine, with SoftmaxWithLoss on top.

    `params` and `grads` are the layers' own arrays (not copies), so an optimizer
    updating `params` in place trains the layers.
    """

    def __init__(self, input_size, hidden_size, output_size, dtype=numpy.float64):
        W1 = (0.01 * numpy.random.randn(input_size, hidden_size)).astype(dtype)
        b1 = numpy.zeros(hidden_size, dtype=dtype)
        W2 = (0.01 * numpy.random.randn(hidden_size, output_size)).astype(dtype)
        b2 = numpy.zeros(output_size, dtype=dtype)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout


def clip_grads(grads, max_norm):
    """Scale all gradients in place so that their joint L2 norm is at most max_norm."""
    total_norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for g in grads:
            g *= rate


def remove_duplicate(params, grads):
    """Collapse shared (tied) parameters into one entry whose gradient is the sum.

    A parameter appears twice when a model reuses the same array (`is`), or its
    transpose (an embedding tied to the output matrix); its gradients are added
    once and the duplicate is dropped, so an optimizer steps each weight once.
    """
    params, grads = list(params), list(grads)
    while True:
        merged = False
        for i in range(len(params)):
            for j in range(i + 1, len(params)):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                elif (params[i].ndim == 2 and params[j].ndim == 2
                      and params[i].T.shape == params[j].shape
                      and bool((params[i].T == params[j]).all())):
                    grads[i] += grads[j].T
                else:
                    continue
                params.pop(j)
                grads.pop(j)
                merged = True
                break
            if merged:
                break
        if not merged:
            return params, grads
