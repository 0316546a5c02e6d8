"""A network trained with the mean shift is fed numbers shifted the same way by the panes that use it."""

from __future__ import annotations

import pytest

from nntui.app.panes.ledger import LedgerPane
from nntui.app.panes.loss import LossPane
from nntui.app.panes.predict import PredictPane
from nntui.core.data import cm_to_inches, dataset, get_person, kg_to_lb, shift_for
from nntui.core.network import predict
from nntui.core.trace import backprop_trace
from nntui.core.train import train

from .conftest import SIZE, settle

MEAN = shift_for("mean")


def _trained_with_mean_shift():
    X, y = dataset(MEAN)
    return train(X, y, learning_rate=0.1, epochs=200, seed=0).params


async def test_training_with_the_mean_shift_records_it(pane_app):
    app = pane_app("training", "shift=mean epochs=20")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.shared.trained_params is not None
        assert app.shared.trained_shift.name == "mean"


async def test_predict_loss_and_ledger_use_the_trained_shift(pane_app):
    params = _trained_with_mean_shift()
    for pane_type, settings in (("predict", ""), ("loss", "predictor=trained"), ("ledger", "preset=trained")):
        app = pane_app(pane_type, settings)
        app.shared.trained_params, app.shared.trained_shift = params, MEAN
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if pane_type == "predict":
                pane = app.screen.query_one(PredictPane)
                x = MEAN.apply(kg_to_lb(60), cm_to_inches(165))
                assert pane.live_values()["probability"] == pytest.approx(float(predict(params, x)[0]))
            elif pane_type == "loss":
                pane = app.screen.query_one(LossPane)
                X, y = dataset(MEAN)
                expected = float(((y - predict(params, X)) ** 2).mean())
                assert pane.live_values()["mse"] == pytest.approx(expected)
            else:
                pane = app.screen.query_one(LedgerPane)
                alice = get_person("alice")
                trace = backprop_trace(params, MEAN.apply(alice.weight_lb, alice.height_in), 1.0)
                assert pane.live_values()["loss"] == pytest.approx(trace.values()["loss"])
