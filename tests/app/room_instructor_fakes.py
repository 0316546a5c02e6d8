"""Helpers for the instructor's view tests: the fake room hub (shared with the attendee's tests,
``fake_room_hub``) and waiting on the app."""

from __future__ import annotations

import asyncio

from fake_room_hub import FakeHub

__all__ = ["FakeHub", "TIMEOUT", "until"]

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
