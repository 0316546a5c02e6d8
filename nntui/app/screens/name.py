"""Asks the learner's name once (workshop servers show it in `nntui serve status`)."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["NameScreen", "NAME_PATTERN", "name_problem"]

#: What a name may be: it becomes part of folder names and status lines on workshop servers.
NAME_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be used (one line), or None if it can."""
    if not name:
        return "Type a name, or press Esc to skip."
    if len(name) > 32:
        return f"At most 32 characters (this one has {len(name)})."
    if not NAME_PATTERN.fullmatch(name):
        return "Use only a-z, 0-9, - and _ (no capitals, no spaces)."
    return None


class NameScreen(ModalScreen[str | None]):
    """A one-line prompt; dismisses with a valid name, or None on Escape."""

    BINDINGS = [("escape", "dismiss(None)", "Skip")]

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static("What is your name? (Enter to confirm, Esc to skip)")
            yield Input(placeholder="lowercase letters, digits, - or _", max_length=40, id="name-input")
            yield Static("", id="name-error")

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#name-error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        problem = name_problem(name)
        if problem is None:
            self.dismiss(name)
        else:
            self.query_one("#name-error", Static).update(problem)
