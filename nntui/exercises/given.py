"""Working versions of the earlier pieces, for exercises that build on them.

A later exercise imports what it needs from here, so a slip in an earlier file cannot make
a later check fail. Learners who want to run entirely on their own code can replace the
import with one from their own file, for example ``from ex07_sgd_step import sgd_step``
(the workspace folder is on ``sys.path`` when nntui runs their code).

Standalone on purpose (NumPy only, nothing else of nntui): the sandbox binds this one file
in as ``nntui.exercises.given``, the only part of nntui that learner code can import.
"""

import numpy as np

__all__ = [
    "backprop_terms",
    "feedforward",
    "matrix_feedforward",
    "mse_loss",
    "neuron_feedforward",
    "sgd_step",
    "sigmoid",
    "sigmoid_derivative",
]


def sigmoid(x):
    """1 / (1 + e^-x) of a number or, element by element, of an array."""
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(x):
    """The sigmoid's slope at x: f(x) * (1 - f(x))."""
    fx = sigmoid(x)
    return fx * (1.0 - fx)


def mse_loss(y_true, y_pred):
    """The mean of the squared differences."""
    errors = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return float(np.mean(errors**2))


def neuron_feedforward(weights, bias, inputs):
    """sigmoid(weights . inputs + bias)."""
    return sigmoid(np.dot(weights, inputs) + bias)


def feedforward(params, x):
    """The 2-2-1 network's prediction for x = [x1, x2]; params holds w1..w6 and b1..b3."""
    p = params
    x1, x2 = x
    h1 = sigmoid(p["w1"] * x1 + p["w2"] * x2 + p["b1"])
    h2 = sigmoid(p["w3"] * x1 + p["w4"] * x2 + p["b2"])
    return sigmoid(p["w5"] * h1 + p["w6"] * h2 + p["b3"])


def backprop_terms(params, x, y_true):
    """The twelve local derivatives of the loss (y_true - y_pred)^2 for one sample."""
    p = params
    x1, x2 = x
    sum_h1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
    sum_h2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
    h1, h2 = sigmoid(sum_h1), sigmoid(sum_h2)
    sum_o1 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = sigmoid(sum_o1)
    slope_o1, slope_h1, slope_h2 = (sigmoid_derivative(s) for s in (sum_o1, sum_h1, sum_h2))
    return {
        "d_L_d_ypred": -2 * (y_true - y_pred),
        "d_ypred_d_w5": h1 * slope_o1,
        "d_ypred_d_w6": h2 * slope_o1,
        "d_ypred_d_b3": slope_o1,
        "d_ypred_d_h1": p["w5"] * slope_o1,
        "d_ypred_d_h2": p["w6"] * slope_o1,
        "d_h1_d_w1": x1 * slope_h1,
        "d_h1_d_w2": x2 * slope_h1,
        "d_h1_d_b1": slope_h1,
        "d_h2_d_w3": x1 * slope_h2,
        "d_h2_d_w4": x2 * slope_h2,
        "d_h2_d_b2": slope_h2,
    }


def sgd_step(params, x, y_true, lr=0.1):
    """The nine parameters after one gradient descent step on the sample (x, y_true)."""
    t = backprop_terms(params, x, y_true)
    dl = t["d_L_d_ypred"]
    gradients = {
        "w1": dl * t["d_ypred_d_h1"] * t["d_h1_d_w1"],
        "w2": dl * t["d_ypred_d_h1"] * t["d_h1_d_w2"],
        "b1": dl * t["d_ypred_d_h1"] * t["d_h1_d_b1"],
        "w3": dl * t["d_ypred_d_h2"] * t["d_h2_d_w3"],
        "w4": dl * t["d_ypred_d_h2"] * t["d_h2_d_w4"],
        "b2": dl * t["d_ypred_d_h2"] * t["d_h2_d_b2"],
        "w5": dl * t["d_ypred_d_w5"],
        "w6": dl * t["d_ypred_d_w6"],
        "b3": dl * t["d_ypred_d_b3"],
    }
    return {name: params[name] - lr * gradients[name] for name in params}


def matrix_feedforward(X, W1, W2):
    """(hidden layer outputs, network outputs) for every row of X."""
    layer1 = sigmoid(np.dot(X, W1))
    return layer1, sigmoid(np.dot(layer1, W2))
