"""The `regularization` assignment: notebooks, full marks and zero, the sample submissions, and
realistic buggy variants that must lose points on the right name with feedback naming the mistake."""

import assignment_suite as suite
from mutants import M

A = "regularization"
FIGURES = ["figure-synthetic-data", "figure-linreg-loss", "figure-digits", "figure-softmax-training",
           "figure-mlp-training", "figure-poly-fits", "figure-poly-degree", "figure-weight-decay",
           "figure-dropout-mask", "figure-dropout-effect", "figure-vanishing", "figure-exploding", "figure-symmetry",
           "figure-xavier"]
GRADED = ["synthetic_data", "data_iter", "linreg", "squared_loss", "linreg_grads", "sgd", "softmax",
          "cross_entropy", "accuracy", "SoftmaxRegression", "MLP", "poly_features", "l2_penalty",
          "apply_weight_decay", "dropout_layer", "Dropout", "sigmoid_grad", "distinct_units", "xavier_uniform",
          "xavier_normal"]

MUTANTS = [
    M(A, "labels_as_a_row", [("    return X, y.reshape((-1, 1))", "    return X, y.reshape((1, -1))")], "synthetic_data",
      "one label per example"),
    M(A, "noise_too_large", [("    y += np.random.normal(0, 0.01, y.shape)", "    y += np.random.normal(0, 0.1, y.shape)")],
      "synthetic_data", "standard deviation 0.01"),
    M(A, "last_batch_dropped", [("    for i in range(0, num_examples, batch_size):",
                                 "    for i in range(0, num_examples - batch_size + 1, batch_size):")],
      "data_iter", "last batch may be smaller"),
    M(A, "features_and_labels_shuffled_apart", [("        yield features[batch], labels[batch]",
                                                 "        yield features[batch], labels[np.random.permutation(num_examples)[:len(batch)]]")],
      "data_iter", "shuffle features and labels with the same indices"),
    M(A, "squared_loss_without_reshape", [("    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2",
                                           "    return (y_hat - y) ** 2 / 2")],
      "squared_loss", "reshape it first"),
    M(A, "linreg_grads_averaged", [("    return [X.T @ err, err.sum(axis=0).reshape(b.shape)]",
                                    "    return [X.T @ err / len(X), err.mean(axis=0).reshape(b.shape)]")],
      "linreg_grads", "gradient of the SUM"),
    M(A, "sgd_without_batch_size", [("    for p, g in zip(params, grads):\n        p -= lr * g / batch_size",
                                     "    for p, g in zip(params, grads):\n        p -= lr * g")],
      "sgd", "divide the step by the batch size"),
    M(A, "sgd_rebinds", [("    for p, g in zip(params, grads):\n        p -= lr * g / batch_size",
                          "    for p, g in zip(params, grads):\n        p = p - lr * g / batch_size")],
      "sgd", "in place"),
    M(A, "softmax_overflows", [("    X_exp = np.exp(X - X.max(axis=1, keepdims=True))", "    X_exp = np.exp(X)")],
      "softmax", "subtract each row's maximum"),
    M(A, "softmax_over_columns", [("    return X_exp / X_exp.sum(axis=1, keepdims=True)",
                                   "    return X_exp / X_exp.sum(axis=0, keepdims=True)")],
      "softmax", "normalise every row", only=("softmax", "SoftmaxRegression", "MLP")),
    M(A, "cross_entropy_averaged", [("    return -np.log(y_hat[np.arange(len(y_hat)), y])",
                                     "    return -np.log(y_hat[np.arange(len(y_hat)), y]).mean()")],
      "cross_entropy", "one loss per example"),
    M(A, "accuracy_counts", [("    return float(np.mean(y_hat.argmax(axis=1) == y))",
                              "    return float(np.sum(y_hat.argmax(axis=1) == y))")],
      "accuracy", "fraction"),
    M(A, "softmax_regression_sum_gradient", [("        dO /= len(y)\n        self.grads[0][...] = X.T @ dO",
                                              "        self.grads[0][...] = X.T @ dO")],
      "SoftmaxRegression", "divide dO"),
    M(A, "softmax_regression_predicts_probabilities", [(
        "        W, b = self.params\n        return X @ W + b", "        W, b = self.params\n        return softmax(X @ W + b)")],
      "SoftmaxRegression", "predict returns the scores"),
    M(A, "softmax_regression_grads_rebound", [("        self.grads[0][...] = X.T @ dO\n        self.grads[1][...] = dO.sum(axis=0)\n        ### END",
                                               "        self.grads = [X.T @ dO, dO.sum(axis=0)]\n        ### END")],
      "SoftmaxRegression", "in place"),
    M(A, "mlp_backward_ignores_relu", [("        dZ = (dO @ W2.T) * (Z > 0)", "        dZ = dO @ W2.T")],
      "MLP", "only where its input was positive"),
    M(A, "mlp_predict_without_relu", [("        H = np.maximum(X @ W1 + b1, 0)\n        return H @ W2 + b2",
                                       "        H = X @ W1 + b1\n        return H @ W2 + b2")],
      "MLP", "ReLU is missing"),
    M(A, "mlp_sigma_as_variance", [("        W1 = np.random.normal(0, sigma, (num_inputs, num_hiddens))\n",
                                    "        W1 = np.random.normal(0, sigma ** 2, (num_inputs, num_hiddens))\n")],
      "MLP", "not sigma**2"),
    M(A, "poly_without_factorial", [("    return x ** powers / factorials", "    return x ** powers")],
      "poly_features", "i!"),
    M(A, "poly_starts_at_one", [("    powers = np.arange(max_degree)\n", "    powers = np.arange(1, max_degree + 1)\n")],
      "poly_features", "column 0 is x**0"),
    M(A, "penalty_without_half", [("    return float((w ** 2).sum() / 2)", "    return float((w ** 2).sum())")],
      "l2_penalty", "half the sum of squares"),
    M(A, "weight_decay_on_biases", [("    for p, g in zip(params, grads):\n        if p.ndim >= 2:\n            g += wd * p",
                                     "    for p, g in zip(params, grads):\n        g += wd * p")],
      "apply_weight_decay", "biases are not decayed"),
    M(A, "weight_decay_halved", [("            g += wd * p", "            g += wd * p / 2")],
      "apply_weight_decay", "without the 1/2"),
    M(A, "dropout_keeps_with_p", [("    mask = np.random.uniform(0, 1, X.shape) > dropout",
                                   "    mask = np.random.uniform(0, 1, X.shape) < dropout")],
      "dropout_layer", "probability 1 - p"),
    M(A, "dropout_not_scaled", [("    return mask * X / (1.0 - dropout)", "    return mask * X")],
      "dropout_layer", "1 / (1 - p)"),
    M(A, "dropout_one_divides_by_zero", [("    if dropout == 1:\n        return np.zeros_like(X)\n", "")],
      "dropout_layer", "p = 1"),
    M(A, "dropout_mask_per_column", [("    mask = np.random.uniform(0, 1, X.shape) > dropout",
                                      "    mask = np.random.uniform(0, 1, X.shape[-1]) > dropout")],
      "dropout_layer", "one random number per element"),
    M(A, "dropout_active_at_evaluation", [("        if not train or self.p == 0:", "        if self.p == 0:")],
      "Dropout", "evaluation mode"),
    M(A, "dropout_backward_new_mask", [("        return dout * self.scale",
                                        "        return dout * ((np.random.uniform(0, 1, dout.shape) > self.p) / (1.0 - self.p))")],
      "Dropout", "reuse it in backward"),
    M(A, "dropout_backward_unscaled", [("        return dout * self.scale", "        return dout * (self.scale != 0)")],
      "Dropout", "scaled by the same factor"),
    M(A, "sigmoid_grad_of_x", [("    return s * (1 - s)", "    return x * (1 - x)")],
      "sigmoid_grad", "apply the sigmoid first"),
    M(A, "distinct_units_ignores_biases", [("    units = np.vstack([W, np.reshape(b, (1, -1))]).T", "    units = W.T")],
      "distinct_units", "bias is part of it"),
    M(A, "distinct_units_exact_equality", [("        if all(np.abs(unit - other).max() > tol for other in kept):",
                                            "        if all(np.any(unit != other) for other in kept):")],
      "distinct_units", "not u == v"),
    M(A, "distinct_units_counts_rows", [("    units = np.vstack([W, np.reshape(b, (1, -1))]).T", "    units = W")],
      "distinct_units", "compare columns, not rows"),
    M(A, "xavier_fan_in_only", [("    a = math.sqrt(6.0 / (fan_in + fan_out))", "    a = math.sqrt(3.0 / fan_in)")],
      "xavier_uniform", "fan-in"),
    M(A, "xavier_bound_is_the_std", [("    a = math.sqrt(6.0 / (fan_in + fan_out))", "    a = math.sqrt(2.0 / (fan_in + fan_out))")],
      "xavier_uniform", "a = sqrt(6 / (fan_in + fan_out))"),
    M(A, "xavier_normal_variance_as_std", [(
        "    return np.random.normal(0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))",
        "    return np.random.normal(0, 2.0 / (fan_in + fan_out), (fan_in, fan_out))")],
      "xavier_normal", "standard deviation"),
]

# Correct in another way: full marks.
EQUIVALENT = [
    # The MXNet draft's labels: a vector, not the PyTorch edition's column.
    M(A, "labels_as_a_vector", [("    return X, y.reshape((-1, 1))", "    return X, y")], "synthetic_data", ""),
    # All pairwise distances at once: a unit counts when no earlier unit is within tol.
    M(A, "distinct_units_by_pairwise_distances", [(
        "    kept = []\n    for unit in units:\n        if all(np.abs(unit - other).max() > tol for other in kept):\n"
        "            kept.append(unit)\n    return len(kept)",
        "    gaps = np.abs(units[:, None, :] - units[None, :, :]).max(axis=2)\n"
        "    return int(sum(not np.any(gaps[j, :j] <= tol) for j in range(len(units))))")], "distinct_units", ""),
]

# The samples predate distinct_units: each loses its 2 points, as "not defined".
SAMPLES = {
    "s-1a2b": {"distinct_units": 2.0},
    "s-3c4d": {"apply_weight_decay": 1.0, "dropout_layer": 3.0, "Dropout": 1.0, "distinct_units": 2.0},
    "s-5e6f": {"squared_loss": 1.0, "Dropout": 3.0, "xavier_uniform": 2.0, "xavier_normal": 1.0, "distinct_units": 2.0},
}


globals().update(suite.standard_tests(A, figures=FIGURES, graded=GRADED, max_score=44, samples=SAMPLES, mutants=MUTANTS,
                                      equivalent=EQUIVALENT))
