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


def test_checkpoint_step_masked_before_the_answer(snap_compare, tmp_path):
    async def open_check(pilot):
        from nntui.app.widgets.checkpoint import AnswerInput

        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.screen.query_one(AnswerInput).focus()
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=open_check)


def test_checkpoint_step_revealed_after_the_right_answer(snap_compare, tmp_path):
    async def answer(pilot):
        from nntui.app.widgets.checkpoint import AnswerInput

        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.screen.query_one(AnswerInput).focus()
        await pilot.pause()
        await pilot.press(*"0.953", "enter")
        await pilot.pause()

    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24), run_before=answer)
