"""The attendee's app with the real room hub (``python -m nntui.serve.hub``) and an instructor.

The instructor is a plain socket client speaking the protocol; the attendee is the real app
(Pilot). Killing the hub mid-session: the attendee keeps working, and the restarted hub (which
replays its record) sees them again where they are.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.room import link
from nntui.app.room.attendee_views import PollView
from nntui.app.tutor import Position
from nntui.app.widgets.checkpoint import AnswerInput
from nntui.room.protocol import LineReader, encode, hub_socket_path, room_dir

LESSONS = Path(__file__).parent / "fixture_lessons"
TOKEN = "instructor-token-for-the-test"
PATIENCE = 15.0


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(link, "RETRY_FIRST", 0.05)
    monkeypatch.setattr(link, "RETRY_MOST", 0.1)


def start_hub(state_dir: Path) -> subprocess.Popen:
    """The real hub on ``state_dir``, once it says it is ready."""
    hub = subprocess.Popen(
        [sys.executable, "-m", "nntui.serve.hub", "--state-dir", str(state_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert hub.stdout.readline().strip() == "ready"
    return hub


class Instructor:
    """A minimal instructor's view: it says hello with the token and reads what the hub pushes."""

    def __init__(self, reader, writer) -> None:
        self.reader, self.writer = reader, writer
        self.lines = LineReader()

    @classmethod
    async def connect(cls, state_dir: Path, watch: dict) -> Instructor:
        reader, writer = await asyncio.open_unix_connection(str(hub_socket_path(state_dir)))
        me = cls(reader, writer)
        me.say({"t": "hello", "role": "instructor", "name": None, "via": "ssh", "token": TOKEN})
        me.say({"t": "watch", **watch})
        return me

    def say(self, message: dict) -> None:
        self.writer.write(encode(message))

    async def until(self, kind: str, test=lambda m: True) -> dict:
        """The first pushed message of type ``kind`` that passes ``test``."""

        async def read() -> dict:
            while True:
                data = await self.reader.read(65536)
                assert data, "the hub closed the instructor's connection"
                for message in self.lines.feed(data):
                    if message["t"] == kind and test(message):
                        return message

        return await asyncio.wait_for(read(), PATIENCE)

    def close(self) -> None:
        self.writer.close()


async def handled(pilot, kind: str) -> asyncio.Event:
    """An event set once the app has handled a hub message of type ``kind``."""
    event = asyncio.Event()
    pilot.app.room.listeners.append(lambda m: event.set() if m["t"] == kind else None)
    return event


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_room_with_the_real_hub_follow_poll_and_a_hub_restart(tmp_path):
    state = tmp_path / "server"
    room_dir(state).mkdir(parents=True, mode=0o700)
    (room_dir(state) / "instructor.token").write_text(TOKEN)
    hub = start_hub(state)
    app = make_app(
        AppConfig(
            lessons_dir=LESSONS,
            state_dir=state / "users" / "alice",
            room_socket=hub_socket_path(state),
            room_via="ssh",
            attendee_name="alice",
        )
    )
    instructor = None
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            instructor = await Instructor.connect(state, {"check": "out", "lesson": 1, "step": 2})
            await instructor.until("room", lambda m: [a["label"] for a in m["attendees"]] == ["1.1"])

            # Follow me: the attendee is taken to 1.2.
            moved = await handled(pilot, "follow")
            instructor.say({"t": "follow", "lesson": 1, "step": 2, "label": "1.2"})
            await asyncio.wait_for(moved.wait(), PATIENCE)
            await settle(pilot)
            assert app.tutor.position == Position(0, 1)

            # Their answer reaches the instructor's poll; shown, the poll is under the checkpoint.
            box = app.screen.query_one(AnswerInput)
            box.focus()
            await pilot.press(*"0.9991", "enter")
            poll = await instructor.until("poll", lambda m: m["numbers"] == [0.9991])
            assert (poll["right"], poll["wrong"]) == (1, 0)
            shown = await handled(pilot, "poll")
            instructor.say({"t": "poll_show", "check": "out"})
            await asyncio.wait_for(shown.wait(), PATIENCE)
            await settle(pilot)
            assert app.screen.query(PollView)

            # The hub dies: keys still work; restarted, it sees alice where she is now.
            hub.send_signal(signal.SIGKILL)
            hub.wait()
            instructor.close()
            await pilot.press("escape", "right")
            await settle(pilot)
            assert app.tutor.position == Position(0, 2)
            hub = start_hub(state)
            instructor = await Instructor.connect(state, {"check": None, "lesson": None, "step": None})
            room = await instructor.until(
                "room", lambda m: [(a["label"], a["online"]) for a in m["attendees"]] == [("1.3", True)]
            )
            assert room["follow"]["label"] == "1.2"  # the record kept the room's state
    finally:
        if instructor is not None:
            instructor.close()
        hub.terminate()
        hub.wait()
