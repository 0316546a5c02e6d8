"""Snapshots of what an attendee sees of the room at 80x24: a shown poll under its checkpoint.

The poll is handed to the room as the hub would send it (no socket: the picture must not
depend on timing). Update after a deliberate change with ``pytest
tests/app/test_room_snapshots.py --snapshot-update`` and look at the changed SVG first.
"""

from __future__ import annotations

from pathlib import Path

from nntui.app import AppConfig, make_app
from nntui.course.answers import answer

LESSONS = Path(__file__).parent / "fixture_lessons"


def room_app(tmp_path):
    # Nobody listens at the socket: the link keeps trying in the background, unseen.
    return make_app(
        AppConfig(
            lessons_dir=LESSONS,
            state_dir=tmp_path / "state",
            room_socket=tmp_path / "no-hub.sock",
            room_via="ssh",
            attendee_name="alice",
        )
    )


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_shown_poll_histogram_at_80x24(snap_compare, tmp_path):
    async def show_poll(pilot):
        await pilot.press("right")
        await settle(pilot)
        check = pilot.app.tutor.step.checks[0]
        await pilot.app.room.received(
            {
                "t": "poll",
                "check": check.id,
                "lesson": 1,
                "step": 2,
                "question": check.question,
                "numbers": [0.5, 0.9991, 0.999, 0.9990, 0.2, 0.99, 1.0, 0.7, 0.9991, 0.5, 0.999],
                "expected": answer(check),
                "tolerance": check.tolerance,
                "right": 6,
                "wrong": 5,
                "waiting": 3,
                "shown": True,
            }
        )
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(room_app(tmp_path), terminal_size=(80, 24), run_before=show_poll)
