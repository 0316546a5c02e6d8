"""Snapshots of the instructor's room view and poll view at 80x24, with a room of 30 attendees.

The hub is a stand-in that says it is connected; the room and the poll are handed to the app as
the hub would push them. Update after a deliberate change with ``--snapshot-update`` and look
at every changed SVG (``rsvg-convert``) before committing it.
"""

from __future__ import annotations

from pathlib import Path

from nntui.app.room.instructor import InstructorApp
from nntui.app.room.instructor_poll import PollView
from nntui.course import load_course

LESSONS = Path(__file__).parent / "fixture_room_lessons"
NOW = 10_000.0
TITLES = {(1, 1): "One neuron", (1, 2): "Two questions", (1, 3): "Only text", (2, 1): "A thousand epochs"}
STUCK = (None, None, "help", "3 wrong", "idle 5 min")


class ConnectedLink:
    """A link that is always connected and keeps what the app sends."""

    def __init__(self) -> None:
        self.connected = True
        self.sent: list[dict] = []
        self.on_connect: list = []

    def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to close."""

    def send(self, message: dict) -> None:
        self.sent.append(message)


def the_room() -> dict:
    places = [(1, 1), (1, 2), (1, 2), (1, 2), (2, 1), (1, 3)]
    attendees = []
    for i in range(30):
        lesson, step = places[i % len(places)]
        attendees.append(
            {
                "name": f"attendee{i:02d}",
                "online": i % 9 != 4,
                "lesson": lesson,
                "step": step,
                "label": f"{lesson}.{step}",
                "title": TITLES[(lesson, step)],
                "since": NOW - 37 * i,
                "passed": i % 4,
                "stuck": STUCK[i % len(STUCK)],
            }
        )
    return {
        "t": "room",
        "attendees": attendees,
        "help": [],
        "summary": "15 on 1.2, 5 behind, 5 asking for help",
        "follow": {"lesson": 1, "step": 2, "label": "1.2"},
        "time": NOW,
    }


POLL = {
    "t": "poll",
    "check": "out",
    "lesson": 1,
    "step": 2,
    "question": "What is the output?",
    "numbers": [0.5, 0.5, 0.62, 0.73, 0.9, 0.98, 0.98, 0.98, 0.98, 0.99, 1.0, 0.12],
    "expected": 0.982,
    "tolerance": 0.001,
    "right": 4,
    "wrong": 8,
    "waiting": 14,
    "shown": True,
}


def app_with_room() -> InstructorApp:
    app = InstructorApp(load_course(LESSONS), Path("/nonexistent/hub.sock"), "token", clock=lambda: NOW)
    app.link = ConnectedLink()
    return app


def test_room_view(snap_compare):
    async def show(pilot):
        pilot.app.show_room(the_room())
        await pilot.pause()

    assert snap_compare(app_with_room(), terminal_size=(80, 24), run_before=show)


def test_poll_view(snap_compare):
    async def show(pilot):
        pilot.app.show_room(the_room())
        await pilot.press("2")
        pilot.app.query_one(PollView).show_poll(POLL)
        # Settled: the tab's underline has slid to "2 Poll" and the plot is drawn at its size.
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app_with_room(), terminal_size=(80, 24), run_before=show)
