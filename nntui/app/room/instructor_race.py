"""The room's learning-rate race: every finished run on a training step, overlaid by rate.

The hub pushes a ``race`` for the watched step: every attendee's finished runs (rate, seed,
final loss, outcome, loss curve; no names). The plot draws every run, one colour and marker per
learning rate, the legend naming the rate ("lr 0.1"); the table ranks the rates from best to
worst final loss and says how their runs ended (diverged, stuck) in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from nntui.numbers import format_number

from ..panes.plots import Curve, CurvePlot
from .instructor_course import CourseIndex, StepRef, short

__all__ = ["RaceView", "RateGroup", "race_curves", "rate_groups"]

#: One colour and one marker per rate, so the curves tell apart in 16 colours and without any.
COLOURS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white")
MARKERS = ("braille", "dot", "+", "x", "o", "*", "•")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass
class RateGroup:
    """The room's runs at one learning rate."""

    rate: float
    runs: list[dict] = field(default_factory=list)

    @property
    def losses(self) -> list[float]:
        """The finite final losses of its runs."""
        values = (_number(run.get("final_loss")) for run in self.runs)
        return [v for v in values if v is not None and math.isfinite(v)]

    @property
    def best(self) -> float:
        """Its lowest final loss (infinite if every run diverged)."""
        return min(self.losses, default=math.inf)

    @property
    def worst(self) -> float:
        """Its highest final loss (infinite if any run diverged)."""
        if any(run.get("outcome") == "diverged" for run in self.runs) or not self.losses:
            return math.inf
        return max(self.losses)

    def outcomes(self) -> str:
        """How its runs ended, in words: "2 falls, 1 diverged"."""
        counts: dict[str, int] = {}
        for run in self.runs:
            outcome = str(run.get("outcome") or "?")
            counts[outcome] = counts.get(outcome, 0) + 1
        return ", ".join(f"{count} {outcome}" for outcome, count in counts.items())


def rate_groups(runs: list) -> list[RateGroup]:
    """The runs grouped by learning rate, best rate (lowest final loss) first."""
    groups: dict[float, RateGroup] = {}
    for run in runs:
        rate = _number(run.get("rate")) if isinstance(run, dict) else None
        if rate is not None:
            groups.setdefault(rate, RateGroup(rate)).runs.append(run)
    return sorted(groups.values(), key=lambda g: (g.best, g.worst, g.rate))


def race_curves(groups: list[RateGroup]) -> list[Curve]:
    """One curve per run, coloured and marked by its rate; the first of each rate carries the legend."""
    curves = []
    for place, group in enumerate(sorted(groups, key=lambda g: g.rate)):
        for number, run in enumerate(group.runs):
            values = run.get("curve") if isinstance(run.get("curve"), list) else []
            ys = [v if _number(v) is not None else math.nan for v in values]
            xs = [100 * i / (len(ys) - 1) for i in range(len(ys))] if len(ys) > 1 else [0.0] * len(ys)
            curves.append(
                Curve(
                    f"lr {format_number(group.rate)}" if number == 0 else "",
                    xs,
                    ys,
                    color=COLOURS[place % len(COLOURS)],
                    marker=MARKERS[place % len(MARKERS)],
                )
            )
    return curves


def _loss(value: float) -> str:
    return "diverged" if math.isinf(value) else format_number(value)


class RaceView(Vertical):
    """A training-step picker, the room's curves overlaid by rate, and the rates ranked."""

    BINDINGS = [("s", "toggle_show", "Show the room / hide")]

    class Picked(Message):
        """The instructor picked another step (the app re-sends ``watch``)."""

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.index = index
        self.steps = index.training_steps
        #: The latest ``race`` message for the picked step (None: none yet).
        self.race: dict | None = None
        self.chosen = False
        #: The option last highlighted by :meth:`suggest` (its event is not the instructor's pick).
        self._suggested: int | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(
            *(Option(f"{ref.label} {short(ref.title, 60)}") for ref in self.steps), id="race-steps"
        )
        yield Static("Pick a training step above.", id="race-status", markup=False)
        yield CurvePlot(
            "the room's runs", xlabel="% of run", ylabel="loss", flat_word="stuck", id="race-plot"
        )
        table: DataTable = DataTable(id="race-table", cursor_type="row")
        table.add_columns("RATE", "RANK", "RUNS", "BEST LOSS", "WORST LOSS", "HOW THEY ENDED")
        yield table

    @property
    def step(self) -> StepRef | None:
        """The training step picked."""
        picker = self.query_one(OptionList)
        return None if picker.highlighted is None or not self.steps else self.steps[picker.highlighted]

    def selected_step(self) -> StepRef | None:
        """The picked step (for "follow me")."""
        return self.step

    def suggest(self, key: tuple[int, int] | None) -> None:
        """Highlight the first training step at or after the room's most common step, unless picked."""
        if self.chosen:
            return
        ref = self.index.first_at_or_after(self.steps, key)
        if ref is not None:
            self._suggested = self.steps.index(ref)
            self.query_one(OptionList).highlighted = self._suggested

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Watch the newly highlighted step."""
        event.stop()
        # The list's first highlight and suggestions are not the instructor's choice.
        if event.option_list.has_focus and event.option_index != self._suggested:
            self.chosen = True
        self._suggested = None
        self._picked()

    def _picked(self) -> None:
        self.race = None
        self._draw()
        self.post_message(self.Picked())

    def show_race(self, race: dict) -> None:
        """Show a ``race`` message if it is about the picked step."""
        step = self.step
        if step is None or (race.get("lesson"), race.get("step")) != step.key:
            return
        self.race = race
        self._draw()

    def _draw(self) -> None:
        step = self.step
        status = self.query_one("#race-status", Static)
        runs = (self.race or {}).get("runs") or []
        groups = rate_groups(runs)
        if step is None:
            status.update("This course has no training steps.")
        else:
            shown = "shown to the room" if (self.race or {}).get("shown") else "not shown to the room"
            status.update(f"{step.label}: {len(runs)} finished run(s) at {len(groups)} rate(s) · {shown}")
        self.query_one(CurvePlot).show(race_curves(groups), log_y=True)
        table = self.query_one(DataTable)
        table.clear()
        for place, group in enumerate(groups):
            rank = "best" if place == 0 else "worst" if place == len(groups) - 1 else ""
            cells = [
                f"lr {format_number(group.rate)}",
                rank,
                str(len(group.runs)),
                _loss(group.best),
                _loss(group.worst),
                group.outcomes(),
            ]
            table.add_row(*(Text(cell) for cell in cells))

    def action_toggle_show(self) -> None:
        """Put the race on every attendee's screen, or take it off."""
        step = self.step
        if step is None:
            return
        shown = bool(self.race and self.race.get("shown"))
        if shown:
            self.app.send_room({"t": "race_hide"})
        else:
            self.app.send_room({"t": "race_show", "lesson": step.lesson, "step": step.step})
        if self.race is not None:
            self.race = {**self.race, "shown": not shown}
            self._draw()
