"""The start board: where each forked session of a workshop room is in its start.

When a room connects at once, every session competes for the same two or four cores. Left to
the kernel, sessions that already show their lesson build their panes (two thirds of a start's
CPU) while later arrivals wait for their very first frame, and the SSH server itself, one
process among a hundred busy ones, accepts the last connections late; and a hundred panes built
side by side all finish at the very end. With the board, the room starts in waves:

1. every session draws its first frame (the lesson's text) before any session builds a pane;
2. then the panes are built a few at a time (``BUILDING_AT_ONCE``), in the order the sessions
   were forked: the first to come are the first to be complete;
3. what a session starts once its screen is complete (a training run that opens with the app)
   waits until every session is complete (``StartSlot.room_started``).

The starter makes the board before it forks anything: an anonymous shared memory page that
every fork inherits. A slot holds two ``CLOCK_MONOTONIC`` times: when its session was forked
(0.0: the slot is free) and when its first frame was drawn (0.0: not yet). The starter claims a
slot just before a fork and frees it when it reaps the session; the session marks its first
frame and frees the slot once its screen is complete. One writer at a time per slot, aligned
8-byte stores: no lock is needed, and a look that races a write is wrong by one session for
one look. The session side is :class:`StartSlot`, what the lesson app calls its start gate
(``NNTuiApp.after_room_started``).
"""

from __future__ import annotations

import mmap
import time

__all__ = ["BUILDING_AT_ONCE", "SLOTS", "STALE_AFTER", "StartBoard", "StartSlot"]

#: Sessions the board follows at once (a fork beyond that is not counted, nor held).
SLOTS = 256
#: How many sessions build their first screen's panes at once: enough to keep every core busy
#: between two looks (``nntui.app.app.ROOM_START_LOOK``), few enough to finish in turn.
BUILDING_AT_ONCE = 8
#: A slot forked longer ago than this (seconds) no longer counts, whatever it says: a session
#: stopped in its start (a stuck client, a stopped process) must not hold the others back.
STALE_AFTER = 15.0

_FORKED, _SHOWN = 0, 1


class StartBoard:
    """The shared slots; made by the starter before its first fork."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._memory = mmap.mmap(-1, 16 * slots)  # anonymous and MAP_SHARED: forks see one page
        self._times = memoryview(self._memory).cast("d")
        self.slots = slots

    def claim(self) -> int | None:
        """Mark a free slot as forked now (in the starter, just before a fork); its index."""
        now = time.monotonic()
        times = self._times
        for index in range(self.slots):
            forked = times[2 * index + _FORKED]
            if not forked or now - forked > STALE_AFTER:
                times[2 * index + _SHOWN] = 0.0
                times[2 * index + _FORKED] = now
                return index
        return None

    def shown(self, index: int) -> None:
        """The slot's session has drawn its first frame."""
        if self._times[2 * index + _FORKED] and not self._times[2 * index + _SHOWN]:
            self._times[2 * index + _SHOWN] = time.monotonic()

    def free(self, index: int) -> None:
        """The slot's session is complete (its panes built), or has ended."""
        self._times[2 * index + _FORKED] = 0.0

    def must_wait(self, index: int) -> bool:
        """Whether slot ``index``'s session should hold its panes back a little longer.

        It waits while any other session has not drawn its first frame, and while
        ``BUILDING_AT_ONCE`` sessions forked before it are building (or waiting to build) theirs.
        """
        times = self._times.tolist()  # one copy: a consistent look, and fast to walk
        mine = times[2 * index + _FORKED]
        oldest = time.monotonic() - STALE_AFTER
        ahead = 0
        for slot in range(self.slots):
            forked = times[2 * slot]
            if forked <= oldest or slot == index:
                continue
            if not times[2 * slot + 1]:
                return True  # still before its first frame: first frames first
            if forked < mine:
                ahead += 1
                if ahead >= BUILDING_AT_ONCE:
                    return True
        return False

    def busy(self, index: int) -> bool:
        """Whether any session but slot ``index``'s is still in its start (drawing or building)."""
        oldest = time.monotonic() - STALE_AFTER
        times = self._times.tolist()
        return any(times[2 * slot] > oldest for slot in range(self.slots) if slot != index)

    def slot(self, index: int) -> StartSlot:
        """One session's handle on its slot (given to the session after the fork)."""
        return StartSlot(self, index)


class StartSlot:
    """A session's place on the board: the lesson app's start gate."""

    def __init__(self, board: StartBoard, index: int) -> None:
        self._board = board
        self._index = index

    def shown(self) -> None:
        """This session's first frame is on its terminal."""
        self._board.shown(self._index)

    def must_wait(self) -> bool:
        """Whether to hold this session's panes back a little longer (see ``StartBoard.must_wait``)."""
        return self._board.must_wait(self._index)

    def room_started(self) -> bool:
        """Whether every other session of the room is through its start (complete, or ended)."""
        return not self._board.busy(self._index)

    def complete(self) -> None:
        """This session's first screen is complete (or needs no panes): it holds nobody back now."""
        self._board.free(self._index)
