"""Activation functions: stable for every float, derivatives that match their slopes."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntui.core.activations import ACTIVATIONS, get_activation, sigmoid, sigmoid_derivative

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)


def test_sigmoid_is_quiet_and_exact_at_the_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid(-1000.0) == 0.0
        assert sigmoid(1000.0) == 1.0
        assert np.array_equal(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


@given(finite)
def test_sigmoid_stays_in_the_unit_interval_for_any_float(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = sigmoid(x)
        as_array = sigmoid(np.array([x]))[0]
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(as_array, rel=1e-15, abs=1e-300)  # math.exp vs np.exp: 1 ulp


@given(st.floats(min_value=-700, max_value=700))
def test_sigmoid_is_the_textbook_formula_bit_for_bit(x):
    assert sigmoid(x) == 1 / (1 + math.exp(-x))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(x=st.floats(min_value=-8, max_value=8).filter(lambda v: abs(v) > 1e-3))
def test_each_derivative_matches_a_central_difference(name, x):
    act = get_activation(name)
    eps = 1e-6
    numeric = (act(x + eps) - act(x - eps)) / (2 * eps)
    assert act.derivative(x) == pytest.approx(numeric, abs=1e-6)


def test_sigmoid_derivative_is_f_times_one_minus_f():
    for x in (-3.0, 0.0, 0.5, 4.0):
        f = sigmoid(x)
        assert sigmoid_derivative(x) == f * (1 - f)
    assert sigmoid_derivative(0.0) == 0.25


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="sigmoid, tanh, relu"):
        get_activation("softplus")
