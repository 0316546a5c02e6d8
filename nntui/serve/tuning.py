"""Keeping interactive work first in a workshop server's session.

Each attendee's session runs a :class:`Tuning` thread beside the lesson app: training runs
(thread workers) step back behind everyone's key presses.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from pathlib import Path

__all__ = ["Tuning"]


class Tuning(threading.Thread):
    """A small watcher thread: background work yields to other attendees' key presses.

    Textual runs thread workers (the training runs) in the event loop's default executor.
    This thread lowers those worker threads' own priority once (nice 10: the session's
    screen and keys go before its own training), and while they are busy it moves the
    whole session to the back of the machine's queue: with Linux autogroups (one per
    session, as every session leader gets) by writing 19 to ``/proc/self/autogroup`` once
    the workers have run (or waited to run) for ``busy_ns`` over the last ``window`` looks,
    put back to 0 once they have been idle for ``quiet`` seconds.

    It looks every ``period`` seconds while worker threads are busy and for ``linger`` seconds
    after, and every ``idle_period`` otherwise: fifty idle sessions looking ten times a second
    would cost the machine a few percent of a core, just when a room logs in.
    """

    #: Names of the threads that run thread workers: asyncio's default executor ("asyncio_0", ...).
    WORKER_PREFIXES = ("asyncio_", "ThreadPoolExecutor")

    def __init__(
        self,
        app,
        period: float = 0.1,
        window: int = 2,
        busy_ns: int = 80_000_000,
        quiet: float = 0.5,
        idle_period: float = 0.5,
        linger: float = 3.0,
    ) -> None:
        super().__init__(name="nntui-tuning", daemon=True)
        self.app = app
        self.period = period
        self.idle_period = idle_period
        self.linger = linger
        self.busy_ns = busy_ns
        self.quiet = quiet
        self.background = False
        self._recent: deque[int] = deque(maxlen=window)
        self._idle_for = linger  # seconds since the workers last ran
        self._stop_event = threading.Event()
        self._niced: set[int] = set()
        self._last: dict[int, int] = {}
        self._autogroup = Path("/proc/self/autogroup")

    def stop(self) -> None:
        """Ask the thread to end (it is a daemon: it never holds the process up)."""
        self._stop_event.set()

    def run(self) -> None:
        wait = self.idle_period  # nothing has run yet: start at the slow pace
        while not self._stop_event.wait(wait):
            wait = self.look(self._worker_demand(), wait)

    def look(self, demand: int, waited: float) -> float:
        """Act on one look: the workers' ``demand`` (ns) over the last ``waited`` seconds.

        Returns how long to wait before the next look.
        """
        if waited == self.period:
            self._recent.append(demand)
        else:
            # A slow look spans more time than the busy test is about: only speed up.
            self._recent.clear()
        # Sustained work only (a training run), not a pane's passing computation: the
        # workers ran or waited to run for 80 ms of the last 200.
        if len(self._recent) == self._recent.maxlen and sum(self._recent) >= self.busy_ns:
            if not self.background and self._screen_complete():
                self.background = self._set_autogroup_nice(19)
        if demand:
            self._idle_for = 0.0
        else:
            self._idle_for += waited
            if self.background and self._idle_for >= self.quiet:
                self.background = not self._set_autogroup_nice(0)
        fast = self.background or self._idle_for < self.linger
        return self.period if fast else self.idle_period

    def _screen_complete(self) -> bool:
        """Whether the session's first screen is complete: until then it stays in front.

        A session that opens on the training pane starts a run at once; sent to the back then,
        its own screen waited behind the whole room starting (the last complete screens of a
        room of 100 were all such sessions, 3 s after the others). Its run's thread is still
        niced: within the session, the screen comes first.
        """
        return self.app is None or bool(getattr(self.app, "first_screen_complete", True))

    def _worker_demand(self) -> int:
        """Nanoseconds the worker threads ran or waited to run since the last look."""
        total = 0
        seen: dict[int, int] = {}
        for thread in threading.enumerate():
            tid = thread.native_id
            if tid is None or not thread.name.startswith(self.WORKER_PREFIXES):
                continue
            if tid not in self._niced:
                self._niced.add(tid)
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, tid, 10)  # Linux: one thread's nice
            used = _thread_demand(tid)
            if used is None:
                continue
            seen[tid] = used
            total += max(0, seen[tid] - self._last.get(tid, seen[tid]))
        self._last = seen
        return total

    def _set_autogroup_nice(self, nice: int) -> bool:
        try:
            self._autogroup.write_text(f"{nice}\n")
        except OSError:  # no autogroups here, or the kernel's rate limit (EAGAIN): next time
            return False
        return True


def _thread_demand(tid: int) -> int | None:
    """Nanoseconds thread ``tid`` of this process has run or waited to run (CPU time only where
    the kernel keeps no schedstat); None if it has gone."""
    try:
        with open(f"/proc/self/task/{tid}/schedstat", "rb") as handle:
            running, waiting = (int(x) for x in handle.read().split()[:2])
        return running + waiting
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/self/task/{tid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
