"""The matrix-form network: the same ideas written with whole arrays at once.

Three inputs, one hidden layer of ``hidden`` units (4 by default), one output, no biases.
Every row of the data set goes through together (full batch), the loss is the sum of
squared errors, and each iteration adds the negative gradient times a learning rate
(1.0 by default, which is what leaving the rate out amounts to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .activations import Activation, get_activation, sigmoid
from .losses import sum_of_squares

__all__ = [
    "MATRIX_X",
    "MATRIX_Y",
    "MatrixNetwork",
    "MatrixStep",
    "MatrixResult",
    "matrix_steps",
    "train_matrix",
    "initial_matrix_weights",
]

#: Four rows of three inputs; the third column is always 1 and plays the role of a bias.
MATRIX_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
#: The target is 1 exactly when the first two inputs differ (exclusive or).
MATRIX_Y = np.array([[0], [1], [1], [0]], dtype=float)


@dataclass(frozen=True)
class MatrixStep:
    """One iteration: its number (from 1), and the loss and outputs before its update."""

    iteration: int
    loss: float
    output: np.ndarray


@dataclass(frozen=True)
class MatrixResult:
    """A finished run: the loss of every iteration, the final outputs and weights."""

    losses: np.ndarray
    output: np.ndarray  # predictions of the final weights, shape (rows, 1)
    weights1: np.ndarray  # inputs x hidden
    weights2: np.ndarray  # hidden x 1


def initial_matrix_weights(n_inputs: int, hidden: int, seed: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform [0, 1) starting weights, as ``np.random.rand`` would give, from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return rng.random((n_inputs, hidden)), rng.random((hidden, 1))


class MatrixNetwork:
    """A one-hidden-layer network held as two weight matrices, trained full batch."""

    def __init__(
        self, weights1, weights2, activation: str | Activation = "sigmoid", learning_rate: float = 1.0
    ):
        self.weights1 = np.array(weights1, dtype=float)
        self.weights2 = np.array(weights2, dtype=float)
        self.activation = get_activation(activation)
        self.learning_rate = float(learning_rate)

    def feedforward(self, X) -> tuple[np.ndarray, np.ndarray]:
        """The hidden layer's outputs and the network's outputs for every row of X."""
        layer1 = self.activation(np.asarray(X, dtype=float) @ self.weights1)
        return layer1, sigmoid(layer1 @ self.weights2)

    def step(self, X, y, iteration: int = 0) -> MatrixStep:
        """One iteration: measure the loss, then update both matrices against its gradient."""
        X = np.asarray(X, dtype=float)
        layer1, output = self.feedforward(X)
        loss = sum_of_squares(y, output)
        # For L = sum (y - out)^2, dL/d(out) = -2 (y - out); stepping against the gradient
        # therefore ADDS 2 (y - out) times the slopes. The output's slope is written with the
        # output itself, out * (1 - out): the sigmoid's derivative at the output's input.
        delta_out = 2 * (y - output) * output * (1 - output)
        if self.activation.name == "sigmoid":
            hidden_slope = layer1 * (1 - layer1)
        else:
            hidden_slope = self.activation.derivative(X @ self.weights1)
        delta_hidden = (delta_out @ self.weights2.T) * hidden_slope
        self.weights2 = self.weights2 + self.learning_rate * (layer1.T @ delta_out)
        self.weights1 = self.weights1 + self.learning_rate * (X.T @ delta_hidden)
        return MatrixStep(iteration, loss, output)


def _checked_network(X, hidden, iterations, learning_rate, activation, seed) -> MatrixNetwork:
    if hidden < 1:
        raise ValueError(f"the hidden layer needs at least 1 unit, got {hidden}")
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    if not (learning_rate > 0 and np.isfinite(learning_rate)):
        raise ValueError(f"the learning rate must be a positive finite number, got {learning_rate!r}")
    w1, w2 = initial_matrix_weights(np.asarray(X).shape[1], hidden, seed)
    return MatrixNetwork(w1, w2, activation, learning_rate)


def _iterate(net: MatrixNetwork, X, y, iterations: int) -> Iterator[MatrixStep]:
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    for iteration in range(1, iterations + 1):
        yield net.step(X, y, iteration)


def matrix_steps(
    X=MATRIX_X,
    y=MATRIX_Y,
    hidden: int = 4,
    iterations: int = 1500,
    learning_rate: float = 1.0,
    activation: str | Activation = "sigmoid",
    seed: int | None = 1,
) -> Iterator[MatrixStep]:
    """Train full batch from ``seed``'s weights, yielding every iteration; stop iterating to cancel."""
    net = _checked_network(X, hidden, iterations, learning_rate, activation, seed)
    yield from _iterate(net, X, y, iterations)


def train_matrix(
    X=MATRIX_X,
    y=MATRIX_Y,
    hidden: int = 4,
    iterations: int = 1500,
    learning_rate: float = 1.0,
    activation: str | Activation = "sigmoid",
    seed: int | None = 1,
) -> MatrixResult:
    """Train for ``iterations`` and return every loss, the final outputs and the weights."""
    net = _checked_network(X, hidden, iterations, learning_rate, activation, seed)
    losses = [step.loss for step in _iterate(net, X, y, iterations)]
    _, output = net.feedforward(X)
    return MatrixResult(np.asarray(losses), output, net.weights1, net.weights2)
