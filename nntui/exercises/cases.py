"""Check cases: for each exercise, inputs and the trusted function that gives the expected output.

Used by the judge, outside the sandbox (it needs NumPy): the sandboxed child receives only
each case's inputs (:meth:`Case.request`) and sends back what the learner's function
returned; expected values come from the trusted ``nntui.core`` (adapted to the exercises'
plain dicts and tuples) and never reach the child. The reference solutions are only shown
to learners, never used as the truth.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from nntui.core import activations, losses
from nntui.core.data import dataset
from nntui.core.matrix import MatrixNetwork, initial_matrix_weights
from nntui.core.network import Params, forward
from nntui.core.neuron import Neuron
from nntui.core.trace import LOCAL_NAMES, backprop_trace
from nntui.core.trace import sgd_step as core_sgd_step
from nntui.core.train import train as core_train

__all__ = ["Case", "cases_for", "compare", "describe", "ATOL", "RTOL"]

ATOL = 1e-6
RTOL = 1e-6


@dataclass(frozen=True)
class Case:
    """One call of a learner's function and how to judge it."""

    label: str  # names the case in reports
    function: str  # the learner's function to call
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    reference: Callable | None = None  # trusted function with the same signature
    # A keyword argument that receives a recording callable: the value compared is then
    # {"params", "losses", "on epoch calls"} (what a train function returned and reported).
    record: str = ""
    shown: str = ""  # how the input is printed; default: the call with its arguments

    def run(self, fn: Callable) -> Any:
        """Call ``fn`` (learner's or reference) on a fresh copy of the inputs."""
        args = copy.deepcopy(self.args)
        kwargs = copy.deepcopy(self.kwargs)
        if self.record:
            return _collect_calls(fn, self.record, *args, **kwargs)
        return fn(*args, **kwargs)

    def expected(self) -> Any:
        """The trusted answer."""
        return self.run(self.reference)

    def request(self) -> dict:
        """What the sandboxed child needs to call the learner's function: inputs, never answers."""
        from .wire import encode

        return {
            "function": self.function,
            "args": encode(list(self.args)),
            "kwargs": encode(dict(self.kwargs)),
            "record": self.record,
        }

    def call_text(self) -> str:
        """The input as a readable call."""
        if self.shown:
            return self.shown
        parts = [describe(a) for a in self.args] + [f"{k}={describe(v)}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


# ---------------------------------------------------------------- formatting and comparing


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def describe(value, limit: int = 400) -> str:
    """A short, readable rendering of a value for a report."""
    if isinstance(value, np.ndarray):
        text = "np.array(" + np.array2string(value, precision=6, separator=", ", threshold=40) + ")"
        text = " ".join(text.split())
    elif _is_number(value):
        text = repr(float(value)) if isinstance(value, (float, np.floating)) else repr(int(value))
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k!r}: {describe(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, (list, tuple)) and len(value) > 8 and all(_is_number(v) for v in value):
        head = ", ".join(describe(v) for v in value[:3])
        text = f"[{head}, ... {describe(value[-1])}] ({len(value)} values)"
    elif isinstance(value, tuple):
        text = "(" + ", ".join(describe(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    elif isinstance(value, list):
        text = "[" + ", ".join(describe(v) for v in value) + "]"
    elif value is None:
        text = "None"
    else:
        text = f"{type(value).__name__} {value!r}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _close(got: float, expected: float) -> bool:
    return math.isfinite(got) and abs(got - expected) <= ATOL + RTOL * abs(expected)


def compare(expected, got, where: str = "") -> str | None:
    """None if ``got`` matches ``expected`` within the tolerance, else what is wrong (one line)."""
    at = f" at {where}" if where else ""
    if _is_number(expected):
        if isinstance(got, np.ndarray) and got.shape == ():
            got = got.item()
        if not _is_number(got):
            return f"expected a number{at}, got {describe(got, 80)}"
        if not _close(float(got), float(expected)):
            return f"wrong value{at}"
        return None
    if isinstance(expected, np.ndarray):
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array{at}, got {describe(got, 80)}"
        if arr.shape != expected.shape:
            return f"expected an array of shape {expected.shape}{at}, got shape {arr.shape}"
        bad = ~(np.isfinite(arr) & (np.abs(arr - expected) <= ATOL + RTOL * np.abs(expected)))
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            return f"wrong value{at} at index {index if len(index) > 1 else index[0]}"
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected a dict{at}, got {describe(got, 80)}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"the dict{at} is missing {', '.join(repr(k) for k in missing)}"
        extra = [k for k in got if k not in expected]
        if extra:
            return f"the dict{at} has unexpected keys {', '.join(repr(k) for k in extra)}"
        for key, value in expected.items():
            problem = compare(value, got[key], f"{where}[{key!r}]" if where else repr(key))
            if problem:
                return problem
        return None
    if isinstance(expected, (tuple, list)):
        kind = "tuple" if isinstance(expected, tuple) else "list"
        if not isinstance(got, (tuple, list, np.ndarray)):
            return f"expected a {kind} of {len(expected)}{at}, got {describe(got, 80)}"
        if len(got) != len(expected):
            return f"expected {len(expected)} values{at}, got {len(got)}"
        for i, value in enumerate(expected):
            problem = compare(value, got[i], f"{where}[{i}]" if where else f"item {i}")
            if problem:
                return problem
        return None
    return None if got == expected else f"wrong value{at}"


# ---------------------------------------------------------------- references from nntui.core


def _core_neuron(weights, bias, inputs):
    return Neuron(weights, bias).feedforward(inputs)


def _core_feedforward(params, x):
    return forward(Params(**params), x).y_pred


_LOCAL_TERMS = LOCAL_NAMES  # the twelve chain-rule terms, named as in the lessons


def _core_backprop_terms(params, x, y_true):
    trace = backprop_trace(Params(**params), x, y_true)
    return {name: trace.value(name) for name in _LOCAL_TERMS}


def _core_sgd_step(params, x, y_true, lr=0.1):
    return core_sgd_step(Params(**params), x, y_true, lr).after.as_dict()


def _core_train(params, data, y_trues, lr=0.1, epochs=1000, on_epoch=None):
    def report(epoch):  # the core counts epochs from 1, the exercise from 0
        if on_epoch is not None:
            on_epoch(epoch.epoch - 1, epoch.loss)

    start = Params(**params)
    result = core_train(data, y_trues, learning_rate=lr, epochs=epochs, params=start, on_epoch=report)
    return result.params.as_dict(), [float(v) for v in result.losses]


def _core_matrix_feedforward(X, W1, W2):
    return MatrixNetwork(W1, W2).feedforward(X)


def _core_matrix_gradients(X, y, W1, W2):
    # One core step with rate 1 moves each matrix by minus its gradient.
    net = MatrixNetwork(W1, W2, learning_rate=1.0)
    net.step(X, y)
    return np.asarray(W1, dtype=float) - net.weights1, np.asarray(W2, dtype=float) - net.weights2


def _core_matrix_train(X, y, W1, W2, iterations=1500, lr=1.0):
    net = MatrixNetwork(W1, W2, learning_rate=lr)
    found = [net.step(X, y).loss for _ in range(iterations)]
    return net.weights1, net.weights2, found


def _collect_calls(train_fn, keyword, *args, **kwargs):
    """Run a train function with a recording callback; compare the recorded calls too.

    The sandboxed child does the same for the learner's function (``call_one`` in child.py).
    """
    seen: list[tuple] = []
    kwargs[keyword] = lambda *values: seen.append(tuple(values))
    params, epoch_losses = train_fn(*args, **kwargs)
    return {"params": params, "losses": list(epoch_losses), "on_epoch calls": seen}


def _params(w, b):
    names = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")
    return dict(zip(names, [float(v) for v in list(w) + list(b)], strict=True))


def _matrix_data(seed: int = 1):
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    W1, W2 = initial_matrix_weights(3, 4, seed)
    return X, y, W1, W2


def cases_for(name: str) -> list[Case]:
    """The check cases of exercise ``name``, easiest first."""
    ones = _params([1] * 6, [0] * 3)
    shared = _params([0, 1, 0, 1, 0, 1], [0, 0, 0])
    mixed = _params([0.5, -1.2, 0.3, 0.8, -0.7, 1.1], [0.1, -0.4, 0.25])
    X, y = dataset("lesson")
    alice, alice_y = np.array([-2.0, -1.0]), 1.0
    bob, bob_y = np.array([25.0, 6.0]), 0.0
    if name == "sigmoid":
        ref = activations.sigmoid
        return [
            Case("sigmoid of 0", "sigmoid", (0.0,), reference=ref),
            Case("sigmoid of 7, the neuron example's total", "sigmoid", (7.0,), reference=ref),
            Case("sigmoid of a negative number", "sigmoid", (-2.5,), reference=ref),
            Case("sigmoid of an array", "sigmoid", (np.array([-3.0, -0.5, 0.0, 1.0, 4.0]),), reference=ref),
        ]
    if name == "sigmoid_derivative":
        ref = activations.sigmoid_derivative
        return [
            Case("slope at 0", "sigmoid_derivative", (0.0,), reference=ref),
            Case("slope at 2", "sigmoid_derivative", (2.0,), reference=ref),
            Case("slope at -1.5", "sigmoid_derivative", (-1.5,), reference=ref),
            Case(
                "slope of an array", "sigmoid_derivative", (np.array([-4.0, -1.0, 0.5, 3.0]),), reference=ref
            ),
        ]
    if name == "mse_loss":
        ref = losses.mse
        return [
            Case("always predicting 0", "mse_loss", (np.array([1.0, 0, 0, 1]), np.zeros(4)), reference=ref),
            Case(
                "perfect predictions",
                "mse_loss",
                (np.array([1.0, 0, 0, 1]), np.array([1.0, 0, 0, 1])),
                reference=ref,
            ),
            Case(
                "mixed errors",
                "mse_loss",
                (np.array([1.0, 0, 0, 1]), np.array([0.9, 0.2, 0.4, 0.3])),
                reference=ref,
            ),
            Case(
                "three samples", "mse_loss", (np.array([0.0, 1, 1]), np.array([0.5, 0.5, 2.0])), reference=ref
            ),
        ]
    if name == "neuron":
        ref = _core_neuron
        return [
            Case(
                "weights [0, 1], bias 4, inputs [2, 3]",
                "neuron_feedforward",
                (np.array([0.0, 1.0]), 4.0, np.array([2.0, 3.0])),
                reference=ref,
            ),
            Case(
                "a negative bias",
                "neuron_feedforward",
                (np.array([0.5, -0.25]), -1.0, np.array([1.0, 2.0])),
                reference=ref,
            ),
            Case(
                "three inputs",
                "neuron_feedforward",
                (np.array([0.2, -0.4, 0.6]), 0.1, np.array([1.0, 0.5, -2.0])),
                reference=ref,
            ),
        ]
    if name == "feedforward":
        ref = _core_feedforward
        return [
            Case(
                "every neuron w = [0, 1], b = 0, x = [2, 3]",
                "feedforward",
                (shared, np.array([2.0, 3.0])),
                reference=ref,
            ),
            Case("weights 1, biases 0, Alice", "feedforward", (ones, alice), reference=ref),
            Case("mixed parameters, Bob (h1 and h2 differ)", "feedforward", (mixed, bob), reference=ref),
            Case(
                "mixed parameters, x = [1.5, -2]",
                "feedforward",
                (mixed, np.array([1.5, -2.0])),
                reference=ref,
            ),
        ]
    if name == "backprop":
        ref = _core_backprop_terms
        return [
            Case(
                "weights 1, biases 0, Alice (y_true 1)",
                "backprop_terms",
                (ones, alice, alice_y),
                reference=ref,
            ),
            Case("mixed parameters, Bob (y_true 0)", "backprop_terms", (mixed, bob, bob_y), reference=ref),
            Case(
                "mixed parameters, x = [0.5, -1], y_true 1",
                "backprop_terms",
                (mixed, np.array([0.5, -1.0]), 1.0),
                reference=ref,
            ),
        ]
    if name == "sgd_step":
        ref = _core_sgd_step
        return [
            Case(
                "weights 1, biases 0, Alice, lr 0.1", "sgd_step", (ones, alice, alice_y, 0.1), reference=ref
            ),
            Case("mixed parameters, Bob, lr 0.1", "sgd_step", (mixed, bob, bob_y, 0.1), reference=ref),
            Case(
                "mixed parameters, x = [0.5, -1], y_true 1, lr 0.5",
                "sgd_step",
                (mixed, np.array([0.5, -1.0]), 1.0, 0.5),
                reference=ref,
            ),
        ]
    if name == "train":
        ref = _core_train
        return [
            Case(
                "one epoch from weights 1, biases 0",
                "train",
                (ones, X, y),
                {"lr": 0.1, "epochs": 1},
                reference=ref,
                shown="train(weights 1 and biases 0, the four people, lr=0.1, epochs=1)",
            ),
            Case(
                "three epochs from mixed parameters",
                "train",
                (mixed, X, y),
                {"lr": 0.1, "epochs": 3},
                reference=ref,
                shown="train(mixed parameters, the four people, lr=0.1, epochs=3)",
            ),
            Case(
                "on_epoch is called after every epoch",
                "train",
                (mixed, X, y),
                {"lr": 0.1, "epochs": 4},
                reference=ref,
                record="on_epoch",
                shown="train(mixed parameters, the four people, lr=0.1, epochs=4, on_epoch=record)",
            ),
            Case(
                "the full run: 1000 epochs, lr 0.1",
                "train",
                (mixed, X, y),
                {"lr": 0.1, "epochs": 1000},
                reference=ref,
                shown="train(mixed parameters, the four people, lr=0.1, epochs=1000)",
            ),
        ]
    if name == "matrix_feedforward":
        ref = _core_matrix_feedforward
        Xm, _, W1, W2 = _matrix_data()
        return [
            Case(
                "all weights 0.5",
                "matrix_feedforward",
                (Xm, np.full((3, 4), 0.5), np.full((4, 1), 0.5)),
                reference=ref,
            ),
            Case("random weights (seed 1)", "matrix_feedforward", (Xm, W1, W2), reference=ref),
        ]
    if name == "matrix_training":
        grads = _core_matrix_gradients
        train = _core_matrix_train
        Xm, ym, W1, W2 = _matrix_data()
        return [
            Case(
                "gradients at all weights 0.5",
                "matrix_gradients",
                (Xm, ym, np.full((3, 4), 0.5), np.full((4, 1), 0.5)),
                reference=grads,
            ),
            Case(
                "gradients at random weights (seed 1)", "matrix_gradients", (Xm, ym, W1, W2), reference=grads
            ),
            Case(
                "two iterations, lr 1.0",
                "matrix_train",
                (Xm, ym, W1, W2),
                {"iterations": 2, "lr": 1.0},
                reference=train,
            ),
            Case(
                "the full run: 1500 iterations, lr 1.0",
                "matrix_train",
                (Xm, ym, W1, W2),
                {"iterations": 1500, "lr": 1.0},
                reference=train,
                shown="matrix_train(X, y, W1, W2 from seed 1, iterations=1500, lr=1.0)",
            ),
        ]
    raise ValueError(f"no check cases for {name!r}")
