"""Usual wrong answers: a check block's ``mistake = <change> -> <hint>`` lines.

A mistake is computed like the right answer: the checkpoint's pane and setup, with what the
learner most likely got wrong changed (``b=0``: forgot the bias; ``value=total``: gave the
total instead of the sigmoid of it; ``steps=0``: did not take the step). A wrong answer equal
to a mistake's value (within the checkpoint's tolerance) gets that mistake's hint; one equal to
minus the right answer gets the sign hint; any other the checkpoint's general hint.

Pure Python at import (the core is imported when a value is computed).
"""

from __future__ import annotations

from typing import Any, Callable

from .model import Checkpoint, Mistake, PaneSpec
from .pairs import read_pairs
from .panes import PANE_TYPES, validate_settings

__all__ = ["SIGN_HINT", "aimed_hint", "mistake_problems", "mistake_value", "parse_mistake", "resolve_mistake"]

#: The hint for an answer of the right size with the wrong sign, when no mistake line matches.
SIGN_HINT = "Check the sign: your number has the right size, but the answer has the other sign."
#: The most updates a mistake may ask for (as a check's ``steps``).
MAX_STEPS = 1000

Report = Callable[[int, str], None]


def parse_mistake(text: str, line: int, problem: Report) -> Mistake | None:
    """Read ``[setup] key=value ... -> hint`` (``value=NAME``, ``steps=N`` or setup overrides)."""
    spec, arrow, hint = text.partition("->")
    spec, hint = spec.strip(), hint.strip()
    if not arrow or not hint:
        problem(line, f"mistake must be 'mistake = <what was got wrong> -> <hint>', got {text!r}")
        return None
    if spec == "setup" or spec.startswith("setup "):
        spec = spec[len("setup") :].strip()
    raw: dict[str, Any] = {}
    read_pairs(spec, line, raw, problem)
    value = raw.pop("value", "")
    if not isinstance(value, str):
        problem(line, f"mistake value= must name a live value, got {value!r}")
        return None
    steps = raw.pop("steps", None)
    if steps is not None and not (isinstance(steps, int) and 0 <= steps <= MAX_STEPS):
        problem(line, f"mistake steps= must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
        return None
    if not raw and not value and steps is None:
        problem(
            line, "mistake changes nothing: before '->' write setup overrides (b=0), value=NAME or steps=N"
        )
        return None
    return Mistake(hint, line, value, raw, steps, text=spec)


def resolve_mistake(check: Checkpoint, mistake: Mistake, pane: PaneSpec, problem: Report) -> None:
    """Validate ``mistake`` against the pane ``check`` asks about and fill in its whole setup."""
    from .answers import unanswerable
    from .parse import STEPPING_PANES

    settings, found = validate_settings(pane.type, {**check.settings, **mistake.setup})
    value = mistake.value or check.value
    if not PANE_TYPES[pane.type].has_live_value(value):
        known = PANE_TYPES[pane.type].live_values_help or ", ".join(PANE_TYPES[pane.type].live_values)
        found.append(f"{value!r} is not a live value of the {pane.type} pane (known: {known})")
    if mistake.steps and pane.type not in STEPPING_PANES:
        found.append(f"steps needs a pane with an update key ({', '.join(STEPPING_PANES)}), not {pane.type}")
    found.extend(filter(None, [unanswerable(pane.type, settings, value)]))
    for message in found:
        problem(mistake.line, f"check {check.id!r}: mistake: {message}")
    # Left without a setup (never computed, never matched) when it is wrong.
    mistake.settings = {} if found else settings


def mistake_value(check: Checkpoint, mistake: Mistake, seed: int | None = None) -> float:
    """The answer a learner who made ``mistake`` gives (with the app's ``seed``, like the answer)."""
    from .answers import answer_for

    settings = dict(mistake.settings)
    if seed is not None and "seed" in settings and "seed" not in check.given and "seed" not in mistake.setup:
        settings["seed"] = seed
    steps = check.steps if mistake.steps is None else mistake.steps
    return answer_for(check.pane, settings, mistake.value or check.value, steps)


def aimed_hint(
    check: Checkpoint,
    given: float,
    expected: float,
    seed: int | None = None,
    value_of: Callable[[Mistake], float] | None = None,
) -> str:
    """The hint for the wrong answer ``given``: the matching mistake's, the sign hint, or the general one.

    ``value_of`` computes a mistake's value (default ``mistake_value``; the widget caches it).
    """
    tolerance = check.tolerance
    for mistake in check.mistakes:
        if not mistake.settings:
            continue
        try:
            wrong = value_of(mistake) if value_of else mistake_value(check, mistake, seed)
        except (ValueError, KeyError):
            continue
        if abs(given - wrong) <= tolerance and abs(wrong - expected) > tolerance:
            return mistake.hint
    if abs(expected) > tolerance and abs(given + expected) <= tolerance:
        return SIGN_HINT
    return check.hint


def mistake_problems(course) -> list:
    """Mistakes that cannot be computed, whose value is the right answer (their hint never shows),
    or whose hint states the answer."""
    from .answers import answer, answer_given_away
    from .model import Problem

    problems = []
    for lesson in course.lessons:
        for step in lesson.steps:
            for check in step.checks:
                if not check.pane or not check.mistakes:
                    continue
                try:
                    expected = answer(check)
                except (ValueError, KeyError):
                    continue  # reported with the giveaways
                for mistake in check.mistakes:
                    # Shown before the answer is: a hint must not state it.
                    token = answer_given_away(mistake.hint, expected, check.tolerance)
                    if token:
                        message = f"check {check.id!r}: mistake's hint gives the answer away ({token})"
                        problems.append(Problem(lesson.path, mistake.line, message))
                    if not mistake.settings:
                        continue  # reported by the parser
                    try:
                        wrong = mistake_value(check, mistake)
                    except (ValueError, KeyError) as error:
                        message = f"check {check.id!r}: mistake: {error}"
                        problems.append(Problem(lesson.path, mistake.line, message))
                        continue
                    if abs(wrong - expected) <= check.tolerance:
                        message = (
                            f"check {check.id!r}: mistake '{mistake.text}' gives the right answer "
                            f"({wrong:.6g}): its hint would never show"
                        )
                        problems.append(Problem(lesson.path, mistake.line, message))
    return problems
