"""Marks a pane puts on its text: a masked live value's number hidden, a focused line highlighted."""

from __future__ import annotations

import math
import re

__all__ = ["hide_numbers", "highlight"]


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


def highlight(markup: str, on: bool = True) -> str:
    """``markup`` in reverse video when ``on``: a line a step's ``focus=`` points at.

    Reverse reads in every theme and without colour.
    """
    return f"[reverse]{markup}[/reverse]" if on else markup
