"""Asks the learner's name (workshop servers show it in `nntui serve status`).

:class:`NameScreen` is the prompt itself: the app pushes it for ``--ask-name``. On a workshop
server's shared login, :class:`NamePromptApp` shows it before the lessons start, and each
valid name is offered to a ``claim`` callback (the server's answer: free, taken, reserved).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["NAME_PATTERN", "SKIPPED", "Claim", "NamePromptApp", "NameScreen", "name_problem"]

#: What a name may be: it becomes part of folder names and status lines on workshop servers.
NAME_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
#: What :class:`NamePromptApp` returns when the learner pressed Escape to go on without a name.
SKIPPED = ""

#: Asks for a valid name: None if it is granted, else the one-line reason it is not.
Claim = Callable[[str], "str | None"]


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
    """A one-line prompt; dismisses with a valid name, or None on Escape.

    With ``claim``, a valid name is dismissed with only once ``claim(name)`` grants it;
    otherwise the reason it gave is shown and the prompt stays.
    """

    BINDINGS = [("escape", "dismiss(None)", "Skip")]

    def __init__(self, claim: Claim | None = None) -> None:
        super().__init__()
        self.claim = claim

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
        if problem is None and self.claim is not None:
            refused = self.claim(name)
            problem = None if refused is None else f"{refused[:1].upper()}{refused[1:]}."
        if problem is None:
            self.dismiss(name)
        else:
            self.query_one("#name-error", Static).update(problem)


class NamePromptApp(App[str]):
    """A welcome line behind the name screen, for a shared login: ends with the granted name.

    It returns :data:`SKIPPED` if the learner pressed Escape (go on without keeping
    progress), or None if they quit.
    """

    CSS_PATH = str(Path(__file__).parent.parent / "nntui.tcss")
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, title: str, claim: Claim) -> None:
        super().__init__()
        self.title = title
        self.claim = claim

    def compose(self) -> ComposeResult:
        yield Static(
            f"Welcome to {self.title}! Everyone shares this login, so your name keeps your progress "
            "(type the same name next time to carry on; Ctrl+Q leaves).",
            id="welcome",
        )

    def on_mount(self) -> None:
        self.push_screen(NameScreen(self.claim), self._named)

    def _named(self, name: str | None) -> None:
        self.exit(SKIPPED if name is None else name)
