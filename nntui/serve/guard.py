"""Defences of a workshop server against a hostile room, after OpenSSH's sshd.

- ``MaxStartups``: a cap on connections that have not started a session yet, with sshd's
  early random drop (``start:rate:full``);
- ``SourceBackoff``: a source address with many failed logins is refused for a while,
  longer each time (sshd's PerSourcePenalties, simplified);
- ``check_descriptors``: the file-descriptor budget the options need, checked at start
  (the soft limit is raised to the hard one first if that is enough);
- ``AcceptErrorNotice``: running out of descriptors said in one line, not a traceback a second;
- ``requeue``: the listening socket's kernel queue, kept as long as sshd's while the server
  accepts few connections at a time (``ACCEPT_BATCH``);
- ``is_loopback``: whether a host name or address stays on this machine.

All pure bookkeeping with an injectable clock and random source, so tests can drive them.
"""

from __future__ import annotations

import ipaddress
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "ACCEPT_BATCH",
    "AcceptErrorNotice",
    "MaxStartups",
    "SourceBackoff",
    "check_descriptors",
    "descriptors_needed",
    "is_loopback",
    "requeue",
]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class MaxStartups:
    """sshd's MaxStartups: past ``start`` connections still starting, drop new ones with
    probability ``rate``% rising linearly to 100% at ``full``."""

    start: int = 10
    rate: int = 30
    full: int = 100

    @classmethod
    def parse(cls, text: str) -> MaxStartups:
        """``"10:30:100"`` or just ``"100"`` (no random drop); ValueError says what is wrong."""
        usage = f"{text!r} is not START:RATE:FULL (for example 10:30:100) or a single number"
        try:
            numbers = [int(part) for part in text.split(":")]
        except ValueError:
            raise ValueError(usage) from None
        if len(numbers) == 1:
            numbers = [numbers[0], 100, numbers[0]]  # sshd: a lone number is a hard cap
        if len(numbers) != 3:
            raise ValueError(usage)
        start, rate, full = numbers
        if not (1 <= start <= full <= 100_000 and 0 <= rate <= 100):
            raise ValueError(f"{text!r}: need 1 <= START <= FULL <= 100000 and RATE from 0 to 100")
        return cls(start, rate, full)

    def should_drop(self, starting: int, draw: Callable[[], float] = random.random) -> bool:
        """True if a new connection should be dropped while ``starting`` others are starting."""
        if starting >= self.full:
            return True
        if starting < self.start:
            return False
        chance = self.rate + (100 - self.rate) * (starting - self.start) / (self.full - self.start)
        return draw() * 100 < chance

    def __str__(self) -> str:
        return f"{self.start}:{self.rate}:{self.full}"


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    blocked_until: float = 0.0
    penalty: float = 0.0


class SourceBackoff:
    """Failed logins per source address; a source with ``threshold`` failures within ``window``
    seconds is refused for ``penalty`` seconds, doubled on each repeat up to ``max_penalty``.

    At most ``max_sources`` addresses are remembered (the oldest are forgotten first), so a
    flood of addresses cannot grow the server's memory without bound.
    """

    def __init__(
        self,
        threshold: int = 10,
        window: float = 600.0,
        penalty: float = 30.0,
        max_penalty: float = 600.0,
        max_sources: int = 65536,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self.penalty = penalty
        self.max_penalty = max_penalty
        self.max_sources = max_sources
        self._clock = clock
        self._sources: dict[str, _Record] = {}

    def blocked_for(self, address: str) -> float:
        """Seconds ``address`` is still refused for (0: it may try)."""
        record = self._sources.get(address)
        if record is None:
            return 0.0
        return max(0.0, record.blocked_until - self._clock())

    def failed(self, address: str) -> float:
        """Count one failed login from ``address``; returns the penalty it just earned (0: none)."""
        now = self._clock()
        record = self._sources.pop(address, None) or _Record()
        self._sources[address] = record  # most recent last, for forgetting the oldest
        record.failures = [t for t in record.failures if now - t < self.window]
        record.failures.append(now)
        while len(self._sources) > self.max_sources:
            del self._sources[next(iter(self._sources))]
        if len(record.failures) < self.threshold:
            return 0.0
        record.failures.clear()
        record.penalty = min(self.max_penalty, record.penalty * 2 if record.penalty else self.penalty)
        record.blocked_until = now + record.penalty
        return record.penalty


#: Descriptors the server uses whatever the room does: listening sockets, the session starter's
#: pipes, the event loop, the host key, logs, Python's own.
BASE_DESCRIPTORS = 64
#: Per running session: the SSH socket, the terminal's master side, the name-claim socket and
#: a spare (a child being started or reaped).
SESSION_DESCRIPTORS = 4


#: Connections the server accepts at each wake-up of its listening socket. asyncio accepts as
#: many at once as the listen backlog it was given, before any of them is admitted or dropped,
#: and a dropped one gives its descriptor back a loop turn later: with asyncssh's default of 100,
#: a room flooding the port could hold 200 descriptors beyond the budget for a moment and run
#: the server out of them. At most two batches are in flight (one closing, one just accepted).
ACCEPT_BATCH = 16
#: The kernel's queue of connections not yet accepted: sshd's (SSH_LISTEN_BACKLOG). Kept long so
#: that a room connecting at once waits in it rather than having its handshakes dropped.
LISTEN_QUEUE = 128


def descriptors_needed(max_sessions: int, max_starting: int) -> int:
    """File descriptors the server may need with ``max_sessions`` running and ``max_starting`` starting."""
    return BASE_DESCRIPTORS + SESSION_DESCRIPTORS * max_sessions + max_starting + 2 * ACCEPT_BATCH


def requeue(listening, queue: int = LISTEN_QUEUE) -> None:
    """Give ``listening`` (a listening socket, or asyncio's wrapper of one) a kernel queue of ``queue``.

    The server is started with a backlog of ``ACCEPT_BATCH``, which asyncio takes both as the
    kernel's queue and as how many to accept at a time; this lengthens the queue alone.
    """
    import os
    import socket

    duplicate = socket.socket(fileno=os.dup(listening.fileno()))
    try:
        duplicate.listen(queue)  # the same socket: only the queue's length changes
    finally:
        duplicate.close()


def check_descriptors(needed: int) -> str | None:
    """Make sure ``needed`` file descriptors can be open; None if so, else a one-line reason.

    The soft limit (``ulimit -n``) is raised to the hard limit when it is too low, as a
    server may; only when even the hard limit is too low is the start refused.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return None
    if hard == resource.RLIM_INFINITY or hard >= needed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            return None
        except (ValueError, OSError):
            pass
    return (
        f"these options need about {needed} open files but this process may have only "
        f"{hard if hard != resource.RLIM_INFINITY else soft} (ulimit -n): lower --max-sessions "
        "or --max-startups, or raise the limit"
    )


class AcceptErrorNotice:
    """An event loop's exception handler: running out of descriptors is one line every ``every`` s.

    asyncio stops accepting for a second and tries again by itself; its own report would be a
    traceback every second for as long as the room holds the descriptors. Anything else goes to
    asyncio's default handler.
    """

    def __init__(self, say: Callable[[str], None], every: float = 5.0) -> None:
        self._say, self.every = say, every
        self._said_at = float("-inf")

    def __call__(self, loop, context: dict) -> None:
        if context.get("message") != "socket.accept() out of system resource":
            loop.default_exception_handler(context)
            return
        now = loop.time()
        if now - self._said_at >= self.every:
            self._said_at = now
            error = context.get("exception")
            why = getattr(error, "strerror", None) or str(error)
            self._say(f"nntui: cannot accept a connection ({why}); new connections wait (ulimit -n)")
