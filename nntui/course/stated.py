"""Numbers a lesson states, tied to what computes them: a step's ```` ```numbers ```` blocks.

Each line of a numbers block says where a number the step's text states comes from::

    0.5237 = ledger y_pred person=alice preset=ones
    0.9979 = ledger w1 steps=1

the number as written, a pane type, one of its live values, and settings (the pane type's
defaults where left out; ``steps=N`` presses its update key). The block is never shown. The
parser checks that each number is written in the step (text, reveal blocks, checkpoint
questions and hints); ``stated_number_problems`` computes each value with ``nntui.core`` and
compares it at the precision written (as many decimals as written; a whole number within 0.5).

Pure Python at import (the core is imported when a value is computed).
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from .model import StatedNumber, Step
from .pairs import read_pairs
from .panes import PANE_TYPES, validate_settings

__all__ = ["number_written", "read_numbers", "stated_number_problems", "unwritten_numbers"]

#: A number as a numbers line writes it: optional minus, digits, optional decimals.
NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?")
#: A number in the step's text (not part of a word or of a longer number).
_IN_TEXT = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w]|\.\d)")
MAX_STEPS = 1000

Report = Callable[[int, str], None]


def read_numbers(body: list[str], line: int, problem: Report) -> list[StatedNumber]:
    """The numbers of a numbers block whose opening fence is on ``line``."""
    numbers = []
    for offset, text in enumerate(body, start=1):
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            number = _read_line(stripped, line + offset, problem)
            if number is not None:
                numbers.append(number)
    return numbers


def _read_line(text: str, line: int, problem: Report) -> StatedNumber | None:
    from .answers import unanswerable

    left, equals, right = text.partition("=")
    number = left.strip().replace("−", "-")
    words = right.split(None, 2)
    if not equals or not NUMBER_TEXT.fullmatch(number) or len(words) < 2 or "=" in words[1]:
        problem(line, f"numbers line must be 'NUMBER = PANE VALUE key=value ...', got {text!r}")
        return None
    pane, value = words[0], words[1]
    if pane not in PANE_TYPES:
        problem(line, f"numbers: unknown pane type {pane!r} (known: {', '.join(PANE_TYPES)})")
        return None
    raw: dict[str, Any] = {}
    read_pairs(words[2] if len(words) > 2 else "", line, raw, problem)
    steps = raw.pop("steps", 0)
    if not (isinstance(steps, int) and 0 <= steps <= MAX_STEPS):
        problem(line, f"numbers: steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
        return None
    from .parse import STEPPING_PANES

    settings, found = validate_settings(pane, raw)
    if not PANE_TYPES[pane].has_live_value(value):
        known = PANE_TYPES[pane].live_values_help or ", ".join(PANE_TYPES[pane].live_values)
        found.append(f"{value!r} is not a live value of the {pane} pane (known: {known})")
    if steps and pane not in STEPPING_PANES:
        found.append(f"steps needs a pane with an update key ({', '.join(STEPPING_PANES)}), not {pane}")
    found.extend(filter(None, [unanswerable(pane, settings, value)]))
    for message in found:
        problem(line, f"numbers: {pane}: {message}")
    if found:
        return None
    return StatedNumber(number, pane, value, line, raw, steps, settings)


def _step_lines(step: Step) -> list[tuple[int, str]]:
    """(line, text) of everything the step can show: its text and its checkpoints' words."""
    lines = [
        pair for part in step.parts for pair in zip(part.line_numbers, part.markdown.split("\n"), strict=True)
    ]
    for check in step.checks:
        lines.append((check.line, check.question))
        lines.extend((check.line, hint) for hint in (check.hint, *(m.hint for m in check.mistakes)) if hint)
    return lines


def number_written(step: Step, number: StatedNumber) -> int | None:
    """The first line of ``step`` that writes ``number`` as written (a minus sign may be − ), or None."""
    for line, text in _step_lines(step):
        if number.text in _IN_TEXT.findall(text.replace("−", "-")):
            return line
    return None


def unwritten_numbers(step: Step, problem: Report) -> None:
    """Report each number of the step's numbers blocks that its text does not write."""
    for number in step.numbers:
        if number_written(step, number) is None:
            problem(number.line, f"numbers: {number.text} is not written in the step's text")


def _matches(text: str, value: float) -> bool:
    """Whether ``value`` rounds to ``text`` at the decimals ``text`` is written with."""
    decimals = len(text.partition(".")[2])
    return math.isfinite(value) and abs(value - float(text)) <= 0.5 * 10**-decimals + 1e-12


def _computed(number: StatedNumber, cache: dict) -> float:
    from .answers import compute_values

    key = (number.pane, repr(sorted(number.settings.items())), number.steps)
    if key not in cache:
        cache[key] = compute_values(number.pane, number.settings, number.steps)
    values = cache[key]
    if number.value not in values:  # e.g. a run that got stuck has no predictions
        raise ValueError(f"the {number.pane} pane has no value {number.value!r} for this setup")
    return float(values[number.value])


def stated_number_problems(course) -> list:
    """Every stated number whose computed value does not round to it, at the line that writes it."""
    from .model import Problem

    problems = []
    cache: dict = {}  # several numbers come from one run
    for lesson in course.lessons:
        for step in lesson.steps:
            for number in step.numbers:
                try:
                    value = _computed(number, cache)
                except (ValueError, KeyError, ArithmeticError) as error:
                    problems.append(Problem(lesson.path, number.line, f"numbers: {number.text}: {error}"))
                    continue
                if _matches(number.text, value):
                    continue
                decimals = len(number.text.partition(".")[2])
                setup = " ".join(f"{k}={_show(v)}" for k, v in number.setup.items())
                steps = f" steps={number.steps}" if number.steps else ""
                message = (
                    f"stated number {number.text} does not match: {number.pane} {number.value}"
                    f"{' ' + setup if setup else ''}{steps} is {value:.{decimals + 2}f} "
                    f"(numbers line {number.line})"
                )
                at = number_written(step, number) or number.line
                problems.append(Problem(lesson.path, at, message))
    return problems


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(f"{item:g}" for item in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)
