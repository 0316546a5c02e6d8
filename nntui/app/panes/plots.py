"""A plotext plot that redraws itself from a list of curves (``replot``).

The panes hand it data computed by ``nntui.core``; it only draws. Older or secondary curves
are drawn with a lighter marker and colour and always carry a label, so a plot still reads
without colour.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Sequence

from textual_plotext import PlotextPlot

__all__ = ["Curve", "CurvePlot", "MAX_DRAWN_POINTS", "COUNT_LABELS", "count_ticks"]

#: x labels that count something (epochs, iterations): their ticks are whole numbers.
COUNT_LABELS = ("epoch", "iteration")


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


#: A long curve is thinned to about this many points before drawing: a terminal shows a few
#: hundred columns at most, and plotting every one of 100,000 epochs would stall the interface.
MAX_DRAWN_POINTS = 400


@dataclass
class Curve:
    """One line (or set of points) on a :class:`CurvePlot`."""

    label: str
    xs: Sequence[float]
    ys: Sequence[float]
    color: str | None = None
    marker: str = "braille"
    #: Points only (a marker for "you are here"), not a joined line.
    points: bool = False
    extra: dict = field(default_factory=dict)


class CurvePlot(PlotextPlot):
    """A titled plot of curves with an optional log-scaled y axis.

    Call :meth:`show` with the curves to draw; it keeps them and calls :meth:`replot`
    (clear, plot, refresh). Values that are not finite (a diverged run) are left out of the
    drawing rather than breaking it; the pane says in words what happened.
    """

    DEFAULT_CSS = """
    CurvePlot { height: 1fr; min-height: 6; }
    """

    def __init__(
        self,
        title: str = "",
        *,
        xlabel: str = "",
        ylabel: str = "",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.title = title
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.curves: list[Curve] = []
        self.log_y = False
        self.x_limits: tuple[float, float] | None = None
        self.y_limits: tuple[float, float] | None = None
        #: Leave out the legend and the x label (a small plot; the pane names the curves in words).
        self.compact = False
        #: perf_counter() at the end of the latest renders (the benchmark reads them).
        self.render_times: deque[float] = deque(maxlen=64)

    def render(self):
        """Load the curves into plotext, build the plot's text, and note when it was done.

        The data are loaded afresh for every build because plotext's build transforms them in
        place (a log scale would be applied twice on a second build of the same data).
        """
        self._load()
        try:
            result = super().render()
        except (ValueError, OverflowError, ZeroDivisionError):
            # plotext cannot scale some extreme ranges; say so rather than take the app down.
            return "(no plot: these numbers are too extreme to draw)"
        self.render_times.append(time.perf_counter())
        return result

    def on_mount(self) -> None:
        """Draw whatever was given before the widget was mounted."""
        super().on_mount()
        self.replot()

    def show(self, curves: Sequence[Curve], *, log_y: bool | None = None, title: str | None = None) -> None:
        """Replace the curves (and optionally the scale or title) and redraw."""
        self.curves = list(curves)
        if log_y is not None:
            self.log_y = log_y
        if title is not None:
            self.title = title
        self.replot()

    def replot(self) -> None:
        """Redraw with the current curves (they are loaded into plotext when the widget renders)."""
        self.refresh()

    def _load(self) -> None:
        """Clear plotext's data and plot every curve with the current scale and labels."""
        plt = self.plt
        plt.clear_data()
        plt.title(self.title)
        plt.xlabel("" if self.compact else self.xlabel)
        plt.ylabel(self.ylabel)
        plt.yscale("log" if self.log_y else "linear")
        if self.x_limits is not None:
            plt.xlim(*self.x_limits)
        if self.y_limits is not None:
            plt.ylim(*self.y_limits)
        last_x = 0.0
        for curve in self.curves:
            xs, ys = self._drawable(curve)
            if not xs:
                continue
            last_x = max(last_x, max(xs))
            draw = plt.scatter if curve.points else plt.plot
            label = None if self.compact else (curve.label or None)
            draw(xs, ys, label=label, marker=curve.marker, color=curve.color)
        if self.xlabel in COUNT_LABELS and last_x >= 1:
            # plotext would label epochs 1.0, 250.8, 500.5: counts read better as round whole numbers
            ticks = count_ticks(last_x)
            plt.xticks(ticks, [str(t) for t in ticks])

    def _drawable(self, curve: Curve) -> tuple[list[float], list[float]]:
        """The curve's points that can be drawn on the current scale."""
        xs, ys = [], []
        cx, cy = curve.xs, curve.ys
        count = min(len(cx), len(cy))
        if count > MAX_DRAWN_POINTS:
            stride = -(-count // MAX_DRAWN_POINTS)
            last = count - 1
            cx, cy = list(cx[:count:stride]), list(cy[:count:stride])
            if last % stride:  # always show where the curve ends
                cx.append(curve.xs[last])
                cy.append(curve.ys[last])
        for x, y in zip(cx, cy, strict=False):
            x, y = float(x), float(y)
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            if self.log_y and y <= 0:
                continue
            xs.append(x)
            ys.append(y)
        return xs, ys
