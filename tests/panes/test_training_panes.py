"""The training, matrix and activations panes: threaded runs, restarts, divergence, a free event loop."""

from __future__ import annotations

import pytest

from nntui.app.panes.activations import ActivationsPane
from nntui.app.panes.matrix import MatrixPane
from nntui.app.panes.training import TrainingPane
from nntui.app.widgets.number_field import NumberField
from nntui.core.data import EMILY, FRANK, LESSON_SHIFT, dataset
from nntui.core.matrix import train_matrix
from nntui.core.network import predict
from nntui.core.train import train

from .conftest import SIZE, settle, type_into

X, Y = dataset(LESSON_SHIFT)


def status(pane) -> str:
    return str(pane.query_one(".pane-status").render())


async def test_training_defaults_match_the_core_and_fill_the_session(pane_app):
    app = pane_app("training")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        expected = train(X, Y, 0.1, 1000, 0)
        run = pane.run
        assert run.finished and run.losses == pytest.approx(list(expected.losses))
        values = pane.live_values()
        newcomers = LESSON_SHIFT.apply([EMILY.weight_lb, FRANK.weight_lb], [EMILY.height_in, FRANK.height_in])
        emily, frank = predict(expected.params, newcomers)
        assert values["final_loss"] == pytest.approx(expected.final_loss)
        assert values["emily"] == pytest.approx(emily) and values["frank"] == pytest.approx(frank)
        assert app.shared.trained_params == expected.params
        assert "Emily" in str(pane.query_one("#train-summary").render())


async def test_lr_keys_restart_training_and_keep_the_old_run(pane_app):
    app = pane_app("training")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        first = pane.run
        await pilot.press("plus")  # 0.1 -> 0.3: a faster descent ends lower
        await settle(pilot)
        assert pane.learning_rate == 0.3 and pane.run is not first
        assert pane.run.losses[-1] == pytest.approx(train(X, Y, 0.3, 1000, 0).final_loss)
        assert pane.run.losses[-1] < first.losses[-1]
        assert pane.history[-1] is first  # still drawn, fainter and labelled
        await pilot.press("minus", "minus")  # 0.3 -> 0.1 -> 0.03: ends higher
        await settle(pilot)
        assert pane.learning_rate == 0.03
        assert pane.run.losses[-1] > first.losses[-1]
        assert len(pane.history) <= 3
        await pilot.press("l")  # log scale
        await pilot.pause()
        assert pane.query_one("#train-plot").log_y


async def test_a_learning_rate_key_draws_the_new_curves_start_at_once(pane_app):
    app = pane_app("training", "epochs=20000")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        await pilot.press("plus")  # no waiting for the worker: the key's own frame shows the new run
        plot = pane.query_one("#train-plot")
        now = [curve for curve in plot.curves if curve.label == "lr 0.3 (now)"]
        assert now and len(now[0].ys) >= 1
        expected = train(X, Y, 0.3, 20000, 0).losses
        assert list(now[0].ys) == list(expected[: len(now[0].ys)])  # the core's losses, epoch by epoch
        assert "lr 0.1" in [curve.label for curve in plot.curves]  # the old run stays, labelled
        await settle(pilot)
        assert pane.run.finished and list(pane.run.losses) == list(expected)


async def test_holding_plus_cancels_old_runs_without_pile_up(pane_app):
    app = pane_app("training", "epochs=20000")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(TrainingPane)
        await pilot.press(*["plus"] * 6)  # 0.1 -> 10, each press restarting at once
        await settle(pilot)
        assert pane.learning_rate == 10
        assert pane.run.finished and len(pane.run.losses) == 20000
        running = [w for w in app.workers if w.group == "training" and w.is_running]
        assert not running


async def test_divergence_is_reported_in_words(pane_app):
    app = pane_app("training", "lr=30")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        expected = train(X, Y, 30, 1000, 0)
        assert expected.diverged_at is not None
        assert pane.run.diverged_at == expected.diverged_at
        assert f"stuck from epoch {expected.diverged_at}" in status(pane)
        assert app.shared.trained_params is None  # a diverged run is not offered to other panes


async def test_training_fields_refuse_bad_rates_and_cap_epochs(pane_app):
    app = pane_app("training")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        await type_into(pilot, pane.query_one("#train-lr", NumberField), "0")
        assert "must be above 0" in status(pane) and pane.learning_rate == 0.1
        await type_into(pilot, pane.query_one("#train-epochs", NumberField), "99999999")
        assert "capped" in status(pane)
        await settle(pilot)
        assert pane.run.epochs == 20000


async def test_a_key_is_handled_while_a_long_run_is_in_flight(pane_app, monkeypatch):
    import nntui.app.panes.training as training

    monkeypatch.setattr(training, "MAX_EPOCHS", 100_000)  # a run of about half a second or more
    app = pane_app("training", "epochs=100000 lr=0.01")
    async with app.run_test(size=SIZE) as pilot:
        # pause(0) lets the screen take in what is pending without waiting for the process to go
        # idle, as pause() does (for up to a second): it is busy until the run ends.
        for _ in range(1000):
            await pilot.pause(0)
            panes = app.screen.query(TrainingPane)
            if panes and panes.first().run is not None:  # mounted, and its run started
                break
        pane = app.screen.query_one(TrainingPane)
        seen = []
        toggle = pane.action_toggle_log

        def spy() -> None:
            seen.append((pane.run.finished, len(pane.run.losses)))
            toggle()

        monkeypatch.setattr(pane, "action_toggle_log", spy)
        assert not pane.run.finished
        await pilot.press("l")
        # The key was handled by the event loop while the worker was still training ...
        assert seen and seen[0][0] is False and seen[0][1] < 100_000
        await settle(pilot)
        assert pane.query_one("#train-plot").log_y
        # ... and the run then went on to the end.
        assert pane.run.finished and len(pane.run.losses) == 100_000


async def test_matrix_pane_trains_like_the_core(pane_app):
    app = pane_app("matrix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(MatrixPane)
        expected = train_matrix()
        assert pane.losses == pytest.approx(list(expected.losses))
        values = pane.live_values()
        assert values["final_loss"] == pytest.approx(expected.losses[-1])
        for i, target in enumerate((0, 1, 1, 0)):
            assert abs(values[f"pred_{i}"] - target) < 0.1
        await pilot.press("a")  # tanh hidden units
        await settle(pilot)
        assert pane.losses == pytest.approx(list(train_matrix(activation="tanh").losses))


async def test_activations_pane_trains_once_per_activation(pane_app):
    app = pane_app("activations")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ActivationsPane)
        values = pane.live_values()
        for name in ("sigmoid", "tanh", "relu"):
            assert values[f"final_loss_{name}"] == pytest.approx(
                train(X, Y, 0.1, 1000, 0, activation=name).final_loss
            )
        assert "relu" in str(pane.query_one("#act-summary").render())


async def test_a_short_activations_pane_shows_one_plot_at_a_time(pane_app):
    app = pane_app("activations")
    async with app.run_test(size=SIZE) as pilot:  # 80x24: the pane is about 22 rows tall
        await settle(pilot)
        pane = app.screen.query_one(ActivationsPane)
        functions, losses = pane.query_one("#act-functions"), pane.query_one("#act-losses")
        assert losses.display and not functions.display
        assert "g: functions" in losses.title
        await pilot.press("g")
        assert functions.display and not losses.display
        assert functions.size.height >= 10  # tall enough to tell the three curves apart
    app = pane_app("activations")
    async with app.run_test(size=(120, 50)) as pilot:  # room for both: g does nothing, is not offered
        await settle(pilot)
        pane = app.screen.query_one(ActivationsPane)
        assert pane.query_one("#act-functions").display and pane.query_one("#act-losses").display
        assert pane.check_action("switch_plot", ()) is None
