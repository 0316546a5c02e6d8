"""Comparing answers, and values crossing the pipe to the sandbox."""

from __future__ import annotations

import math

import numpy as np

from nntui.exercises import enabled, wire
from nntui.exercises.cases import compare, describe


def test_numbers_within_tolerance_match():
    assert compare(0.5, 0.5 + 1e-9) is None
    assert compare(0.5, np.float64(0.5)) is None
    assert compare(0.5, np.array(0.5)) is None
    assert compare(0.5, 0.51) == "wrong value"
    assert compare(0.5, math.nan) == "wrong value"
    assert compare(0.5, "0.5").startswith("expected a number")


def test_arrays_need_the_right_shape_and_values():
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert compare(want, want.copy()) is None
    assert "shape (2, 2)" in compare(want, want.ravel())
    bad = want.copy()
    bad[1, 0] = 0
    assert compare(want, bad) == "wrong value at index (1, 0)"


def test_dicts_name_the_missing_or_wrong_key():
    want = {"d_L_d_ypred": -0.95, "d_h1_d_w1": 0.1}
    assert compare(want, dict(want)) is None
    assert compare(want, {"d_L_d_ypred": -0.95}) == "the dict is missing 'd_h1_d_w1'"
    assert compare(want, {"d_L_d_ypred": 0.95, "d_h1_d_w1": 0.1}) == "wrong value at 'd_L_d_ypred'"


def test_tuples_compare_item_by_item():
    want = ({"w1": 1.0}, [0.5, 0.25])
    assert compare(want, ({"w1": 1.0}, np.array([0.5, 0.25]))) is None
    assert compare(want, ({"w1": 1.0}, [0.5, 0.3])) == "wrong value at item 1[1]"
    assert compare(want, {"w1": 1.0}).startswith("expected a tuple of 2")


def test_describe_is_short_and_readable():
    assert describe(0.5) == "0.5"
    assert describe(np.array([1.0, 2.0])) == "np.array([1., 2.])"
    assert describe(list(range(100))).endswith("(100 values)")


def test_wire_round_trip_keeps_arrays_tuples_and_special_floats():
    value = {"a": np.array([[1.0, 2.0]]), "t": (1, np.float64(2.5)), "n": math.inf, "s": "x", "z": None}
    back = wire.loads(wire.dumps(value))
    assert isinstance(back["a"], np.ndarray) and back["a"].shape == (1, 2)
    assert back["t"] == (1, 2.5)
    assert back["n"] == math.inf
    assert back["s"] == "x" and back["z"] is None


def test_exercises_can_be_switched_off_by_environment():
    assert enabled({})
    assert not enabled({"NNTUI_EXERCISES": "off"})
    assert not enabled({"NNTUI_EXERCISES": "0"})
    assert enabled({"NNTUI_EXERCISES": "1"})
