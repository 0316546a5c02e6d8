"""Training in a thread worker: letting the event loop breathe (``GilYielder``), waiting for
the screen to draw a report (``FrameGate``) and reporting losses every so often
(``LossReporter``; the report itself is ``nntui.app.messages.RunReport``).
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

import numpy as np

__all__ = ["GilYielder", "FrameGate", "read_only", "LossReporter"]


class GilYielder:
    """Lets the event loop breathe while a worker thread runs pure-Python training.

    A CPU-bound thread holds the interpreter lock for 5 ms slices, and the event loop waits for
    a slice every time it touches I/O, so a key press could take hundreds of milliseconds.
    Calling ``maybe_yield()`` once per epoch sleeps 0.2 ms after every millisecond of work, so
    the event loop never waits long for the lock, at the cost of a fifth of the training speed.
    """

    def __init__(self, work: float = 0.001, rest: float = 0.0002) -> None:
        self.work = work
        self.rest = rest
        self._since = time.perf_counter()

    def maybe_yield(self) -> None:
        """Sleep briefly if this thread has worked for ``work`` seconds since the last rest."""
        now = time.perf_counter()
        if now - self._since >= self.work:
            time.sleep(self.rest)
            self._since = time.perf_counter()


class FrameGate:
    """Lets a worker thread step aside while the interface draws what it just reported.

    A frame drawn while the worker trains is slowed by it (they share the interpreter lock and,
    on a busy machine, the processor), and a key pressed meanwhile waits for that frame. So the
    worker ``close()``-s the gate, posts its report and ``wait()``-s; the pane opens the gate
    once the report is on screen (``open_after_refresh``), or at once when it ignores the
    report or cancels the run (``open``). Reports then never pile up, and the wait is bounded
    so a screen that is not refreshing cannot stall training.
    """

    def __init__(self, limit: float = 0.1) -> None:
        self.limit = limit
        self._open = threading.Event()

    def close(self) -> None:
        """Called by the worker before it posts a report."""
        self._open.clear()

    def wait(self, limit: float | None = None) -> None:
        """Called by the worker after posting: returns when the gate opens, or after ``limit``
        seconds (the gate's own limit unless given)."""
        self._open.wait(self.limit if limit is None else limit)

    def open(self) -> None:
        """Let the worker go on now."""
        self._open.set()

    @property
    def is_open(self) -> bool:
        """Whether a worker waiting now would go on at once."""
        return self._open.is_set()

    def open_after_refresh(self, widget) -> None:
        """Let the worker go on once ``widget``'s screen has drawn what is pending."""
        widget.call_after_refresh(self._open.set)


def read_only(losses: np.ndarray) -> np.ndarray:
    """``losses`` made read-only: a reported array is shared between threads and never changes."""
    losses.flags.writeable = False
    return losses


class LossReporter:
    """Collects a worker's losses, step by step, and reports them to the pane every so often.

    Call ``add(loss)`` once per step from the worker thread. At most every ``interval`` seconds
    it posts the losses so far with ``post`` (a read-only array: the last one with the new
    losses appended, so a report at the end of a long run costs what one at its start does),
    then waits at ``gate`` until the pane has drawn them. It also lets the event loop breathe
    (``GilYielder``). ``losses`` is everything so far.
    """

    def __init__(
        self,
        post: Callable[[np.ndarray], None],
        gate: FrameGate,
        losses: Sequence[float] = (),
        interval: float = 1 / 30,
    ) -> None:
        self._post = post
        self._gate = gate
        self._losses = read_only(np.array(losses, dtype=float))
        self._new: list[float] = []
        self._interval = interval
        self._breather = GilYielder()
        self._last = time.perf_counter()

    def add(self, loss: float) -> None:
        """One more step's loss (reported when a report is due)."""
        self._new.append(loss)
        self._breather.maybe_yield()
        if time.perf_counter() - self._last >= self._interval:
            self._gate.close()
            self._post(self.losses)
            self._gate.wait()
            self._last = time.perf_counter()

    @property
    def losses(self) -> np.ndarray:
        """Every loss so far, read-only."""
        if self._new:
            self._losses, self._new = read_only(np.concatenate((self._losses, self._new))), []
        return self._losses
