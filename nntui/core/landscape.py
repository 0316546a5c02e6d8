"""The loss over the whole data set, its gradient, and slices of it along one parameter.

These draw the "walking downhill in the fog" picture: fix eight parameters, vary the
ninth, and the loss becomes a curve you can look at; the gradient is its slope where
you stand.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation
from .losses import mse
from .network import PARAM_NAMES, Params, predict
from .trace import backprop_trace

__all__ = ["dataset_loss", "dataset_gradient", "loss_slice", "gradient_step"]


def dataset_loss(params: Params, X, y, activation: str | Activation = "sigmoid") -> float:
    """Mean squared error of the network over the data set (X, y)."""
    return mse(y, predict(params, X, activation))


def dataset_gradient(params: Params, X, y, activation: str | Activation = "sigmoid") -> Params:
    """The gradient of :func:`dataset_loss`: the mean of the per-sample gradients."""
    X = np.asarray(X, dtype=float)
    grads = [
        backprop_trace(params, row, target, activation).gradient.as_array()
        for row, target in zip(X, y, strict=True)
    ]
    return Params.from_sequence(np.mean(grads, axis=0))


def loss_slice(
    params: Params, name: str, values, X, y, activation: str | Activation = "sigmoid"
) -> np.ndarray:
    """The data set's loss as ``name`` takes each of ``values`` and the rest stay put."""
    if name not in PARAM_NAMES:
        raise ValueError(f"unknown parameter {name!r} (choose one of {', '.join(PARAM_NAMES)})")
    return np.array([dataset_loss(params.with_value(name, v), X, y, activation) for v in values])


def gradient_step(
    params: Params, X, y, learning_rate: float, activation: str | Activation = "sigmoid"
) -> Params:
    """One full-batch gradient descent step on the data set's loss."""
    grad = dataset_gradient(params, X, y, activation)
    return Params.from_sequence(params.as_array() - learning_rate * grad.as_array())
