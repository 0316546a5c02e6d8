"""The backprop trace: checked by hand for Alice, and against finite differences everywhere."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntui.core.gradcheck import numerical_gradient
from nntui.core.network import PARAM_NAMES, Params
from nntui.core.trace import FORWARD_NAMES, GRADIENT_NAMES, LOCAL_NAMES, backprop_trace, sgd_step


def f(x):
    return 1 / (1 + math.exp(-x))


def test_alice_with_all_weights_one_term_by_term():
    # Alice after the shift is x = (-2, -1), y_true = 1. Every weight 1, every bias 0.
    t = backprop_trace(Params.ones(), (-2, -1), 1)
    h = f(-3)  # both hidden neurons see 1*(-2) + 1*(-1) + 0 = -3
    y_pred = f(2 * h)  # the output sees 1*h1 + 1*h2 + 0
    slope_o = y_pred * (1 - y_pred)
    slope_h = h * (1 - h)
    expected = {
        "sum_h1": -3,
        "h1": h,
        "sum_h2": -3,
        "h2": h,
        "sum_o1": 2 * h,
        "y_pred": y_pred,
        "loss": (1 - y_pred) ** 2,
        "d_L_d_ypred": -2 * (1 - y_pred),
        "d_ypred_d_w5": h * slope_o,
        "d_ypred_d_w6": h * slope_o,
        "d_ypred_d_b3": slope_o,
        "d_ypred_d_h1": 1 * slope_o,
        "d_ypred_d_h2": 1 * slope_o,
        "d_h1_d_w1": -2 * slope_h,
        "d_h1_d_w2": -1 * slope_h,
        "d_h1_d_b1": slope_h,
        "d_h2_d_w3": -2 * slope_h,
        "d_h2_d_w4": -1 * slope_h,
        "d_h2_d_b2": slope_h,
    }
    for name, value in expected.items():
        assert t.value(name) == pytest.approx(value, rel=1e-12), name
    d_L = -2 * (1 - y_pred)
    assert t.value("d_L_d_w1") == pytest.approx(d_L * slope_o * (-2 * slope_h), rel=1e-12)
    assert t.value("d_L_d_b3") == pytest.approx(d_L * slope_o, rel=1e-12)
    # The rounded figures the lesson quotes.
    assert round(y_pred, 3) == 0.524
    # -2 * (1 - 0.524) would be -0.952, but that reuses a rounded y_pred; unrounded it is -0.9526.
    assert round(t.value("d_L_d_ypred"), 4) == -0.9526
    assert round(t.value("d_L_d_w1"), 4) == 0.0215


def test_every_name_the_lessons_use_is_present_with_formula_and_numbers():
    t = backprop_trace(Params.ones(), (-2, -1), 1)
    for name in FORWARD_NAMES + LOCAL_NAMES + GRADIENT_NAMES:
        term = t[name]
        assert term.formula and term.substituted
    assert t["d_L_d_w1"].formula == "d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1"
    assert t["d_h1_d_w1"].substituted == "(-2) * 0.04518"
    assert set(t.to_dict()["terms"]) >= set(FORWARD_NAMES + LOCAL_NAMES + GRADIENT_NAMES)


def test_alice_gradients_agree_with_finite_differences():
    t = backprop_trace(Params.ones(), (-2, -1), 1)
    numeric = numerical_gradient(Params.ones(), (-2, -1), 1)
    for name in PARAM_NAMES:
        assert t.value(f"d_L_d_{name}") == pytest.approx(getattr(numeric, name), abs=1e-8)


params_strategy = st.lists(st.floats(-3, 3), min_size=9, max_size=9).map(Params.from_sequence)


@settings(max_examples=150, deadline=None)
@given(
    params=params_strategy,
    x1=st.floats(-25, 25),
    x2=st.floats(-6, 6),
    y=st.sampled_from([0.0, 1.0]),
    activation=st.sampled_from(["sigmoid", "tanh"]),
)
def test_gradients_agree_with_finite_differences_anywhere(params, x1, x2, y, activation):
    t = backprop_trace(params, (x1, x2), y, activation)
    numeric = numerical_gradient(params, (x1, x2), y, activation)
    for name in PARAM_NAMES:
        assert t.value(f"d_L_d_{name}") == pytest.approx(getattr(numeric, name), abs=2e-7, rel=1e-5)


def test_saturated_neurons_are_marked_in_words():
    # h1 sees 10*25 + 10*6 = 310 and is pinned at 1; h2 sees 0.01*25 + 0.01*6 = 0.31 and is not.
    t = backprop_trace(Params.from_sequence([10, 10, 0.01, 0.01, 1, 1, 0, 0, 0]), (25, 6), 0)
    assert any(flag.startswith("saturated") for flag in t["f_prime_sum_h1"].flags)
    assert t["f_prime_sum_h2"].flags == ()


def test_one_sgd_step_moves_against_the_gradient_and_lowers_alices_loss():
    step = sgd_step(Params.ones(), (-2, -1), 1, 0.1)
    grad = step.trace.gradient
    for name in PARAM_NAMES:
        assert getattr(step.after, name) == pytest.approx(
            getattr(Params.ones(), name) - 0.1 * getattr(grad, name)
        )
    assert step.loss_after < step.loss_before
