"""A labelled input that only ever yields finite numbers."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from nntui.numbers import EXACT, format_number

from ..messages import NumberFieldChanged

__all__ = ["NumberField", "parse_number"]


def parse_number(text: str) -> float | None:
    """The finite number written in ``text``, or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class NumberField(Widget):
    """A label and a one-line input that accepts only finite numbers.

    Focusing the field selects its text, so typing replaces the value (as in any form).
    Typing something else shows a one-line error under the field and keeps the last good
    value (it comes back when the field loses focus). Up and Down nudge the value by
    ``step`` (Shift+Up / Shift+Down by ten steps). Every new good value is posted as
    ``NumberField.Changed``.
    """

    # Two or three widgets, not five: a step change to the network pane builds eleven fields, and
    # every widget costs a session mounting, styling and layout (about 15% of such a step's CPU
    # went on the rows and error lines of the first design). The label and the input share a
    # grid row; the error line is mounted under them only while there is something to say.
    DEFAULT_CSS = """
    NumberField {
        layout: grid; grid-size: 2; grid-columns: auto 1fr; grid-rows: 1 auto;
        height: auto; width: 1fr;
    }
    NumberField.-no-label { grid-size: 1; grid-columns: 1fr; }
    NumberField .nf-label { width: auto; min-width: 3; padding-right: 1; }
    NumberField Input { width: 1fr; min-width: 6; }
    NumberField .nf-error { color: $text-error; height: auto; column-span: 2; }
    """

    BINDINGS = [
        Binding("up", "nudge(1)", "Up: +step", show=False),
        Binding("down", "nudge(-1)", "Down: -step", show=False),
        Binding("shift+up", "nudge(10)", "+10 steps", show=False),
        Binding("shift+down", "nudge(-10)", "-10 steps", show=False),
    ]

    Changed = NumberFieldChanged

    def __init__(
        self,
        value: float,
        *,
        label: str = "",
        step: float = 0.1,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        if not label:  # given at construction: a class set later restyles the field (and its inputs)
            classes = f"{classes or ''} -no-label".strip()
        super().__init__(name=name, id=id, classes=classes)
        self._value = float(value)
        self.label = label
        self.step = step

    @property
    def value(self) -> float:
        """The last good value."""
        return self._value

    def compose(self) -> ComposeResult:
        if self.label:
            yield Label(self.label, classes="nf-label")
        # Focusing selects the text, so typing replaces the value as in any form (not "4" + "20").
        yield Input(format_number(self._value, EXACT), compact=True, select_on_focus=True)

    @property
    def input(self) -> Input:
        """The text input inside."""
        return self.query_one(Input)

    def set_value(self, value: float, *, notify: bool = True) -> None:
        """Show ``value`` (finite) and, if ``notify``, post Changed."""
        if not math.isfinite(value):
            return
        self._value = float(value)
        self._show_error("")
        self.input.value = format_number(self._value, EXACT)  # posts Input.Changed, handled below
        if notify:
            self.post_message(self.Changed(self, self._value))

    def say(self, message: str) -> None:
        """Show a one-line ``message`` under the field (a pane's own rule refused the value)."""
        self._show_error(message)

    def action_nudge(self, steps: int) -> None:
        """Move the value by ``steps`` steps, rounded so 0.1 + 0.2 shows as 0.3."""
        self.set_value(round(self._value + steps * self.step, 10))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()  # the outside world hears NumberField.Changed only
        value = parse_number(event.value)
        if value is None:
            shown = format_number(self._value, EXACT)
            self._show_error(
                f"not a number; still {shown}" if event.value.strip() else f"empty; still {shown}"
            )
            return
        self._show_error("")
        if value != self._value:
            self._value = value
            self.post_message(self.Changed(self, value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._restore()

    def on_descendant_blur(self) -> None:
        """Put the last good value back when the learner leaves a bad entry."""
        self._restore()

    def _restore(self) -> None:
        if parse_number(self.input.value) is None:
            self.input.value = format_number(self._value, EXACT)
            self._show_error("")

    def _show_error(self, message: str) -> None:
        # The line exists only while there is something to say (most fields never need one), so
        # a field put right again is the same two widgets as a new one.
        errors = self.query_children(".nf-error")
        if not message:
            if errors:
                errors.remove()
        elif errors:
            error = errors.first(Static)
            if error.content != message:  # an update lays out the whole screen: skip it when nothing changes
                error.update(message)
        else:
            self.mount(Static(message, classes="nf-error"))
        self.set_class(bool(message), "-invalid")
