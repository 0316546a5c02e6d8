"""What an attendee sees of the room: a shown poll, the shown race, the "I'm stuck" prompts.

Everything says in words what colour also shows (the right answer's bar is named "right", each
rate's curves are named in the legend), so it reads in 16 colours and with NO_COLOR.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from nntui.course.answers import answer_text
from nntui.numbers import EXACT, format_number
from nntui.room.bins import bin_answers, bin_label, rate_table

from ..panes.plots import Curve, CurvePlot

__all__ = [
    "CancelStuckScreen",
    "PollHistogram",
    "PollView",
    "RaceScreen",
    "StuckScreen",
    "poll_bins",
    "poll_summary",
]

#: Bars of a shown poll's histogram.
POLL_BINS = 10
#: The right answer's bar (and its name in the summary), so it reads without colour.
RIGHT_MARK = "▒"
#: Each rate's curves in the race: a colour of the 16 and a marker, in turn.
RACE_COLORS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white")
#: ... and a marker each, so that the legend tells the rates apart without colour too.
RACE_MARKERS = ("braille", "x", "o", "+", "*", "#", "@")
#: Rates named in the race's legend (the table below the plot names the best and worst).
LEGEND_RATES = 5


def poll_bins(poll: dict) -> list[dict]:
    """The poll's answers in bins, the right one holding every answer within the tolerance."""
    tolerance = poll.get("tolerance")
    return bin_answers(
        poll.get("numbers") or [],
        poll.get("expected"),
        POLL_BINS,
        tolerance=tolerance if isinstance(tolerance, int | float) else None,
    )


def poll_summary(poll: dict) -> str:
    """The poll in words: counts, and where the right answer is among the answers."""
    counts = (
        f"{poll.get('right', 0)} right, {poll.get('wrong', 0)} wrong, "
        f"{poll.get('waiting', 0)} not answered yet."
    )
    expected = poll.get("expected")
    if expected is None:
        return counts
    right = next((b for b in poll_bins(poll) if b["right"]), None)
    where = ""
    if right is not None and right["lo"] != right["hi"]:
        answers = f"{right['count']} answer" + ("" if right["count"] == 1 else "s")
        where = f" (the bar marked right, {bin_label(right['lo'], right['hi'])}: {answers})"
    tolerance = poll.get("tolerance")
    said = (
        answer_text(float(expected), float(tolerance))
        if isinstance(tolerance, int | float)
        else format_number(float(expected), EXACT)
    )
    return f"{counts}\nThe right answer is {said}{where}."


class PollHistogram(PlotextPlot):
    """The room's numeric answers to one checkpoint as bars; the right answer's bar marked."""

    DEFAULT_CSS = "PollHistogram { height: 9; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bins: list[dict] = []

    def show(self, poll: dict) -> None:
        """Bin the poll's answers and redraw."""
        self.bins = poll_bins(poll)
        self.refresh()

    def render(self):
        """The bars, built afresh for the widget's size."""
        plt = self.plt
        plt.clear_data()
        if not self.bins:
            return Text("No numbers answered yet.")
        counts = [b["count"] for b in self.bins]
        xs = list(range(1, len(counts) + 1))
        top = max(counts) or 1
        # Room above the tallest bar for its count: the y range is the bars' plus two rows.
        rows = max(3, self.size.height - 3)  # less the frame and the x labels
        y_top = top / (1 - 2 / rows) if rows > 2 else top * 2
        row = y_top / rows
        plt.bar(xs, counts, width=0.8, marker="█", color="cyan")
        right = next((i for i, b in enumerate(self.bins) if b["right"]), None)
        if right is not None:
            plt.bar([xs[right]], [counts[right]], width=0.8, marker=RIGHT_MARK, color="green")
        # Each bar says its count (a row of a small plot can stand for 1 or 2 answers).
        for x, count in zip(xs, counts, strict=True):
            if count:
                plt.text(str(count), x=x, y=count + row * 1.2, alignment="center")
        plt.ylim(0, y_top)
        plt.yticks([0, top])
        # The x axis names the ends of the answers' range and the right answer's bar.
        ticks = {xs[0]: format_number(self.bins[0]["lo"]), xs[-1]: format_number(self.bins[-1]["hi"])}
        if right is not None:
            ticks[xs[right]] = "right"
        plt.xticks(list(ticks), list(ticks.values()))
        plt.xlim(0.4, len(xs) + 0.6)
        try:
            return super().render()
        except (ValueError, OverflowError, ZeroDivisionError, IndexError):
            return Text("(no plot: these numbers are too extreme to draw)")


class PollView(Vertical):
    """A shown poll under its checkpoint: the histogram and the counts, no names."""

    def __init__(self, poll: dict, **kwargs) -> None:
        super().__init__(classes="room-poll", **kwargs)
        self.poll = poll

    @property
    def check_id(self) -> str:
        """The checkpoint this poll is about."""
        return self.poll["check"]

    def compose(self) -> ComposeResult:
        self.border_title = "The room's answers (no names)"
        yield PollHistogram()
        yield Static("", classes="room-poll-summary", markup=False)

    def on_mount(self) -> None:
        self.show(self.poll)

    def show(self, poll: dict) -> None:
        """Show ``poll`` (a newer count of the same checkpoint)."""
        self.poll = poll
        self.query_one(PollHistogram).show(poll)
        self.query_one(".room-poll-summary", Static).update(poll_summary(poll))


def race_curves(runs: list[dict]) -> tuple[list[Curve], str]:
    """The room's runs as curves, one colour and name per learning rate; and the x axis' label."""
    rates = [row["rate"] for row in rate_table(runs)]
    with_epochs = all(isinstance(run.get("epochs"), int) for run in runs)
    curves: list[Curve] = []
    named: set[float] = set()
    for run in runs:
        rate = run.get("rate")
        ys = [
            math.nan if y is None else y for y in run.get("curve") or [] if isinstance(y, int | float | None)
        ]
        if rate not in rates or len(ys) < 2:
            continue
        index = rates.index(rate)
        if with_epochs:
            last = run["epochs"]
            xs = [1 + i * (last - 1) / (len(ys) - 1) for i in range(len(ys))]
        else:
            xs = [100 * i / (len(ys) - 1) for i in range(len(ys))]
        label = ""
        if rate not in named and index < LEGEND_RATES:
            named.add(rate)
            label = f"lr {format_number(rate, EXACT)}"
        look = {
            "color": RACE_COLORS[index % len(RACE_COLORS)],
            "marker": RACE_MARKERS[index % len(RACE_MARKERS)],
        }
        curves.append(Curve(label, xs, ys, **look))
    return curves, "epoch" if with_epochs else "% of the run"


def race_table(runs: list[dict]) -> str:
    """The best and worst learning rates of the room, in words."""
    rows = rate_table(runs)
    if not rows:
        return "No finished runs yet."

    def describe(row: dict) -> str:
        rate = f"lr {format_number(row['rate'], EXACT)}"
        count = f"{row['runs']} run" + ("s" if row["runs"] != 1 else "")
        if row["median_loss"] is None:
            return f"{rate}: diverged ({count})"
        trouble = [f"{row[k]} {k}" for k in ("stuck", "diverged") if row[k]]
        extra = f", {', '.join(trouble)}" if trouble else ""
        return f"{rate}: final loss {format_number(row['median_loss'])} ({count}{extra})"

    lines = [f"Best  {describe(rows[0])}"]
    if len(rows) > 1:
        lines.append(f"Worst {describe(rows[-1])}")
    return "\n".join(lines)


class RaceScreen(ModalScreen[None]):
    """The room's training runs on one step, overlaid by learning rate, shown by the instructor."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", key_display="Esc")]

    def __init__(self, race: dict) -> None:
        super().__init__()
        self.race = race

    def compose(self) -> ComposeResult:
        with Vertical(id="race-box"):
            yield Static("", id="race-title")
            yield CurvePlot("loss per epoch", flat_word="stuck", id="race-plot")
            yield Static("", id="race-table", markup=False)
            yield Static("Esc closes (your instructor can show it again)", id="race-keys")

    def on_mount(self) -> None:
        self.show(self.race)

    def on_screen_resume(self) -> None:
        # Hidden by the instructor while another screen was on top of this one.
        room = getattr(self.app, "room", None)
        if room is not None and room.race is None:
            self.dismiss(None)

    def show(self, race: dict) -> None:
        """Show ``race`` (the room's runs may have grown)."""
        self.race = race
        runs = [run for run in race.get("runs") or [] if isinstance(run, dict)]
        count = f"{len(runs)} run" + ("s" if len(runs) != 1 else "")
        self.query_one("#race-title", Static).update(
            Text(
                f"The room's learning-rate race, step {race['lesson']}.{race['step']}: {count}", style="bold"
            )
        )
        curves, xlabel = race_curves(runs)
        plot = self.query_one(CurvePlot)
        plot.xlabel = xlabel
        plot.show(curves, title="the room's loss curves", short_title="loss")
        self.query_one("#race-table", Static).update(race_table(runs))


class StuckScreen(ModalScreen[str | None]):
    """The "I'm stuck" prompt: one optional line for the instructor; Enter sends, Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", key_display="Esc")]

    def compose(self) -> ComposeResult:
        with Vertical(id="stuck-box", classes="room-box"):
            yield Static("I'm stuck: your instructor will come by.", classes="room-box-title")
            yield Input(placeholder="what is the matter? (optional)", id="stuck-text", max_length=200)
            yield Static("Enter asks for help, Esc cancels.", classes="room-box-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)


class CancelStuckScreen(ModalScreen[bool]):
    """Asked for help already: take the request back? y/n."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes, cancel it"),
        Binding("n", "dismiss(False)", "No, keep it"),
        Binding("escape", "dismiss(False)", "Keep it", key_display="Esc", show=False),
        Binding("exclamation_mark", "dismiss(False)", "Keep it", key_display="!", show=False),
    ]

    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        with Vertical(id="cancel-stuck-box", classes="room-box"):
            yield Static(self.state, classes="room-box-title", markup=False)
            yield Static(
                "Cancel your help request? y cancels it, n (or Esc) keeps it.", classes="room-box-keys"
            )
