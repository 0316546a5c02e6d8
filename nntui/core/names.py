"""The names of the network's parameters and of every chain-rule term, without NumPy.

The lesson schema (``nntui.course``) checks pane settings against these before any NumPy is
loaded, so that the app paints its first step first.
"""

from __future__ import annotations

__all__ = [
    "BIAS_NAMES",
    "DERIVATIVE_NAMES",
    "FORWARD_NAMES",
    "GRADIENT_NAMES",
    "LOCAL_NAMES",
    "PARAM_NAMES",
    "WEIGHT_NAMES",
]

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6")
BIAS_NAMES = ("b1", "b2", "b3")
#: The nine parameters in their canonical order: w1..w6, then b1..b3.
PARAM_NAMES = WEIGHT_NAMES + BIAS_NAMES

FORWARD_NAMES = ("sum_h1", "h1", "sum_h2", "h2", "sum_o1", "y_pred", "loss")
#: The activation's slope at each neuron's input, the factor every chain passes through.
DERIVATIVE_NAMES = ("f_prime_sum_h1", "f_prime_sum_h2", "f_prime_sum_o1")
LOCAL_NAMES = (
    "d_L_d_ypred",
    "d_ypred_d_w5",
    "d_ypred_d_w6",
    "d_ypred_d_b3",
    "d_ypred_d_h1",
    "d_ypred_d_h2",
    "d_h1_d_w1",
    "d_h1_d_w2",
    "d_h1_d_b1",
    "d_h2_d_w3",
    "d_h2_d_w4",
    "d_h2_d_b2",
)
GRADIENT_NAMES = tuple(f"d_L_d_{name}" for name in PARAM_NAMES)
