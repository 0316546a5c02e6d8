"""Shown instead of a broken layout when the terminal is below the minimum size."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

__all__ = ["TooSmallScreen", "too_small_message"]


def too_small_message(min_width: int, min_height: int, width: int, height: int) -> str:
    """The notice's text."""
    return (
        f"Please make the terminal at least {min_width}x{min_height}.\nIt is {width}x{height} now. (q quits)"
    )


class TooSmallScreen(Screen[None]):
    """A centred notice; the app removes it once the terminal is big enough again."""

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.min_size = (min_width, min_height)

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(self._text(), id="too-small-text")

    def _text(self) -> str:
        return too_small_message(*self.min_size, self.app.size.width, self.app.size.height)

    def on_resize(self) -> None:
        """Keep the current size in the message."""
        self.query_one("#too-small-text", Static).update(self._text())
