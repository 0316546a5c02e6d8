"""The lessons' network: 2 inputs, a hidden layer of 2 neurons, 1 output neuron.

    h1 = f(w1*x1 + w2*x2 + b1)
    h2 = f(w3*x1 + w4*x2 + b2)
    o1 = sigmoid(w5*h1 + w6*h2 + b3)      (the prediction y_pred)

f is the hidden layer's activation (the sigmoid unless chosen otherwise); the output
neuron always uses the sigmoid so the prediction reads as a probability.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields, replace

import numpy as np

from .activations import Activation, get_activation, sigmoid
from .names import BIAS_NAMES, PARAM_NAMES, WEIGHT_NAMES

__all__ = ["PARAM_NAMES", "WEIGHT_NAMES", "BIAS_NAMES", "Params", "Forward", "forward", "predict"]


@dataclass(frozen=True)
class Params:
    """The nine named parameters of the 2-2-1 network."""

    w1: float
    w2: float
    w3: float
    w4: float
    w5: float
    w6: float
    b1: float
    b2: float
    b3: float

    @classmethod
    def from_sequence(cls, values) -> "Params":
        """Build from nine numbers in the order w1..w6, b1..b3."""
        values = [float(v) for v in values]
        if len(values) != 9:
            raise ValueError(f"expected 9 parameters (w1..w6, b1..b3), got {len(values)}")
        return cls(*values)

    @classmethod
    def from_weights_biases(cls, weights, biases) -> "Params":
        """Build from six weights (w1..w6) and three biases (b1..b3)."""
        weights, biases = list(weights), list(biases)
        if len(weights) != 6:
            raise ValueError(f"expected 6 weights (w1..w6), got {len(weights)}")
        if len(biases) != 3:
            raise ValueError(f"expected 3 biases (b1, b2, b3), got {len(biases)}")
        return cls.from_sequence(weights + biases)

    @classmethod
    def random(cls, seed: int | None = None) -> "Params":
        """Nine standard normals from ``numpy.random.default_rng(seed)``, drawn w1..w6 then b1..b3."""
        rng = np.random.default_rng(seed)
        return cls.from_sequence(rng.standard_normal() for _ in PARAM_NAMES)

    @classmethod
    def ones(cls) -> "Params":
        """The backpropagation lesson's start: every weight 1, every bias 0."""
        return cls(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0)

    @classmethod
    def shared_neuron(cls, weights=(0.0, 1.0), bias: float = 0.0) -> "Params":
        """Every neuron with the same two weights and bias (the feedforward lesson uses [0, 1], 0)."""
        a, b = weights
        return cls(a, b, a, b, a, b, bias, bias, bias)

    def as_array(self) -> np.ndarray:
        """The parameters as a float array in the order w1..w6, b1..b3."""
        return np.array(astuple(self), dtype=float)

    def as_dict(self) -> dict[str, float]:
        """Name -> value, in canonical order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_value(self, name: str, value: float) -> "Params":
        """A copy with one parameter changed."""
        if name not in PARAM_NAMES:
            raise ValueError(f"unknown parameter {name!r} (choose one of {', '.join(PARAM_NAMES)})")
        return replace(self, **{name: float(value)})

    def is_finite(self) -> bool:
        """True when no parameter is NaN or infinite."""
        return bool(np.all(np.isfinite(self.as_array())))


@dataclass(frozen=True)
class Forward:
    """Every value computed on the way forward for one input."""

    sum_h1: float
    h1: float
    sum_h2: float
    h2: float
    sum_o1: float
    y_pred: float


def forward(params: Params, x, activation: str | Activation = "sigmoid") -> Forward:
    """Feed one input (x1, x2) through the network, keeping every intermediate value."""
    f = get_activation(activation)
    x1, x2 = (float(v) for v in x)
    p = params
    sum_h1 = p.w1 * x1 + p.w2 * x2 + p.b1
    h1 = float(f(sum_h1))
    sum_h2 = p.w3 * x1 + p.w4 * x2 + p.b2
    h2 = float(f(sum_h2))
    sum_o1 = p.w5 * h1 + p.w6 * h2 + p.b3
    return Forward(sum_h1, h1, sum_h2, h2, sum_o1, float(sigmoid(sum_o1)))


def predict(params: Params, X, activation: str | Activation = "sigmoid") -> np.ndarray:
    """Predictions for many inputs at once: X has shape (n, 2), the result shape (n,)."""
    f = get_activation(activation)
    X = np.atleast_2d(np.asarray(X, dtype=float))
    p = params
    h1 = f(p.w1 * X[:, 0] + p.w2 * X[:, 1] + p.b1)
    h2 = f(p.w3 * X[:, 0] + p.w4 * X[:, 1] + p.b2)
    return np.asarray(sigmoid(p.w5 * h1 + p.w6 * h2 + p.b3), dtype=float).reshape(-1)
