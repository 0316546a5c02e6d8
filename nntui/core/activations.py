"""Activation functions and their derivatives.

Every function accepts a Python float or a NumPy array and returns the same kind.
The sigmoid is safe for any float: ``sigmoid(-1000.0)`` is a clean 0.0 with no overflow and
no RuntimeWarning, and elsewhere it is the textbook 1 / (1 + e^-x), bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "sigmoid",
    "sigmoid_derivative",
    "sigmoid_derivative_from_output",
    "tanh",
    "tanh_derivative",
    "relu",
    "relu_derivative",
]


def _sigmoid_scalar(x: float) -> float:
    # The textbook formula is exact wherever e^-x fits in a float; below about -709 it would
    # overflow, and there the sigmoid is e^x / (1 + e^x), which equals e^x to double precision.
    if x >= -700.0:
        return 1.0 / (1.0 + math.exp(-x))
    return math.exp(x)


def sigmoid(x):
    """The logistic function f(x) = 1 / (1 + e^-x), squashing any real number into (0, 1)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return _sigmoid_scalar(float(x))
    arr = np.asarray(x, dtype=float)
    # For x < -709, e^-x overflows to inf and 1 / (1 + inf) is exactly 0.0: the right answer to
    # double precision, so the overflow is expected and silenced rather than worked around.
    with np.errstate(over="ignore"):
        out = 1.0 / (1.0 + np.exp(-arr))
    return out if out.ndim else float(out)


def sigmoid_derivative_from_output(fx):
    """f'(x) written with the sigmoid's own output: f(x) * (1 - f(x))."""
    return fx * (1.0 - fx)


def sigmoid_derivative(x):
    """Derivative of the sigmoid at x: f(x) * (1 - f(x))."""
    return sigmoid_derivative_from_output(sigmoid(x))


def tanh(x):
    """Hyperbolic tangent, squashing into (-1, 1)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return math.tanh(x)
    out = np.tanh(np.asarray(x, dtype=float))
    return out if out.ndim else float(out)


def tanh_derivative(x):
    """Derivative of tanh at x: 1 - tanh(x)^2."""
    t = tanh(x)
    return 1.0 - t * t


def relu(x):
    """Rectified linear unit: max(0, x)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return x if x > 0.0 else 0.0
    out = np.maximum(np.asarray(x, dtype=float), 0.0)
    return out if out.ndim else float(out)


def relu_derivative(x):
    """Derivative of ReLU: 1 where x > 0, else 0 (we pick 0 at the kink x = 0)."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return 1.0 if x > 0.0 else 0.0
    out = (np.asarray(x, dtype=float) > 0).astype(float)
    return out if out.ndim else float(out)


@dataclass(frozen=True)
class Activation:
    """An activation function bundled with its derivative and a printable formula."""

    name: str
    function: Callable
    derivative: Callable
    formula: str
    derivative_formula: str
    low: float
    high: float

    def __call__(self, x):
        return self.function(x)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", sigmoid, sigmoid_derivative, "1 / (1 + e^-x)", "f(x) * (1 - f(x))", 0.0, 1.0
    ),
    "tanh": Activation("tanh", tanh, tanh_derivative, "tanh(x)", "1 - tanh(x)^2", -1.0, 1.0),
    "relu": Activation("relu", relu, relu_derivative, "max(0, x)", "1 if x > 0 else 0", 0.0, math.inf),
}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name ("sigmoid", "tanh" or "relu")."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (choose one of {known})") from None
