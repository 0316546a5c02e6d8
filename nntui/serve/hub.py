"""The room hub: one process per server that keeps the room (``python -m nntui.serve.hub``).

It listens on ``hub_socket_path(state_dir)`` for sessions (JSON lines, see
:mod:`nntui.room.protocol`). Every connection says ``hello`` first: an attendee (by name, or a
guest), or the instructor (only with the token in ``room/instructor.token``). The room itself is
:class:`nntui.room.model.Room`; every event goes into the SQLite record
(:mod:`nntui.serve.record`), which is replayed at start so a restarted hub knows the room again.

Pushes: ``room`` to instructors at most every 0.2 s, ``poll``/``race`` for what each instructor
watches (and for what is shown, to every attendee) at most every 0.1 s, anything for one
attendee (follow, help_state, ...) at once. Nothing waits on a client: a connection whose
unsent output passes ``WRITE_LIMIT`` (a frozen or gone reader) is dropped, as is one that says
no ``hello`` in time or sends mostly garbage.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import hmac
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nntui.room.model import ATTENDEE_KINDS, INSTRUCTOR_KINDS, Outcome, Room
from nntui.room.protocol import LineReader, bind_unix, check, encode, hub_socket_path, room_dir

from .names import is_valid_name
from .record import Record, record_path

__all__ = ["Hub", "main", "pid_path", "token_path"]

#: Unsent bytes at which a client is dropped (it is not reading).
WRITE_LIMIT = 2 * 1024 * 1024
#: Seconds a new connection has to say hello.
HELLO_TIMEOUT = 10.0
#: Malformed lines a connection may send before it is dropped.
MAX_BAD_LINES = 20
#: The least time between two pushes of the room view, and of a poll or race (seconds).
ROOM_EVERY, POLL_EVERY = 0.2, 0.1
#: How often "idle 5 min" marks are looked at again.
IDLE_CHECK_EVERY = 5.0


def token_path(state_dir: Path) -> Path:
    """The instructor's token (made by the server at start, 0600)."""
    return room_dir(state_dir) / "instructor.token"


def pid_path(state_dir: Path) -> Path:
    """The running hub's process id."""
    return room_dir(state_dir) / "hub.pid"


class Throttle:
    """Calls ``fire`` soon after ``mark``, at most once every ``every`` seconds."""

    def __init__(self, every: float, fire: Callable[[], None]) -> None:
        self.every, self._fire = every, fire
        self._last = -every
        self._handle: asyncio.TimerHandle | None = None

    def mark(self) -> None:
        """Something changed: fire now, or once the interval since the last firing has passed."""
        if self._handle is None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, self._last + self.every - loop.time())
            self._handle = loop.call_later(delay, self._run)

    def _run(self) -> None:
        self._handle = None
        self._last = asyncio.get_running_loop().time()
        self._fire()

    def cancel(self) -> None:
        """Forget a pending firing."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


class Client:
    """One connection: its role once it has said hello, what it watches, its writer."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.role: str | None = None
        self.name: str | None = None
        self.watch: dict = {}
        self.bad_lines = 0

    def send_line(self, line: bytes) -> bool:
        """Queue ``line``; False (and the connection closed) if the client has stopped reading."""
        if self.writer.is_closing():
            return False
        if self.writer.transport.get_write_buffer_size() + len(line) > WRITE_LIMIT:
            self.writer.transport.abort()
            return False
        self.writer.write(line)
        return True


class Hub:
    """The room, its record and its connections."""

    def __init__(self, state_dir: Path, say: Callable[[str], None] | None = None) -> None:
        self.state_dir = Path(state_dir)
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        folder = room_dir(self.state_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
        self._lock_fd: int | None = None
        self._lock()  # before touching the record: one hub per state folder
        self.room = Room()
        self.record = self._open_record()
        self.clients: set[Client] = set()
        self._server: asyncio.AbstractServer | None = None
        self._room_push: Throttle | None = None
        self._poll_push: Throttle | None = None
        self._dirty_polls: set[str] = set()
        self._dirty_races: set[tuple[int, int]] = set()
        self._idle_task: asyncio.Task | None = None
        self._closing = False
        self._record_failed = False
        self._handlers: set[asyncio.Task] = set()

    # --- start and stop -------------------------------------------------------------------
    def _open_record(self) -> Record:
        """The record; one SQLite cannot read is moved aside (kept for a look) and a new one begun."""
        path = record_path(self.state_dir)
        try:
            return Record(path)
        except sqlite3.DatabaseError as error:
            damaged = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            path.replace(damaged)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self.say(
                f"nntui hub: the record could not be read ({error}); kept as {damaged.name}, new one begun"
            )
            return Record(path)

    def replay(self) -> int:
        """Rebuild the room from the record; returns how many events were replayed."""
        self._replayed = 0
        try:
            self._replay_events()
        except sqlite3.DatabaseError as error:
            self.say(
                f"nntui hub: the record is damaged after {self._replayed} events ({error}); the rest is lost"
            )
        self.room.all_offline()  # whoever was connected to the last hub reconnects to this one
        return self._replayed

    def _replay_events(self) -> None:
        for event in self.record.events():
            self._replayed += 1
            if event.kind == "left":
                if event.name:
                    self.room.leave(event.name, event.time)
                continue
            data = check(event.data)  # a record edited by hand must not stop the hub
            if data is None or not event.name and event.kind not in INSTRUCTOR_KINDS:
                continue
            if event.kind == "joined" and data["t"] == "hello":
                self.room.join(event.name, str(data.get("via", "ssh")), event.time)
            elif event.kind in INSTRUCTOR_KINDS and data["t"] == event.kind:
                self.room.instruct(data, event.time)
            elif event.kind in ATTENDEE_KINDS and data["t"] == event.kind:
                self.room.apply(event.name, data, event.time)

    async def start(self) -> None:
        """Replay the record and listen."""
        replayed = self.replay()
        loop = asyncio.get_running_loop()
        self._room_push = Throttle(ROOM_EVERY, self._push_room)
        self._poll_push = Throttle(POLL_EVERY, self._push_polls)
        sock = bind_unix(hub_socket_path(self.state_dir))
        self._server = await asyncio.start_unix_server(self._serve, sock=sock, limit=1 << 20)
        self._idle_task = loop.create_task(self._watch_idle())
        if replayed:
            self.say(f"nntui hub: the room's record replayed ({replayed} events)")

    def _lock(self) -> None:
        path = pid_path(self.state_dir)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SystemExit(f"nntui hub: another hub is running for {self.state_dir}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    async def close(self) -> None:
        """Stop listening, close every connection and the record, remove the socket and pid file."""
        self._closing = True
        if self._idle_task is not None:
            self._idle_task.cancel()
        for throttle in (self._room_push, self._poll_push):
            if throttle is not None:
                throttle.cancel()
        if self._server is not None:
            self._server.close()
        for client in list(self.clients):
            client.writer.transport.abort()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        self.record.close()
        hub_socket_path(self.state_dir).unlink(missing_ok=True)
        if self._lock_fd is not None:
            pid_path(self.state_dir).unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._lock_fd = None

    # --- connections ------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Client(writer)
        lines = LineReader()
        self.clients.add(client)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            while True:
                timeout = HELLO_TIMEOUT if client.role is None else None
                data = await asyncio.wait_for(reader.read(65536), timeout)
                if not data:
                    return
                received = 0
                for message in lines.feed(data):
                    received += 1
                    if not self._receive(client, message):
                        return
                client.bad_lines += max(0, data.count(b"\n") - received)
                if client.bad_lines > MAX_BAD_LINES:
                    self.say("nntui hub: dropped a connection that sent malformed lines")
                    return
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
        except asyncio.CancelledError:
            pass  # the hub is closing: a handler's end is not an error worth a traceback
        finally:
            self.clients.discard(client)
            writer.transport.abort()
            if client.role == "attendee" and client.name is not None and not self._closing:
                now = time.time()
                self._record_about(client.name, "left", {"t": "left"}, now)
                self._apply(self.room.leave(client.name, now))

    def _receive(self, client: Client, message: dict) -> bool:
        """Handle one message; False to close the connection."""
        kind = message["t"]
        now = time.time()
        if client.role is None:
            return kind == "hello" and self._hello(client, message, now)
        if client.role == "instructor":
            if kind == "watch":
                client.watch = message
                self._push_watched(client)
            elif kind in INSTRUCTOR_KINDS:
                about = message["name"] if kind == "help_mark" else None
                self._record_about(about, kind, message, now)
                self._apply(self.room.instruct(message, now))
            return True
        if kind in ATTENDEE_KINDS:
            self._record_about(client.name, kind, message, now)
            self._apply(self.room.apply(client.name, message, now))
        return True

    def _record_about(self, name: str | None, kind: str, message: dict, now: float) -> None:
        """Record an event; one about an attendee is at their step unless it names its own."""
        attendee = self.room.attendees.get(name) if name is not None else None
        lesson, step = (attendee.lesson, attendee.step) if attendee is not None else (None, None)
        self._keep(kind, message, name, now, lesson, step)

    def _keep(self, kind: str, message: dict, name: str | None, now: float, lesson=None, step=None) -> None:
        """Write one event to the record; a failing disk is said once and the room carries on."""
        try:
            self.record.add(kind, message, name=name, when=now, lesson=lesson, step=step)
        except sqlite3.Error as error:
            if not self._record_failed:
                self._record_failed = True
                self.say(
                    f"nntui hub: cannot write the room's record ({error}); the room carries on unrecorded"
                )

    def _hello(self, client: Client, message: dict, now: float) -> bool:
        role = message.get("role")
        if role == "instructor":
            if not self._token_matches(message.get("token")):
                self.say("nntui hub: refused an instructor connection with a wrong token")
                return False
            client.role = "instructor"
            self._push_watched(client)
            return True
        name = message.get("name")
        if role != "attendee" or (name is not None and not is_valid_name(name)):
            return False
        client.role = "attendee"
        client.name, outcome = self.room.join(name, message.get("via", "ssh"), now)
        hello = {key: value for key, value in message.items() if key != "token"}
        self._keep("joined", hello, client.name, now)
        for state in self.room.attendee_state(client.name):
            self._send(client, state)
        self._apply(outcome)
        return True

    def _token_matches(self, token: str | None) -> bool:
        try:
            expected = token_path(self.state_dir).read_text(encoding="utf-8").strip()
        except OSError:
            return False
        if not expected or not isinstance(token, str):
            return False
        return hmac.compare_digest(token.encode(), expected.encode())

    # --- pushing ----------------------------------------------------------------------------
    def _send(self, client: Client, message: dict) -> None:
        try:
            line = encode(message)
        except ValueError:
            return
        if not client.send_line(line):
            self.clients.discard(client)

    def _broadcast(self, message: dict, role: str, name: str | None = None) -> None:
        try:
            line = encode(message)
        except ValueError:
            return
        for client in list(self.clients):
            if client.role == role and (name is None or client.name == name):
                if not client.send_line(line):
                    self.clients.discard(client)

    def _apply(self, outcome: Outcome) -> None:
        for recipient, message in outcome.sends:
            self._broadcast(message, "attendee", recipient)
        if outcome.room and self._room_push is not None:
            self._room_push.mark()
        if outcome.polls or outcome.races:
            self._dirty_polls |= outcome.polls
            self._dirty_races |= outcome.races
            if self._poll_push is not None:
                self._poll_push.mark()

    def _push_room(self) -> None:
        if any(client.role == "instructor" for client in self.clients):
            self._broadcast(self.room.room_message(time.time()), "instructor")

    def _push_polls(self) -> None:
        polls, races = self._dirty_polls, self._dirty_races
        self._dirty_polls, self._dirty_races = set(), set()
        instructors = [client for client in self.clients if client.role == "instructor"]
        for check_id in polls:
            message = self.room.poll_message(check_id)
            for client in instructors:
                if client.watch.get("check") == check_id:
                    self._send(client, message)
            if check_id == self.room.shown_poll:
                self._broadcast(message, "attendee")
        for lesson, step in races:
            message = self.room.race_message(lesson, step)
            for client in instructors:
                if (client.watch.get("lesson"), client.watch.get("step")) == (lesson, step):
                    self._send(client, message)
            if (lesson, step) == self.room.shown_race:
                self._broadcast(message, "attendee")

    def _push_watched(self, client: Client) -> None:
        """Everything an instructor's view needs now: the room, and what it watches."""
        self._send(client, self.room.room_message(time.time()))
        if client.watch.get("check"):
            self._send(client, self.room.poll_message(client.watch["check"]))
        lesson, step = client.watch.get("lesson"), client.watch.get("step")
        if lesson is not None and step is not None:
            self._send(client, self.room.race_message(lesson, step))

    async def _watch_idle(self) -> None:
        before = time.time()
        while True:
            await asyncio.sleep(IDLE_CHECK_EVERY)
            now = time.time()
            if self.room.idle_changes(now, before) and self._room_push is not None:
                self._room_push.mark()
            before = now


async def _run(state_dir: Path, watch_stdin: bool) -> int:
    hub = Hub(state_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    await hub.start()
    if watch_stdin:
        # The server holds our stdin open: its end closing means the server is gone.
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        loop.create_task(_set_at_eof(reader, stop))
    print("ready", flush=True)  # the server waits for this line
    try:
        await stop.wait()
    finally:
        await hub.close()
    return 0


async def _set_at_eof(reader: asyncio.StreamReader, stop: asyncio.Event) -> None:
    with contextlib.suppress(Exception):
        while await reader.read(4096):
            pass
    stop.set()


def main(argv: list[str] | None = None) -> int:
    """Run the hub for the state folder on the command line until SIGTERM."""
    parser = argparse.ArgumentParser(prog="nntui-hub", description="The workshop room's hub.")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input closes")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args.state_dir, args.watch_stdin))
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        sys.stderr.write(f"nntui hub: error: {error.strerror or error}{where}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
