"""The room's learning-rate race: every finished run on a training step, overlaid by rate.

The hub pushes a ``race`` for the watched step: every attendee's finished runs (rate, seed,
final loss, outcome, loss curve; no names). The plot draws every run, one colour and marker per
learning rate, the legend naming the rate ("lr 0.1"); the table ranks the rates from best to
worst as the attendees' race does (``nntui.room.bins.rate_table``: median final loss, a rate
whose every run diverged last) and says how their runs ended (diverged, stuck) in words.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from nntui.numbers import format_number
from nntui.room.bins import rate_table

from ..panes.plots import Curve, CurvePlot
from .instructor_course import CourseIndex, StepRef, short
from .instructor_picker import PickerView

__all__ = ["RaceView", "best_loss", "outcome_words", "race_curves", "rate_groups"]

#: One colour and one marker per rate, so the curves tell apart in 16 colours and without any.
COLOURS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white")
MARKERS = ("braille", "dot", "+", "x", "o", "*", "•")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def rate_groups(runs: list) -> dict[float, list[dict]]:
    """The runs by learning rate (runs without a usable rate are left out)."""
    groups: dict[float, list[dict]] = {}
    for run in runs:
        rate = _number(run.get("rate")) if isinstance(run, dict) else None
        if rate is not None and math.isfinite(rate):
            groups.setdefault(rate, []).append(run)
    return groups


def best_loss(runs: list[dict]) -> float | None:
    """The lowest final loss among runs that did not diverge (None: none such)."""
    losses = [_number(run.get("final_loss")) for run in runs if run.get("outcome") != "diverged"]
    return min((v for v in losses if v is not None and math.isfinite(v)), default=None)


def outcome_words(row: dict) -> str:
    """How a rate's runs ended, in words: "2 falls, 1 diverged" (from a ``rate_table`` row)."""
    return ", ".join(f"{row[key]} {key}" for key in ("falls", "stuck", "diverged") if row.get(key)) or "-"


def race_curves(groups: dict[float, list[dict]]) -> list[Curve]:
    """One curve per run, coloured and marked by its rate; the first of each rate carries the legend."""
    curves = []
    for place, rate in enumerate(sorted(groups)):
        for number, run in enumerate(groups[rate]):
            values = run.get("curve") if isinstance(run.get("curve"), list) else []
            ys = [v if _number(v) is not None else math.nan for v in values]
            xs = [100 * i / (len(ys) - 1) for i in range(len(ys))] if len(ys) > 1 else [0.0] * len(ys)
            curves.append(
                Curve(
                    f"lr {format_number(rate)}" if number == 0 else "",
                    xs,
                    ys,
                    color=COLOURS[place % len(COLOURS)],
                    marker=MARKERS[place % len(MARKERS)],
                )
            )
    return curves


def _loss(value: float | None) -> str:
    return "-" if value is None else format_number(value)


class RaceView(PickerView):
    """A training-step picker, the room's curves overlaid by rate, and the rates ranked."""

    BINDINGS = [("s", "toggle_show", "Show the room / hide")]

    class Picked(Message):
        """The instructor picked another step (the app re-sends ``watch``)."""

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(index, id=id)
        self.steps = self.choices = index.training_steps
        #: The latest ``race`` message for the picked step (None: none yet).
        self.race: dict | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(
            *(Option(f"{ref.label} {short(ref.title, 60)}") for ref in self.steps), id="race-steps"
        )
        yield Static("Pick a training step above.", id="race-status", markup=False)
        yield CurvePlot(
            "the room's runs", xlabel="% of run", ylabel="loss", flat_word="stuck", id="race-plot"
        )
        table: DataTable = DataTable(id="race-table", cursor_type="row")
        table.add_columns("RATE", "RANK", "RUNS", "MEDIAN LOSS", "BEST LOSS", "HOW THEY ENDED")
        yield table

    @property
    def step(self) -> StepRef | None:
        """The training step picked."""
        return self.picked_ref()

    def selected_step(self) -> StepRef | None:
        """The picked step (for "follow me")."""
        return self.step

    def forget(self) -> None:
        """Another step: the previous one's race is not this one's."""
        self.race = None

    def show_race(self, race: dict) -> None:
        """Show a ``race`` message if it is about the picked step."""
        step = self.step
        if step is None or (race.get("lesson"), race.get("step")) != step.key:
            return
        self._last_ref = step  # its state is shown now
        self.race = race
        self.draw()

    def draw(self) -> None:
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
        rows = rate_table(runs)  # ranked as the attendees' race view ranks them
        for place, row in enumerate(rows):
            rank = "best" if place == 0 else "worst" if place == len(rows) - 1 else ""
            cells = [
                f"lr {format_number(row['rate'])}",
                rank,
                str(row["runs"]),
                "all diverged" if row["median_loss"] is None else format_number(row["median_loss"]),
                _loss(best_loss(groups.get(row["rate"], []))),
                outcome_words(row),
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
            self.draw()
