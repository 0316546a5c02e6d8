"""The regression pane: its keys step the walking line, its field sets the rate, it says what happened."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.app.panes.regression import RegressionPane, visible_segment
from nntui.app.widgets.number_field import NumberField
from nntui.core.regression import FLOOR_AREA, RENT, Line, descend, least_squares

from .conftest import SIZE, settle, type_into


def status(pane) -> str:
    return str(pane.query_one(".pane-status").render())


def steps_label(pane) -> str:
    return str(pane.query_one("#regression-steps").render())


def info(pane) -> str:
    return str(pane.query_one("#regression-info").render())


async def test_the_formulas_line_is_numpys_and_the_walk_starts_flat(pane_app):
    app = pane_app("regression")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        values = app.screen.query_one(RegressionPane).live_values()
        slope, intercept = np.polyfit(FLOOR_AREA, RENT, 1)
        assert values["slope"] == pytest.approx(slope) and values["intercept"] == pytest.approx(intercept)
        assert values["sse"] == pytest.approx(np.sum((RENT - (slope * FLOOR_AREA + intercept)) ** 2))
        assert values["walk_slope"] == values["walk_intercept"] == 0
        assert values["walk_sse"] == pytest.approx(np.sum(RENT**2))


async def test_s_takes_one_step_t_ten_and_r_starts_again(pane_app):
    app = pane_app("regression", "lr=0.1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(RegressionPane)
        walk = descend(FLOOR_AREA, RENT, 0.1, 11)
        await pilot.press("s")
        values = pane.live_values()
        assert values["walk_sse"] == pytest.approx(walk[1].sum_of_squares)
        assert "fell" in status(pane) and steps_label(pane) == "step 1"
        await pilot.press("t")
        assert pane.live_values()["walk_slope"] == pytest.approx(walk[11].line.slope)
        assert steps_label(pane) == "step 11"
        await pilot.press("r")
        assert pane.live_values()["walk_slope"] == 0 and steps_label(pane) == "step 0"


async def test_walked_starts_the_walk_that_many_steps_in_and_r_returns_there(pane_app):
    app = pane_app("regression", "lr=0.2 walked=5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(RegressionPane)
        fifth = descend(FLOOR_AREA, RENT, 0.2, 5)[5]
        assert pane.live_values()["walk_sse"] == pytest.approx(fifth.sum_of_squares)
        await pilot.press("s", "r")
        assert steps_label(pane) == "step 5" and pane.live_values()["walk_slope"] == pytest.approx(
            fifth.line.slope
        )


async def test_a_rate_above_1_is_seen_to_diverge(pane_app):
    app = pane_app("regression", "lr=0.1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(RegressionPane)
        await type_into(pilot, pane.query_one("#regression-lr", NumberField), "1.1")
        assert pane.learning_rate == 1.1
        pane.focus()
        before = pane.live_values()["walk_sse"]
        await pilot.press("t")
        assert pane.live_values()["walk_sse"] > 10 * before
        assert "ROSE" in status(pane) and "diverges" in status(pane)
        for _ in range(200):  # 1.2 times further out per step: it overflows within 2000 steps
            await pilot.press("t")
            if "diverged" in status(pane):
                break
        assert "diverged after" in status(pane)
        steps = steps_label(pane)
        await pilot.press("s")
        assert steps_label(pane) == steps  # a diverged walk stays where it ran off


async def test_the_rate_field_refuses_what_is_not_a_rate(pane_app):
    app = pane_app("regression", "lr=0.5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(RegressionPane)
        await type_into(pilot, pane.query_one("#regression-lr", NumberField), "0")
        assert pane.learning_rate == 0.5 and "must be above 0" in status(pane)
        pane.focus()
        await pilot.press("s")  # at 0.5 one step lands on the formula's line
        fit = least_squares(FLOOR_AREA, RENT)
        assert pane.live_values()["walk_slope"] == pytest.approx(fit.slope)


async def test_masked_values_show_as_question_marks(pane_app):
    app = pane_app("regression")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(RegressionPane)
        assert "12.88" in info(pane)
        pane.mask({"slope", "walk_sse"})
        await pilot.pause()
        assert "12.88" not in info(pane) and info(pane).count("?") == 2
        pane.mask()
        await pilot.pause()
        assert "12.88" in info(pane)


def test_a_line_is_cut_to_the_window():
    xs, ys = visible_segment(Line(10, 0), (0, 100), (0, 500))
    assert xs == [0, 50] and ys == [0, 500]
    assert visible_segment(Line(0, 1e9), (0, 100), (0, 500)) == ([], [])
    assert visible_segment(Line(float("inf"), 0)) == ([], [])
