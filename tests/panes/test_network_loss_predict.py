"""The network, loss and predict panes: lesson numbers by default, outputs that follow edits."""

from __future__ import annotations

import math

import pytest

from nntui.app.panes.loss import LossPane
from nntui.app.panes.network import NetworkPane
from nntui.app.panes.predict import PredictPane
from nntui.app.widgets.number_field import NumberField
from nntui.core.data import LESSON_SHIFT, cm_to_inches, dataset, kg_to_lb, shift_for
from nntui.core.losses import mse
from nntui.core.network import Params, forward, predict
from nntui.core.train import train

from .conftest import SIZE, settle, type_into


async def test_network_defaults_give_the_lessons_output(pane_app):
    app = pane_app("network")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NetworkPane)
        assert app.focused is pane  # its keys work at once
        values = pane.live_values()
        assert values["output"] == pytest.approx(0.7216325609518421, abs=1e-12)
        assert values["h1"] == pytest.approx(0.9525741268224334)
        assert "0.7216325609518421" in str(pane.query_one(".pane-status").render())


async def test_network_edit_changes_the_output_as_the_core_says(pane_app):
    app = pane_app("network")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NetworkPane)
        await type_into(pilot, pane.query_one("#w5", NumberField), "1")
        expected = forward(Params.from_weights_biases([0, 1, 0, 1, 1, 1], [0, 0, 0]), (2, 3))
        assert pane.live_values()["output"] == pytest.approx(expected.y_pred)
        assert pane.live_values()["sum_o1"] == pytest.approx(expected.sum_o1)
        # Up nudges the focused field by its step; r resets to the lesson's numbers.
        await pilot.press("up")
        await pilot.pause()
        assert pane.query_one("#w5", NumberField).value == pytest.approx(1.1)
        pane.focus()
        await pilot.press("r")
        await pilot.pause()
        assert pane.live_values()["output"] == pytest.approx(0.7216325609518421)


async def test_loss_always_zero_scores_half_and_predictors_cycle(pane_app):
    app = pane_app("loss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LossPane)
        values = pane.live_values()
        assert values["mse"] == pytest.approx(0.5)
        assert values["error_alice"] == 1 and values["error_bob"] == 0
        assert "= 0.5" in str(pane.query_one("#loss-mse").render())
        await pilot.press("c")  # always 1
        await pilot.pause()
        assert pane.live_values()["mse"] == pytest.approx(0.5)
        assert pane.live_values()["error_bob"] == 1
        await pilot.press("c")  # the random network of seed 0
        await pilot.pause()
        X, y = dataset(LESSON_SHIFT)
        assert pane.live_values()["mse"] == pytest.approx(mse(y, predict(Params.random(0), X)))
        await pilot.press("s")  # shift by the mean
        await pilot.pause()
        X, y = dataset(shift_for("mean"))
        assert pane.live_values()["mse"] == pytest.approx(mse(y, predict(Params.random(0), X)))
        assert "141.25" in str(pane.query_one("#loss-table").render())


async def test_loss_trained_predictor_without_training_says_so(pane_app):
    app = pane_app("loss", "predictor=trained")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LossPane)
        assert "no trained network yet" in str(pane.query_one(".pane-status").render())
        app.shared.trained_params = Params.ones()
        await pilot.press("c", "c", "c", "c")  # round the predictors back to trained
        await pilot.pause()
        X, y = dataset(LESSON_SHIFT)
        assert pane.live_values()["mse"] == pytest.approx(mse(y, predict(Params.ones(), X)))


async def test_predict_uses_converted_units_and_the_trained_network(pane_app):
    app = pane_app("predict")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(PredictPane)
        X, y = dataset(LESSON_SHIFT)
        params = train(X, y, 0.1, 1000, 0).params
        x = LESSON_SHIFT.apply(kg_to_lb(60), cm_to_inches(165))
        assert pane.live_values()["probability"] == pytest.approx(float(predict(params, x)[0]))
        assert "four people" in str(pane.query_one("#predict-caveat").render())
        await type_into(pilot, pane.query_one("#predict-weight", NumberField), "90")
        x = LESSON_SHIFT.apply(kg_to_lb(90), cm_to_inches(165))
        assert pane.live_values()["probability"] == pytest.approx(float(predict(params, x)[0]))
        # A weight of 0 is refused in words and the last good one stays in force.
        await type_into(pilot, pane.query_one("#predict-weight", NumberField), "0")
        assert "weight must be above 0" in str(pane.query_one(".pane-status").render())
        assert pane.live_values()["probability"] == pytest.approx(float(predict(params, x)[0]))
        # The trained network from the session is used after r.
        app.shared.trained_params = Params.ones()
        pane.focus()
        await pilot.press("r")
        await pilot.pause()
        assert pane.live_values()["probability"] == pytest.approx(float(predict(Params.ones(), x)[0]))
        await pilot.press("u")
        await pilot.pause()
        assert "lb" in str(pane.query_one("#predict-weight .nf-label").render())
        assert math.isfinite(pane.live_values()["probability"])
