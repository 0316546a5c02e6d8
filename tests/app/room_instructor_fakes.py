"""A fake room hub for the instructor's view tests: a Unix socket server in the test's event loop
that records what the app sends and pushes what the test says (``nntui.room.protocol`` lines)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from nntui.room.protocol import LineReader, bind_unix, encode

#: The most a test waits for something that happens at once on a working link.
TIMEOUT = 10.0


async def until(pilot, condition, what: str = "the condition") -> None:
    """Let the app process messages until ``condition()`` holds (fails after TIMEOUT)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()


class FakeHub:
    """Accepts the app's connections, keeps every message it sends, pushes messages to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.received: list[dict] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.AbstractServer | None = None
        self._arrived = asyncio.Event()

    async def start(self) -> FakeHub:
        """Listen at ``path``."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_unix_server(self._serve, sock=bind_unix(self.path))
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        lines = LineReader()
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                for message in lines.feed(data):
                    self.received.append(message)
                    self._arrived.set()

    def of_type(self, kind: str, **fields) -> list[dict]:
        """The messages of type ``kind`` (with these ``fields``, if given) received so far."""
        return [m for m in self.received if m["t"] == kind and all(m.get(k) == v for k, v in fields.items())]

    async def wait_for(self, kind: str, count: int = 1, **fields) -> dict:
        """The ``count``-th message of type ``kind`` (with ``fields``), waiting for it to arrive."""

        async def arrived() -> dict:
            while len(self.of_type(kind, **fields)) < count:
                self._arrived.clear()
                await self._arrived.wait()
            return self.of_type(kind, **fields)[count - 1]

        return await asyncio.wait_for(arrived(), TIMEOUT)

    async def push(self, message: dict) -> None:
        """Send ``message`` to every connected app."""
        for writer in self._writers:
            writer.write(encode(message))
            await writer.drain()

    async def stop(self) -> None:
        """Close every connection and stop listening (the hub is gone)."""
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        self.path.unlink(missing_ok=True)
