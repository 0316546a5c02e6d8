"""The attendee's side of the workshop room: what the session tells the hub, and keeps of its word.

Only a session with a room (``AppConfig.room_socket``, set by `nntui serve`) has an
:class:`AttendeeRoom`; local `nntui` has none and shows nothing of the room. The room talks to
the hub through a :class:`~nntui.app.room.link.RoomLink`, which never blocks: a hub that is slow,
restarting or gone costs the attendee nothing but the room's features for a while.

The lesson screen (``nntui.app.screens.lesson_room``) shows what the room keeps here (the help
request's state, "follow me", shown polls) and listens for changes; the shown race is a modal
screen over whatever is on top.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nntui.room.protocol import CURVE_POINTS

from .link import RoomLink

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["AttendeeRoom", "downsample", "help_line", "run_outcome"]


def _finite_or_none(value: float) -> float | None:
    # JSON has no NaN or infinity (a diverged run's loss): the room gets None for "no number".
    value = float(value)
    return value if math.isfinite(value) else None


def downsample(values: Sequence[float], points: int = CURVE_POINTS) -> list[float | None]:
    """At most ``points`` of ``values``, evenly spread, the first and the last always kept."""
    count = len(values)
    if count <= points:
        picked = range(count)
    elif points <= 1:
        picked = [count - 1]
    else:
        picked = sorted({round(i * (count - 1) / (points - 1)) for i in range(points)})
    return [_finite_or_none(values[i]) for i in picked]


def run_outcome(losses: Sequence[float], diverged_at: int | None) -> str:
    """How a training run went, as the training pane says it: "diverged" (the core's
    ``DivergenceTracker`` said so), "stuck" (a loss that does not visibly move: the plot's own
    flat rule) or "falls"."""
    from nntui.app.panes.axes import is_flat

    if diverged_at is not None:
        return "diverged"
    return "stuck" if is_flat(losses) else "falls"


def help_line(state: str | None, place: int | None) -> str:
    """The one-line notice for the attendee's help request ("" when there is none)."""
    if state == "queued":
        where = f"number {place} in the help queue" if place else "in the help queue"
        return f"Help: you are {where} (! again to cancel)"
    if state == "coming":
        return "Help: your instructor is on the way"
    return ""


class AttendeeRoom:
    """The session's part in the room: its link to the hub and what the hub said last.

    ``listeners`` are called (in the app's event loop) with every message from the hub, after
    the room's state here is updated; they may be coroutine functions.
    """

    def __init__(self, app: App, socket_path, name: str | None, via: str | None) -> None:
        self.app = app
        hello = {"t": "hello", "role": "attendee", "name": name, "via": via or "ssh"}
        # The link posts what it receives to its "app"; here that is this room (post_message).
        self.link = RoomLink(self, socket_path, hello)
        self.link.on_connect.append(self._resend_where)
        self.listeners: list[Callable[[dict], Any]] = []
        #: The last ``where`` sent (sent again on every reconnection).
        self.last_where: dict | None = None
        #: The help request: "queued" or "coming" (None: none open), and the place in the queue.
        self.help_state: str | None = None
        self.help_place: int | None = None
        #: The instructor's "follow me" target ({"lesson", "step", "label"}), None when off.
        self.follow: dict | None = None
        #: Polls the instructor shows the room, by checkpoint id.
        self.polls: dict[str, dict] = {}
        #: The race the instructor shows the room (None: not shown).
        self.race: dict | None = None
        #: Checkpoints the instructor asked again: open until answered right again (their
        #: progress still says passed; the room wants a fresh answer).
        self.asked_again: set[str] = set()
        #: The attendee closed the shown race (Esc): its updates do not open it again.
        self.race_closed = False

    def start(self) -> None:
        """Join the room: connect in the background (from the app's event loop)."""
        self.link.start()

    async def stop(self) -> None:
        """Leave the room (close the link)."""
        await self.link.stop()

    @property
    def connected(self) -> bool:
        """Whether the hub is there right now."""
        return self.link.connected

    # -- to the hub ---------------------------------------------------------------------------

    def send_where(self, tutor, own: bool) -> None:
        """Tell the room the step the attendee is on (``own``: they went there themselves)."""
        lesson, position = tutor.lesson, tutor.position
        self.last_where = {
            "t": "where",
            "lesson": lesson.number,
            "step": position.step + 1,
            "label": f"{lesson.number}.{position.step + 1}",
            "title": tutor.step.title,
            "steps": len(lesson.steps),
            "own": own,
        }
        if self.link.connected:  # else the reconnection sends it (``_resend_where``)
            self.link.send(self.last_where)

    def _resend_where(self) -> None:
        if self.last_where is not None:
            self.link.send(self.last_where)

    def send_answer(self, tutor, check, given: str, number: float, right: bool, expected: float) -> None:
        """A checkpoint answer, right or wrong, with the right value the app computed."""
        self.link.send(
            {
                "t": "answer",
                "check": check.id,
                "lesson": tutor.lesson.number,
                "step": tutor.position.step + 1,
                "question": check.question,
                "given": given,
                "number": _finite_or_none(number),
                "right": right,
                "expected": _finite_or_none(expected),
                "tolerance": float(check.tolerance),
            }
        )

    def send_exercise(self, result) -> None:
        """An exercise check's result (a ``CheckResult``): its first failing case, if any."""
        detail = result.summary
        if result.expected or result.got:
            detail = f"expected {result.expected}, got {result.got}"
        self.link.send(
            {
                "t": "exercise",
                "exercise": result.exercise,
                "ok": result.passed,
                "case": result.case or result.input,
                "detail": " ".join(detail.split()),
            }
        )

    def send_run(self, tutor, run) -> None:
        """A finished run of the training pane (a ``training_run.Run``)."""
        losses = run.losses
        self.link.send(
            {
                "t": "run",
                "lesson": tutor.lesson.number,
                "step": tutor.position.step + 1,
                "rate": float(run.learning_rate),
                "seed": int(run.seed),
                "epochs": int(run.epochs),
                "final_loss": _finite_or_none(losses[-1]) if len(losses) else None,
                "outcome": run_outcome(losses, run.diverged_at),
                "curve": downsample(losses),
            }
        )

    def ask_help(self, text: str) -> None:
        """Ask for help ("I'm stuck") with an optional line of text."""
        self.link.send({"t": "help", "text": " ".join(text.split())})
        if self.help_state is None:  # until the hub says where in the queue
            self.help_state, self.help_place = "queued", None
            self._changed({"t": "help_state", "state": "queued", "place": None})

    def cancel_help(self) -> None:
        """Take the help request back."""
        self.link.send({"t": "help_cancel"})
        self.help_state, self.help_place = None, None
        self._changed({"t": "help_state", "state": "done", "place": None})

    # -- from the hub -------------------------------------------------------------------------

    def post_message(self, message) -> bool:
        """The link's delivery (a ``RoomLinkReceived``): handled in the app's message loop."""
        self.app.call_later(self.received, message.message)
        return True

    async def received(self, message: dict) -> None:
        """Take in one message from the hub and tell the listeners."""
        kind = message["t"]
        if kind == "help_state":
            state, before = message["state"], self.help_state
            self.help_state = state if state in ("queued", "coming") else None
            self.help_place = message.get("place") if state == "queued" else None
            if state == "coming" and before != "coming":
                self.app.notify("Your instructor is on the way.", title="Help", timeout=8)
            elif state == "done" and before is not None:  # not the echo of their own cancel
                self.app.notify("Your help request is done.", title="Help", timeout=5)
        elif kind == "follow":
            self.follow = message
        elif kind == "follow_off":
            self.follow = None
        elif kind == "poll":
            if message.get("shown"):
                # The room shows one poll at a time: a newly shown one replaces the last.
                for check in [c for c in self.polls if c != message["check"]]:
                    del self.polls[check]
                    await self._tell({"t": "poll_hide", "check": check})
                self.polls[message["check"]] = message
            else:
                self.polls.pop(message["check"], None)
        elif kind in ("poll_hide", "poll_again"):
            self.polls.pop(message["check"], None)
            if kind == "poll_again":
                self.asked_again.add(message["check"])
        elif kind == "race":
            shown = message if message.get("shown") else None
            if (
                shown is None
                or self.race is None
                or (shown["lesson"], shown["step"])
                != (
                    self.race["lesson"],
                    self.race["step"],
                )
            ):
                self.race_closed = False  # a race shown anew opens again
            self.race = shown
            self._show_race()
        elif kind == "race_hide":
            self.race, self.race_closed = None, False
            self._show_race()
        await self._tell(message)

    def _changed(self, message: dict) -> None:
        """Tell the listeners of a change made here (not said by the hub)."""
        self.app.call_later(self._tell, message)

    async def _tell(self, message: dict) -> None:
        for listener in list(self.listeners):
            result = listener(message)
            if inspect.isawaitable(result):
                await result

    def _show_race(self) -> None:
        """Open, update or close the race screen as the hub says."""
        from .attendee_views import RaceScreen

        showing = next((s for s in self.app.screen_stack if isinstance(s, RaceScreen)), None)
        if self.race is None:
            if showing is not None and showing is self.app.screen:
                showing.dismiss(None)  # one under another screen closes when uncovered
        elif showing is not None:
            showing.show(self.race)
        elif not self.race_closed:
            self.app.push_screen(RaceScreen(self.race), self._race_closed)

    def _race_closed(self, _result) -> None:
        if self.race is not None:  # closed by the attendee, not hidden by the instructor
            self.race_closed = True
