"""A plotext plot that redraws itself from a list of curves (``replot``).

The panes hand it data computed by ``nntui.core``; it only draws. Older or secondary curves
are drawn with a lighter marker and colour and always carry a label, so a plot still reads
without colour. Its axes come from ``axes``: round ticks, whole epochs, and a run that does not
visibly move drawn as a level line and called so (``flat_word``, "stuck" for a loss).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Hashable, Sequence

import numpy as np
from textual_plotext import PlotextPlot

from .axes import count_ticks, is_flat, nice_ticks, tick_labels, value_axis

__all__ = ["Curve", "CurvePlot", "COUNT_LABELS", "count_ticks", "drawable_points", "title_fits"]

#: x labels that count something (epochs, iterations): their ticks are whole numbers.
COUNT_LABELS = ("epoch", "iteration")


def title_fits(title: str, width: int, label_width: int) -> bool:
    """Whether plotext draws ``title`` on a plot ``width`` cells wide whose y labels take
    ``label_width`` cells: it centres the title over the data and leaves out one that would
    not fit with a blank on either side."""
    canvas = width - 2 - label_width
    start = label_width + 1 + canvas // 2 - len(title) // 2
    return start >= 1 and start + len(title) + 1 <= width


#: plotext markers that draw two dot columns per cell; any other marker is one character per cell.
FINE_MARKERS = ("braille", "hd", "fhd")
#: Fewest columns a curve is thinned for (a plot not laid out yet, or a very narrow one).
MIN_COLUMNS = 16


def _as_floats(values: Sequence[float]) -> np.ndarray:
    if isinstance(values, range):  # epochs 1..n: no need to build a list first
        return np.arange(values.start, values.stop, values.step, dtype=float)
    return np.asarray(values, dtype=float)


def drawable_points(
    xs: Sequence[float],
    ys: Sequence[float],
    columns: int,
    *,
    log_y: bool = False,
    dots_per_cell: int = 2,
) -> tuple[list[float], list[float]]:
    """The points of a curve worth drawing on a plot ``columns`` cells wide.

    Points that cannot be drawn (not finite, or not above 0 on a log scale) are left out.
    A cell holds ``dots_per_cell`` dot columns across (two for braille, one for a marker
    character), and all a dot column can show of the many points that fall in it is how low
    and how high they go. So a curve with more than two points per dot column is cut into one
    stretch per dot column and keeps, from each, its lowest and its highest point (in their
    order), plus the curve's first and last point.
    Every point kept is one of the curve's own ``(x, y)`` pairs, so the drawing stays true to
    the data, and a run of 20,000 epochs costs no more to draw than one of 300.
    """
    x, y = _as_floats(xs), _as_floats(ys)
    count = min(len(x), len(y))
    x, y = x[:count], y[:count]
    keep = np.isfinite(x) & np.isfinite(y)
    if log_y:
        keep &= y > 0
    if not keep.all():
        x, y = x[keep], y[keep]
        count = len(y)
    buckets = dots_per_cell * max(int(columns), MIN_COLUMNS)  # one per dot column
    if count > 2 * buckets:
        size = -(-count // buckets)
        # Pad the last bucket with the last value so every bucket is a full row.
        rows = np.pad(y, (0, size * buckets - count), mode="edge").reshape(buckets, size)
        starts = np.arange(buckets) * size
        picks = np.concatenate(([0, count - 1], starts + rows.argmin(axis=1), starts + rows.argmax(axis=1)))
        picks = np.sort(np.minimum(picks, count - 1))  # sorted, so the line runs left to right
        # Each point once (np.unique does this too, but imports numpy.ma, 1.2 MB, to do it).
        picks = picks[np.concatenate(([True], picks[1:] != picks[:-1]))]
        x, y = x[picks], y[picks]
    return x.tolist(), y.tolist()


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
    #: Names data that will not change any more (a finished run): the plot then thins it once
    #: and reuses the result for as long as the size and scale stay the same.
    key: Hashable | None = None


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
        flat_word: str = "",
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.title = title
        #: Said in the title when it is too long for the plot (plotext would drop the title).
        self.short_title = ""
        #: The word for a curve that does not visibly move ("stuck" for a loss; "" says nothing).
        self.flat_word = flat_word
        #: Whether the last drawing's curves were all flat (drawn as a level line).
        self.flat = False
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
        #: Thinned points of curves with a ``key``, by (key, length, width, log scale).
        self._thinned: dict = {}

    def render(self):
        """Load the curves into plotext, build the plot's text, and note when it was done.

        The data are loaded afresh for every build because plotext's build transforms them in
        place (a log scale would be applied twice on a second build of the same data).
        """
        self._load()
        try:
            result = super().render()
        except (ValueError, OverflowError, ZeroDivisionError, IndexError):
            # plotext cannot scale some extreme ranges; say so rather than take the app down.
            return "(no plot: these numbers are too extreme to draw)"
        self.render_times.append(time.perf_counter())
        return result

    def on_mount(self) -> None:
        """Draw whatever was given before the widget was mounted."""
        super().on_mount()
        self.replot()

    def show(
        self,
        curves: Sequence[Curve],
        *,
        log_y: bool | None = None,
        title: str | None = None,
        short_title: str | None = None,
    ) -> None:
        """Replace the curves (and optionally the scale, the title and its short form) and redraw."""
        self.curves = list(curves)
        if log_y is not None:
            self.log_y = log_y
        if title is not None:
            self.title = title
        if short_title is not None:
            self.short_title = short_title
        self.replot()

    def replot(self) -> None:
        """Redraw with the current curves (they are loaded into plotext when the widget renders)."""
        self.refresh()

    def _load(self) -> None:
        """Clear plotext's data and plot every curve with the current scale and labels."""
        plt = self.plt
        plt.clear_data()
        plt.xlabel("" if self.compact else self.xlabel)
        plt.ylabel(self.ylabel)
        cache: dict = {}
        drawable = [(curve, *self._drawable(curve, cache)) for curve in self.curves]
        drawable = [(curve, xs, ys) for curve, xs, ys in drawable if xs]
        log_y = self.log_y and bool(drawable)  # plotext cannot put a log scale on an empty plot
        plt.yscale("log" if log_y else "linear")
        if self.x_limits is not None:
            plt.xlim(*self.x_limits)
        label_width = self._y_axis(drawable, log_y)
        lines = [(curve, ys) for curve, _, ys in drawable if not curve.points and len(ys) > 1]
        self.flat = bool(self.flat_word and lines and all(is_flat(ys) for _, ys in lines))
        last_x = 0.0
        for curve, xs, ys in drawable:
            last_x = max(last_x, max(xs))
            draw = plt.scatter if curve.points else plt.plot
            label = None if self.compact else (curve.label or None)
            if self.flat_word and not curve.points and len(ys) > 1 and is_flat(ys):
                # Its moves are far below one dot of any axis it is drawn on; drawn as they are,
                # a level that straddles two dot rows would show a step that is not there.
                ys = [float(np.mean(ys))] * len(ys)
                label = f"{label} {self.flat_word}" if label else label
            # Copies: plotext transforms the lists it is given in place, and these may be kept.
            draw(list(xs), list(ys), label=label, marker=curve.marker, color=curve.color)
        self._x_axis([xs for _, xs, _ in drawable], last_x)
        plt.title(self._fitting_title(label_width))
        self._thinned = cache  # keeps only what this drawing used

    def _y_axis(self, drawable, log_y: bool) -> int:
        """Set round y ticks (and a level axis for flat data); returns the labels' width."""
        plt = self.plt
        if self.y_limits is not None:
            plt.ylim(*self.y_limits)
            ticks = nice_ticks(*self.y_limits, most=self._most_ticks())
            labels = tick_labels(ticks)
        else:
            values = [y for _, _, ys in drawable for y in ys]
            axis = value_axis(values, log=log_y, most=self._most_ticks())
            if axis.limits is not None:
                # plotext takes limits on the scale it draws: powers of ten on a log axis
                low, high = axis.limits
                plt.ylim(*((math.log10(low), math.log10(high)) if log_y else (low, high)))
            ticks, labels = axis.ticks, axis.labels
        if ticks:
            plt.yticks(ticks, labels)
        return max((len(label) for label in labels), default=0)

    def _most_ticks(self) -> int:
        """A tick every other row at most, and never more than five."""
        return max(2, min(5, (self.size.height or 12) // 3))

    def _x_axis(self, xs_lists, last_x: float) -> None:
        """Whole-number ticks for counts (epochs), round ones for anything else."""
        plt = self.plt
        if self.xlabel in COUNT_LABELS:
            if last_x >= 1:
                # plotext would label epochs 1.0, 250.8, 500.5: counts read as round whole numbers
                ticks = count_ticks(last_x)
                plt.xticks(ticks, [str(t) for t in ticks])
            return
        low, high = self.x_limits or (
            min((min(xs) for xs in xs_lists), default=math.nan),
            max((max(xs) for xs in xs_lists), default=math.nan),
        )
        ticks = nice_ticks(low, high, most=max(2, min(5, (self.size.width or 40) // 10)))
        if ticks:
            plt.xticks(ticks, tick_labels(ticks))

    def _fitting_title(self, label_width: int) -> str:
        """The title, or its short form when the long one would not fit; "stuck" (the flat word)
        is said whenever every curve is flat."""
        width = self.size.width or 80
        titles = [self.title, self.short_title]
        if self.flat:
            titles = [f"{title}: {self.flat_word}" for title in titles if title] + [self.flat_word]
        titles = [title for title in titles if title]
        for title in titles:
            if title_fits(title, width, label_width + 1):
                return title
        return titles[-1] if titles else ""

    def _drawable(self, curve: Curve, cache: dict) -> tuple[list[float], list[float]]:
        """The curve's points to draw at the current width and scale (see :func:`drawable_points`)."""
        columns = self.size.width or 80  # not laid out yet: a full terminal's width
        dots = 2 if curve.marker in FINE_MARKERS else 1
        if curve.key is None:
            return drawable_points(curve.xs, curve.ys, columns, log_y=self.log_y, dots_per_cell=dots)
        tag = (curve.key, len(curve.ys), columns, self.log_y)
        points = self._thinned.get(tag)
        if points is None:
            points = drawable_points(curve.xs, curve.ys, columns, log_y=self.log_y, dots_per_cell=dots)
        cache[tag] = points
        return points
