"""The app's link to the room hub: a background task that never blocks the UI.

The hub may be slow, restarting or gone; a learner must not notice. :class:`RoomLink` runs in
the app's event loop: it connects, says ``hello``, and posts every message the hub sends as a
:class:`RoomLinkReceived`. ``send`` only ever queues: while disconnected a bounded backlog is
kept (oldest dropped) and sent on reconnect; while the hub reads too slowly, messages are
dropped rather than buffered without end.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from nntui.room.protocol import LineReader, connect_unix, encode

__all__ = ["RoomLink", "RoomLinkReceived"]

#: Messages kept while the hub is away (answers, runs); older ones are dropped.
BACKLOG = 200
#: Unsent bytes at which further messages are dropped (a hub this far behind is stuck).
WRITE_LIMIT = 256 * 1024
#: Seconds between reconnection attempts: the first, and the most (doubling in between).
RETRY_FIRST, RETRY_MOST = 0.5, 5.0


class RoomLinkReceived(Message):
    """A message from the room hub (a checked dict, see ``nntui.room.protocol.FIELDS``)."""

    def __init__(self, message: dict) -> None:
        super().__init__()
        self.message = message


class RoomLink:
    """The session's connection to the hub at ``socket_path``.

    ``hello`` is the first message of every connection. ``on_connect`` callbacks run after each
    (re)connection, so that callers can send their current state again (``where``).
    """

    Received = RoomLinkReceived

    def __init__(self, app, socket_path: Path, hello: dict) -> None:
        self.app = app
        self.socket_path = Path(socket_path)
        self.hello = hello
        self.on_connect: list[Callable[[], None]] = []
        self.connected = False
        self._backlog: deque[bytes] = deque(maxlen=BACKLOG)
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task | None = None
        #: Bumped on each (re)connection; tests and views can wait for it.
        self.connections = 0

    def start(self) -> None:
        """Begin connecting in the background (call from the app's event loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="room-link")

    async def stop(self) -> None:
        """Close the connection and stop reconnecting."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self._close()

    def send(self, message: dict) -> None:
        """Send ``message`` to the hub when possible; never waits, never raises."""
        try:
            line = encode(message)
        except ValueError:
            return
        writer = self._writer
        if writer is None or writer.is_closing():
            self._backlog.append(line)
            return
        if writer.transport.get_write_buffer_size() > WRITE_LIMIT:
            return  # the hub is not reading: drop rather than grow without end
        writer.write(line)

    def _close(self) -> None:
        self.connected = False
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None

    async def _run(self) -> None:
        delay = RETRY_FIRST
        while True:
            try:
                reader = await self._connect()
            except OSError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MOST)
                continue
            delay = RETRY_FIRST
            try:
                await self._read(reader)
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                self._close()
            await asyncio.sleep(RETRY_FIRST)

    async def _connect(self) -> asyncio.StreamReader:
        # A non-blocking connect, in the loop: a Unix socket connects (or fails: nobody there,
        # or BlockingIOError when the hub's backlog is full) at once, so no thread is needed.
        sock = connect_unix(self.socket_path, timeout=0.0)
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=1 << 20)
        writer.write(encode(self.hello))
        self._writer = writer
        self.connected = True
        self.connections += 1
        # The current state (``where``) first, then what was said while the hub was away: a
        # help request kept in the backlog then reaches a hub that knows where the attendee is.
        for callback in list(self.on_connect):
            with contextlib.suppress(Exception):
                callback()
        while self._backlog:
            writer.write(self._backlog.popleft())
        return reader

    async def _read(self, reader: asyncio.StreamReader) -> None:
        lines = LineReader()
        while True:
            data = await reader.read(65536)
            if not data:
                return
            for message in lines.feed(data):
                self.app.post_message(RoomLinkReceived(message))
