"""The regression pane: least squares on rent against floor area, by formula and by walking.

The points, the closed-form line and the line gradient descent has reached so far, with that
line's residuals drawn as vertical segments, and both lines' sums of squares. ``s`` takes one
step, ``t`` ten; the learning-rate field sets the size of the next steps. Every number comes
from ``nntui.core.regression``; this module only draws.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from nntui.core.regression import (
    FLOOR_AREA,
    RENT,
    Line,
    LineDescent,
    least_squares,
    stability_bound,
    sum_of_squares,
)
from nntui.numbers import EXACT, format_number

from ..widgets.number_field import NumberField
from .base import Pane
from .fields import LR_RULE, FieldRules, RuledFields
from .looks import StatusLine, pane_css
from .plots import Curve, CurvePlot

__all__ = ["RegressionPane", "sse_text", "visible_segment"]

#: The plot's window: the flats' areas and rents with room around them, so the walk's first
#: line (rent 0) is on it and a diverging line is seen swinging out of it.
X_LIMITS = (20.0, 110.0)
Y_LIMITS = (-100.0, 1700.0)
#: Steps taken by ``t``.
MANY = 10


def visible_segment(line: Line, x_limits=X_LIMITS, y_limits=Y_LIMITS) -> tuple[list[float], list[float]]:
    """The part of ``line`` inside the window, as two end points ([] when none of it is).

    Plotting a line from end points far outside the window would make plotext scale to
    them, so the line is cut to the window here: the x range where its y is in range.
    """
    (x0, x1), (y0, y1) = x_limits, y_limits
    if not line.finite:
        return [], []
    if line.slope == 0:
        inside = y0 <= line.intercept <= y1
        return ([x0, x1], [line.intercept] * 2) if inside else ([], [])
    ends = sorted(((y0 - line.intercept) / line.slope, (y1 - line.intercept) / line.slope))
    low, high = max(x0, ends[0]), min(x1, ends[1])
    if low >= high:
        return [], []
    return [low, high], [float(line(low)), float(line(high))]


def sse_text(value: float) -> str:
    """A sum of squares in few characters: whole units while small, else 3 significant digits."""
    return f"{value:.0f}" if abs(value) < 1e6 else format_number(value, 3)


class RegressionPane(RuledFields, Pane):
    """Least squares on five flats.

    Live values: slope, intercept, sse (the formula's line) and walk_slope, walk_intercept,
    walk_sse (the walking line). The setting ``walked`` starts the walk that many steps in.
    """

    PANE_TYPE = "regression"
    DEFAULT_CSS = pane_css("regression")

    BINDINGS = [
        Binding("s", "step", "Step", tooltip="one gradient descent step for the line"),
        Binding("t", "ten_steps", "10 steps"),
        Binding("r", "reset", "Reset", tooltip="back to the flat line rent = 0"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._rules = FieldRules()
        self._rules.add("regression-lr", LR_RULE, float(self.settings["lr"]))
        self._fit = least_squares(FLOOR_AREA, RENT)
        self._fit_sse = sum_of_squares(self._fit, FLOOR_AREA, RENT)
        self._bound = stability_bound(FLOOR_AREA)
        self._walk = self._start()
        self._last_sse: float | None = None  # before the latest key press, to say what it did

    def _start(self) -> LineDescent:
        """The walk as the step opens: from rent = 0, ``walked`` steps in at the rate in force."""
        walk = LineDescent(FLOOR_AREA, RENT, self.learning_rate)
        for _ in range(int(self.settings["walked"])):
            if walk.step().diverged:
                break
        return walk

    @property
    def learning_rate(self) -> float:
        """The rate of the next step."""
        return float(self._rules.values["regression-lr"])

    def live_values(self) -> dict[str, float]:
        """The formula's line and the walk's line, each with its sum of squares."""
        point = self._walk.point
        return {
            "slope": self._fit.slope,
            "intercept": self._fit.intercept,
            "sse": self._fit_sse,
            "walk_slope": point.line.slope,
            "walk_intercept": point.line.intercept,
            "walk_sse": point.sum_of_squares,
        }

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Least squares: rent vs area"
        with Horizontal(classes="regression-controls"):
            yield NumberField(self.learning_rate, label="lr", step=0.1, id="regression-lr")
            yield Static("", id="regression-steps")
        plot = CurvePlot("", xlabel="area (m²)", id="regression-plot")
        plot.compact = True  # a legend would cover the points; the lines below name the marks
        plot.x_limits, plot.y_limits = X_LIMITS, Y_LIMITS
        yield plot
        yield Static("", id="regression-info")
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Draw the points, the formula's line and the walk's start."""
        self.show_values()

    # -- actions ---------------------------------------------------------------------

    def action_step(self) -> None:
        """One step downhill for the walking line."""
        self._take(1)

    def action_ten_steps(self) -> None:
        """Ten steps at once."""
        self._take(MANY)

    def _take(self, count: int) -> None:
        self._last_sse = self._walk.point.sum_of_squares
        for _ in range(count):
            if self._walk.step().diverged:
                break
        self.update_values()

    def action_reset(self) -> None:
        """Back to where the step started the walk, at the rate in the field."""
        self._walk = self._start()
        self._last_sse = None
        self.update_values()

    def apply_settings(self) -> None:
        """Show ``settings`` as a new regression pane would: their rate and start, nothing masked."""
        self._rules.values["regression-lr"] = float(self.settings["lr"])
        self.query_one("#regression-lr", NumberField).set_value(self.learning_rate, notify=False)
        self.action_reset()

    def field_changed(self, field_id: str) -> None:
        """A new rate applies to the next steps, from where the walk stands."""
        self._walk.learning_rate = self.learning_rate
        self._last_sse = None
        self.update_values()

    # -- drawing ---------------------------------------------------------------------

    def show_values(self) -> None:
        point = self._walk.point
        walk_line = point.line
        curves = [Curve("formula", *visible_segment(self._fit), color="green")]
        on_plot = bool(visible_segment(walk_line)[0])
        if not point.diverged:
            # A line of dots, so it reads apart from the formula's without colour.
            curves.append(Curve("walk", *visible_segment(walk_line), color="blue", marker="•"))
            # Residuals of the walking line: one vertical segment from each point to the line,
            # drawn over the line so a short miss is not hidden under its dots.
            for x, y in zip(FLOOR_AREA, RENT, strict=True):
                low, high = sorted((float(y), float(walk_line(x))))
                low, high = max(low, Y_LIMITS[0]), min(high, Y_LIMITS[1])
                if low < high:
                    curves.append(Curve("miss", [x, x], [low, high], color="red"))
        curves.append(Curve("flats", FLOOR_AREA, RENT, color="yellow", marker="●", points=True))
        self.query_one(CurvePlot).show(curves, title="rent against floor area")
        steps = self.query_one("#regression-steps", Static)
        steps.update(f"step {point.step}" + ("" if on_plot else ", walk off the plot"))
        lines = [
            self._line_text("formula", self._fit, self._fit_sse, ""),
            self._line_text("walk", walk_line, point.sum_of_squares, "walk_"),
            "● flats ⠒ formula • walk red: misses",
        ]
        self.query_one("#regression-info", Static).update("\n".join(lines))
        self.query_one(StatusLine).say(self._verdict(point))

    def _line_text(self, name: str, line: Line, sse: float, prefix: str) -> str:
        slope = self.shown(f"{prefix}slope", format_number(line.slope))
        intercept = self.shown(f"{prefix}intercept", format_number(line.intercept))
        return f"{name} m {slope} c {intercept} SSE {self.shown(f'{prefix}sse', sse_text(sse))}"

    def _verdict(self, point) -> str:
        rate = format_number(self.learning_rate, EXACT)
        if point.diverged:
            return f"diverged after {point.step} steps: at lr {rate} each step lands further out"
        if self._last_sse is None:
            return f"s: one step, t: ten (rates above {format_number(self._bound, EXACT)} diverge)"
        sse = point.sum_of_squares
        if sse < self._last_sse:
            return "SSE fell"
        if sse > self._last_sse:
            return f"SSE ROSE: lr {rate} is too large, the walk diverges"
        return f"SSE stayed: at lr {rate} each step jumps to the mirror spot"
