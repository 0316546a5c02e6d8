"""A single artificial neuron: weighted sum, plus bias, through an activation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation

__all__ = ["Neuron", "NeuronOutput"]


@dataclass(frozen=True)
class NeuronOutput:
    """Every intermediate value of one feedforward, for display."""

    weighted_sum: float  # w . x, before the bias
    total: float  # w . x + b, the activation's input
    output: float  # f(total)


@dataclass
class Neuron:
    """A neuron with a weight per input, one bias and an activation function."""

    weights: np.ndarray
    bias: float
    activation: Activation = field(default_factory=lambda: get_activation("sigmoid"))

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=float)
        self.bias = float(self.bias)
        self.activation = get_activation(self.activation)

    def explain(self, inputs) -> NeuronOutput:
        """Feed ``inputs`` forward and return every intermediate value."""
        x = np.asarray(inputs, dtype=float)
        if x.shape != self.weights.shape:
            raise ValueError(f"expected {self.weights.size} inputs, got {x.size}")
        weighted = float(np.dot(self.weights, x))
        total = weighted + self.bias
        return NeuronOutput(weighted, total, float(self.activation(total)))

    def feedforward(self, inputs) -> float:
        """The neuron's output for ``inputs``."""
        return self.explain(inputs).output
