"""The lesson screen's part of the workshop room: `!`, "follow me", shown polls, what it tells the hub.

Only in a session with a room (``app.room``, see ``nntui.app.room.attendee``): without one the
screen has none of these keys, lines or messages. The keys are screen keys, not priority ones:
in a field (a number field, the answer box) `!`, `y`, `n` and `b` are typed, as any letter is.

Follow me: the instructor's move takes the attendee along when they have not moved on their own
since the last move (or since "follow" was turned on); otherwise they are asked (y/n). After a
move, `b` goes back to where they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ..widgets.step_text import StepText

if TYPE_CHECKING:
    from ..room.attendee import AttendeeRoom
    from ..tutor import Position

__all__ = ["LessonRoom", "ROOM_BINDINGS", "STUCK_HINT"]

#: Said after the step number in the header, in a room.
STUCK_HINT = "stuck? press !"

#: The room's keys on the lesson screen (added only when there is a room). Each comes first
#: among its key's bindings: `n` answers "go there?" while it is asked, and is "next" otherwise.
ROOM_BINDINGS = [
    # Not in the footer (a training pane's keys fill its 80 columns): the header says it.
    Binding(
        "exclamation_mark",
        "room_help",
        "Stuck",
        key_display="!",
        show=False,
        tooltip="I'm stuck: ask your instructor for help (in a field ! is typed: Esc first)",
    ),
    Binding(
        "b",
        "room_back",
        "Back to mine",
        show=False,
        tooltip="after your instructor moved the room: back to where you were",
    ),
    Binding("y", "room_follow(True)", "Go there", tooltip="go to the step your instructor is at"),
    Binding("n", "room_follow(False)", "Stay", tooltip="stay where you are"),
]


class LessonRoom:
    """The room on ``LessonScreen`` (a mixin of that screen, before ``StepCheckpoints``).

    The screen yields :meth:`compose_room` in its compose, calls :meth:`room_step_shown` when a
    step is up and asks :meth:`room_check_action` about the ``room_*`` actions.
    """

    _answered: set[str]

    # -- set-up -------------------------------------------------------------------------------

    @property
    def room(self) -> AttendeeRoom | None:
        """The session's room, None without one (local `nntui`)."""
        return getattr(self.app, "room", None)

    def compose_room(self):
        """The room's lines (follow banner, help notice) and keys, when there is a room."""
        room = self.room
        if room is None:
            return
        bindings = self._bindings.key_to_bindings
        for binding in ROOM_BINDINGS:
            # A new list: the class's merged bindings share theirs with every instance.
            bindings[binding.key] = [binding, *bindings.get(binding.key, [])]
        #: Following the instructor ("follow" on), the attendee moved on their own since the
        #: last move, where `b` goes back to, the step "go there?" asks about, the last position.
        self._room_following = False
        self._room_own_moves = False
        self._room_back: Position | None = None
        self._room_asked: tuple[Position, str] | None = None
        self._room_moving = False
        self._room_position: Position | None = None
        self._room_runs: set[tuple] = set()
        room.listeners.append(self.room_message)
        room.start()  # the lesson screen is up for the whole session: the room starts with it
        yield Vertical(
            Static("", id="room-banner", markup=False),
            Static("", id="room-notice", markup=False),
            id="room-lines",
        )

    async def on_unmount(self) -> None:
        """The app is closing: leave the room."""
        room = self.room
        if room is not None:
            await room.stop()

    def room_check_action(self, action: str) -> bool | None:
        """`!` in a room; `b` after a move (listed in the help, greyed, otherwise); y/n while asked."""
        if self.room is None:
            return False
        if action == "room_back":
            return True if self._room_back is not None else None
        if action == "room_follow":
            return self._room_asked is not None
        return True

    # -- the banner and the notice ------------------------------------------------------------

    def _room_say(self, widget_id: str, text: str) -> None:
        for line in self.query(f"#{widget_id}"):
            line.update(Text(text))
            line.display = bool(text)

    def _room_banner(self, text: str) -> None:
        self._room_say("room-banner", text)
        self.refresh_bindings()

    def _room_show_help(self) -> None:
        from ..room.attendee import help_line

        room = self.room
        self._room_say("room-notice", help_line(room.help_state, room.help_place))

    # -- what the hub says --------------------------------------------------------------------

    async def room_message(self, message: dict) -> None:
        """Show what the hub said (the room's state in ``self.room`` is already up to date)."""
        if not self.is_attached:
            return
        kind = message["t"]
        if kind == "help_state":
            self._room_show_help()
        elif kind == "follow":
            await self._room_follow(message)
        elif kind == "follow_off":
            self._room_following = False
            self._room_back = self._room_asked = None
            self._room_banner("")
        elif kind in ("poll", "poll_hide"):
            await self._room_show_poll(message["check"])
        elif kind == "poll_again":
            await self._room_show_poll(message["check"])
            await self._room_ask_again(message["check"])

    # -- where the attendee is ----------------------------------------------------------------

    def room_step_shown(self) -> None:
        """A step is up: tell the hub (own: not a follow move); moving on your own ends a move's banner."""
        room = self.room
        if room is None:
            return
        position = self.tutor.position
        own = not self._room_moving
        if own and self._room_position is not None and position != self._room_position:
            self._room_own_moves = True
            if self._room_back is not None:  # "b goes back" no longer applies
                self._room_back = None
                self._room_banner("")
            if self._room_asked is not None and self._room_asked[0] == position:
                self._room_asked = None  # went there themselves
                self._room_banner("")
        self._room_position = position
        self.app.sub_title = f"{self.app.sub_title} · {STUCK_HINT}"
        room.send_where(self.tutor, own)

    def _room_target(self, message: dict) -> Position | None:
        """The position of lesson number ``lesson``, step ``step`` (1-based), if the course has it."""
        from ..tutor import Position

        course = self.tutor.course
        index = next((i for i, les in enumerate(course.lessons) if les.number == message["lesson"]), None)
        if index is None:
            return None
        steps = len(course.lessons[index].steps)
        return Position(index, min(max(message["step"] - 1, 0), steps - 1))

    async def _room_follow(self, message: dict) -> None:
        label = message.get("label") or f"{message['lesson']}.{message['step']}"
        target = self._room_target(message)
        if not self._room_following:
            self._room_following = True
            self._room_own_moves = False  # follow just turned on
        self._room_asked = None
        if target is None:
            self._room_banner(f"Your instructor is at {label} (a lesson you do not have).")
        elif target == self.tutor.position:
            self._room_own_moves = False
            if self._room_back is None:  # else the move's banner (b goes back) stays
                self._room_banner(f"Your instructor is here too ({label}).")
        elif self._room_own_moves:
            self._room_asked = (target, label)
            self._room_banner(f"Your instructor is at {label} - go there? y/n")
        else:
            await self._room_move(target, label)

    async def _room_move(self, target: Position, label: str) -> None:
        """Take the attendee to ``target`` (a follow move: not their own), `b` to come back."""
        if self._room_back is None:  # several moves in a row: back to where they were working
            self._room_back = self.tutor.position
        self._room_asked = None
        self._room_moving = True
        try:
            self.tutor.go(target.lesson, target.step)
            await self.show_step()
        finally:
            self._room_moving = False
        self.app.after_save()
        self._room_own_moves = False
        self._room_banner(f"Your instructor moved the room to {label}; b goes back to where you were")

    async def action_room_follow(self, go: bool) -> None:
        """Answer "go there?": y goes to the instructor's step, n stays."""
        asked, self._room_asked = self._room_asked, None
        if asked is None:
            return
        if go:
            await self._room_move(*asked)
        else:
            self._room_banner("")

    async def action_room_back(self) -> None:
        """Back to the step the attendee was on before the instructor moved the room."""
        back = self._room_back
        if back is None:
            return
        self._room_back = None
        self._room_banner("")
        self.tutor.go(back.lesson, back.step)
        await self.show_step()  # their own move: the next follow asks
        self.app.after_save()

    # -- help ---------------------------------------------------------------------------------

    def action_room_help(self) -> None:
        """`!`: ask for help with an optional line; asked already: offer to cancel."""
        from ..room.attendee import help_line
        from ..room.attendee_views import CancelStuckScreen, StuckScreen

        room = self.room
        if room is None:
            return
        if room.help_state is not None:

            def cancelled(yes: bool | None) -> None:
                if yes and room.help_state is not None:
                    room.cancel_help()
                    self.app.notify("Help request cancelled.", title="Help", timeout=4)

            self.app.push_screen(CancelStuckScreen(help_line(room.help_state, room.help_place)), cancelled)
            return

        def asked(text: str | None) -> None:
            if text is not None:
                room.ask_help(text)
                if not room.connected:
                    self.app.notify(
                        "The room is not reachable right now: your request goes out when it is back.",
                        title="Help",
                        severity="warning",
                        timeout=6,
                    )

        self.app.push_screen(StuckScreen(), asked)

    # -- answers, runs ------------------------------------------------------------------------

    def on_checkpoint_widget_answered(self, event) -> None:
        """Every graded answer goes to the room (right or wrong), with the computed right value."""
        room = self.room
        if room is not None:
            widget = event.widget
            if event.right:
                room.asked_again.discard(widget.check.id)
            room.send_answer(
                self.tutor, widget.check, event.given, event.number, event.right, widget.expected
            )

    def on_pane_live_values_changed(self, event) -> None:
        """A training pane's run finished: the room's race gets it (once per rate, seed and epochs)."""
        room = self.room
        run = getattr(event.pane, "run", None)
        if room is None or getattr(event.pane, "PANE_TYPE", "") != "training" or run is None:
            return
        if not run.finished or not len(run.losses):
            return
        position = self.tutor.position
        key = (position, run.learning_rate, run.seed, run.epochs)
        if key not in self._room_runs:  # each visit re-runs the step's own settings: sent once
            self._room_runs.add(key)
            room.send_run(self.tutor, run)

    # -- polls --------------------------------------------------------------------------------

    def _room_poll_here(self, check_id: str) -> dict | None:
        """The shown poll of ``check_id`` if that checkpoint is on the step shown."""
        room = self.room
        poll = room.polls.get(check_id) if room is not None else None
        if poll is None:
            return None
        lesson, step = self.tutor.lesson, self.tutor.position.step + 1
        if poll.get("lesson") not in (None, lesson.number) or poll.get("step") not in (None, step):
            return None
        return poll if any(check.id == check_id for check in self.tutor.step.checks) else None

    def _room_checkpoint(self, check_id: str):
        from ..widgets.checkpoint import CheckpointWidget

        return next((w for w in self.query(CheckpointWidget) if w.check.id == check_id), None)

    def _answered_before(self, step) -> set[str]:
        """Passed in an earlier visit, unless the instructor has asked again since."""
        answered = super()._answered_before(step)
        room = self.room
        return answered - room.asked_again if room is not None else answered

    async def _mount_checkpoints(self, step) -> None:
        """The step's checkpoints, each with the room's answers under it if they are shown."""
        await super()._mount_checkpoints(step)
        if self.room is not None:
            for check in step.checks:
                await self._room_show_poll(check.id)

    async def _room_show_poll(self, check_id: str) -> None:
        """Show, update or take away the room's answers under checkpoint ``check_id``."""
        from ..room.attendee_views import PollView

        shown = next((v for v in self.query(PollView) if v.check_id == check_id), None)
        poll = self._room_poll_here(check_id)
        widget = self._room_checkpoint(check_id)
        if poll is None or widget is None:
            if shown is not None:
                await shown.remove()
        elif shown is not None:
            shown.show(poll)
        else:
            view = PollView(poll)
            await self.query_one("#checks", Vertical).mount(view, after=widget)
            self.call_after_refresh(view.scroll_visible, animate=False)

    async def _room_ask_again(self, check_id: str) -> None:
        """The instructor asks again: the checkpoint is open once more (its answer hidden again)."""
        from ..widgets.checkpoint import CheckpointWidget

        widget = self._room_checkpoint(check_id)
        if widget is None or (widget.is_open and not widget.wrong_tries):
            return  # not on this step (it opens when shown), or not answered yet
        check = widget.check
        fresh = CheckpointWidget(
            check,
            live_value=self._live_value_of(check),
            set_up=self._set_up_for(check),
            passed=False,
            seed=self.app.shared.seed,
        )
        await self.query_one("#checks", Vertical).mount(fresh, after=widget)
        await widget.remove()
        self._answered.discard(check_id)
        step = self.tutor.step
        self.query_one("#step-text", StepText).show(step.visible_markdown(self._answered))
        self._mask_open_checks()
        self.app.notify("Your instructor asks again: answer this checkpoint once more.", title="Checkpoint")
