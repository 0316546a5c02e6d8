"""Counted axes (epochs, iterations) are labelled with round whole numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nntui.app.panes.plots import CurvePlot, count_ticks
from nntui.app.panes.training import TrainingPane

from .conftest import settle


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
