"""One attendee as the room hub knows them, and the "stuck" rule (pure, stdlib only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["IDLE_SECONDS", "ROOM_CURVE_POINTS", "WRONG_STUCK", "Attendee", "thin"]

#: No message for this long while online, on one step: "idle 5 min".
IDLE_SECONDS = 300.0
#: Wrong answers on one checkpoint (since reaching its step) that mark an attendee stuck.
WRONG_STUCK = 3
#: Loss values of an attendee's last run kept in the room view (the race has them all).
ROOM_CURVE_POINTS = 50


@dataclass
class Attendee:
    """One attendee as the hub knows them."""

    name: str
    via: str = "ssh"
    connections: int = 0
    lesson: int | None = None
    step: int | None = None
    label: str | None = None
    title: str | None = None
    steps: int | None = None
    since: float = 0.0
    last_seen: float = 0.0
    passed: set[str] = field(default_factory=set)
    wrong_here: int = 0
    #: Wrong answers per checkpoint since reaching this step (a right answer clears its count).
    wrong_counts: Counter = field(default_factory=Counter)
    help: dict | None = None
    last_wrong: dict | None = None
    failing: dict | None = None
    curve: list | None = None
    rate: float | None = None

    @property
    def online(self) -> bool:
        """Connected to the hub now."""
        return self.connections > 0

    def stuck(self, now: float) -> str | None:
        """Why this attendee looks stuck (the issue's rule), or None."""
        if self.help is not None:
            return "help"
        if self.wrong_counts and max(self.wrong_counts.values()) >= WRONG_STUCK:
            return f"{WRONG_STUCK} wrong"
        if self.online and self.lesson is not None and now - self.last_seen >= IDLE_SECONDS:
            return "idle 5 min"
        return None

    def to_dict(self, now: float) -> dict:
        """The attendee as the ``room`` message carries them (see room.md)."""
        return {
            "name": self.name,
            "via": self.via,
            "online": self.online,
            "lesson": self.lesson,
            "step": self.step,
            "label": self.label,
            "title": self.title,
            "steps": self.steps,
            "since": self.since,
            "last_seen": self.last_seen,
            "passed": len(self.passed),
            "wrong_here": self.wrong_here,
            "stuck": self.stuck(now),
            "help": None if self.help is None else dict(self.help),
            "last_wrong": self.last_wrong,
            "failing": self.failing,
            "curve": None if self.curve is None else thin(self.curve, ROOM_CURVE_POINTS),
            "rate": self.rate,
        }


def thin(values: list, most: int) -> list:
    """At most ``most`` (>= 2) of ``values``, evenly spread, first and last kept."""
    if len(values) <= most:
        return list(values)
    last = len(values) - 1
    return [values[round(i * last / (most - 1))] for i in range(most)]
