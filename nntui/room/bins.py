"""A poll's answers in bins: what the room's histogram shows (attendee's and instructor's views).

Pure and stdlib-only, so both views (and tests) bin the same way.
"""

from __future__ import annotations

import math

__all__ = ["CORE_SHARE", "bin_answers", "bin_label", "rate_table"]


def _index(value: float, lo: float, width: float, bins: int) -> int:
    # The last bin is closed on the right: the largest answer falls in it, not past it.
    return min(bins - 1, max(0, int((value - lo) // width)))


def bin_answers(
    numbers: list[float], expected: float | None, bins: int = 10, *, tolerance: float | None = None
) -> list[dict]:
    """The room's numeric answers counted in about ``bins`` equal bins, as dicts
    ``{"lo": float, "hi": float, "count": int, "right": bool}`` from the lowest bin up.

    The bins span the answers and ``expected`` (so the right answer always has a bin, even
    when nobody gave it); ``right`` marks the bin holding ``expected``. Non-numbers and
    non-finite values are skipped. No answers: no bins. All answers equal (and equal to
    ``expected``, if given): one bin with ``lo == hi``.

    With the checkpoint's ``tolerance``, the right bin is centred on ``expected`` and at least
    ``2 * tolerance`` wide, so it holds every answer that counts as right (0.9991 for 0.99909
    within 0.001 is counted under "right", not in a bar beside it); one or two bins more than
    ``bins`` may be needed then. Answers far from the rest (a typo's 9990 for 0.999) are
    counted in a bin of their own below or above, whose ``lo``/``hi`` are their real range, so
    that they do not squeeze every other answer into one bar.
    """
    values = [
        float(n)
        for n in numbers
        if isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
    ]
    if not values:
        return []
    target = float(expected) if expected is not None and math.isfinite(expected) else None
    span = values + ([target] if target is not None else [])
    lo, hi = min(span), max(span)
    bins = max(1, int(bins))
    tol = float(tolerance) if tolerance is not None and math.isfinite(tolerance) and tolerance > 0 else 0.0
    if target is not None and tol:
        return _centred_bins(values, target, tol, bins)
    if lo == hi:
        return [{"lo": lo, "hi": hi, "count": len(values), "right": target is not None}]
    else:
        width = (hi - lo) / bins
    counts = [0] * bins
    for value in values:
        counts[_index(value, lo, width, bins)] += 1
    right = _index(target, lo, width, bins) if target is not None else -1
    return [
        {
            "lo": lo + i * width,
            "hi": hi if i == bins - 1 else lo + (i + 1) * width,
            "count": counts[i],
            "right": i == right,
        }
        for i in range(bins)
    ]


#: Share of the answers that fixes the histogram's range when outliers are set apart.
CORE_SHARE = 0.8


def _main_range(values: list[float], target: float, tol: float, bins: int) -> tuple[float, float]:
    """The range the bins cover: the closest-packed share of the answers and the right answer,
    widened by three times its width (at least ``bins`` tolerances) to every answer that close."""
    ordered = sorted(values)
    count = len(ordered)
    keep = max(1, min(count, int(CORE_SHARE * count))) if count >= 3 else count
    start = min(range(count - keep + 1), key=lambda i: ordered[i + keep - 1] - ordered[i])
    low, high = min(ordered[start], target), max(ordered[start + keep - 1], target)
    reach = max(3 * (high - low), 2 * tol * bins)
    near = [v for v in ordered if low - reach <= v <= high + reach]
    return min(near + [target]), max(near + [target])


def _centred_bins(values: list[float], target: float, tol: float, bins: int) -> list[dict]:
    lo, hi = _main_range(values, target, tol, bins)
    width = max((hi - lo) / bins, 2 * tol)
    # Edges at target +- width/2 + k*width: bin number ``below`` is [target - w/2, target + w/2].
    below = max(0, math.ceil((target - width / 2 - lo) / width - 1e-9))
    lo = target - width / 2 - below * width
    count = max(below + 1, math.ceil((hi - lo) / width - 1e-9))
    hi = lo + count * width
    result = [
        {"lo": lo + i * width, "hi": lo + (i + 1) * width, "count": 0, "right": i == below}
        for i in range(count)
    ]
    under = [v for v in values if v < lo]
    over = [v for v in values if v > hi]
    for value in values:
        if lo <= value <= hi:
            result[_index(value, lo, width, count)]["count"] += 1
    if under:
        result.insert(0, {"lo": min(under), "hi": lo, "count": len(under), "right": False})
    if over:
        result.append({"lo": hi, "hi": max(over), "count": len(over), "right": False})
    return result


def bin_label(lo: float, hi: float) -> str:
    """A short label for a bin ("0.25-0.3", or "0.3" for a bin of one value)."""

    def short(x: float) -> str:
        return f"{x:.3g}"

    return short(lo) if short(lo) == short(hi) else f"{short(lo)}-{short(hi)}"


def rate_table(runs: list[dict]) -> list[dict]:
    """The room's finished runs grouped by learning rate, best rate first.

    ``runs`` are race runs (``{"rate", "final_loss", "outcome", ...}``). Each row is
    ``{"rate": float, "runs": int, "median_loss": float | None, "falls": int, "stuck": int,
    "diverged": int}``; ``median_loss`` is over the runs that did not diverge (None if all did).
    Rates are ranked by that median loss, a rate whose every run diverged last.
    """
    groups: dict[float, list[dict]] = {}
    for run in runs:
        rate = run.get("rate") if isinstance(run, dict) else None
        if isinstance(rate, int | float) and not isinstance(rate, bool) and math.isfinite(rate):
            groups.setdefault(float(rate), []).append(run)
    rows = []
    for rate, group in groups.items():
        outcomes = [run.get("outcome") for run in group]
        losses = sorted(
            float(run["final_loss"])
            for run in group
            if run.get("outcome") != "diverged"
            and isinstance(run.get("final_loss"), int | float)
            and math.isfinite(run["final_loss"])
        )
        median = None
        if losses:
            middle = len(losses) // 2
            median = losses[middle] if len(losses) % 2 else (losses[middle - 1] + losses[middle]) / 2
        rows.append(
            {
                "rate": rate,
                "runs": len(group),
                "median_loss": median,
                "falls": outcomes.count("falls"),
                "stuck": outcomes.count("stuck"),
                "diverged": outcomes.count("diverged"),
            }
        )
    rows.sort(key=lambda row: (row["median_loss"] is None, row["median_loss"] or 0.0, row["rate"]))
    return rows
