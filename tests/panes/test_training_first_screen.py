"""A training run that starts with the app waits until the first screen is complete."""

from __future__ import annotations

from nntui.app import AppConfig, make_app
from nntui.app.panes.training import TrainingPane
from nntui.app.panes.training_run import HEAD_START_EPOCHS

from .conftest import SIZE, settle
from .reconfigure import lesson_folder


async def test_the_first_run_trains_on_once_the_first_screen_is_complete(tmp_path):
    app = make_app(
        AppConfig(
            lessons_dir=lesson_folder(tmp_path / "lessons", [("training", "epochs=200")]),
            state_dir=tmp_path / "state",
        )
    )
    # Held back here: the lesson screen's word that its first screen is done goes nowhere.
    done = app.first_screen_done
    app.first_screen_done = lambda: None
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.pause()
        pane = app.screen.query_one(TrainingPane)
        assert not app.first_screen_complete
        # Only the head start, taken with the screen; the worker waits for the screen.
        assert len(pane.run.losses) == HEAD_START_EPOCHS and not pane.run.finished
        done()
        await settle(pilot)
        assert pane.run.finished and len(pane.run.losses) == 200
