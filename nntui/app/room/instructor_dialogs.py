"""The instructor's small dialogs: a yes/no confirmation and a step picker (for "follow me")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from .instructor_course import StepRef, short

__all__ = ["Confirm", "StepPicker"]


class Confirm(ModalScreen[bool]):
    """A question answered with y (yes) or n / Escape (no)."""

    BINDINGS = [("y", "answer(True)", "Yes"), ("n", "answer(False)", "No"), ("escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, markup=False)
            yield Label("y: yes    n or Escape: no")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class StepPicker(ModalScreen["StepRef | None"]):
    """Every step of the course; Enter picks one, Escape picks none."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, steps: list[StepRef], title: str, current: StepRef | None = None) -> None:
        super().__init__()
        self.steps = steps
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, markup=False)
            yield OptionList(*(Option(f"{ref.label} {short(ref.title, 60)}") for ref in self.steps))

    def on_mount(self) -> None:
        """Start on the current step, if there is one."""
        if self.current in self.steps:
            self.query_one(OptionList).highlighted = self.steps.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: that step."""
        self.dismiss(self.steps[event.option_index])

    def action_cancel(self) -> None:
        """Escape: no step."""
        self.dismiss(None)
