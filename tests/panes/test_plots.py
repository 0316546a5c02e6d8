"""Plots: counted axes read in whole numbers; long curves are thinned to real points of the curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntui.app.panes.plots import CurvePlot, count_ticks, drawable_points
from nntui.app.panes.training import TrainingPane
from nntui.core.data import LESSON_SHIFT, dataset
from nntui.core.train import train

from .conftest import SIZE, settle

X, Y = dataset(LESSON_SHIFT)


def test_a_thousand_epochs_get_quarter_ticks():
    assert count_ticks(1000) == [1, 250, 500, 750, 1000]


@given(st.integers(min_value=1, max_value=10**6))
def test_ticks_are_whole_increasing_and_within_the_run(last):
    ticks = count_ticks(last)
    assert ticks[0] == 1 and ticks == sorted(set(ticks)) and ticks[-1] <= last
    assert all(isinstance(t, int) for t in ticks) and len(ticks) <= 6
    assert last - ticks[-1] < max(ticks[-1], 2)  # the ticks reach across most of the run


async def test_training_plot_axis_reads_in_whole_epochs(pane_app):
    app = pane_app("training")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        plot = app.screen.query_one(TrainingPane).query_one(CurvePlot)
        text = str(plot.render())
        assert "250" in text and "750" in text and "250.8" not in text and "1.0" not in text.split("\n")[-3:]


finite_or_not = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6), st.sampled_from([math.nan, math.inf, -math.inf])
)


@st.composite
def loss_like_curves(draw) -> list[float]:
    """Short curves of any values, or long random walks (some points not finite) built from a seed."""
    if draw(st.booleans()):
        return draw(st.lists(finite_or_not, max_size=80))
    rng = np.random.default_rng(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    ys = np.abs(rng.normal(size=draw(st.integers(min_value=0, max_value=5000))).cumsum())
    holes = rng.random(len(ys)) < draw(st.sampled_from([0.0, 0.01, 0.5]))
    ys[holes] = rng.choice([np.nan, np.inf, -1.0], size=holes.sum())
    return ys.tolist()


@settings(deadline=None)  # curves of thousands of points, on a shared machine
@given(loss_like_curves(), st.integers(min_value=0, max_value=300), st.booleans())
def test_thinned_points_are_the_curves_own_and_keep_its_shape(ys, columns, log_y):
    xs, drawn = drawable_points(range(1, len(ys) + 1), ys, columns, log_y=log_y)
    usable = [(i + 1, y) for i, y in enumerate(ys) if math.isfinite(y) and (y > 0 or not log_y)]
    # Every drawn point is one of the curve's own (epoch, value) pairs, in epoch order ...
    assert all(drawn_y == ys[int(x) - 1] for x, drawn_y in zip(xs, drawn, strict=True))
    assert xs == sorted(set(xs))
    pairs = set(usable)
    assert all((int(x), y) in pairs for x, y in zip(xs, drawn, strict=True))
    if not usable:
        assert xs == []
        return
    # ... the first and last drawable points are exact, and so are the lowest and highest values.
    assert (xs[0], drawn[0]) == usable[0] and (xs[-1], drawn[-1]) == usable[-1]
    assert min(drawn) == min(y for _, y in usable) and max(drawn) == max(y for _, y in usable)
    dot_columns = 2 * max(columns, 16)  # braille: two per cell
    if len(usable) > 2 * dot_columns:
        assert len(xs) <= 2 * dot_columns + 2  # a lowest and a highest point per dot column
    else:
        assert len(xs) == len(usable)  # short curves are drawn point for point


async def test_the_drawn_loss_curve_is_the_cores_losses(pane_app, monkeypatch):
    app = pane_app("training", "epochs=5000")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        plot = pane.query_one(CurvePlot)
        drawn: dict[str, tuple[list[float], list[float]]] = {}

        def spy(xs, ys, label=None, **kwargs):
            drawn[label] = (list(xs), list(ys))

        monkeypatch.setattr(plot.plt, "plot", spy)
        plot.render()
        expected = train(X, Y, 0.1, 5000, 0).losses
        xs, ys = drawn["lr 0.1 (now)"]
        assert 20 < len(xs) <= 4 * plot.size.width + 2  # thinned to what 80x24 can show
        assert [ys[i] == expected[int(x) - 1] for i, x in enumerate(xs)] == [True] * len(xs)
        assert (xs[-1], ys[-1]) == (5000, expected[-1])  # the final point is the final loss
        assert min(ys) == expected.min() and ys[0] == expected[0]


@pytest.mark.parametrize("pane", ["matrix", "activations", "training"])
async def test_log_scale_then_a_new_run_draws_the_empty_plot(pane_app, pane):
    # `l` then `r`: the new run's first frame has no losses yet; plotext cannot put a log
    # scale on an empty plot, and this used to take the app down.
    app = pane_app(pane, "epochs=50" if pane != "matrix" else "iterations=50")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        plots = list(app.screen.query(CurvePlot))
        assert any(plot.log_y for plot in plots)
        await pilot.press("r")
        await pilot.pause()
        for plot in plots:
            plot.render()  # every plot draws, empty or not
        await settle(pilot)
        assert app.is_running and any(plot.log_y and plot.curves for plot in plots)
