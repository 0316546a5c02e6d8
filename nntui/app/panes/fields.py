"""A pane's number fields: what each accepts (``Rule``), the values in force (``FieldRules``),
the usual rules, a training run's three fields, and the ``RuledFields`` mixin that handles
their changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nntui.app.widgets.number_field import NumberField
from nntui.numbers import EXACT, format_number

from .looks import StatusLine

__all__ = [
    "Rule",
    "LR_RULE",
    "SEED_RULE",
    "epochs_rule",
    "VALUE_LIMIT",
    "value_rule",
    "FieldRules",
    "add_run_settings",
    "run_fields",
    "RuledFields",
]


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
            return None, f"{self.what} must be {word} {format_number(self.low, EXACT)}"
        if too_high:
            return None, f"{self.what} must be at most {format_number(self.high, EXACT)}"
        if self.cap is not None and value > self.cap:
            capped = int(self.cap) if self.integer else self.cap
            return capped, f"{self.what} capped at {format_number(self.cap, EXACT)}"
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
            return False, f"{message}; still {format_number(self.values[field_id], EXACT)}"
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
