"""A workshop session's text cursors stay lit: a blinking one repaints twice a second for as long
as a field has the focus, CPU and bytes that a room of 100 waiting in an answer box pays for
(issue 17's key-to-screen while the room answers). At home the cursor blinks as usual."""

from __future__ import annotations

import json

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.widgets.checkpoint import AnswerInput
from nntui.app.widgets.number_field import NumberField
from nntui.course import default_lessons_dir
from nntui.progress import FILE_NAME


def app_on_checkpoint_step(tmp_path, on_server: bool):
    """The app on lesson 1's "what is the total?" step, as a workshop session or at home."""
    state = tmp_path / "state"
    state.mkdir()
    (state / FILE_NAME).write_text(json.dumps({"lesson": "01-neurons", "step": 2, "checkpoints": {}}))
    config = AppConfig(
        lessons_dir=default_lessons_dir(), state_dir=state, on_server=on_server, room_socket=None
    )
    return make_app(config)


@pytest.mark.parametrize("on_server", [True, False], ids=["workshop", "home"])
async def test_a_focused_field_blinks_only_at_home(tmp_path, on_server):
    app = app_on_checkpoint_step(tmp_path, on_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        answer_box = app.screen.query_one(AnswerInput)
        weight_field = app.screen.query(NumberField).first().input
        for field in (answer_box, weight_field):
            field.focus()
            await pilot.pause()
            assert field.has_focus
            assert field.cursor_blink is not on_server
            if on_server:
                # Lit, not half of a blink: the cursor is drawn in every frame.
                assert field._cursor_visible
