"""Small pieces the live panes share: their stylesheets, range rules for fields, a status line.

Nothing here computes anything about the network; the panes ask ``nntui.core`` for every
number they show.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from textual.widgets import Static

from nntui.app.widgets.number_field import NumberField, format_number
from nntui.core.sweep import LEARNING_RATE_LADDER

__all__ = [
    "FrameGate",
    "GilYielder",
    "pane_css",
    "Rule",
    "FieldRules",
    "VALUE_LIMIT",
    "value_rule",
    "StatusLine",
    "update_static",
    "short",
    "LR_LADDER",
    "ladder_step",
    "NARROW",
    "set_narrow",
]

_HERE = Path(__file__).parent

#: The training pane's learning-rate ladder, walked with + and - (the core's sweep rates).
LR_LADDER = tuple(LEARNING_RATE_LADDER)


#: Below this many columns a pane stacks side-by-side parts (class ``-narrow``).
NARROW = 56


def set_narrow(widget, width: int) -> None:
    """Toggle the ``-narrow`` class so the pane's .tcss can stack its parts on narrow screens."""
    widget.set_class(width < NARROW, "-narrow")


class GilYielder:
    """Lets the event loop breathe while a worker thread runs pure-Python training.

    A CPU-bound thread holds the interpreter lock for 5 ms slices, and the event loop waits for
    a slice every time it touches I/O, so a key press could take hundreds of milliseconds.
    Calling ``maybe_yield()`` once per epoch sleeps a millisecond after every few milliseconds
    of work, which keeps key presses quick at the cost of a little training speed.
    """

    def __init__(self, work: float = 0.001, rest: float = 0.0002) -> None:
        self.work = work
        self.rest = rest
        self._since = time.perf_counter()

    def maybe_yield(self) -> None:
        """Sleep briefly if this thread has worked for ``work`` seconds since the last rest."""
        now = time.perf_counter()
        if now - self._since >= self.work:
            time.sleep(self.rest)
            self._since = time.perf_counter()


class FrameGate:
    """Lets a worker thread step aside while the interface draws what it just reported.

    A frame drawn while the worker trains is slowed by it (they share the interpreter lock and,
    on a busy machine, the processor), and a key pressed meanwhile waits for that frame. So the
    worker ``close()``-s the gate, posts its report and ``wait()``-s; the pane opens the gate
    once the report is on screen (``open_after_refresh``), or at once when it ignores the
    report or cancels the run (``open``). Reports then never pile up, and the wait is bounded
    so a screen that is not refreshing cannot stall training.
    """

    def __init__(self, limit: float = 0.1) -> None:
        self.limit = limit
        self._open = threading.Event()

    def close(self) -> None:
        """Called by the worker before it posts a report."""
        self._open.clear()

    def wait(self) -> None:
        """Called by the worker after posting: returns when the gate opens, or after ``limit`` seconds."""
        self._open.wait(self.limit)

    def open(self) -> None:
        """Let the worker go on now."""
        self._open.set()

    def open_after_refresh(self, widget) -> None:
        """Let the worker go on once ``widget``'s screen has drawn what is pending."""
        widget.call_after_refresh(self._open.set)


def pane_css(name: str) -> str:
    """The text of ``panes/<name>.tcss``: each pane keeps its styles in a .tcss file beside it.

    Textual reads ``CSS_PATH`` only for apps and screens, so a widget loads its file into
    ``DEFAULT_CSS`` (scoped to the widget) instead.
    """
    return (_HERE / f"{name}.tcss").read_text(encoding="utf-8")


def short(value: float, digits: int = 4) -> str:
    """A number in a few significant digits for tables and labels (``nan`` said as ``n/a``)."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def ladder_step(value: float, direction: int, ladder=LR_LADDER) -> float:
    """The next rung of ``ladder`` above (direction +1) or below (-1) ``value``."""
    if direction > 0:
        higher = [rung for rung in ladder if rung > value * (1 + 1e-9)]
        return higher[0] if higher else ladder[-1]
    lower = [rung for rung in ladder if rung < value * (1 - 1e-9)]
    return lower[-1] if lower else ladder[0]


@dataclass(frozen=True)
class Rule:
    """What a field accepts beyond "a finite number": bounds, whole numbers, a cap."""

    what: str
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    integer: bool = False
    #: Values above ``cap`` are not refused but lowered to it, with a message.
    cap: float | None = None
    #: Said instead of the one-sided message when a bound refuses the value.
    advice: str = ""

    def check(self, value: float) -> tuple[float | None, str]:
        """The value to use (None: refused) and a one-line message (empty when all is well)."""
        if self.integer:
            if value != int(value):
                return None, f"{self.what} must be a whole number"
            value = int(value)
        too_low = self.low is not None and (value < self.low or (self.low_open and value == self.low))
        too_high = self.high is not None and value > self.high
        if self.advice and (too_low or too_high):
            return None, self.advice
        if too_low:
            word = "above" if self.low_open else "at least"
            return None, f"{self.what} must be {word} {format_number(self.low)}"
        if too_high:
            return None, f"{self.what} must be at most {format_number(self.high)}"
        if self.cap is not None and value > self.cap:
            capped = int(self.cap) if self.integer else self.cap
            return capped, f"{self.what} capped at {format_number(self.cap)}"
        return value, ""


#: Weights, biases and inputs typed by hand stay within this size: far beyond anything a lesson
#: uses, and small enough that products and sums of them stay finite (1e300 * 1e300 does not).
VALUE_LIMIT = 1e6


def value_rule(what: str, limit: float = VALUE_LIMIT) -> Rule:
    """The range rule for a weight, bias or input: between -limit and limit."""

    def sci(value: float) -> str:
        return f"{value:g}".replace("e+0", "e").replace("e+", "e")

    return Rule(what, low=-limit, high=limit, advice=f"keep {what} between {sci(-limit)} and {sci(limit)}")


class FieldRules:
    """The last accepted value of each checked field of one pane.

    ``NumberField`` already refuses what is not a finite number; a pane adds its own rules
    (a learning rate above 0, whole epochs, a cap). A refused value leaves the last good one
    in force and says why; when focus leaves the field it shows the good value again.
    """

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self.values: dict[str, float] = {}

    def add(self, field_id: str, rule: Rule, value: float) -> None:
        """Register a field's rule and its starting value."""
        self._rules[field_id] = rule
        self.values[field_id] = value

    def accept(self, field: NumberField, value: float) -> tuple[bool, str]:
        """Check a new value from ``field``; returns (changed, message)."""
        field_id = field.id or ""
        rule = self._rules.get(field_id)
        if rule is None:
            return True, ""
        checked, message = rule.check(value)
        if checked is None:
            return False, f"{message}; still {format_number(self.values[field_id])}"
        changed = checked != self.values[field_id]
        self.values[field_id] = checked
        return changed, message

    def restore(self, fields) -> None:
        """Show each field's accepted value again (after focus leaves a refused or capped entry)."""
        for field in fields:
            value = self.values.get(field.id or "")
            if value is not None and field.value != value:
                field.set_value(value, notify=False)


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
