"""Choices in a pane: the learning-rate ladder walked with + and -, and the one-line Selects
whose keys cycle their options.
"""

from __future__ import annotations

from typing import Sequence

from textual.widgets import Select

from nntui.core.sweep import LEARNING_RATE_LADDER

__all__ = ["LR_LADDER", "ladder_step", "choice_select", "next_choice"]


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
