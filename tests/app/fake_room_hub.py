"""A fake room hub for the attendee's and the instructor's Pilot tests: a Unix server in the
test's event loop.

It speaks ``nntui.room.protocol`` (the hub's side is someone else's module): it records every
message a session sends and sends what a test tells it to. Waiting is on conditions, with a
time limit that only a broken app reaches.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from nntui.room.protocol import LineReader, bind_unix, encode

#: Seconds a test waits for something that should happen at once (a broken app fails here).
PATIENCE = 10.0


class FakeHub:
    """Listens at ``path``; ``messages`` is everything received, in order."""

    def __init__(self, path: Path, reading: bool = True) -> None:
        self.path = path
        #: False: accept connections but never read them (a hub that is stuck).
        self.reading = reading
        self.messages: list[dict] = []
        self.connections = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self._changed = asyncio.Condition()

    async def start(self) -> FakeHub:
        """Begin listening."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_unix_server(self._serve, sock=bind_unix(self.path))
        return self

    async def stop(self) -> None:
        """Go away: stop listening and drop every connection (as a killed hub does)."""
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        async with self._changed:
            self.connections += 1
            self._changed.notify_all()
        if not self.reading:
            return
        lines = LineReader()
        try:
            while data := await reader.read(65536):
                async with self._changed:
                    self.messages.extend(lines.feed(data))
                    self._changed.notify_all()
        except (ConnectionError, OSError):
            pass

    async def send(self, message: dict) -> None:
        """Send ``message`` to every connected session."""
        for writer in list(self._writers):
            writer.write(encode(message))
            await writer.drain()

    #: The instructor's tests' names for the same things.
    push = send

    @property
    def received(self) -> list[dict]:
        """Everything received, in order (``messages``)."""
        return self.messages

    def of(self, kind: str, **fields) -> list[dict]:
        """The messages of type ``kind`` (with these ``fields``, if given) received so far."""
        return [m for m in self.messages if m["t"] == kind and all(m.get(k) == v for k, v in fields.items())]

    of_type = of

    async def wait_for(self, kind: str, count: int = 1, **fields) -> dict:
        """The ``count``-th message of type ``kind`` with ``fields`` (waits until it has come)."""

        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.of(kind, **fields)) >= count), PATIENCE
            )
        return self.of(kind, **fields)[count - 1]

    async def wait_connections(self, count: int) -> None:
        """Until ``count`` connections were made in all."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.connections >= count), PATIENCE)
