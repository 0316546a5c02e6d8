"""Central finite differences: an independent check of backpropagation's gradients.

Nudging one parameter by +eps and -eps and measuring how the loss moves gives its slope
without any calculus: (L(p + eps) - L(p - eps)) / (2 eps). Its error shrinks like eps^2, so
it agrees with an exact gradient to about 1e-9 here, which is what tests and the ledger
pane's "check" column rely on.
"""

from __future__ import annotations

from .activations import Activation
from .network import PARAM_NAMES, Params, forward

__all__ = ["sample_loss", "numerical_gradient", "DEFAULT_EPS"]

DEFAULT_EPS = 1e-6


def sample_loss(params: Params, x, y_true: float, activation: str | Activation = "sigmoid") -> float:
    """The squared error of one sample: (y_true - y_pred)^2."""
    return (float(y_true) - forward(params, x, activation).y_pred) ** 2


def numerical_gradient(
    params: Params, x, y_true: float, activation: str | Activation = "sigmoid", eps: float = DEFAULT_EPS
) -> Params:
    """Every dL/dparam of one sample's loss, estimated by central differences."""
    slopes = []
    for name in PARAM_NAMES:
        value = getattr(params, name)
        up = sample_loss(params.with_value(name, value + eps), x, y_true, activation)
        down = sample_loss(params.with_value(name, value - eps), x, y_true, activation)
        slopes.append((up - down) / (2 * eps))
    return Params.from_sequence(slopes)
