"""A checkpoint: a question about the step's pane, answered with a number.

The right answer is computed by ``nntui.course.answers`` from the setup the question states,
never read off the pane: the learner may have changed the pane, or not set it up yet.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from nntui.course import Checkpoint
from nntui.course.answers import answer, describe_setup
from nntui.course.mistakes import aimed_hint, mistake_value
from nntui.numbers import EXACT, format_number

from ..messages import CheckpointWidgetAnswered, CheckpointWidgetPassed, CheckpointWidgetShown
from .number_field import parse_number

__all__ = ["AnswerInput", "CheckpointWidget", "judge"]

#: Wrong answers after which the answer is shown.
REVEAL_AFTER = 2


def judge(answer: float, expected: float, tolerance: float) -> bool:
    """Whether ``answer`` is within ``tolerance`` (absolute) of ``expected``."""
    return abs(answer - expected) <= tolerance


class AnswerInput(Input):
    """The answer box. It takes what is typed, except the checkpoint's own keys (``r`` sets the
    pane up, ``s`` shows the answer), which no number is written with; the footer lists them."""

    #: Letters left to the checkpoint's bindings.
    CHECKPOINT_KEYS = frozenset("rs")

    BINDINGS = [Binding("enter", "submit", "Answer", key_display="Enter")]

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every printable key is typed, except the checkpoint's own."""
        return character is not None and character.isprintable() and character not in self.CHECKPOINT_KEYS


class CheckpointWidget(Vertical):
    """Asks ``check.question`` and grades the answer against the question's own setup.

    A wrong answer shows the hint aimed at it (a usual mistake's, the sign's, or the general
    one, see ``nntui.course.mistakes``); after two wrong answers, or ``s`` after one, the right one
    is shown (``Shown``). A right answer posts ``Passed`` (the lesson screen records it in
    progress). Either way the lesson screen then reveals the text and the pane's value the
    checkpoint kept hidden. The feedback names the setup, and says so when the pane shows
    other numbers than the question's (``r`` puts the pane in the question's setup).
    """

    DEFAULT_CSS = """
    CheckpointWidget { height: auto; border: round $accent; padding: 0 1; margin: 1 0 0 0; }
    CheckpointWidget.-passed { border: round $success; }
    CheckpointWidget Input { margin: 0; }
    CheckpointWidget .check-feedback { height: auto; }
    CheckpointWidget .check-feedback.-wrong { color: $text-warning; }
    CheckpointWidget .check-feedback.-right { color: $success; }
    """

    # Priority: they run before the answer box, which leaves these letters alone (AnswerInput).
    BINDINGS = [
        Binding("r", "set_up", "Set up pane", priority=True, tooltip="put the pane in the question's setup"),
        Binding("s", "show_answer", "Show me", priority=True, tooltip="show the right answer"),
    ]

    Passed = CheckpointWidgetPassed
    Shown = CheckpointWidgetShown
    Answered = CheckpointWidgetAnswered

    def __init__(
        self,
        check: Checkpoint,
        live_value: Callable[[], float | None] = lambda: None,
        set_up: Callable[[], Any] | None = None,
        passed: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.seed = seed
        self._live_value = live_value
        self._set_up = set_up
        self.passed = passed
        self.shown = False
        self.wrong_tries = 0
        self._expected: float | None = None
        self._mistake_values: dict[int, float] = {}

    @property
    def expected(self) -> float:
        """The right answer for the question's setup (computed once, by the core)."""
        if self._expected is None:
            self._expected = answer(self.check, self.seed)
        return self._expected

    def _mistake_value(self, mistake) -> float:
        """A usual mistake's value for this question (computed by the core once)."""
        key = id(mistake)
        if key not in self._mistake_values:
            self._mistake_values[key] = mistake_value(self.check, mistake, self.seed)
        return self._mistake_values[key]

    def hint_for(self, value: float) -> str:
        """The hint aimed at the wrong answer ``value``: a usual mistake's, the sign's, or the general one."""
        return aimed_hint(self.check, value, self.expected, self.seed, value_of=self._mistake_value)

    @property
    def setup_text(self) -> str:
        """The question's setup in words (``w = [1, 1], b = 4, x = [2, 3]``)."""
        return describe_setup(self.check, self.seed)

    @property
    def is_open(self) -> bool:
        """Still waiting for the learner's prediction (not passed, answer not shown)."""
        return not (self.passed or self.shown)

    def compose(self) -> ComposeResult:
        self.border_title = "Check" + (" ✓" if self.passed else "")
        yield Static(self.check.question, classes="check-question", markup=False)
        yield AnswerInput(placeholder="type a number, then Enter", compact=True, classes="check-answer")
        yield Static("Passed before." if self.passed else "", classes="check-feedback", markup=False)
        self.set_class(self.passed, "-passed")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show me only after a wrong try (and while the answer is not shown yet)."""
        if action == "show_answer":
            return self.wrong_tries > 0 and self.is_open
        if action == "set_up":
            return self._set_up is not None
        return True

    @on(Input.Submitted)
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer(event.value)

    def _said(self) -> str:
        """The right answer, with its setup: ``for w = [1, 1], ...: total = 9``."""
        return f"for {self.setup_text}: {self.check.value} = {format_number(self.expected, EXACT)}"

    def _pane_note(self) -> str:
        """A sentence when the pane shows other numbers than the question's setup, else ""."""
        live = self._live_value()
        if live is None or judge(live, self.expected, self.check.tolerance):
            return ""
        if not self.is_open:
            shown = format_number(live, EXACT)
        else:
            shown = "other numbers"  # its value would give the answer away
        return f" The pane shows {shown}: it is not at the question's setup (press r to set it up)."

    def answer(self, text: str) -> str:
        """Judge ``text`` as the learner's answer; returns the feedback shown."""
        value = parse_number(text.replace("−", "-"))
        if value is None:
            return self._say("Please type a number, like 0.5 or -3.", "-wrong", "Check: a number, please")
        right = judge(value, self.expected, self.check.tolerance)
        self.post_message(self.Answered(self, text, value, right))
        if right:
            was_open = self.is_open
            if not self.passed:
                self.passed = True
                self.add_class("-passed")
                self.post_message(self.Passed(self.check.id))
            message = f"Right, {self._said()}." + self._pane_note()
            self._say(message, "-right", "Check ✓ right")
            if was_open:
                self.refresh_bindings()
            return message
        self.wrong_tries += 1
        if self.wrong_tries >= REVEAL_AFTER or not self.is_open:
            return self._show(f"Not quite. The answer {self._said()}.")
        aimed = self.hint_for(value)
        hint = f" Hint: {aimed}" if aimed else " Try again."
        message = (
            f"Not quite (for {self.setup_text}).{hint} Or press s to see the answer." + self._pane_note()
        )
        self.refresh_bindings()
        return self._say(message, "-wrong", "Check: not quite")

    def action_show_answer(self) -> None:
        """Show the right answer (after a wrong try)."""
        if self.wrong_tries and self.is_open:
            self._show(f"The answer {self._said()}.")

    def _show(self, message: str) -> str:
        if self.is_open:
            self.shown = True
            self.post_message(self.Shown(self.check.id))
            self.refresh_bindings()
        return self._say(message + self._pane_note(), "-wrong", "Check: answer shown")

    async def action_set_up(self) -> None:
        """Put the pane in the question's setup."""
        if self._set_up is not None:
            result = self._set_up()
            if hasattr(result, "__await__"):
                await result
            self.notify(f"The pane is set up as the question says: {self.setup_text}.", title="Checkpoint")

    def _say(self, message: str, kind: str, title: str) -> str:
        """Show ``message`` under the question and a summary in the border, and bring both into view."""
        feedback = self.query_one(".check-feedback", Static)
        feedback.update(message)
        feedback.set_classes(f"check-feedback {kind}")
        self.border_title = title
        # Below the fold at 80x24 the learner would see nothing happen: scroll it into view.
        self.call_after_refresh(self.scroll_visible, animate=False)
        return message
