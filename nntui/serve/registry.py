"""The live sessions of a workshop server, and their record in ``sessions.json``.

``sessions.json`` in the state folder says who is connected (name -> number of sessions,
and their process ids) so that `nntui serve status` and the instructor's dashboard, which
run as other processes, can show it. The instructor's own sessions count against
--max-sessions but are not listed: the instructor is not one of the attendees.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from nntui.files import write_atomically

__all__ = ["LiveSession", "Registry", "SESSIONS_FILE"]

SESSIONS_FILE = "sessions.json"


class LiveSession(Protocol):
    """What the registry needs of a session."""

    name: str | None

    @property
    def pid(self) -> int | None: ...


class Registry:
    """The set of live sessions of one server; every change is written to ``sessions.json``."""

    def __init__(self, state_dir: Path, max_sessions: int, instructor: str | None = None) -> None:
        self.path = state_dir / SESSIONS_FILE
        self.max_sessions = max_sessions
        #: The instructor's login name: its sessions are not written to ``sessions.json``.
        self.instructor = instructor
        #: The port the server listens on, for the record (set once it listens).
        self.port = 0
        self._sessions: set[LiveSession] = set()

    def __iter__(self) -> Iterator[LiveSession]:
        return iter(list(self._sessions))

    def __len__(self) -> int:
        return len(self._sessions)

    def has_room(self) -> bool:
        """True if one more session fits under --max-sessions."""
        return len(self._sessions) < self.max_sessions

    def add(self, session: LiveSession) -> None:
        """Count a session as live."""
        self._sessions.add(session)
        self.changed()

    def remove(self, session: LiveSession) -> None:
        """Forget a session that has ended."""
        if session in self._sessions:
            self._sessions.discard(session)
            self.changed()

    def name_in_use(self, name: str) -> bool:
        """True if a live session already runs under ``name``."""
        return any(s.name == name for s in self._sessions)

    def changed(self) -> None:
        """Write who is connected to ``sessions.json`` (atomically; a failure never breaks a session)."""
        online: dict[str, int] = {}
        pids: dict[str, list[int]] = {}
        for session in self._sessions:
            if session.name and session.name != self.instructor:
                online[session.name] = online.get(session.name, 0) + 1
                if session.pid is not None:
                    pids.setdefault(session.name, []).append(session.pid)
        record = {
            "pid": os.getpid(),
            "port": self.port,
            "online": online,
            "pids": pids,
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        try:
            write_atomically(self.path, json.dumps(record))
        except OSError:
            pass  # status is a convenience; never let it break a session
