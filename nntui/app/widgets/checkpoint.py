"""A checkpoint: a question about the step's pane, answered with a number."""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from nntui.course import Checkpoint

from .number_field import format_number, parse_number

__all__ = ["CheckpointWidget", "judge"]

#: Wrong answers after which the answer is shown.
REVEAL_AFTER = 2


def judge(answer: float, expected: float, tolerance: float) -> bool:
    """Whether ``answer`` is within ``tolerance`` (absolute) of ``expected``."""
    return abs(answer - expected) <= tolerance


class CheckpointWidget(Vertical):
    """Asks ``check.question``; the answer is compared with the pane's live value ``check.value``.

    A wrong answer shows the hint; after two wrong answers the right one is revealed. A right
    answer posts ``CheckpointWidget.Passed`` (the lesson screen records it in progress).
    """

    DEFAULT_CSS = """
    CheckpointWidget { height: auto; border: round $accent; padding: 0 1; margin: 1 0 0 0; }
    CheckpointWidget.-passed { border: round $success; }
    CheckpointWidget Input { margin: 0; }
    CheckpointWidget .check-feedback { height: auto; }
    CheckpointWidget .check-feedback.-wrong { color: $text-warning; }
    CheckpointWidget .check-feedback.-right { color: $success; }
    """

    class Passed(Message):
        """The learner answered the checkpoint correctly."""

        def __init__(self, check_id: str) -> None:
            super().__init__()
            self.check_id = check_id

    def __init__(
        self, check: Checkpoint, live_values: Callable[[], dict[str, float]], passed: bool = False, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self._live_values = live_values
        self.passed = passed
        self.wrong_tries = 0

    def compose(self) -> ComposeResult:
        self.border_title = "Check" + (" ✓" if self.passed else "")
        yield Static(self.check.question, classes="check-question", markup=False)
        yield Input(placeholder="type a number, then Enter", compact=True, classes="check-answer")
        yield Static("Passed before." if self.passed else "", classes="check-feedback", markup=False)
        self.set_class(self.passed, "-passed")

    @on(Input.Submitted)
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer(event.value)

    def answer(self, text: str) -> str:
        """Judge ``text`` as the learner's answer; returns the feedback shown."""
        feedback = self.query_one(".check-feedback", Static)
        value = parse_number(text)
        if value is None:
            message, kind = "Please type a number, like 0.5 or -3.", "-wrong"
        else:
            expected = self._live_values().get(self.check.value)
            if expected is None:
                message, kind = f"The pane has no value named {self.check.value!r}.", "-wrong"
            elif judge(value, expected, self.check.tolerance):
                message, kind = f"Right: {format_number(expected)}.", "-right"
                if not self.passed:
                    self.passed = True
                    self.add_class("-passed")
                    self.border_title = "Check ✓"
                    self.post_message(self.Passed(self.check.id))
            else:
                self.wrong_tries += 1
                kind = "-wrong"
                if self.wrong_tries >= REVEAL_AFTER:
                    message = f"Not quite. The answer is {format_number(expected)}."
                else:
                    message = "Not quite." + (
                        f" Hint: {self.check.hint}" if self.check.hint else " Try again."
                    )
        feedback.update(message)
        feedback.set_classes(f"check-feedback {kind}")
        return message
