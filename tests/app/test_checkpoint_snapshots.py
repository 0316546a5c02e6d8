"""Snapshots of a checkpoint step at 80x24: masked before the answer (the pane's h1, and every
number equal to it, shown as ?, the text's reveal block held back), and revealed after it.

Update after a deliberate change with ``pytest tests/app/test_checkpoint_snapshots.py
--snapshot-update`` and look at every changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

from nntui.app import AppConfig, make_app

LESSONS = Path(__file__).parent / "fixture_reveal"


def app_for(tmp_path):
    return make_app(AppConfig(lessons_dir=LESSONS, state_dir=tmp_path / "state"))


async def focus_the_answer_box(pilot) -> None:
    """Let the step settle, then put the cursor (not blinking) in the checkpoint's answer box."""
    from nntui.app.widgets.checkpoint import AnswerInput

    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    box = pilot.app.screen.query_one(AnswerInput)
    box.cursor_blink = False  # a blinking cursor would be drawn on or off by chance
    box.focus()
    await pilot.pause()


def test_checkpoint_step_masked_before_the_answer(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=focus_the_answer_box)


def test_checkpoint_step_revealed_after_the_right_answer(snap_compare, tmp_path):
    async def answer(pilot):
        await focus_the_answer_box(pilot)
        await pilot.press(*"0.953", "enter")
        # The reply, the revealed text and the scroll that brings the reply into view.
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=answer)
