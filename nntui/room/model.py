"""The room's state: who is where, their answers, help requests and runs (pure, stdlib only).

:class:`Room` applies what attendees and the instructor say (the messages of
:mod:`nntui.room.protocol`) with the time passed in, so a test controls the clock and the hub
can replay its record. Each change returns an :class:`Outcome`: whether the room view changed,
which polls and races changed, and what must be sent to which attendee. The messages the hub
pushes are built here: :meth:`Room.room_message`, :meth:`Room.poll_message`,
:meth:`Room.race_message`, and :meth:`Room.attendee_state` for an attendee who (re)connects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .attendee import IDLE_SECONDS, WRONG_STUCK, Attendee, thin
from .protocol import MAX_LINE, encode

__all__ = ["ATTENDEE_KINDS", "IDLE_SECONDS", "INSTRUCTOR_KINDS", "WRONG_STUCK", "Attendee", "Outcome", "Room"]

#: What an attendee says after hello.
ATTENDEE_KINDS = frozenset({"where", "answer", "exercise", "help", "help_cancel", "run"})
#: The instructor's message types that change the room.
INSTRUCTOR_KINDS = frozenset(
    {"follow", "follow_off", "poll_show", "poll_hide", "poll_again", "race_show", "race_hide", "help_mark"}
)

#: Whom a message goes to: an attendee's name, or None for every online attendee.
Recipient = str | None


@dataclass
class Outcome:
    """What one change did: views to push again, messages for attendees."""

    room: bool = False
    polls: set[str] = field(default_factory=set)
    races: set[tuple[int, int]] = field(default_factory=set)
    sends: list[tuple[Recipient, dict]] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        """Add ``other``'s changes to these."""
        self.room |= other.room
        self.polls |= other.polls
        self.races |= other.races
        self.sends += other.sends


@dataclass
class Poll:
    """One checkpoint's answers: the latest per attendee, and what the checkpoint is."""

    check: str
    lesson: int | None = None
    step: int | None = None
    question: str = ""
    expected: float | None = None
    tolerance: float | None = None
    answers: dict[str, dict] = field(default_factory=dict)


class Room:
    """The room: attendees, polls, races, the help queue and the instructor's follow/show state."""

    def __init__(self) -> None:
        self.attendees: dict[str, Attendee] = {}
        self.polls: dict[str, Poll] = {}
        #: Every finished run per (lesson, step), in the order they finished.
        self.runs: dict[tuple[int, int], list[dict]] = {}
        #: Help requests in the order asked (names; the request is on the attendee).
        self.help_order: list[str] = []
        self.follow: dict | None = None
        self.shown_poll: str | None = None
        self.shown_race: tuple[int, int] | None = None
        self._guests = 0

    # --- connections --------------------------------------------------------------------
    def join(self, name: str | None, via: str, now: float) -> tuple[str, Outcome]:
        """An attendee connected (``name`` None: a guest, given an id "guest-N"); returns the id."""
        if name is None:
            name = self._next_guest()
        elif name.startswith("guest-") and name[6:].isdigit():
            self._guests = max(self._guests, int(name[6:]))  # replayed guests keep their numbers
        attendee = self.attendees.get(name)
        if attendee is None:
            attendee = self.attendees[name] = Attendee(name, since=now)
        attendee.via = via if via in ("ssh", "web") else attendee.via
        attendee.connections += 1
        attendee.last_seen = now
        return name, Outcome(room=True, polls=set(self.polls))

    def _next_guest(self) -> str:
        while True:
            self._guests += 1
            name = f"guest-{self._guests}"
            if name not in self.attendees:
                return name

    def leave(self, name: str, now: float) -> Outcome:
        """One of the attendee's connections ended."""
        attendee = self.attendees.get(name)
        if attendee is None:
            return Outcome()
        attendee.connections = max(0, attendee.connections - 1)
        return Outcome(room=True, polls=set(self.polls))

    def all_offline(self) -> None:
        """Nobody is connected (a hub that has just replayed its record)."""
        for attendee in self.attendees.values():
            attendee.connections = 0

    # --- what attendees say ---------------------------------------------------------------
    def apply(self, name: str, message: dict, now: float) -> Outcome:
        """Apply an attendee's message (``where``, ``answer``, ``exercise``, ``help``, ...)."""
        attendee = self.attendees.get(name)
        if attendee is None:  # a message replayed before its "joined" (should not happen)
            attendee = self.attendees[name] = Attendee(name, since=now)
        attendee.last_seen = now
        kind = message.get("t")
        if kind not in ATTENDEE_KINDS:
            return Outcome(room=True)  # still seen: "idle" ends
        return getattr(self, f"_on_{kind}")(attendee, message, now)

    def _on_where(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        lesson, step = message["lesson"], message["step"]
        if (lesson, step) != (attendee.lesson, attendee.step):
            attendee.since = now
            attendee.wrong_here = 0
            attendee.wrong_counts.clear()
            attendee.title = attendee.steps = None
        attendee.lesson, attendee.step = lesson, step
        attendee.label = message.get("label") or f"{lesson}.{step}"
        attendee.title = message.get("title", attendee.title)
        attendee.steps = message.get("steps", attendee.steps)
        outcome = Outcome(room=True)
        if attendee.help is not None and attendee.help["label"] != attendee.label:
            before = self._places()
            attendee.help["label"] = attendee.label  # the queue groups by where they are now
            outcome.sends += self._help_places(before=before)
        return outcome

    def _on_answer(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        check = message["check"]
        poll = self.polls.get(check) or self.polls.setdefault(check, Poll(check))
        for key in ("lesson", "step", "question", "expected", "tolerance"):
            if message.get(key) is not None:
                setattr(poll, key, message[key])
        right = message["right"]
        poll.answers[attendee.name] = {
            "given": message.get("given", ""),
            "number": message.get("number"),
            "right": right,
            "time": now,
        }
        if right:
            attendee.passed.add(check)
            attendee.wrong_counts.pop(check, None)
        else:
            attendee.wrong_here += 1
            attendee.wrong_counts[check] += 1
            attendee.last_wrong = {
                "check": check,
                "given": message.get("given", ""),
                "question": message.get("question", poll.question),
            }
        return Outcome(room=True, polls={check})

    def _on_exercise(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        if message.get("ok", True):
            if attendee.failing is not None and attendee.failing["exercise"] == message.get("exercise", ""):
                attendee.failing = None
        else:
            attendee.failing = {key: message.get(key, "") for key in ("exercise", "case", "detail")}
        return Outcome(room=True)

    def _on_help(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        text = message.get("text", "")
        if attendee.help is None:
            attendee.help = {"text": text, "at": now, "state": "queued", "label": attendee.label}
            self.help_order.append(attendee.name)
        else:
            attendee.help["text"] = text  # asked again: a new line, the same place
        outcome = Outcome(room=True)
        outcome.sends += self._help_places(always=attendee.name)
        return outcome

    def _on_help_cancel(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        return self._end_help(attendee)

    def _on_run(self, attendee: Attendee, message: dict, now: float) -> Outcome:
        lesson = message.get("lesson", attendee.lesson or 0)
        step = message.get("step", attendee.step or 0)
        curve = [value for value in message.get("curve", []) if isinstance(value, (int, float))]
        run = {key: message.get(key) for key in ("rate", "seed", "final_loss", "outcome")}
        run["curve"] = curve
        self.runs.setdefault((lesson, step), []).append(run)
        attendee.curve, attendee.rate = curve, message["rate"]
        return Outcome(room=True, races={(lesson, step)})

    # --- the help queue -------------------------------------------------------------------
    def help_queue(self) -> list[dict]:
        """Open help requests grouped by step (groups in order of first request), each in order asked."""
        requests = [self.attendees[name] for name in self.help_order]
        first: dict[str | None, int] = {}
        for index, attendee in enumerate(requests):
            first.setdefault(attendee.help["label"], index)
        ordered = sorted(enumerate(requests), key=lambda pair: (first[pair[1].help["label"]], pair[0]))
        return [
            {
                "name": attendee.name,
                "label": attendee.help["label"],
                "text": attendee.help["text"],
                "at": attendee.help["at"],
                "state": attendee.help["state"],
                "group": attendee.help["label"],
            }
            for _, attendee in ordered
        ]

    def _places(self) -> dict[str, int]:
        return {request["name"]: place for place, request in enumerate(self.help_queue(), start=1)}

    def _help_places(self, always: str | None = None, before: dict[str, int] | None = None) -> list:
        """``help_state`` for every queued attendee whose place changed (and for ``always``)."""
        sends = []
        for name, place in self._places().items():
            if name == always or before is None or before.get(name) != place:
                state = self.attendees[name].help["state"]
                sends.append((name, {"t": "help_state", "state": state, "place": place}))
        return sends

    def _end_help(self, attendee: Attendee) -> Outcome:
        if attendee.help is None:
            return Outcome(room=True)
        before = self._places()
        attendee.help = None
        self.help_order.remove(attendee.name)
        outcome = Outcome(room=True)
        outcome.sends.append((attendee.name, {"t": "help_state", "state": "done", "place": None}))
        outcome.sends += self._help_places(before=before)
        return outcome

    # --- what the instructor says ---------------------------------------------------------
    def instruct(self, message: dict, now: float) -> Outcome:
        """Apply an instructor's message (follow, show/hide a poll or race, ask again, help_mark)."""
        kind = message.get("t")
        if kind == "follow":
            self.follow = {
                "lesson": message["lesson"],
                "step": message["step"],
                "label": message.get("label") or f"{message['lesson']}.{message['step']}",
                "since": now,
            }
            return Outcome(room=True, sends=[(None, self._follow_message())])
        if kind == "follow_off":
            self.follow = None
            return Outcome(room=True, sends=[(None, {"t": "follow_off"})])
        if kind == "poll_show":
            self.shown_poll = message["check"]
            self.polls.setdefault(self.shown_poll, Poll(self.shown_poll))
            return Outcome(polls={self.shown_poll}, sends=[(None, self.poll_message(self.shown_poll))])
        if kind == "poll_hide":
            self.shown_poll = None if self.shown_poll == message["check"] else self.shown_poll
            return Outcome(
                polls={message["check"]}, sends=[(None, {"t": "poll_hide", "check": message["check"]})]
            )
        if kind == "poll_again":
            poll = self.polls.get(message["check"])
            if poll is not None:
                poll.answers.clear()
            sends = [(None, {"t": "poll_again", "check": message["check"]})]
            return Outcome(room=True, polls={message["check"]}, sends=sends)
        if kind == "race_show":
            self.shown_race = (message["lesson"], message["step"])
            return Outcome(races={self.shown_race}, sends=[(None, self.race_message(*self.shown_race))])
        if kind == "race_hide":
            shown, self.shown_race = self.shown_race, None
            return Outcome(races=set() if shown is None else {shown}, sends=[(None, {"t": "race_hide"})])
        if kind == "help_mark":
            return self._mark_help(message["name"], message["state"])
        return Outcome()

    def _mark_help(self, name: str, state: str) -> Outcome:
        attendee = self.attendees.get(name)
        if attendee is None or attendee.help is None:
            return Outcome()
        if state == "done":
            return self._end_help(attendee)
        if state != "coming":
            return Outcome()
        attendee.help["state"] = "coming"
        place = self._places()[name]
        return Outcome(room=True, sends=[(name, {"t": "help_state", "state": "coming", "place": place})])

    def _follow_message(self) -> dict:
        assert self.follow is not None
        return {"t": "follow", **{key: self.follow[key] for key in ("lesson", "step", "label")}}

    # --- the views ------------------------------------------------------------------------
    def summary(self) -> str:
        """One line: "31 on 4.2, 12 behind, 3 asking for help" (most common step among online attendees)."""
        placed = [a for a in self.attendees.values() if a.online and a.lesson is not None]
        asking = len(self.help_order)
        help_part = f"{asking} asking for help"
        if not placed:
            online = sum(1 for a in self.attendees.values() if a.online)
            return f"{online} online, none on a step yet, {help_part}"
        counts = Counter((a.lesson, a.step) for a in placed)
        # The most common step; a tie goes to the furthest one (where the room is heading).
        (lesson, step), count = max(counts.items(), key=lambda item: (item[1], item[0]))
        label = next(a.label for a in placed if (a.lesson, a.step) == (lesson, step))
        behind = sum(1 for a in placed if (a.lesson, a.step) < (lesson, step))
        return f"{count} on {label}, {behind} behind, {help_part}"

    def room_message(self, now: float) -> dict:
        """The ``room`` message for the instructor (kept under the protocol's line limit)."""
        message = {
            "t": "room",
            "attendees": [attendee.to_dict(now) for attendee in self.attendees.values()],
            "help": self.help_queue(),
            "summary": self.summary(),
            "follow": None if self.follow is None else dict(self.follow),
            "time": now,
        }
        if _fits(message):
            return message
        for attendee in message["attendees"]:  # a very large room: curves are the first to go
            attendee["curve"] = None
        if not _fits(message):  # then long texts
            for attendee in message["attendees"]:
                attendee["title"] = (attendee["title"] or "")[:40]
                for key in ("last_wrong", "failing", "help"):
                    if attendee[key]:
                        attendee[key] = {
                            k: v[:60] if isinstance(v, str) else v for k, v in attendee[key].items()
                        }
        return message

    def poll_message(self, check: str) -> dict:
        """One checkpoint's answers, anonymised: numbers (sorted), right/wrong/waiting counts."""
        poll = self.polls.get(check) or Poll(check)
        answers = poll.answers.values()
        numbers = sorted(a["number"] for a in answers if a["number"] is not None)
        right = sum(1 for a in answers if a["right"])
        waiting = sum(1 for name, a in self.attendees.items() if a.online and name not in poll.answers)
        return {
            "t": "poll",
            "check": check,
            "lesson": poll.lesson,
            "step": poll.step,
            "question": poll.question,
            "numbers": numbers,
            "expected": poll.expected,
            "tolerance": poll.tolerance,
            "right": right,
            "wrong": len(poll.answers) - right,
            "waiting": waiting,
            "shown": self.shown_poll == check,
        }

    def race_message(self, lesson: int, step: int) -> dict:
        """Every finished run on a step (no names); curves thinned only if the line would be too long."""
        runs = self.runs.get((lesson, step), [])
        message = {
            "t": "race",
            "lesson": lesson,
            "step": step,
            "runs": runs,
            "shown": self.shown_race == (lesson, step),
        }
        points = max((len(run["curve"]) for run in runs), default=0)
        while not _fits(message) and points > 2:
            points = max(2, points // 2)
            message["runs"] = [run | {"curve": thin(run["curve"], points)} for run in runs]
        return message

    def attendee_state(self, name: str) -> list[dict]:
        """What an attendee who has just (re)connected must be told: follow, shown poll/race, help."""
        messages = []
        if self.follow is not None:
            messages.append(self._follow_message())
        if self.shown_poll is not None:
            messages.append(self.poll_message(self.shown_poll))
        if self.shown_race is not None:
            messages.append(self.race_message(*self.shown_race))
        attendee = self.attendees.get(name)
        if attendee is not None and attendee.help is not None:
            place = self._places()[name]
            messages.append({"t": "help_state", "state": attendee.help["state"], "place": place})
        return messages

    def idle_changes(self, now: float, before: float) -> bool:
        """True if someone became "idle 5 min" between ``before`` and ``now`` (the view changes)."""
        return any(
            a.online and a.lesson is not None and before - a.last_seen < IDLE_SECONDS <= now - a.last_seen
            for a in self.attendees.values()
        )


def _fits(message: dict) -> bool:
    try:
        return len(encode(message)) <= MAX_LINE
    except ValueError:
        return False
