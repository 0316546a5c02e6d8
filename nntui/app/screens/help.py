"""The help screen: every key that works right now, including the focused pane's."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HelpScreen", "GENERAL_KEYS"]

#: Keys handled by widgets rather than bindings, always worth listing.
GENERAL_KEYS = [
    ("v", "narrow screens (under 80 columns): switch between text and pane (in a field: Esc first)"),
    ("tab / shift+tab", "move focus into the pane's controls and back"),
    ("up / down", "in a number field: nudge the number (shift: ten times more)"),
    ("enter", "in a checkpoint: check your answer"),
    ("r", "in a checkpoint's answer box: set the pane to the question's setup"),
    ("s", "in a checkpoint's answer box, after a wrong answer: show me the right one"),
    ("escape", "leave a number field (its keys stop typing) / close this screen"),
]


class HelpScreen(ModalScreen[None]):
    """A list of keys: ``rows`` are (key, description, where) from the screen below."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("question_mark", "dismiss(None)", "Close", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        from rich.table import Table

        table = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
        table.add_column("Key", no_wrap=True)
        table.add_column("Does")
        table.add_column("Where", style="dim")
        for key, description, where in self.rows:
            table.add_row(key, description, where)
        for key, description in GENERAL_KEYS:
            table.add_row(key, description, "anywhere")
        with VerticalScroll(id="help-box"):
            yield Static("Keys  [dim](Esc or ? closes)[/]", id="help-title")
            yield Static(table, id="help-table")
