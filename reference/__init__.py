"""The trusted reference implementation: the grader's oracle. Never shipped to students."""
from .backend import array_module, to_cpu, to_gpu
from .functions import cross_entropy_error, relu, sigmoid, softmax
from .gradcheck import numerical_gradient, rel_error
from .layers import (AddLayer, Affine, MatMul, MulLayer, Relu, Repeat, Sigmoid, Softmax,
                     SoftmaxWithLoss, Sum, Tanh)
from .models import TwoLayerNet, clip_grads, remove_duplicate
from .optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from .trainer import Trainer
from . import spiral

__all__ = [
    "array_module", "to_cpu", "to_gpu", "cross_entropy_error", "relu", "sigmoid", "softmax",
    "numerical_gradient", "rel_error", "AddLayer", "Affine", "MatMul", "MulLayer", "Relu",
    "Repeat", "Sigmoid", "Softmax", "SoftmaxWithLoss", "Sum", "Tanh", "TwoLayerNet",
    "clip_grads", "remove_duplicate", "SGD", "AdaGrad", "Adam", "Momentum", "Nesterov",
    "RMSprop", "Trainer", "spiral",
]
