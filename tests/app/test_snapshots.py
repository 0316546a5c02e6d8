"""Snapshots of the main screen at 80x24 and 120x40, dark and light, and of the too-small notice.

Update after a deliberate change with ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at every changed SVG before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.app import AppConfig, make_app

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"


def app_for(tmp_path, theme: str):
    return make_app(AppConfig(lessons_dir=FIXTURE_LESSONS, state_dir=tmp_path / "state", theme=theme))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen(snap_compare, tmp_path, theme, size):
    assert snap_compare(app_for(tmp_path, theme), terminal_size=size)


def test_checkpoint_step_after_a_wrong_answer(snap_compare, tmp_path):
    async def answer(pilot):
        from nntui.app.widgets.checkpoint import CheckpointWidget

        await pilot.press("right")
        pilot.app.screen.query_one(CheckpointWidget).answer("0.5")
        await pilot.pause()

    assert snap_compare(app_for(tmp_path, "textual-dark"), terminal_size=(120, 40), run_before=answer)


def test_too_small_notice(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path, "textual-dark"), terminal_size=(50, 15))


def test_narrow_screen_shows_the_text(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path, "textual-dark"), terminal_size=(70, 24))
