"""Who is in the workshop and how far they got: `nntui serve status` and the dashboard.

Reads ``<state-dir>/users/*/progress.json`` (the progress file the lesson app writes, see
the team's progress format) and ``<state-dir>/sessions.json`` / ``web-sessions.json``
(written by the SSH and web servers: who is connected right now, web attendees included).
Broken or half-written files never stop the table: that attendee's row says so instead.
The room's summary line ("31 on 4.2, 12 behind, 3 asking for help") comes from the hub's
record (``room/record.sqlite3``, read-only) and who is online.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from nntui.paths import progress_path, resolve_serve_state_dir, user_state_dir, users_dir
from nntui.printable import printable
from nntui.progress import DamagedProgress, Progress, read_state_file

from .export import RecordError, open_help, positions, read_events, record_path
from .names import is_valid_name

#: Where `nntui serve` keeps its state unless told (kept under this name for its callers).
default_state_dir = resolve_serve_state_dir

__all__ = [
    "Attendee",
    "default_state_dir",
    "format_table",
    "online_names",
    "online_via",
    "read_attendees",
    "room_summary",
    "summary_line",
]

#: The servers' records of who is connected: file name -> how those attendees came in.
SESSION_RECORDS = {"sessions.json": "ssh", "web-sessions.json": "web"}


@dataclass(frozen=True)
class Attendee:
    """One row of the status table."""

    name: str
    lesson: str | None
    step: int | None  # 0-based, as stored
    steps_done: int
    checkpoints: int
    updated: datetime | None
    online: int = 0
    problem: str | None = None
    via: tuple[str, ...] = ()  # "ssh", "web": how they are connected now


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def online_names(state_dir: Path) -> dict[str, int]:
    """Names with a live session, from each server (SSH, web) running for this state dir."""
    online: dict[str, int] = {}
    for record_name in SESSION_RECORDS:
        for name, count in _online_in(state_dir / record_name).items():
            online[name] = online.get(name, 0) + count
    return online


def online_via(state_dir: Path) -> dict[str, tuple[str, ...]]:
    """How each online name is connected: ("ssh",), ("web",) or both."""
    via: dict[str, tuple[str, ...]] = {}
    for record_name, way in SESSION_RECORDS.items():
        for name in _online_in(state_dir / record_name):
            via[name] = (*via.get(name, ()), way)
    return via


def _online_in(path: Path) -> dict[str, int]:
    """The names one server recorded as connected, if that server is still alive."""
    try:
        # Read like a progress file: a FIFO or /dev/zero planted here never hangs the status.
        record = json.loads(read_state_file(path))
        pid = int(record["pid"])
        os.kill(pid, 0)  # is that server still alive?
    except (OSError, ValueError, KeyError, TypeError, RecursionError, DamagedProgress):
        return {}
    online = record.get("online")
    if not isinstance(online, dict):
        return {}
    return {str(k): int(v) for k, v in online.items() if isinstance(v, int)}


def read_attendees(state_dir: Path) -> list[Attendee]:
    """Every attendee folder under ``state_dir/users``, sorted by name."""
    users = users_dir(state_dir)
    online = online_names(state_dir)
    rows: list[Attendee] = []
    names = set(online)
    if users.is_dir():
        names.update(p.name for p in users.iterdir() if p.is_dir() and is_valid_name(p.name))
    via = online_via(state_dir)
    for name in sorted(names):
        row = _attendee(name, progress_path(user_state_dir(state_dir, name)), online.get(name, 0))
        rows.append(replace(row, via=via.get(name, ())))
    return rows


def summary_line(where: dict[str, tuple[int, int, str]], online: set[str], asking: int) -> str:
    """ "31 on 4.2, 12 behind, 3 asking for help": the most common step among online attendees
    (a tie goes to the later step), how many online are on an earlier one, help requests open."""
    here = [where[name] for name in online if name in where]
    parts = []
    if here:
        counts: dict[tuple[int, int], int] = {}
        for lesson, step, _ in here:
            counts[(lesson, step)] = counts.get((lesson, step), 0) + 1
        front = max(counts, key=lambda key: (counts[key], key))
        label = next(label for lesson, step, label in here if (lesson, step) == front)
        behind = sum(count for key, count in counts.items() if key < front)
        parts += [f"{counts[front]} on {printable(label)}", f"{behind} behind"]
    else:
        parts.append(f"{len(online)} online, none on a step yet")
    return ", ".join(parts + [f"{asking} asking for help"])


def room_summary(state_dir: Path, online: set[str] | None = None) -> str | None:
    """The room's summary line from the hub's record; None if there is no record (no room yet)."""
    path = record_path(state_dir)
    if not path.is_file():
        return None
    try:
        events = read_events(path)
    except RecordError as error:
        return str(error)  # the table still shows; the line says why there is no summary
    if online is None:
        online = set(online_names(state_dir))
    return summary_line(positions(events), online, len(open_help(events)))


def _attendee(name: str, path: Path, online: int) -> Attendee:
    """One attendee's row, read without changing anything; a damaged file is that row's problem."""
    if not path.exists():
        return Attendee(name, None, None, 0, 0, None, online)
    try:
        progress = Progress.read(path)
        modified = path.stat().st_mtime
    except (DamagedProgress, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return Attendee(name, None, None, 0, 0, None, online, problem=f"unreadable: {reason}")
    return Attendee(
        name=name,
        lesson=progress.lesson or None,
        step=progress.step if progress.lesson else None,
        steps_done=sum(len(steps) for steps in progress.completed.values()),
        checkpoints=sum(len(ids) for ids in progress.checkpoints.values()),
        updated=_parse_time(progress.updated) or datetime.fromtimestamp(modified, timezone.utc),
        online=online,
    )


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'12 s ago', '5 min ago', '3 h ago', or a date for older times."""
    if moment is None:
        return "-"
    now = now or datetime.now(timezone.utc)
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def row_cells(a: Attendee, now: datetime | None = None) -> list[str]:
    """The text cells of one attendee's row (shared by the table and the dashboard).

    Names and lessons come from attendees' files: escape sequences in them are removed.
    """
    cells = [
        a.name,
        "yes" if a.online else "",
        a.lesson or ("(unreadable)" if a.problem else "-"),
        str(a.step + 1) if a.step is not None else "-",
        str(a.steps_done),
        str(a.checkpoints),
        ago(a.updated, now),
    ]
    return [printable(cell) for cell in cells]


HEADERS = ["NAME", "ONLINE", "LESSON", "STEP", "STEPS DONE", "CHECKPOINTS", "LAST ACTIVITY"]


def format_table(attendees: list[Attendee], now: datetime | None = None) -> str:
    """A plain-text table, one attendee per line, columns padded to fit."""
    rows = [HEADERS] + [row_cells(a, now) for a in attendees]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def as_json(attendees: list[Attendee]) -> list[dict]:
    """The attendees as JSON-ready dicts (for `nntui serve status --json`)."""
    return [
        {
            "name": a.name,
            "online": a.online,
            "via": list(a.via),
            "lesson": a.lesson,
            "step": a.step,
            "steps_done": a.steps_done,
            "checkpoints": a.checkpoints,
            "updated": a.updated.isoformat(timespec="seconds") if a.updated else None,
            "problem": a.problem,
        }
        for a in attendees
    ]
