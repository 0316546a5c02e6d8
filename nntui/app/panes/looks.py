"""How the live panes look: each pane's .tcss, narrow layouts, a status line."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

__all__ = ["pane_css", "NARROW", "set_narrow", "update_static", "StatusLine"]


_HERE = Path(__file__).parent


def pane_css(name: str) -> str:
    """The text of ``panes/<name>.tcss``: each pane keeps its styles in a .tcss file beside it.

    Textual reads ``CSS_PATH`` only for apps and screens, so a widget loads its file into
    ``DEFAULT_CSS`` (scoped to the widget) instead.
    """
    return (_HERE / f"{name}.tcss").read_text(encoding="utf-8")


#: Below this many columns a pane stacks side-by-side parts (class ``-narrow``).
NARROW = 56


def set_narrow(widget, width: int) -> None:
    """Toggle the ``-narrow`` class so the pane's .tcss can stack its parts on narrow screens."""
    widget.set_class(width < NARROW, "-narrow")


def update_static(widget: Static, content: str) -> None:
    """Show ``content`` in ``widget``, laying the screen out again only if its height changes.

    ``Static.update`` asks for a layout pass by default, which arranges the whole screen (the
    lesson text too) and costs more than the update itself; a new loss or epoch count mostly
    keeps the same number of lines, and then repainting the widget is enough.
    """
    if widget.content == content:
        return
    height = widget.content_size.height
    widget.update(content, layout=False)
    width = widget.content_size.width
    if not width or widget.get_content_height(widget.size, widget.app.size, width) != height:
        widget.refresh(layout=True)


class StatusLine(Static):
    """One line under a pane's controls for refusals, caps and run states, in plain words."""

    def __init__(self, message: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self._said = message

    def say(self, message: str) -> None:
        """Show ``message`` (empty clears the line); saying it again costs nothing."""
        if message != self._said:
            self._said = message
            update_static(self, message)
