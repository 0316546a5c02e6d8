"""Test helper: a room record written row by row with the contract's schema (not the hub's code).

The schema is the one room.md fixes for ``<state-dir>/room/record.sqlite3``; the export and
``serve status`` must read any record of that shape, whoever wrote it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, time REAL NOT NULL, name TEXT, "
    "kind TEXT NOT NULL, lesson INTEGER, step INTEGER, data TEXT NOT NULL)"
)

#: The hub's clock at the start of every test room (any fixed time will do).
T0 = 1_800_000_000.0


class RoomRecord:
    """Writes events as the hub would: one committed row each, WAL mode."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / "room" / "record.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def add(self, at: float, who: str | None, kind: str, lesson=None, step=None, /, **message) -> None:
        """One event ``at`` seconds after T0; ``message`` is the data (its "t" is the kind)."""
        data = json.dumps({"t": kind, **message})
        self.db.execute(
            "INSERT INTO events (time, name, kind, lesson, step, data) VALUES (?, ?, ?, ?, ?, ?)",
            (T0 + at, who, kind, lesson, step, data),
        )

    def where(self, at: float, name: str, lesson: int, step: int, title: str = "") -> None:
        """The attendee reached step lesson.step."""
        label = f"{lesson}.{step}"
        self.add(at, name, "where", lesson, step, lesson=lesson, step=step, label=label, title=title, steps=7)

    def answer(self, at: float, name: str, check: str, given: str, right: bool, lesson=1, step=3) -> None:
        """A checkpoint answer, as the app sends it (number parsed when it is one)."""
        try:
            number = float(given)
        except ValueError:
            number = None
        message = {"check": check, "lesson": lesson, "step": step, "question": f"What is {check}?"}
        message |= {"given": given, "number": number, "right": right, "expected": 9, "tolerance": 0.001}
        self.add(at, name, "answer", lesson, step, **message)

    def close(self) -> None:
        self.db.close()
