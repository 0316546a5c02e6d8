"""Least squares for a straight line: the closed-form answer and the same line found by walking.

Lesson 7 fits monthly rent against floor area. The formula gives the best slope and intercept
at once; gradient descent on the mean squared error finds the same line step by step. The
walk works on normalised areas (mean 0, spread 1), as the lesson's code does, and reports
its line in square metres. There every step multiplies the distance from the best line by
``1 - 2 * learning_rate``, so the walk converges below a rate of 1 and diverges above it
(:func:`stability_bound` computes that bound for any data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "FLOOR_AREA",
    "RENT",
    "Line",
    "least_squares",
    "residuals",
    "sum_of_squares",
    "LineDescent",
    "DescentPoint",
    "stability_bound",
    "descend",
]

#: Lesson 7's five flats: floor area in square metres and monthly rent.
FLOOR_AREA = np.array([30.0, 45.0, 60.0, 80.0, 100.0])
RENT = np.array([610.0, 790.0, 960.0, 1280.0, 1490.0])


@dataclass(frozen=True)
class Line:
    """y = slope * x + intercept."""

    slope: float
    intercept: float

    def __call__(self, x):
        """The line's y at ``x`` (a number or an array)."""
        return self.slope * np.asarray(x, dtype=float) + self.intercept

    @property
    def finite(self) -> bool:
        """Whether both numbers are finite (a diverging walk overflows)."""
        return math.isfinite(self.slope) and math.isfinite(self.intercept)


def _checked(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
        raise ValueError(f"expected two lists of the same length (at least 2), got {x.shape} and {y.shape}")
    if np.ptp(x) == 0:
        raise ValueError("the x values are all the same, so no slope fits them")
    return x, y


def least_squares(x, y) -> Line:
    """The line with the smallest sum of squared vertical misses (the closed form)."""
    x, y = _checked(x, y)
    dx, dy = x - x.mean(), y - y.mean()
    slope = float(np.sum(dx * dy) / np.sum(dx * dx))
    return Line(slope, float(y.mean() - slope * x.mean()))


def residuals(line: Line, x, y) -> np.ndarray:
    """Each point's vertical miss: y minus the line's y (positive above the line)."""
    return np.asarray(y, dtype=float) - line(x)


def sum_of_squares(line: Line, x, y) -> float:
    """The sum of the squared residuals: what least squares makes as small as it can be."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sum(residuals(line, x, y) ** 2))


def stability_bound(x) -> float:
    """The largest learning rate below which :class:`LineDescent` converges on data ``x``.

    The walk's loss is the mean squared error in (a, b) over normalised x, a bowl whose
    curvature (Hessian) is 2 * [[mean z^2, mean z], [mean z, 1]]. Gradient descent on a bowl
    converges exactly when the rate is below 2 / its largest curvature; for normalised z
    (mean 0, mean z^2 1) that is 2 / 2 = 1.
    """
    z = _normalised(np.asarray(x, dtype=float))[0]
    hessian = 2 * np.array([[np.mean(z * z), np.mean(z)], [np.mean(z), 1.0]])
    return float(2 / np.max(np.linalg.eigvalsh(hessian)))


def _normalised(x: np.ndarray) -> tuple[np.ndarray, float, float]:
    mean, spread = float(x.mean()), float(x.std())
    return (x - mean) / spread, mean, spread


@dataclass(frozen=True)
class DescentPoint:
    """Where the walk stands after ``step`` steps: its line (in x's units) and sum of squares."""

    step: int
    line: Line
    sum_of_squares: float

    @property
    def diverged(self) -> bool:
        """The numbers overflowed: the walk has run off to infinity."""
        return not (self.line.finite and math.isfinite(self.sum_of_squares))


class LineDescent:
    """Gradient descent on a line's mean squared error, from the flat line y = 0.

    It walks a * z + b with z the normalised x, exactly as lesson 7's ``descend`` does:
    ``a -= rate * 2 * mean(err * z)`` and ``b -= rate * 2 * mean(err)``.
    """

    def __init__(self, x, y, learning_rate: float) -> None:
        if not (learning_rate > 0 and math.isfinite(learning_rate)):
            raise ValueError(f"the learning rate must be a positive finite number, got {learning_rate!r}")
        self.x, self.y = _checked(x, y)
        self.learning_rate = float(learning_rate)
        self._z, self._mean, self._spread = _normalised(self.x)
        self.a = 0.0
        self.b = 0.0
        self.steps = 0

    @property
    def line(self) -> Line:
        """The walk's current line in x's own units."""
        slope = self.a / self._spread
        return Line(slope, self.b - slope * self._mean)

    @property
    def point(self) -> DescentPoint:
        """Where the walk stands now."""
        line = self.line
        return DescentPoint(self.steps, line, sum_of_squares(line, self.x, self.y))

    def step(self) -> DescentPoint:
        """Take one step against the gradient (a walk that has overflowed stays where it is)."""
        if self.point.diverged:
            return self.point
        with np.errstate(over="ignore", invalid="ignore"):
            err = self.a * self._z + self.b - self.y
            da = 2 * float(np.mean(err * self._z))
            db = 2 * float(np.mean(err))
            self.a -= self.learning_rate * da
            self.b -= self.learning_rate * db
        self.steps += 1
        return self.point


def descend(x, y, learning_rate: float, steps: int) -> list[DescentPoint]:
    """The walk's start and each of its ``steps`` steps (it stops early once it overflows)."""
    walk = LineDescent(x, y, learning_rate)
    points = [walk.point]
    for _ in range(steps):
        points.append(walk.step())
        if points[-1].diverged:
            break
    return points
