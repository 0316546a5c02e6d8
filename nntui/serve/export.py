"""After the workshop: what the room did, from the hub's record (`nntui serve export`).

The hub writes every event of a room to ``<state-dir>/room/record.sqlite3`` (table ``events``:
time, attendee name, kind, lesson, step and the message as JSON; see the room's contract).
This module reads it **read-only** (an SQLite ``mode=ro`` URI: in WAL mode a reader never
blocks the hub's writes, so an export during a workshop costs the room nothing) and works out:

- per attendee per step: time spent, checkpoint answers (every attempt, right or wrong, as
  typed), help requests (text, when, how fast someone came), training runs and exercise checks;
- per checkpoint: the spread of the room's answers.

**Time on a step.** An attendee is on the step of their latest ``where``. The time between two
consecutive events their session caused (a step, an answer, a help request...; not the
instructor's marks) counts to that step, but a gap counts at most :data:`IDLE_CAP` (5 minutes,
when the room view calls someone idle): a coffee break is not time on a step. ``left`` stops
the clock until they are back. After their last event the clock runs to the record's last
event (capped the same way) unless they left. Times are the hub's clock.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .record import Event, record_path

__all__ = [
    "ATTENDEE_KINDS",
    "IDLE_CAP",
    "Event",
    "RecordError",
    "Summary",
    "as_json",
    "check_spread",
    "open_help",
    "positions",
    "read_events",
    "record_path",
    "summarise",
]

#: The longest gap between two events of one attendee that counts as time on a step (s).
IDLE_CAP = 300.0
#: The kinds of event an attendee's own session causes (they keep the attendee's clock going).
ATTENDEE_KINDS = frozenset({"joined", "left", "where", "answer", "exercise", "help", "help_cancel", "run"})


class RecordError(Exception):
    """The record is missing or cannot be read; the message is one line for the user."""


def read_events(path: Path) -> list[Event]:
    """Every event of the record in the order the hub wrote them (rows with bad JSON skipped).

    Opens the file read-only; raises :class:`RecordError` when it is missing or damaged.
    """
    path = Path(path)
    if not path.is_file():
        raise RecordError(
            f"no room record at {path} (it is written while a server runs with this --state-dir)"
        )
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=5.0)
        try:
            rows = connection.execute(
                "SELECT id, time, name, kind, lesson, step, data FROM events ORDER BY id"
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise RecordError(f"the room record {path} cannot be read: {error}") from None
    events = []
    for row_id, time, name, kind, lesson, step, text in rows:
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                continue
            events.append(Event(row_id, float(time), name, str(kind), _int(lesson), _int(step), data))
        except (TypeError, ValueError, RecursionError):
            continue  # one damaged row costs that event, not the export
    return events


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _where(event: Event) -> tuple[int, int] | None:
    """The step an event names (its message first, then the row's columns)."""
    lesson, step = event.data.get("lesson"), event.data.get("step")
    if _int(lesson) is None or _int(step) is None:
        lesson, step = event.lesson, event.step
    return (lesson, step) if lesson is not None and step is not None else None


def positions(events: list[Event]) -> dict[str, tuple[int, int, str]]:
    """Each attendee's latest step: (lesson, step, label)."""
    found: dict[str, tuple[int, int, str]] = {}
    for event in events:
        where = _where(event) if event.kind == "where" and event.name else None
        if where:
            found[event.name] = (*where, _label(event.data, where))
    return found


def open_help(events: list[Event]) -> list[str]:
    """Attendees whose help request is still open (not cancelled or marked done), in order asked."""
    asking: dict[str, None] = {}
    for event in events:
        if event.kind == "help" and event.name:
            asking.setdefault(event.name, None)
        elif event.kind == "help_cancel" and event.name or _help_done(event):
            asking.pop(event.name, None)
    return list(asking)


def _help_done(event: Event) -> bool:
    return event.kind == "help_mark" and bool(event.name) and event.data.get("state") == "done"


def _label(data: dict, where: tuple[int, int]) -> str:
    label = data.get("label")
    return label if isinstance(label, str) and label else f"{where[0]}.{where[1]}"


# --- what each attendee did on each step ------------------------------------------------------


@dataclass
class StepRecord:
    """One attendee on one step."""

    lesson: int
    step: int
    label: str
    title: str = ""
    seconds: float = 0.0
    answers: dict[str, list[dict]] = field(default_factory=dict)  # check id -> attempts
    help: list[dict] = field(default_factory=list)
    runs: list[dict] = field(default_factory=list)
    exercise_checks: list[dict] = field(default_factory=list)


@dataclass
class _Attendee:
    name: str
    via: str | None = None
    steps: dict[tuple[int, int], StepRecord] = field(default_factory=dict)
    here: tuple[int, int] | None = None
    present: bool = False
    last: float | None = None

    def step(self, where: tuple[int, int], label: str | None = None) -> StepRecord:
        record = self.steps.get(where)
        if record is None:
            record = self.steps[where] = StepRecord(*where, label or f"{where[0]}.{where[1]}")
        return record

    def clock_to(self, time: float) -> None:
        """Count the time since this attendee's last event to the step they are on."""
        if self.present and self.here is not None and self.last is not None:
            self.step(self.here).seconds += min(max(0.0, time - self.last), IDLE_CAP)


@dataclass
class Summary:
    """The whole export: per attendee per step, and per checkpoint."""

    attendees: dict[str, _Attendee]
    checks: dict[str, dict]
    first: float | None
    last: float | None


def summarise(events: list[Event]) -> Summary:
    """Work out the export from the record's events (see the module's rule for time)."""
    people: dict[str, _Attendee] = {}
    checks: dict[str, dict] = {}
    for event in events:
        if not event.name:
            continue  # room-wide instructor events (follow, poll_show...) are about no one
        person = people.setdefault(event.name, _Attendee(event.name))
        if event.kind in ATTENDEE_KINDS:  # the instructor's help_mark is not the attendee's doing
            person.clock_to(event.time)
            person.last = event.time
        _apply(person, event, checks)
    end = events[-1].time if events else None
    for person in people.values():
        if end is not None:
            person.clock_to(end)
    return Summary(people, checks, events[0].time if events else None, end)


def _apply(person: _Attendee, event: Event, checks: dict[str, dict]) -> None:
    data, kind = event.data, event.kind
    if kind == "joined":
        person.present = True
        via = data.get("via")
        person.via = via if isinstance(via, str) else person.via
    elif kind == "left":
        person.present = False
    elif kind == "where" and (where := _where(event)):
        person.present, person.here = True, where
        record = person.step(where, _label(data, where))
        record.label = _label(data, where)
        title = data.get("title")
        record.title = title if isinstance(title, str) else record.title
    elif kind == "answer" and isinstance(data.get("check"), str):
        where = _where(event) or person.here
        if where is not None:
            attempt = {
                "given": str(data.get("given", "")),
                "right": data.get("right") is True,
                "at": event.time,
            }
            attempt["number"] = data.get("number")
            person.step(where).answers.setdefault(data["check"], []).append(attempt)
            _note_check(checks, data, where, person.steps[where].label)
    elif kind == "help" and (where := _where(event) or person.here):
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        if (asked := _open_request(person)) is not None:
            asked["text"] = text or asked["text"]  # asked again while waiting: the same request
        else:
            asked = {"text": text, "at": event.time, "coming_after": None, "closed_after": None}
            person.step(where).help.append(asked | {"outcome": "open"})
    elif kind in ("help_cancel", "help_mark"):
        _close_help(person, event)
    elif kind == "run" and (where := _where(event) or person.here):
        run = {key: data.get(key) for key in ("rate", "seed", "epochs", "final_loss", "outcome")}
        person.step(where).runs.append(run | {"at": event.time})
    elif kind == "exercise" and (where := _where(event) or person.here):
        check = {key: data.get(key) for key in ("exercise", "ok", "case")}
        person.step(where).exercise_checks.append(check | {"at": event.time})


def _open_request(person: _Attendee) -> dict | None:
    """The attendee's help request still open (the hub keeps at most one per attendee)."""
    requests = [
        asked for record in person.steps.values() for asked in record.help if asked["outcome"] == "open"
    ]
    return max(requests, key=lambda r: r["at"]) if requests else None


def _close_help(person: _Attendee, event: Event) -> None:
    """An open request of this attendee is cancelled, or someone is coming, or it is done."""
    asked = _open_request(person)
    if asked is None:
        return
    after = round(max(0.0, event.time - asked["at"]), 1)
    state = event.data.get("state") if event.kind == "help_mark" else "cancelled"
    if state == "coming" and asked["coming_after"] is None:
        asked["coming_after"] = after
    elif state in ("done", "cancelled"):
        asked["outcome"], asked["closed_after"] = state, after


def _note_check(checks: dict[str, dict], data: dict, where: tuple[int, int], label: str) -> None:
    check = checks.setdefault(data["check"], {"lesson": where[0], "step": where[1], "label": label})
    for key in ("question", "expected", "tolerance"):
        if data.get(key) is not None:
            check[key] = data[key]


# --- the export's two shapes ------------------------------------------------------------------


def _when(time: float | None) -> str | None:
    """A time as local ISO 8601 with its offset (a spreadsheet reads it)."""
    return None if time is None else datetime.fromtimestamp(time).astimezone().isoformat(timespec="seconds")


def _answer_key(attempt: dict) -> str:
    """The same number typed two ways (0.5, .50) counts as one answer."""
    number = attempt.get("number")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        return str(int(number)) if float(number).is_integer() else repr(float(number))
    return attempt["given"].strip()


def check_spread(summary: Summary) -> list[dict]:
    """Per checkpoint: how the room answered it (every attempt counts as one answer)."""
    out = []
    for check_id, check in sorted(
        summary.checks.items(), key=lambda kv: (kv[1]["lesson"], kv[1]["step"], kv[0])
    ):
        per_person = [
            attempts
            for person in summary.attendees.values()
            for record in person.steps.values()
            if (attempts := record.answers.get(check_id))
        ]
        attempts = [a for person in per_person for a in person]
        numbers = sorted(
            a["number"]
            for a in attempts
            if isinstance(a["number"], (int, float)) and not isinstance(a["number"], bool)
        )
        distinct = Counter(_answer_key(a) for a in attempts)
        out.append(
            {
                "check": check_id,
                **{key: check.get(key) for key in ("lesson", "step", "label", "question", "expected")},
                "attendees": len(per_person),
                "answers": len(attempts),
                "right_share": round(sum(a["right"] for a in attempts) / len(attempts), 3),
                "right_first_try": sum(person[0]["right"] for person in per_person),
                "right_in_the_end": sum(any(a["right"] for a in person) for person in per_person),
                "distinct": [{"answer": key, "count": n} for key, n in distinct.most_common()],
                "numbers": {"min": numbers[0], "median": statistics.median(numbers), "max": numbers[-1]}
                if numbers
                else None,
            }
        )
    return out


def as_json(summary: Summary, source: Path) -> dict:
    """The export as one JSON-ready dict."""
    attendees = []
    for person in sorted(summary.attendees.values(), key=lambda p: p.name):
        steps = []
        for where in sorted(person.steps):
            record = person.steps[where]
            answers = [
                {
                    "check": check_id,
                    "attempts": len(attempts),
                    "right": any(a["right"] for a in attempts),
                    "given": [
                        {"answer": a["given"], "right": a["right"], "at": _when(a["at"])} for a in attempts
                    ],
                }
                for check_id, attempts in record.answers.items()
            ]
            steps.append(
                {
                    "lesson": record.lesson,
                    "step": record.step,
                    "label": record.label,
                    "title": record.title,
                    "seconds": round(record.seconds),
                    "checkpoints": answers,
                    "help": [asked | {"at": _when(asked["at"])} for asked in record.help],
                    "runs": [run | {"at": _when(run["at"])} for run in record.runs],
                    "exercise_checks": [c | {"at": _when(c["at"])} for c in record.exercise_checks],
                }
            )
        attendees.append({"name": person.name, "via": person.via, "steps": steps})
    return {
        "record": str(source),
        "from": _when(summary.first),
        "to": _when(summary.last),
        "idle_cap_seconds": IDLE_CAP,
        "attendees": attendees,
        "checkpoints": check_spread(summary),
    }
