"""The pane schema: every pane type's defaults are valid, and values are read as authors write them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntui.course.panes import PANE_TYPES, SettingError, parse_value, validate_settings

ALL_PANES = [
    "neuron",
    "network",
    "loss",
    "ledger",
    "training",
    "predict",
    "descent",
    "matrix",
    "activations",
    "regression",
]


def test_all_pane_types_are_known():
    assert list(PANE_TYPES) == ALL_PANES


@pytest.mark.parametrize("name", ALL_PANES)
def test_defaults_pass_their_own_checks(name):
    spec = PANE_TYPES[name]
    settings, problems = validate_settings(name, spec.defaults())
    assert problems == [] and settings == spec.defaults()
    assert spec.live_values or spec.live_value_pattern


def test_design_defaults():
    assert PANE_TYPES["neuron"].defaults() == {
        "w": [0.0, 1.0],
        "b": 4.0,
        "x": [2.0, 3.0],
        "activation": "sigmoid",
    }
    assert PANE_TYPES["network"].defaults()["weights"] == [0, 1, 0, 1, 0, 1]
    assert PANE_TYPES["matrix"].defaults() == {
        "hidden": 4,
        "iterations": 1500,
        "lr": 1.0,
        "seed": 1,
        "activation": "sigmoid",
    }
    assert PANE_TYPES["descent"].settings["param"].choices == (
        "w1",
        "w2",
        "w3",
        "w4",
        "w5",
        "w6",
        "b1",
        "b2",
        "b3",
    )


def test_parse_value_kinds():
    assert parse_value("4") == 4 and isinstance(parse_value("4"), int)
    assert parse_value("-0.5") == -0.5 and parse_value("1e-3") == 0.001
    assert parse_value("[0, 1]") == [0.0, 1.0] and parse_value("[]") == []
    assert parse_value("true") is True and parse_value("false") is False
    assert parse_value("alice") == "alice"
    for bad in ("[1, 2", "[x]", "a b", "1.2.3!"):
        with pytest.raises(SettingError):
            parse_value(bad)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_number_written_with_repr_reads_back(value):
    assert parse_value(repr(value)) == value


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), max_size=6))
def test_lists_read_back(values):
    text = "[" + ", ".join(repr(v) for v in values) + "]"
    assert parse_value(text) == [float(v) for v in values]


def test_integers_accept_whole_floats_but_not_fractions_or_bools():
    settings, problems = validate_settings("training", {"epochs": 2e3})
    assert problems == [] and settings["epochs"] == 2000 and isinstance(settings["epochs"], int)
    _, problems = validate_settings("training", {"epochs": True})
    assert problems and "whole number" in problems[0]
    _, problems = validate_settings("training", {"epochs": math.inf})
    assert problems
