"""Plots tell the truth about a flat run: drawn level, called "stuck", axes in round numbers."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nntui.app.panes.axes import FLAT_RELATIVE, is_flat, nice_ticks, tick_labels, value_axis
from nntui.app.panes.plots import CurvePlot
from nntui.app.panes.training import TrainingPane
from nntui.cli.train_cmd import plot_losses
from nntui.core.data import LESSON_SHIFT, dataset
from nntui.core.network import Params
from nntui.core.train import train

from .conftest import settle

X, Y = dataset(LESSON_SHIFT)
#: Long float labels plotext writes on its own: 0.499999223, 0.499999999971238340.
LONG_NUMBER = re.compile(r"\d\.\d{6,}")


def _stuck_losses(lr: float) -> list[float]:
    return [float(v) for v in train(X, Y, lr, 1000, params=Params.random(0)).losses]


def test_lesson_6s_stuck_run_is_flat_and_its_axis_does_not_print_its_level():
    losses = _stuck_losses(30)  # 0.499999223 -> 0.499999044: float noise, not learning
    assert max(losses) - min(losses) > 0 and is_flat(losses)
    axis = value_axis(losses)
    assert axis.flat and axis.limits == (0.0, 1.0) and axis.labels == ["0", "1"]


def test_a_run_that_learns_is_not_flat():
    losses = [float(v) for v in train(X, Y, 0.1, 300, params=Params.random(0)).losses]
    assert not is_flat(losses)
    assert not value_axis(losses).flat


@given(
    low=st.floats(-1e6, 1e6, allow_nan=False),
    span=st.floats(1e-9, 1e6, allow_nan=False),
    most=st.integers(2, 6),
)
def test_round_ticks_stay_in_range_and_read_as_their_values(low, span, most):
    high = low + span
    assume(not is_flat([low, high]))  # flat data get an axis of their own (below)
    ticks = nice_ticks(low, high, most)
    assert len(ticks) <= most and ticks == sorted(ticks)
    assert all(low - span * 1e-6 <= t <= high + span * 1e-6 for t in ticks)
    labels = tick_labels(ticks)
    assert len(set(labels)) == len(labels)
    assert all(len(label) <= 9 for label in labels), labels


@given(level=st.floats(1e-6, 1e3), noise=st.floats(0, FLAT_RELATIVE / 2))
def test_a_flat_axis_never_labels_the_level_itself(level, noise):
    axis = value_axis([level, level * (1 - noise)])
    assert axis.flat and axis.limits[0] == 0 and axis.limits[1] >= level * 1.25
    assert f"{level:.2g}" not in axis.labels or float(f"{level:.2g}") in (0.0, axis.limits[1])


async def test_the_training_pane_draws_a_stuck_run_level_and_says_so(pane_app):
    app = pane_app("training", "lr=30 epochs=1000 seed=0")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plot = app.screen.query_one(TrainingPane).query_one(CurvePlot)
        text = str(plot.render())
        assert plot.flat and "stuck" in text
        assert not LONG_NUMBER.search(text), text
        # one row of the drawing holds the whole line: it is level, not a cliff
        drawing = [line for line in text.splitlines() if "lr 30" not in line]  # not the legend
        rows = [line for line in drawing if re.search("[\u2801-\u28ff]", line)]
        assert len(rows) == 1, text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_log_scale_keeps_the_title(pane_app, size):
    app = pane_app("training", "lr=0.1 epochs=1000 seed=0")  # lesson 6's run
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        plot = app.screen.query_one(TrainingPane).query_one(CurvePlot)
        assert "linear" in str(plot.render())
        await pilot.press("l")
        await settle(pilot)
        text = str(plot.render())
        assert "log scale" in text and not LONG_NUMBER.search(text), text


def test_nntui_train_labels_a_stuck_run_in_round_numbers():
    text = plot_losses(_stuck_losses(50), 50, size=(80, 20))
    assert "stuck" in text
    assert not LONG_NUMBER.search(text), text  # not 0.499999999971238340
    assert "250.8" not in text and re.search(r"\b250\b", text) and re.search(r"\b750\b", text)


def test_nntui_train_draws_a_learning_run_with_round_loss_ticks():
    losses = [float(v) for v in train(X, Y, 0.1, 1000, params=Params.random(0)).losses]
    text = plot_losses(losses, 0.1, size=(80, 20))
    assert "stuck" not in text and not LONG_NUMBER.search(text)
    assert "0.1" in text and "1000" in text


def test_axis_labels_of_everyday_sizes_have_no_exponent():
    """Rents of 500 to 1500 and areas of 20 to 100 m² read as themselves, not as 5e+02 or 2e+01."""
    assert tick_labels(nice_ticks(0, 1500)) == ["0", "500", "1000", "1500"]
    assert tick_labels(nice_ticks(20, 100)) == ["20", "40", "60", "80", "100"]
