"""What the live panes share, so each pane module says only what is its own.

- looks: ``pane_css`` (a pane's .tcss), ``set_narrow``, ``short`` numbers, ``StatusLine``,
  ``update_static``;
- number fields: ``Rule`` and ``FieldRules`` (what a field accepts, the values in force), the
  usual rules (``LR_RULE``, ``SEED_RULE``, ``epochs_rule``, ``value_rule``), a training run's
  three fields (``add_run_settings``, ``run_fields``) and the ``RuledFields`` mixin that
  handles their changes;
- choices: the learning-rate ladder (``ladder_step``), ``choice_select`` and ``next_choice``
  for the keys that cycle a Select;
- training in a worker: ``GilYielder``, ``FrameGate``, ``RunReport`` and ``LossReporter``.

Nothing here computes anything about the network; the panes ask ``nntui.core`` for every
number they show.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from textual.message import Message
from textual.widgets import Select, Static

from nntui.app.widgets.number_field import NumberField, format_number
from nntui.core.sweep import LEARNING_RATE_LADDER

__all__ = [
    "pane_css",
    "NARROW",
    "set_narrow",
    "short",
    "hide_numbers",
    "StatusLine",
    "update_static",
    "Rule",
    "FieldRules",
    "LR_RULE",
    "SEED_RULE",
    "epochs_rule",
    "VALUE_LIMIT",
    "value_rule",
    "add_run_settings",
    "run_fields",
    "RuledFields",
    "LR_LADDER",
    "ladder_step",
    "choice_select",
    "next_choice",
    "GilYielder",
    "FrameGate",
    "read_only",
    "RunReport",
    "LossReporter",
]


# -- looks -------------------------------------------------------------------------------------


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


def short(value: float, digits: int = 4) -> str:
    """A number in a few significant digits for tables and labels (``nan`` said as ``n/a``)."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


#: A number as panes print it: not part of a name (w1, d_L_d_w1), a minus sign only if attached.
_NUMBER_TOKEN = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w])")


def hide_numbers(text: str, values) -> str:
    """``text`` with every printed form of ``values`` (4 to 10 significant digits) shown as ``?``.

    A masked live value must not be readable anywhere in a pane, also where another line prints
    the same number (the ledger writes h1 into f'(sum_h1) = h1 * (1 - h1), and with equal weights
    h2 equals h1).
    """
    forms = set()
    for value in values:
        if math.isfinite(value):
            forms.update(f"{value:.{digits}g}" for digits in range(4, 11))
            forms.add(repr(float(value)))
    if not forms:
        return text
    return _NUMBER_TOKEN.sub(lambda match: "?" if match[0] in forms else match[0], text)


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


# -- number fields -----------------------------------------------------------------------------


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


#: The rules every pane's learning-rate and seed fields follow.
LR_RULE = Rule("the learning rate", low=0, low_open=True, high=100)
SEED_RULE = Rule("the seed", low=0, integer=True, high=2**32 - 1)


def epochs_rule(cap: int, what: str = "epochs") -> Rule:
    """Whole epochs (or iterations), at least 1; more than ``cap`` is lowered to it, with a message."""
    return Rule(what, low=1, integer=True, cap=cap)


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

    def add_checked(self, field_id: str, rule: Rule, value: float) -> str:
        """Register a field whose lesson value may be above the rule's cap (it is lowered to it).

        Returns the message to show about the starting value ("" when it is in range).
        """
        checked, message = rule.check(value)
        self.add(field_id, rule, value if checked is None else checked)
        return message

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


def add_run_settings(rules: FieldRules, prefix: str, settings: dict[str, Any], max_epochs: int) -> str:
    """Register a training run's fields ``<prefix>-lr``, ``-epochs`` and ``-seed`` from a lesson.

    Returns the message about the lesson's epochs when they are above ``max_epochs`` ("" if not).
    """
    rules.add(f"{prefix}-lr", LR_RULE, float(settings["lr"]))
    message = rules.add_checked(f"{prefix}-epochs", epochs_rule(max_epochs), int(settings["epochs"]))
    rules.add(f"{prefix}-seed", SEED_RULE, int(settings["seed"]))
    return message


def run_fields(rules: FieldRules, prefix: str) -> list[NumberField]:
    """The learning-rate, epochs and seed fields of a training run, showing the values in force."""
    values = rules.values
    return [
        NumberField(values[f"{prefix}-lr"], label="lr", step=0.1, id=f"{prefix}-lr"),
        NumberField(values[f"{prefix}-epochs"], label="epochs", step=100, id=f"{prefix}-epochs"),
        NumberField(values[f"{prefix}-seed"], label="seed", step=1, id=f"{prefix}-seed"),
    ]


class RuledFields:
    """Mixin for a pane whose number fields are checked by ``self._rules`` (a ``FieldRules``).

    A new value is checked; what there is to say about it (a refusal, a cap) goes to the
    pane's status line, or under the field itself when ``MESSAGES_AT_FIELDS`` is set; when the
    value in force changed, the pane's ``field_changed(field_id)`` recomputes. Leaving a field
    shows the values in force again.
    """

    _rules: FieldRules
    #: Say a refusal under the field that was refused instead of on the status line.
    MESSAGES_AT_FIELDS = False

    def on_number_field_changed(self, event: NumberField.Changed) -> None:
        """Check a field's new value and act on it (Textual's handler for ``NumberField.Changed``)."""
        event.stop()
        changed, message = self._rules.accept(event.field, event.value)
        self.say_field_message(event.field, message)
        if changed:
            self.field_changed(event.field.id or "")

    def on_descendant_blur(self) -> None:
        """Show the values in force again when leaving a refused or capped entry."""
        self._rules.restore(self.query(NumberField))  # type: ignore[attr-defined]

    def say_field_message(self, field: NumberField, message: str) -> None:
        """Say ``message`` on the status line ("" clears it), or under ``field`` (if not "")."""
        if not self.MESSAGES_AT_FIELDS:
            self.query_one(StatusLine).say(message)  # type: ignore[attr-defined]
        elif message:
            field.say(message)

    def field_changed(self, field_id: str) -> None:
        """The value in force of field ``field_id`` changed: show what follows from it."""
        raise NotImplementedError


# -- choices -----------------------------------------------------------------------------------


#: The training pane's learning-rate ladder, walked with + and - (the core's sweep rates).
LR_LADDER = tuple(LEARNING_RATE_LADDER)


def ladder_step(value: float, direction: int, ladder=LR_LADDER) -> float:
    """The next rung of ``ladder`` above (direction +1) or below (-1) ``value``."""
    if direction > 0:
        higher = [rung for rung in ladder if rung > value * (1 + 1e-9)]
        return higher[0] if higher else ladder[-1]
    lower = [rung for rung in ladder if rung < value * (1 - 1e-9)]
    return lower[-1] if lower else ladder[0]


def choice_select(options: Sequence[tuple[str, str]], value: str, select_id: str) -> Select:
    """A one-line Select of (label, value) ``options`` with ``value`` chosen and no blank entry."""
    return Select(options, value=value, allow_blank=False, compact=True, id=select_id)


def next_choice(choices: Sequence[str], current: str) -> str:
    """The choice after ``current``, back to the first after the last (the keys that cycle a Select)."""
    return choices[(list(choices).index(current) + 1) % len(choices)]


# -- training in a worker ----------------------------------------------------------------------


class GilYielder:
    """Lets the event loop breathe while a worker thread runs pure-Python training.

    A CPU-bound thread holds the interpreter lock for 5 ms slices, and the event loop waits for
    a slice every time it touches I/O, so a key press could take hundreds of milliseconds.
    Calling ``maybe_yield()`` once per epoch sleeps 0.2 ms after every millisecond of work, so
    the event loop never waits long for the lock, at the cost of a fifth of the training speed.
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

    @property
    def is_open(self) -> bool:
        """Whether a worker waiting now would go on at once."""
        return self._open.is_set()

    def open_after_refresh(self, widget) -> None:
        """Let the worker go on once ``widget``'s screen has drawn what is pending."""
        widget.call_after_refresh(self._open.set)


def read_only(losses: np.ndarray) -> np.ndarray:
    """``losses`` made read-only: a reported array is shared between threads and never changes."""
    losses.flags.writeable = False
    return losses


class RunReport(Message):
    """A worker's report on run ``run_id``: its losses so far (a read-only array).

    ``final`` marks the last report of a run; until then a newer report replaces a pending one
    of the same run. The worker waits at ``gate`` until the pane has drawn the report: the pane's
    handler calls :meth:`accept`, which also tells it whether the report is for the run it shows.
    """

    def __init__(
        self, run_id: int, losses: np.ndarray, *, final: bool = False, gate: FrameGate | None = None
    ):
        super().__init__()
        self.run_id = run_id
        self.losses = losses
        self.final = final
        self.gate = gate

    def can_replace(self, message: Message) -> bool:
        """Merge a flood: a pending, unfinished report of the same run is out of date."""
        return type(message) is type(self) and message.run_id == self.run_id and not message.final

    def accept(self, widget, current_run_id: int | None) -> bool:
        """True when this report is for run ``current_run_id`` (the worker goes on once ``widget``'s
        screen has drawn it); False for a replaced run's late report (its worker goes on at once)."""
        current = self.run_id == current_run_id
        if self.gate is not None:
            if current:
                self.gate.open_after_refresh(widget)
            else:
                self.gate.open()
        return current


class LossReporter:
    """Collects a worker's losses, step by step, and reports them to the pane every so often.

    Call ``add(loss)`` once per step from the worker thread. At most every ``interval`` seconds
    it posts the losses so far with ``post`` (a read-only array: the last one with the new
    losses appended, so a report at the end of a long run costs what one at its start does),
    then waits at ``gate`` until the pane has drawn them. It also lets the event loop breathe
    (``GilYielder``). ``losses`` is everything so far.
    """

    def __init__(
        self,
        post: Callable[[np.ndarray], None],
        gate: FrameGate,
        losses: Sequence[float] = (),
        interval: float = 1 / 30,
    ) -> None:
        self._post = post
        self._gate = gate
        self._losses = read_only(np.array(losses, dtype=float))
        self._new: list[float] = []
        self._interval = interval
        self._breather = GilYielder()
        self._last = time.perf_counter()

    def add(self, loss: float) -> None:
        """One more step's loss (reported when a report is due)."""
        self._new.append(loss)
        self._breather.maybe_yield()
        if time.perf_counter() - self._last >= self._interval:
            self._gate.close()
            self._post(self.losses)
            self._gate.wait()
            self._last = time.perf_counter()

    @property
    def losses(self) -> np.ndarray:
        """Every loss so far, read-only."""
        if self._new:
            self._losses, self._new = read_only(np.concatenate((self._losses, self._new))), []
        return self._losses
