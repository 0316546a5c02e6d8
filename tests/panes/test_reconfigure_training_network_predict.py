"""The training, network and predict panes kept from one step to the next: each must look and
answer exactly like a new pane for the new step (see ``reconfigure.py``)."""

from __future__ import annotations

import asyncio

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.messages import TrainingProgress
from nntui.app.panes import Pane
from nntui.app.panes.training import TrainingPane
from nntui.core.data import dataset, shift_for
from nntui.core.train import DivergenceTracker, train

from .conftest import SIZE, settle
from .reconfigure import check_reconfigured, describe, lesson_folder


def typed(text: str, tabs: int = 1) -> tuple[str, ...]:
    """Keys that type ``text`` into the pane's ``tabs``-th field, then go back to the pane."""
    return ("tab",) * tabs + ("ctrl+a", "backspace", *text, "escape")


async def started_training(app) -> TrainingPane:
    """The training pane once its first run is under way (``pilot.pause`` would wait for it to end)."""
    for _ in range(500):
        panes = app.screen.query(TrainingPane)
        if panes and panes.first().run is not None:
            return panes.first()
        await asyncio.sleep(0.01)
    raise AssertionError("the training pane did not start a run")


# -- training ----------------------------------------------------------------------------------

#: A short run that finishes in the worker (more epochs than the head start takes at once).
SHORT = "lr=0.5 epochs=60 seed=1"


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # Earlier runs on the plot, log scale, a new learning rate from the ladder and a typed seed.
        (SHORT, SHORT, ("plus", "l", "r", *typed("7", tabs=3))),
        # Other numbers and another data shift; the old runs and log scale must go.
        (SHORT, "lr=3 epochs=40 seed=2 shift=mean", ("minus", "l")),
        # A refused learning rate (its message on the status line), the ladder, "clear".
        (SHORT, SHORT, (*typed("0"), "plus", "plus", "c")),
        # To the defaults (1000 epochs, lesson shift) from a diverging run on unshifted data.
        ("lr=100 epochs=40 shift=none", "", ("r",)),
    ],
    ids=["same-settings-after-changes", "new-settings-and-shift", "refused-lr-and-clear", "to-defaults"],
)
async def test_the_training_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "training", first, second, keys)


@pytest.mark.parametrize(
    "epochs",
    # 20: trained at once on the key press, no worker; 50: the rest in a new worker.
    [20, 50],
)
async def test_a_run_still_going_is_replaced_and_its_late_reports_ignored(tmp_path, epochs):
    # Step 1 trains for long; the learner goes on at once. The old run's reports (and its end)
    # must not reach the reconfigured pane's plot, live values or the session.
    second = f"lr=0.3 epochs={epochs} seed=2 shift=mean"
    lessons = lesson_folder(tmp_path / "walked", [("training", "epochs=20000"), ("training", second)])
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "walked-state"))
    async with app.run_test(size=SIZE) as pilot:
        pane = await started_training(app)
        assert pane.run is not None and not pane.run.finished  # still training
        old_worker = [worker for worker in app.workers if worker.group == "training"]
        assert old_worker
        old_run = pane.run
        await pilot.press("right")
        # Whatever the old worker still had on its way arrives now, its end last (made here, so
        # the test does not depend on the threads' timing).
        pane.post_message(TrainingProgress(old_run.run_id, old_run.losses))
        pane.post_message(TrainingProgress(old_run.run_id, old_run.losses, tracker=DivergenceTracker()))
        await settle(pilot)
        assert app.screen.query_one(Pane) is pane
        assert all(worker.is_cancelled for worker in old_worker)
        seen = describe(pane)
        expected = train(*dataset(shift_for("mean")), 0.3, epochs, 2)
        assert app.shared.trained_params == expected.params
        assert app.shared.trained_shift == shift_for("mean")

    fresh = make_app(
        AppConfig(
            lessons_dir=lesson_folder(tmp_path / "fresh", [("training", second)]), state_dir=tmp_path / "fs"
        )
    )
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert seen == describe(fresh.screen.query_one(Pane))


async def test_the_session_holds_the_new_steps_training(tmp_path):
    # The other panes' "trained" presets read the session: after the step change it must hold
    # what the new step's run trained (on the new step's data shift), not the old step's.
    second = "lr=3 epochs=40 seed=2 shift=none"
    lessons = lesson_folder(tmp_path / "lessons", [("training", SHORT), ("training", second)])
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        expected = train(*dataset(shift_for("none")), 3.0, 40, 2)
        assert app.shared.trained_params == expected.params
        assert app.shared.trained_shift == shift_for("none")


# -- network -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, keys",
    [
        ("", "", typed("2.5")),
        # A refused entry leaves a message under its field; the new step starts without it.
        ("", "", typed("5e9", tabs=3)),
        ("x=[1,1]", "weights=[1,2,3,4,5,6] biases=[0.1,0.2,0.3] x=[0.5,-1]", typed("-4", tabs=2)),
        ("weights=[1,2,3,4,5,6] biases=[1,1,1]", "", ()),
    ],
    ids=["same-settings-after-typing", "refused-entry", "new-settings", "to-defaults"],
)
async def test_the_network_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "network", first, second, keys)


# -- predict -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # Other units (other labels and numbers) and a typed weight.
        ("", "", ("u", *typed("80"))),
        # A refused height: its message on the status line.
        ("", "", typed("0", tabs=2)),
        ("", "units=imperial weight=150 height=70 seed=3", ("u",)),
        ("units=imperial weight=150 height=70 seed=3", "", typed("99")),
    ],
    ids=["same-settings-after-units", "refused-entry", "new-settings", "to-defaults"],
)
async def test_the_predict_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "predict", first, second, keys)
