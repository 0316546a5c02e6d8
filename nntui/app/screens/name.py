"""Asks the learner's name once (workshop servers show it in `nntui serve status`)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["NameScreen"]


class NameScreen(ModalScreen[str | None]):
    """A one-line prompt; dismisses with the name, or None on Escape."""

    BINDINGS = [("escape", "dismiss(None)", "Skip")]

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static("What is your name? (Enter to confirm, Esc to skip)")
            yield Input(placeholder="your name", max_length=40, id="name-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        self.dismiss(name or None)
