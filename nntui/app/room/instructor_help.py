"""The help queue: who pressed "I'm stuck", in order, same-step requests together.

Each request shows the attendee's step, what they typed, how long ago; under the table, the
highlighted attendee's last wrong answer or failing exercise case, and their loss curve when
they have trained. "o" tells the attendee the instructor is on the way; "d" ends the request.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from nntui.numbers import format_number

from ..panes.plots import Curve, CurvePlot
from .instructor_course import CourseIndex, StepRef, duration, short

__all__ = ["HelpView", "detail_line", "group_requests"]

STATE_WORDS = {"queued": "waiting", "coming": "on my way"}


def group_requests(requests: list[dict]) -> list[dict]:
    """The queue with same-step requests together: groups in the order of their first request,
    each group in the order asked (the hub sends it so; kept here whatever the order given)."""
    valid = [r for r in requests if isinstance(r, dict) and r.get("name")]
    first: dict[object, int] = {}
    for place, request in enumerate(valid):
        first.setdefault(request.get("group") or request.get("label"), place)
    return [
        request
        for _, request in sorted(
            enumerate(valid), key=lambda pair: (first[pair[1].get("group") or pair[1].get("label")], pair[0])
        )
    ]


def detail_line(request: dict, attendee: dict | None) -> str:
    """What the attendee asked and what they got wrong last, in one or two lines."""
    name = short(request.get("name"), 20)
    text = short(request.get("text"), 60)
    line = f"{name} on {short(request.get('label') or '-', 6)}: " + (f"“{text}”" if text else "(no text)")
    attendee = attendee or {}
    wrong, failing = attendee.get("last_wrong"), attendee.get("failing")
    if isinstance(failing, dict) and failing:
        detail = short(failing.get("detail"), 50)
        line += (
            f"\nexercise {short(failing.get('exercise'), 20)} fails on {short(failing.get('case'), 30)}"
            + (f": {detail}" if detail else "")
        )
    if isinstance(wrong, dict) and wrong:
        line += (
            f"\nlast wrong answer: {short(wrong.get('given'), 16)} to “{short(wrong.get('question'), 50)}”"
        )
    if not (isinstance(wrong, dict) and wrong) and not (isinstance(failing, dict) and failing):
        line += "\nno wrong answer or failing exercise recorded"
    return line


class HelpView(Vertical):
    """The help queue in a table, and the highlighted request's details and loss curve."""

    BINDINGS = [("o", "mark('coming')", "On my way"), ("d", "mark('done')", "Done")]

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.index = index
        self.requests: list[dict] = []
        self.attendees: dict[str, dict] = {}
        self.now = 0.0

    def compose(self) -> ComposeResult:
        yield Static("Nobody has asked for help.", id="help-summary", markup=False)
        table: DataTable = DataTable(id="help-table", cursor_type="row")
        table.add_columns("STEP", "NAME", "ASKED", "STATE", "SAYS")
        yield table
        yield Static("", id="help-detail", markup=False)
        yield CurvePlot(
            "their last run's loss", xlabel="% of run", ylabel="loss", flat_word="stuck", id="help-curve"
        )

    def show(self, requests: list[dict], attendees: list[dict], now: float) -> None:
        """Redraw with the room's help queue and attendees at hub time ``now``."""
        self.requests = group_requests(requests)
        self.attendees = {a["name"]: a for a in attendees if isinstance(a, dict) and a.get("name")}
        self.now = now
        table = self.query_one(DataTable)
        chosen = self.selected()
        table.clear()
        previous = None
        names: list[str] = []
        for request in self.requests:
            if request["name"] in names:
                continue
            group = request.get("group") or request.get("label")
            size = sum(1 for r in self.requests if (r.get("group") or r.get("label")) == group)
            label = short(request.get("label") or "-", 6)
            first_of_group = group != previous
            previous = group
            at = request.get("at")
            asked = duration(now - at) + " ago" if isinstance(at, (int, float)) else "-"
            cells = [
                (f"{label} ({size})" if size > 1 else label) if first_of_group else "  ″",
                short(request["name"], 14),
                asked,
                STATE_WORDS.get(request.get("state"), short(request.get("state"), 10)),
                short(request.get("text"), 30),
            ]
            table.add_row(*(Text(cell) for cell in cells), key=request["name"])
            names.append(request["name"])
        if chosen is not None and chosen["name"] in names:
            table.move_cursor(row=names.index(chosen["name"]), animate=False, scroll=False)
        groups = len({r.get("group") or r.get("label") for r in self.requests})
        self.query_one("#help-summary", Static).update(
            f"{len(names)} asking for help, on {groups} step(s) · o: on my way · d: done"
            if names
            else "Nobody has asked for help."
        )
        self._show_detail()

    def selected(self) -> dict | None:
        """The highlighted request, or None."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((r for r in self.requests if r["name"] == key), None)

    def selected_step(self) -> StepRef | None:
        """The highlighted request's step (for "follow me")."""
        request = self.selected()
        return None if request is None else self.index.by_label(request.get("label"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the newly highlighted request's details."""
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        request = self.selected()
        detail = self.query_one("#help-detail", Static)
        plot = self.query_one(CurvePlot)
        if request is None:
            detail.update("")
            plot.display = False
            return
        attendee = self.attendees.get(request["name"])
        detail.update(detail_line(request, attendee))
        curve = (attendee or {}).get("curve")
        values = (
            [v if isinstance(v, (int, float)) else float("nan") for v in curve]
            if isinstance(curve, list)
            else []
        )
        plot.display = len(values) > 1
        if len(values) > 1:
            rate = (attendee or {}).get("rate")
            label = f"lr {format_number(rate)}" if isinstance(rate, (int, float)) else "loss"
            xs = [100 * i / (len(values) - 1) for i in range(len(values))]
            plot.compact = True
            plot.show(
                [Curve(label, xs, values)],
                log_y=True,
                title=f"{short(request['name'], 14)}'s last run, {label}",
            )

    def action_mark(self, state: str) -> None:
        """Tell the highlighted attendee the instructor is on the way ("coming"), or end it ("done")."""
        request = self.selected()
        if request is not None:
            self.app.send_room({"t": "help_mark", "name": request["name"], "state": state})
