"""Backpropagation for one sample, written out term by term.

``backprop_trace`` runs the network forward on one (x, y_true) pair and then applies the
chain rule, keeping every quantity as a :class:`Term` with its symbolic formula, the same
formula with the numbers put in, and its value. A pane, the CLI or a test renders the
trace as data; nothing downstream re-derives any calculus.

The names follow the lessons: ``d_L_d_w1`` reads "the partial derivative of L with
respect to w1", and ``d_L_d_w1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Literal

from nntui.numbers import format_number

from .activations import Activation, get_activation, sigmoid_derivative_from_output
from .names import DERIVATIVE_NAMES, FORWARD_NAMES, GRADIENT_NAMES, LOCAL_NAMES
from .network import PARAM_NAMES, Params, forward

__all__ = [
    "Term",
    "Trace",
    "SgdStep",
    "backprop_trace",
    "sgd_step",
    "FORWARD_NAMES",
    "DERIVATIVE_NAMES",
    "LOCAL_NAMES",
    "GRADIENT_NAMES",
    "SATURATION_THRESHOLD",
    "LARGE_THRESHOLD",
]

TermKind = Literal["forward", "derivative", "local", "gradient"]


#: A sigmoid slope below this (its maximum is 0.25) means the neuron is saturated.
SATURATION_THRESHOLD = 0.01
#: A chain-rule term above this in size is marked as exploding.
LARGE_THRESHOLD = 100.0


def _factor(value: float) -> str:
    """A number as it appears inside a product: negatives in parentheses."""
    text = format_number(value)
    return f"({text})" if value < 0 else text


@dataclass(frozen=True)
class Term:
    """One quantity of the trace: what it is, how it is computed, and its value."""

    name: str
    kind: TermKind
    formula: str  # symbolic, e.g. "x1 * f'(sum_h1)"
    substituted: str  # the same with numbers, e.g. "(-2) * 0.1966"
    value: float
    flags: tuple[str, ...] = ()  # plain-word warnings such as "saturated" or "exploding"

    def to_dict(self) -> dict:
        """A JSON-ready mapping."""
        return {
            "kind": self.kind,
            "formula": self.formula,
            "substituted": self.substituted,
            "value": self.value,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class Trace:
    """Every forward value, local derivative and gradient for one sample."""

    params: Params
    x: tuple[float, float]
    y_true: float
    activation: str
    terms: dict[str, Term] = field(repr=False)
    person: str | None = None

    def __getitem__(self, name: str) -> Term:
        return self.terms[name]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def value(self, name: str) -> float:
        """The value of the term called ``name``."""
        return self.terms[name].value

    def values(self) -> dict[str, float]:
        """Name -> value for every term."""
        return {name: term.value for name, term in self.terms.items()}

    def of_kind(self, kind: TermKind) -> list[Term]:
        """The terms of one kind, in order."""
        return [t for t in self.terms.values() if t.kind == kind]

    @property
    def gradient(self) -> Params:
        """The nine gradients dL/dparam as a :class:`Params` (same order as the parameters)."""
        return Params.from_sequence(self.terms[f"d_L_d_{n}"].value for n in PARAM_NAMES)

    @property
    def loss(self) -> float:
        """This sample's squared error."""
        return self.terms["loss"].value

    def to_dict(self) -> dict:
        """A JSON-ready mapping: inputs, parameters, and every term under its name."""
        return {
            "person": self.person,
            "x": list(self.x),
            "y_true": self.y_true,
            "activation": self.activation,
            "params": self.params.as_dict(),
            "terms": {name: term.to_dict() for name, term in self.terms.items()},
        }


def _flags_for_slope(value: float, activation: Activation) -> tuple[str, ...]:
    if activation.name == "relu":
        return ("dead: ReLU passes no gradient here",) if value == 0 else ()
    if abs(value) < SATURATION_THRESHOLD:
        return ("saturated: the activation is flat here, so almost no gradient flows back",)
    return ()


def _flags_for_size(value: float) -> tuple[str, ...]:
    if abs(value) > LARGE_THRESHOLD:
        return ("exploding: this term is very large",)
    return ()


def backprop_trace(
    params: Params,
    x,
    y_true: float,
    activation: str | Activation = "sigmoid",
    person: str | None = None,
) -> Trace:
    """Forward pass and chain rule for one sample, every step kept as a :class:`Term`.

    The loss of one sample is L = (y_true - y_pred)^2, the mean squared error of a data set
    of one. The hidden neurons use ``activation``; the output neuron is always a sigmoid.
    """
    act = get_activation(activation)
    x1, x2 = (float(v) for v in x)
    y_true = float(y_true)
    p = params
    fw = forward(params, (x1, x2), act)
    terms: dict[str, Term] = {}

    def add(name, kind, formula, substituted, value, flags=()):
        value = float(value)
        terms[name] = Term(name, kind, formula, substituted, value, tuple(flags) + _flags_for_size(value))

    F = format_number
    add(
        "sum_h1",
        "forward",
        "w1*x1 + w2*x2 + b1",
        f"{_factor(p.w1)}*{_factor(x1)} + {_factor(p.w2)}*{_factor(x2)} + {_factor(p.b1)}",
        fw.sum_h1,
    )
    add("h1", "forward", "f(sum_h1)", f"f({F(fw.sum_h1)})", fw.h1)
    add(
        "sum_h2",
        "forward",
        "w3*x1 + w4*x2 + b2",
        f"{_factor(p.w3)}*{_factor(x1)} + {_factor(p.w4)}*{_factor(x2)} + {_factor(p.b2)}",
        fw.sum_h2,
    )
    add("h2", "forward", "f(sum_h2)", f"f({F(fw.sum_h2)})", fw.h2)
    add(
        "sum_o1",
        "forward",
        "w5*h1 + w6*h2 + b3",
        f"{_factor(p.w5)}*{_factor(fw.h1)} + {_factor(p.w6)}*{_factor(fw.h2)} + {_factor(p.b3)}",
        fw.sum_o1,
    )
    add("y_pred", "forward", "sigmoid(sum_o1)", f"sigmoid({F(fw.sum_o1)})", fw.y_pred)
    loss = (y_true - fw.y_pred) ** 2
    add("loss", "forward", "(y_true - y_pred)^2", f"({F(y_true)} - {_factor(fw.y_pred)})^2", loss)

    # The activation's slope at each neuron. For the sigmoid it is written with the neuron's
    # own output, f(s) * (1 - f(s)), which is why the forward values are kept.
    if act.name == "sigmoid":
        d_h1 = sigmoid_derivative_from_output(fw.h1)
        d_h2 = sigmoid_derivative_from_output(fw.h2)
        add(
            "f_prime_sum_h1",
            "derivative",
            "f'(sum_h1) = h1 * (1 - h1)",
            f"{F(fw.h1)} * (1 - {F(fw.h1)})",
            d_h1,
            _flags_for_slope(d_h1, act),
        )
        add(
            "f_prime_sum_h2",
            "derivative",
            "f'(sum_h2) = h2 * (1 - h2)",
            f"{F(fw.h2)} * (1 - {F(fw.h2)})",
            d_h2,
            _flags_for_slope(d_h2, act),
        )
    else:
        d_h1 = float(act.derivative(fw.sum_h1))
        d_h2 = float(act.derivative(fw.sum_h2))
        add(
            "f_prime_sum_h1",
            "derivative",
            f"f'(sum_h1) = {act.derivative_formula.replace('x', 'sum_h1')}",
            f"f'({F(fw.sum_h1)})",
            d_h1,
            _flags_for_slope(d_h1, act),
        )
        add(
            "f_prime_sum_h2",
            "derivative",
            f"f'(sum_h2) = {act.derivative_formula.replace('x', 'sum_h2')}",
            f"f'({F(fw.sum_h2)})",
            d_h2,
            _flags_for_slope(d_h2, act),
        )
    d_o1 = sigmoid_derivative_from_output(fw.y_pred)
    add(
        "f_prime_sum_o1",
        "derivative",
        "f'(sum_o1) = y_pred * (1 - y_pred)",
        f"{F(fw.y_pred)} * (1 - {F(fw.y_pred)})",
        d_o1,
        _flags_for_slope(d_o1, get_activation("sigmoid")),
    )

    d_L_d_ypred = -2.0 * (y_true - fw.y_pred)
    add(
        "d_L_d_ypred",
        "local",
        "-2 * (y_true - y_pred)",
        f"-2 * ({F(y_true)} - {_factor(fw.y_pred)})",
        d_L_d_ypred,
    )
    # Output neuron o1.
    add("d_ypred_d_w5", "local", "h1 * f'(sum_o1)", f"{_factor(fw.h1)} * {_factor(d_o1)}", fw.h1 * d_o1)
    add("d_ypred_d_w6", "local", "h2 * f'(sum_o1)", f"{_factor(fw.h2)} * {_factor(d_o1)}", fw.h2 * d_o1)
    add("d_ypred_d_b3", "local", "f'(sum_o1)", f"{_factor(d_o1)}", d_o1)
    add("d_ypred_d_h1", "local", "w5 * f'(sum_o1)", f"{_factor(p.w5)} * {_factor(d_o1)}", p.w5 * d_o1)
    add("d_ypred_d_h2", "local", "w6 * f'(sum_o1)", f"{_factor(p.w6)} * {_factor(d_o1)}", p.w6 * d_o1)
    # Hidden neuron h1.
    add("d_h1_d_w1", "local", "x1 * f'(sum_h1)", f"{_factor(x1)} * {_factor(d_h1)}", x1 * d_h1)
    add("d_h1_d_w2", "local", "x2 * f'(sum_h1)", f"{_factor(x2)} * {_factor(d_h1)}", x2 * d_h1)
    add("d_h1_d_b1", "local", "f'(sum_h1)", f"{_factor(d_h1)}", d_h1)
    # Hidden neuron h2.
    add("d_h2_d_w3", "local", "x1 * f'(sum_h2)", f"{_factor(x1)} * {_factor(d_h2)}", x1 * d_h2)
    add("d_h2_d_w4", "local", "x2 * f'(sum_h2)", f"{_factor(x2)} * {_factor(d_h2)}", x2 * d_h2)
    add("d_h2_d_b2", "local", "f'(sum_h2)", f"{_factor(d_h2)}", d_h2)

    # The chain rule: multiply the local derivatives along the path from L back to each parameter.
    chains = {
        "w1": ("d_ypred_d_h1", "d_h1_d_w1"),
        "w2": ("d_ypred_d_h1", "d_h1_d_w2"),
        "w3": ("d_ypred_d_h2", "d_h2_d_w3"),
        "w4": ("d_ypred_d_h2", "d_h2_d_w4"),
        "w5": ("d_ypred_d_w5",),
        "w6": ("d_ypred_d_w6",),
        "b1": ("d_ypred_d_h1", "d_h1_d_b1"),
        "b2": ("d_ypred_d_h2", "d_h2_d_b2"),
        "b3": ("d_ypred_d_b3",),
    }
    for param in PARAM_NAMES:
        path = ("d_L_d_ypred",) + chains[param]
        value = 1.0
        for name in path:
            value *= terms[name].value
        add(
            f"d_L_d_{param}",
            "gradient",
            " * ".join(path),
            " * ".join(_factor(terms[name].value) for name in path),
            value,
        )

    return Trace(params, (x1, x2), y_true, act.name, terms, person)


@dataclass(frozen=True)
class SgdStep:
    """One stochastic gradient descent update on one sample."""

    before: Params
    after: Params
    trace: Trace  # computed at ``before``
    learning_rate: float
    loss_before: float  # this sample's loss at ``before``
    loss_after: float  # this sample's loss at ``after``


def sgd_step(
    params: Params,
    x,
    y_true: float,
    learning_rate: float,
    activation: str | Activation = "sigmoid",
    person: str | None = None,
) -> SgdStep:
    """Move every parameter against its gradient: p <- p - learning_rate * dL/dp."""
    trace = backprop_trace(params, x, y_true, activation, person)
    grads = trace.gradient.as_array()
    after = Params.from_sequence(params.as_array() - learning_rate * grads)
    loss_after = (float(y_true) - forward(after, x, activation).y_pred) ** 2
    return SgdStep(params, after, trace, float(learning_rate), trace.loss, loss_after)
