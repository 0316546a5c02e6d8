"""The room hub as a real process, spoken to over its real socket (protocol level).

Every wait is for a message or an event with a deadline; nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, ROOM_ENV, ROOM_VIA_ENV, LineReader, connect_unix, encode
from nntui.serve.hub import pid_path, token_path
from nntui.serve.hub_process import HubProcess
from nntui.serve.record import Record, record_path

DEADLINE = 20.0


class RoomClient:
    """A session's side of the socket: send messages, wait for the ones wanted."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.lines = LineReader()
        self.inbox: list[dict] = []

    @classmethod
    async def connect(cls, path: Path, hello: dict | None = None) -> RoomClient:
        sock = connect_unix(path)
        sock.setblocking(False)
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=1 << 20)
        client = cls(reader, writer)
        if hello is not None:
            client.send(hello)
        return client

    def send(self, message: dict) -> None:
        self.writer.write(encode(message))

    async def wait_for(self, kind: str, test=lambda message: True) -> dict:
        """The first message of ``kind`` passing ``test`` (earlier ones are skipped)."""

        async def look() -> dict:
            while True:
                while self.inbox:
                    message = self.inbox.pop(0)
                    if message["t"] == kind and test(message):
                        return message
                data = await self.reader.read(1 << 16)
                if not data:
                    raise ConnectionError("the hub closed the connection")
                self.inbox += list(self.lines.feed(data))

        return await asyncio.wait_for(look(), DEADLINE)

    async def closed_by_hub(self) -> bool:
        """True once the hub has closed this connection (whatever it sent before)."""

        async def drain() -> bool:
            while await self.reader.read(1 << 16):
                pass
            return True

        try:
            return await asyncio.wait_for(drain(), DEADLINE)
        except ConnectionError:
            return True

    def close(self) -> None:
        self.writer.close()


def attendee(name: str | None) -> dict:
    return {"t": "hello", "role": "attendee", "name": name, "via": "ssh"}


def where(lesson: int, step: int) -> dict:
    return {
        "t": "where",
        "lesson": lesson,
        "step": step,
        "label": f"{lesson}.{step}",
        "title": "T",
        "steps": 5,
        "own": True,
    }


def answer(number: float, right: bool) -> dict:
    return {"t": "answer", "check": "c1", "lesson": 4, "step": 2, "question": "q", "given": str(number),
            "number": number, "right": right, "expected": 0.5, "tolerance": 0.01}  # fmt: skip


def person(room: dict, name: str) -> dict | None:
    return next((a for a in room["attendees"] if a["name"] == name), None)


@pytest.fixture
async def hub(tmp_path):
    process = HubProcess(tmp_path / "state", "ssh", say=lambda line: None)
    assert await process.start()
    yield process
    await process.stop()


async def instructor(hub: HubProcess, watch: dict | None = None) -> RoomClient:
    client = await RoomClient.connect(
        hub.socket_path, {"t": "hello", "role": "instructor", "via": "ssh", "token": hub.token}
    )
    if watch is not None:
        client.send({"t": "watch", **watch})
    return client


async def test_the_server_makes_a_private_room_folder_token_and_session_env(hub):
    folder = hub.socket_path.parent
    assert folder.stat().st_mode & 0o777 == 0o700
    assert token_path(hub.state_dir).stat().st_mode & 0o777 == 0o600
    assert int(pid_path(hub.state_dir).read_text()) == hub.pid
    assert hub.session_env() == {ROOM_ENV: str(hub.socket_path), ROOM_VIA_ENV: "ssh"}
    assert hub.instructor_env()[INSTRUCTOR_TOKEN_ENV] == token_path(hub.state_dir).read_text().strip()


async def test_instructor_role_needs_the_token(hub):
    wrong = await RoomClient.connect(
        hub.socket_path, {"t": "hello", "role": "instructor", "via": "ssh", "token": "guess"}
    )
    assert await wrong.closed_by_hub()
    none = await RoomClient.connect(hub.socket_path, {"t": "hello", "role": "instructor", "via": "ssh"})
    assert await none.closed_by_hub()
    right = await instructor(hub)
    room = await right.wait_for("room")
    assert room["attendees"] == [] and room["summary"] == "0 online, none on a step yet, 0 asking for help"


async def test_a_connection_must_say_hello_first_with_a_valid_name(hub):
    early = await RoomClient.connect(hub.socket_path, where(1, 1))
    assert await early.closed_by_hub()
    bad_name = await RoomClient.connect(hub.socket_path, attendee("../etc"))
    assert await bad_name.closed_by_hub()


async def test_attendees_reach_the_instructors_room_view_and_guests_get_ids(hub):
    teacher = await instructor(hub)
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send(where(4, 2))
    guest = await RoomClient.connect(hub.socket_path, attendee(None))
    guest.send(where(4, 1))
    room = await teacher.wait_for("room", lambda m: len(m["attendees"]) == 2 and person(m, "guest-1"))
    assert person(room, "alice")["label"] == "4.2" and person(room, "alice")["online"]
    assert room["summary"] == "1 on 4.2, 1 behind, 0 asking for help"
    alice.close()
    room = await teacher.wait_for("room", lambda m: not person(m, "alice")["online"])
    assert person(room, "guest-1")["online"]


async def test_a_poll_answered_by_the_room_reaches_the_instructor_complete(hub):
    teacher = await instructor(hub, {"check": "c1", "lesson": None, "step": None})
    room = [await RoomClient.connect(hub.socket_path, attendee(f"p{i}")) for i in range(40)]
    for i, client in enumerate(room):
        client.send(where(4, 2))
        client.send(answer(i / 100, i % 4 == 0))
    poll = await teacher.wait_for("poll", lambda m: m["right"] + m["wrong"] == 40)
    assert (poll["right"], poll["wrong"], poll["waiting"]) == (10, 30, 0)
    assert poll["numbers"] == [i / 100 for i in range(40)]


async def test_help_and_follow_reach_attendees(hub):
    teacher = await instructor(hub)
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send({"t": "help", "text": "lost in 4.2"})
    state = await alice.wait_for("help_state")
    assert state == {"t": "help_state", "state": "queued", "place": 1}
    room = await teacher.wait_for("room", lambda m: m["help"])
    assert room["help"][0]["name"] == "alice" and room["help"][0]["text"] == "lost in 4.2"
    teacher.send({"t": "help_mark", "name": "alice", "state": "coming"})
    assert (await alice.wait_for("help_state"))["state"] == "coming"
    teacher.send({"t": "follow", "lesson": 4, "step": 3, "label": "4.3"})
    assert (await alice.wait_for("follow"))["label"] == "4.3"


async def test_garbage_sender_is_dropped_and_others_carry_on(hub):
    teacher = await instructor(hub)
    rogue = await RoomClient.connect(hub.socket_path, attendee("rogue"))
    rogue.writer.write(b"not json at all\n" * 100 + b"\xff\xfe{[" * 1000 + b"\n")
    assert await rogue.closed_by_hub()
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send(where(2, 1))
    room = await teacher.wait_for(
        "room", lambda m: person(m, "alice") and person(m, "alice")["label"] == "2.1"
    )
    assert not person(room, "rogue")["online"]


async def test_a_client_that_never_reads_is_dropped_not_waited_for(hub):
    stalled = await instructor(hub, {"check": None, "lesson": 6, "step": 3})
    teacher = await instructor(hub)
    runner = await RoomClient.connect(hub.socket_path, attendee("runner"))
    curve = [1.0 + i / 7 for i in range(100)]
    run = {
        "t": "run",
        "lesson": 6,
        "step": 3,
        "rate": 0.1,
        "seed": 1,
        "epochs": 10,
        "final_loss": 0.1,
        "outcome": "falls",
    }
    # Each round of runs makes the stalled view's race bigger (up to the line limit) and the
    # hub pushes it; the view never reads, so the hub must let it go, while others carry on.
    for round_number in range(1, 26):
        for i in range(30):
            runner.send(run | {"rate": round_number * 100 + i, "curve": curve})
        latest = round_number * 100 + 29
        await teacher.wait_for("room", lambda m, rate=latest: (person(m, "runner") or {}).get("rate") == rate)
    assert await stalled.closed_by_hub()


async def test_the_record_keeps_every_event_in_the_contract_schema(hub):
    """The export reads this table: one row per event, at the attendee's step, the message as JSON."""
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send(where(4, 2))
    alice.send(answer(0.5, True))
    alice.send({"t": "help", "text": "why?"})
    await alice.wait_for("help_state")
    teacher = await instructor(hub, {"check": "c1", "lesson": None, "step": None})
    await teacher.wait_for("poll", lambda m: m["right"] == 1)
    teacher.send({"t": "poll_again", "check": "c1"})
    await alice.wait_for("poll_again")
    with sqlite3.connect(record_path(hub.state_dir)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = db.execute("SELECT name, kind, lesson, step FROM events ORDER BY id").fetchall()
        (data,) = db.execute("SELECT data FROM events WHERE kind = 'answer'").fetchone()
    assert json.loads(data) == answer(0.5, True)
    assert rows == [
        ("alice", "joined", None, None),
        ("alice", "where", 4, 2),
        ("alice", "answer", 4, 2),
        ("alice", "help", 4, 2),  # at the step the attendee is on
        (None, "poll_again", None, None),
    ]


async def test_a_restarted_server_replays_the_room(tmp_path):
    state = tmp_path / "state"
    first = HubProcess(state, "ssh", say=lambda line: None)
    await first.start()
    alice = await RoomClient.connect(first.socket_path, attendee("alice"))
    alice.send(where(4, 2))
    alice.send(answer(0.3, False))
    alice.send({"t": "help", "text": "stuck"})
    await alice.wait_for("help_state")
    teacher = await instructor(first)
    teacher.send({"t": "follow", "lesson": 5, "step": 1, "label": "5.1"})
    await alice.wait_for("follow")
    await first.stop()

    second = HubProcess(state, "ssh", say=lambda line: None)
    await second.start()
    try:
        teacher = await instructor(second, {"check": "c1", "lesson": None, "step": None})
        room = await teacher.wait_for("room")
        alice_now = person(room, "alice")
        assert (alice_now["online"], alice_now["label"], alice_now["wrong_here"]) == (False, "4.2", 1)
        assert [h["name"] for h in room["help"]] == ["alice"] and room["follow"]["label"] == "5.1"
        poll = await teacher.wait_for("poll")
        assert (poll["wrong"], poll["numbers"]) == (1, [0.3])
        again = await RoomClient.connect(second.socket_path, attendee("alice"))
        assert (await again.wait_for("follow"))["label"] == "5.1"
        assert (await again.wait_for("help_state"))["state"] == "queued"
    finally:
        await second.stop()


async def test_a_killed_hub_is_restarted_and_reconnecting_clients_find_the_room(hub):
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send(where(4, 2))
    alice.send({"t": "help", "text": "please"})
    await alice.wait_for("help_state")
    teacher = await instructor(hub)
    await teacher.wait_for("room", lambda m: m["help"])
    killed = hub.pid
    os.kill(killed, signal.SIGKILL)
    assert await alice.closed_by_hub() and await teacher.closed_by_hub()
    await asyncio.wait_for(hub.wait_started(2), DEADLINE)
    assert hub.pid not in (None, killed)
    # As RoomLink does on reconnect: hello, then where again.
    alice = await RoomClient.connect(hub.socket_path, attendee("alice"))
    alice.send(where(4, 3))
    assert (await alice.wait_for("help_state"))["place"] == 1
    teacher = await instructor(hub)
    room = await teacher.wait_for(
        "room", lambda m: person(m, "alice") and person(m, "alice")["label"] == "4.3"
    )
    assert person(room, "alice")["online"] and room["help"][0]["name"] == "alice"


async def test_stopping_the_server_stops_the_hub_and_cleans_up(tmp_path):
    process = HubProcess(tmp_path / "state", "web", say=lambda line: None)
    await process.start()
    pid = process.pid
    await process.stop()
    assert process.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not process.socket_path.exists() and not token_path(process.state_dir).exists()


async def test_an_unreadable_record_is_kept_aside_and_a_new_one_begun(tmp_path):
    state = tmp_path / "state"
    record_path(state).parent.mkdir(parents=True)
    record_path(state).write_bytes(b"this is not a database" * 100)
    process = HubProcess(state, "ssh", say=lambda line: None)
    assert await process.start()
    try:
        (damaged,) = record_path(state).parent.glob("record.sqlite3.damaged-*")
        assert damaged.read_bytes().startswith(b"this is not a database")
        alice = await RoomClient.connect(process.socket_path, attendee("alice"))
        alice.send(where(1, 2))
        teacher = await instructor(process)
        room = await teacher.wait_for(
            "room", lambda m: person(m, "alice") and person(m, "alice")["label"] == "1.2"
        )
        assert room["summary"].startswith("1 on 1.2")
    finally:
        await process.stop()


async def test_malformed_recorded_events_are_skipped_at_replay(tmp_path):
    state = tmp_path / "state"
    record_path(state).parent.mkdir(parents=True)
    record = Record(record_path(state))
    record.add("joined", attendee("alice"), name="alice", when=1.0)
    record.add("answer", {"t": "answer", "check": 5}, name="alice", when=2.0)  # edited by hand
    record.add("follow", {"t": "follow"}, when=3.0)
    record.add("where", where(3, 1), name="alice", when=4.0)
    record.close()
    process = HubProcess(state, "ssh", say=lambda line: None)
    assert await process.start()
    try:
        teacher = await instructor(process)
        room = await teacher.wait_for("room")
        assert person(room, "alice")["label"] == "3.1" and room["follow"] is None
    finally:
        await process.stop()
