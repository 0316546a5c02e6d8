"""Plot axes that say what the numbers mean: round ticks, whole epochs, and flat runs drawn flat.

Pure Python and NumPy (no Textual), so ``nntui train`` draws its curve with the same axes as
the training pane. plotext left to itself labels the ends of the data range at full float
precision (``0.499999999971238340``) and stretches any range, however tiny, to the plot's full
height: a loss that moves by 1e-7 looks like a cliff. Here a range that moves less than a
visible amount (``FLAT_RELATIVE`` of its size) is called *flat* and drawn as a level line on
an axis from 0, with tick labels rounded to the tick spacing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "FLAT_RELATIVE",
    "Axis",
    "count_ticks",
    "is_flat",
    "nice_ticks",
    "tick_labels",
    "value_axis",
]

#: A curve whose values span less than this fraction of their size does not visibly move:
#: on any honest axis it is a level line (a loss of 0.499999223 -> 0.499999044 is "stuck").
FLAT_RELATIVE = 1e-3


def count_ticks(last: float, most: int = 5) -> list[int]:
    """Round whole-number ticks from 1 to about ``last``: 1, 250, 500, 750, 1000 for 1000."""
    last = int(last)
    if last <= 1:
        return [1]
    span = last / (most - 1)
    power = 10 ** max(0, math.floor(math.log10(span)))
    step = next((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= span), 10 * power)
    step = max(1, int(step))
    ticks = [1] + [t for t in range(step, last + 1, step) if t > 1]
    return ticks if len(ticks) > 1 else [1, last]


def _finite(values: Iterable[float], positive: bool = False) -> np.ndarray:
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    keep = np.isfinite(array)
    if positive:
        keep &= array > 0
    return array[keep]


def is_flat(values: Sequence[float]) -> bool:
    """Whether the finite ``values`` move less than a visible amount (see ``FLAT_RELATIVE``).

    Fewer than two values, or values all alike, are flat too.
    """
    finite = _finite(values)
    if len(finite) < 2:
        return True
    low, high = float(finite.min()), float(finite.max())
    return high - low <= FLAT_RELATIVE * max(abs(low), abs(high)) or high == low


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """At most ``most`` round ticks (multiples of 1, 2 or 5 times a power of ten) in [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        return []
    if high == low:
        return [low]
    most = max(2, most)
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):  # not 2.5: labels like 1.225 read worse than fewer ticks
        step = multiple * power
        first = math.ceil(low / step - 1e-9)
        last = math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            break
    ticks = [round(k * step, 12) for k in range(first, last + 1)]
    return [0.0 if t == 0 else t for t in ticks]


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """The shortest labels that still tell the ticks apart and read as their values."""
    if not ticks:
        return []
    spacing = min((abs(b - a) for a, b in zip(ticks, ticks[1:], strict=False)), default=abs(ticks[0]) or 1.0)
    for digits in range(1, 13):
        labels = [_plain(f"{tick:.{digits}g}", tick, digits) for tick in ticks]
        if all(abs(float(label) - tick) <= spacing * 1e-6 for label, tick in zip(labels, ticks, strict=True)):
            return labels
    return [f"{tick:.12g}" for tick in ticks]


def _plain(label: str, tick: float, digits: int) -> str:
    """``label`` without an exponent where the plain number is as short to read (500, not 5e+02)."""
    if "e" not in label or not 1e-3 <= abs(tick) < 1e6:
        return label
    return f"{tick:.{max(0, digits - 1 - math.floor(math.log10(abs(tick))))}f}"


def _log_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Powers of ten within [low, high] (with 2 and 5 times them when there are few)."""
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    powers = [10.0**k for k in range(first, last + 1)]
    while len(powers) > most:
        powers = powers[::2]
    if len(powers) >= 2:
        return powers
    candidates = sorted(
        {m * 10.0**k for k in range(first - 1, last + 2) for m in (1, 2, 5) if low <= m * 10.0**k <= high}
    )
    return candidates if len(candidates) >= 2 else nice_ticks(low, high, most)


@dataclass(frozen=True)
class Axis:
    """Where an axis runs (``limits``), its ticks and their labels, and whether its data are flat."""

    limits: tuple[float, float] | None
    ticks: list[float]
    labels: list[str]
    flat: bool = False


def value_axis(values: Sequence[float], *, log: bool = False, most: int = 5) -> Axis:
    """The axis for ``values`` (finite ones; above 0 on a log scale).

    Round ticks inside the data's range, labelled no finer than their spacing. Flat data (see
    :func:`is_flat`) get an axis from 0 to a round number a quarter above them (a log one: a
    decade either side), ticked at its ends only, on which they are a level line, instead of
    their float noise stretched across the plot.
    """
    finite = _finite(values, positive=log)
    if not len(finite):
        return Axis(None, [], [])
    low, high = float(finite.min()), float(finite.max())
    flat = is_flat(finite)
    if log:
        if flat:
            low, high = low / 10, high * 10
        ticks = _log_ticks(low, high, most)
        return Axis((low, high) if flat else None, ticks, tick_labels(ticks), flat)
    if flat:
        level = max(abs(low), abs(high))
        if level == 0:
            low, high = -1.0, 1.0
        elif low >= 0:
            low, high = 0.0, _round_up(level * 1.25)
        elif high <= 0:
            low, high = -_round_up(level * 1.25), 0.0
        else:
            low, high = -_round_up(level * 1.25), _round_up(level * 1.25)
    if flat:
        # Only the axis' ends: a tick at the level would print the number a checkpoint may ask.
        ticks = [low, high]
        return Axis((low, high), ticks, tick_labels(ticks), flat)
    ticks = nice_ticks(low, high, most)
    limits = None
    return Axis(limits, ticks, tick_labels(ticks), flat)


def _round_up(value: float) -> float:
    """The next round number (1, 2, 2.5, 5 times a power of ten) at or above ``value`` > 0."""
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value * (1 - 1e-12))
