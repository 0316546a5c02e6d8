"""How nntui writes a number, everywhere: the panes, the lessons' messages, ``nntui trace``."""

from __future__ import annotations

import math

__all__ = ["EXACT", "format_number"]

#: Significant digits that read as exact: what a number field shows, what a learner typed.
EXACT = 10


def format_number(value: float, digits: int = 4) -> str:
    """``value`` in at most ``digits`` significant digits: ``0.5``, ``-3``, ``1e-05``.

    Four digits (the default) suit tables, labels and formulas; ``EXACT`` shows a value whole.
    Zero is ``0`` (never ``-0``), and a value that is not finite is ``n/a``.
    """
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"
