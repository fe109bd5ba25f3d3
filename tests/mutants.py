"""Realistic buggy submissions of the first three assignments, as (old, new) edits of
the solution notebooks, with the target that must lose points and words the feedback
must contain (in a failed check's message or hint)."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    assignment: str
    name: str
    edits: tuple
    target: str
    says: str                      # expected in the message or hint of a failed check on `target`
    only: tuple = field(default=())  # when set, the only targets allowed to lose points


def M(assignment, name, edits, target, says, only=None):
    return Mutant(assignment, name, tuple(edits), target, says, tuple(only or (target,)))


LAYERS = [
    M("layers", "db_mean", [("self.grads[1][...] = dout.sum(axis=0)", "self.grads[1][...] = dout.mean(axis=0)")],
      "Affine", "SUM of dout"),
    M("layers", "affine_grads_rebound", [("        dx = dout @ W.T\n        self.grads[0][...] = self.x.T @ dout\n        self.grads[1]",
                                          "        dx = dout @ W.T\n        self.grads[0] = self.x.T @ dout\n        self.grads[1]")],
      "Affine", "self.grads[0][...] = dW"),
    M("layers", "sigmoid_backward_from_x", [
        ("        self.out = 1 / (1 + np.exp(-x))", "        self.x = x\n        self.out = 1 / (1 + np.exp(-x))"),
        ("return dout * (1.0 - self.out) * self.out", "return dout * (1.0 - self.x) * self.x")],
      "Sigmoid", "OUTPUT y = sigmoid(x)"),
    M("layers", "loss_not_divided_by_batch", [("dx *= dout / n", "dx *= dout")],
      "SoftmaxWithLoss", "divide by the batch size"),
    M("layers", "softmax_unstable", [("        shifted = x - x.max(axis=-1, keepdims=True)\n        e = np.exp(shifted)\n        self.out",
                                      "        shifted = x\n        e = np.exp(shifted)\n        self.out")],
      "Softmax", "subtract the row maximum"),
    M("layers", "repeat_without_keepdims", [("return dout.sum(axis=0, keepdims=True)", "return dout.sum(axis=0)")],
      "Repeat", "keepdims=True"),
    M("layers", "matmul_dW_transposed", [("        dx = dout @ W.T\n        self.grads[0][...] = self.x.T @ dout\n        return dx",
                                          "        dx = dout @ W.T\n        self.grads[0][...] = dout.T @ self.x\n        return dx")],
      "MatMul", "could not broadcast"),
    M("layers", "relu_writes_into_input", [("        out = x.copy()\n        out[self.mask] = 0", "        out = x\n        out[self.mask] = 0")],
      "Relu", "must not change their arguments"),
    M("layers", "tanh_backward_from_x", [
        ("        self.out = np.tanh(x)", "        self.x = x\n        self.out = np.tanh(x)"),
        ("return dout * (1.0 - self.out ** 2)", "return dout * (1.0 - self.x ** 2)")],
      "Tanh", "1 - tanh(x)**2"),
    M("layers", "loss_ignores_one_hot", [("self.t = t.argmax(axis=-1) if t.ndim == x.ndim else t", "self.t = t")],
      "SoftmaxWithLoss", "one-hot"),
    M("layers", "softmax_backward_elementwise", [("return dx - self.out * dx.sum(axis=-1, keepdims=True)", "return dx")],
      "Softmax", "the second term is missing"),
    M("layers", "mul_backward_swapped", [("        dx = dout * self.y\n        dy = dout * self.x",
                                          "        dx = dout * self.x\n        dy = dout * self.y")],
      "MulLayer", "swapped"),
    M("layers", "sum_backward_divides", [("return np.repeat(dout, self.N, axis=0)", "return np.repeat(dout, self.N, axis=0) / self.N")],
      "Sum", "does not divide by N"),
    M("layers", "affine_forgets_bias", [("return x @ W + b", "return x @ W")], "Affine", "bias b is missing"),
    M("layers", "loss_ignores_dout", [("dx *= dout / n", "dx /= n")], "SoftmaxWithLoss", "upstream gradient"),
    M("layers", "sigmoid_promotes_to_float64", [("self.out = 1 / (1 + np.exp(-x))", "self.out = np.float64(1.0) / (1 + np.exp(-x))")],
      "Sigmoid", "float32"),
]

OPTIMIZERS = [
    M("optimizers", "nesterov_velocity_first", [(
        "            p += mu * mu * v\n            p -= (1 + mu) * self.lr * g\n            v *= mu\n            v -= self.lr * g",
        "            v *= mu\n            v -= self.lr * g\n            p += mu * mu * v\n            p -= (1 + mu) * self.lr * g")],
      "Nesterov", "second book's order"),
    M("optimizers", "adam_without_bias_correction", [(
        "lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)", "lr_t = self.lr")],
      "Adam", "bias correction is missing"),
    M("optimizers", "adagrad_without_eps", [("            h += g * g\n            p -= self.lr * g / (np.sqrt(h) + 1e-7)",
                                               "            h += g * g\n            p -= self.lr * g / np.sqrt(h)")],
      "AdaGrad", "eps"),
    M("optimizers", "momentum_forgets_velocity", [(
        "        if self.v is None:\n            self.v = [np.zeros_like(p) for p in params]\n        for p, g, v in zip(params, grads, self.v):\n            v *= self.momentum",
        "        self.v = [np.zeros_like(p) for p in params]\n        for p, g, v in zip(params, grads, self.v):\n            v *= self.momentum")],
      "Momentum", "keep v between calls"),
    M("optimizers", "sgd_rebinds_params", [("        for p, g in zip(params, grads):\n            p -= self.lr * g",
                                             "        for i in range(len(params)):\n            params[i] = params[i] - self.lr * grads[i]")],
      "SGD", "in place"),
    M("optimizers", "rmsprop_without_leak", [("h += (1 - self.decay_rate) * g * g", "h += g * g")],
      "RMSprop", "(1 - decay_rate)"),
    M("optimizers", "adagrad_forgets_history", [("            h += g * g\n            p -= self.lr * g / (np.sqrt(h) + 1e-7)",
                                                 "            h[...] = g * g\n            p -= self.lr * g / (np.sqrt(h) + 1e-7)")],
      "AdaGrad", "ACCUMULATE"),
    M("optimizers", "nesterov_is_plain_momentum", [(
        "            p += mu * mu * v\n            p -= (1 + mu) * self.lr * g\n            v *= mu\n            v -= self.lr * g",
        "            v *= mu\n            v -= self.lr * g\n            p += v")],
      "Nesterov", "plain Momentum"),
    M("optimizers", "sgd_wrong_default_lr", [("    def __init__(self, lr=0.01):\n        self.lr = lr\n\n    def update",
                                               "    def __init__(self, lr=0.1):\n        self.lr = lr\n\n    def update")],
      "SGD", "after step 1"),
    M("optimizers", "adam_shares_state", [("            self.m = [np.zeros_like(p) for p in params]\n            self.v = [np.zeros_like(p) for p in params]",
                                            "            self.m = [np.zeros_like(p) for p in params]\n            self.v = self.m")],
      "Adam", "differs from the reference"),
]

SPIRAL = [
    M("spiral", "params_copied", [("            self.params += layer.params", "            self.params += [p.copy() for p in layer.params]")],
      "TwoLayerNet", "not copies", only=("TwoLayerNet", "Trainer")),
    M("spiral", "overfit_forgets_update", [("        model.backward()\n        optimizer.update(model.params, model.grads)\n    return losses",
                                            "        model.backward()\n    return losses")],
      "overfit_tiny", "optimizer.update(model.params, model.grads)"),
    M("spiral", "overfit_records_loss_after_update", [(
        "        losses.append(float(model.forward(x, t)))\n        model.backward()\n        optimizer.update(model.params, model.grads)\n",
        "        model.forward(x, t)\n        model.backward()\n        optimizer.update(model.params, model.grads)\n"
        "        losses.append(float(model.forward(x, t)))\n")],
      "overfit_tiny", "before the update"),
    M("spiral", "overfit_returns_last_loss", [("    return losses\n    ### END SOLUTION", "    return losses[-1]\n    ### END SOLUTION")],
      "overfit_tiny", "the list of its 200 losses"),
    M("spiral", "fit_ignores_max_grad", [("                if max_grad is not None:\n                    clip_grads(model.grads, max_grad)\n", "")],
      "Trainer", "clip_grads(grads, max_grad)"),
    M("spiral", "clip_per_array", [(
        "    total_norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))\n    rate = max_norm / (total_norm + 1e-6)\n    if rate < 1:\n        for g in grads:\n            g *= rate",
        "    for g in grads:\n        rate = max_norm / (math.sqrt(float((g ** 2).sum())) + 1e-6)\n        if rate < 1:\n            g *= rate")],
      "clip_grads", "TOTAL norm"),
    M("spiral", "fit_forgets_update", [("                optimizer.update(model.params, model.grads)\n", "")],
      "Trainer", "update"),
    M("spiral", "predict_applies_softmax", [("        for layer in self.layers:\n            x = layer.forward(x)\n        return x",
                                              "        for layer in self.layers:\n            x = layer.forward(x)\n        e = np.exp(x - x.max(axis=1, keepdims=True))\n        return e / e.sum(axis=1, keepdims=True)")],
      "TwoLayerNet", "leave softmax to the loss layer", only=("TwoLayerNet", "Trainer")),
    M("spiral", "weights_not_scaled", [("W1 = (0.01 * np.random.randn(I, H)).astype(dtype)", "W1 = np.random.randn(I, H).astype(dtype)")],
      "TwoLayerNet", "0.01 * np.random.randn", only=("TwoLayerNet", "Trainer")),
    M("spiral", "loss_list_every_iteration", [("if eval_interval is not None and iters % eval_interval == 0:", "if eval_interval is not None:")],
      "Trainer", "loss_list has"),
    M("spiral", "clip_always_scales", [("    if rate < 1:\n        for g in grads:\n            g *= rate", "    for g in grads:\n        g *= rate")],
      "clip_grads", "only scale when"),
    M("spiral", "grads_are_fresh_arrays", [("            self.grads += layer.grads", "            self.grads += [np.zeros_like(p) for p in layer.params]")],
      "TwoLayerNet", "gradient arrays", only=("TwoLayerNet", "Trainer")),
    M("spiral", "backward_not_reversed", [("        for layer in reversed(self.layers):\n            dout = layer.backward(dout)",
                                            "        for layer in self.layers:\n            dout = layer.backward(dout)")],
      "TwoLayerNet", "TwoLayerNet.backward raised", only=("TwoLayerNet", "Trainer")),
]

ALL = LAYERS + OPTIMIZERS + SPIRAL

# Correct in a different way from the reference: these must keep full marks.
EQUIVALENT = [
    M("optimizers", "adam_textbook_form", [(
        "        lr_t = self.lr * math.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)\n"
        "        for p, g, m, v in zip(params, grads, self.m, self.v):\n"
        "            m += (1 - self.beta1) * (g - m)\n"
        "            v += (1 - self.beta2) * (g * g - v)\n"
        "            p -= lr_t * m / (np.sqrt(v) + 1e-7)",
        "        t = self.iter\n"
        "        for p, g, m, v in zip(params, grads, self.m, self.v):\n"
        "            m[...] = self.beta1 * m + (1 - self.beta1) * g\n"
        "            v[...] = self.beta2 * v + (1 - self.beta2) * g ** 2\n"
        "            m_hat = m / (1 - self.beta1 ** t)\n"
        "            v_hat = v / (1 - self.beta2 ** t)\n"
        "            p -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-7)")],
      "Adam", ""),
    M("optimizers", "momentum_other_sign_convention", [(
        "            v *= self.momentum\n            v -= self.lr * g\n            p += v",
        "            v *= self.momentum\n            v += self.lr * g\n            p -= v")],
      "Momentum", ""),
    M("layers", "relu_with_maximum", [("        out = x.copy()\n        out[self.mask] = 0\n        return out",
                                       "        return np.maximum(x, 0)")],
      "Relu", ""),
]
