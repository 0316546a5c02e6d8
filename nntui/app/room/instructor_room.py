"""The room at a glance: one row per attendee, a summary line on top, sortable by key.

Rows come from the hub's ``room`` message (see the room contract) or, while the hub cannot be
reached, from the attendees' progress files (the server hands the app a reader for them).
Every mark is in words ("help", "3 wrong", "idle 5 min"), so the table reads without colour.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from .instructor_course import CourseIndex, StepRef, duration, short

__all__ = ["COLUMNS", "SORTS", "RoomView", "sort_attendees"]

#: Column headers of the table (at 80 columns every one of them fits).
COLUMNS = ("NAME", "STEP", "TITLE", "ON STEP", "PASSED", "STUCK", "ONLINE")

#: How the table can be sorted: key name -> words for the summary line.
SORTS = {"step": "step", "time": "time on step", "stuck": "stuck first", "name": "name"}


def _position(attendee: dict) -> tuple[int, int]:
    lesson, step = attendee.get("lesson"), attendee.get("step")
    return (lesson if isinstance(lesson, int) else 0, step if isinstance(step, int) else 0)


def _since(attendee: dict) -> float:
    since = attendee.get("since")
    return since if isinstance(since, (int, float)) and not isinstance(since, bool) else float("inf")


def _name(attendee: dict) -> str:
    return str(attendee.get("name") or "").casefold()


def sort_attendees(attendees: list[dict], by: str) -> list[dict]:
    """The attendees in the order of sort ``by`` (see :data:`SORTS`), names breaking ties.

    step: furthest behind first; time: longest on their step first; stuck: stuck ones first
    (longest on their step first among them), then the others by step; name: alphabetical.
    """
    by_name = sorted(attendees, key=_name)
    if by == "step":
        return sorted(by_name, key=_position)
    if by == "time":
        return sorted(by_name, key=_since)
    if by == "stuck":
        return sorted(
            by_name, key=lambda a: (not a.get("stuck"), _since(a) if a.get("stuck") else 0, _position(a))
        )
    return by_name


class RoomView(Vertical):
    """Every attendee of the room in a table, with the room's summary line above it."""

    BINDINGS = [
        ("s", "sort('step')", "Sort: step"),
        ("t", "sort('time')", "time"),
        ("k", "sort('stuck')", "stuck"),
        ("n", "sort('name')", "name"),
    ]

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.index = index
        self.sort_by = "step"
        self.attendees: list[dict] = []
        self.summary = ""
        self.now = 0.0

    def compose(self) -> ComposeResult:
        yield Static("Waiting for the room…", id="room-summary", markup=False)
        table: DataTable = DataTable(id="room-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table

    def show(self, attendees: list[dict], summary: str, now: float) -> None:
        """Redraw the table with ``attendees`` (room attendee dicts) at hub time ``now``."""
        named = {}
        for attendee in attendees:  # one row per name (the first said), whatever a hub sends
            if isinstance(attendee, dict) and isinstance(attendee.get("name"), str) and attendee["name"]:
                named.setdefault(attendee["name"], attendee)
        self.attendees = list(named.values())
        self.summary = summary
        self.now = now
        self._redraw()

    def action_sort(self, by: str) -> None:
        """Sort the table by ``by`` (see :data:`SORTS`); the sort stays for later updates."""
        self.sort_by = by
        self._redraw()

    def selected(self) -> dict | None:
        """The attendee dict of the highlighted row, or None."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((a for a in self.attendees if a.get("name") == key), None)

    def selected_step(self) -> StepRef | None:
        """The step of the highlighted attendee (for "follow me")."""
        attendee = self.selected()
        return None if attendee is None else self.index.step(attendee.get("lesson"), attendee.get("step"))

    def _cells(self, attendee: dict) -> list[Text]:
        step = self.index.step(attendee.get("lesson"), attendee.get("step"))
        label = attendee.get("label") or (step.label if step else "-")
        title = attendee.get("title") or (step.title if step else "")
        since = attendee.get("since")
        on_step = (
            self.now - since if isinstance(since, (int, float)) and not isinstance(since, bool) else None
        )
        passed = attendee.get("passed")
        stuck = attendee.get("stuck") or ""
        cells = [
            short(attendee.get("name"), 14),
            short(label, 6),
            short(title, 20),
            duration(on_step),
            str(passed) if isinstance(passed, int) else "-",
            short(stuck, 10),
            "yes" if attendee.get("online") else "no",
        ]
        return [Text(cell, style="bold" if stuck and i == 5 else "") for i, cell in enumerate(cells)]

    def _redraw(self) -> None:
        table = self.query_one(DataTable)
        chosen = self.selected()
        table.clear()
        rows = sort_attendees(self.attendees, self.sort_by)
        for attendee in rows:
            table.add_row(*self._cells(attendee), key=attendee["name"])
        if chosen is not None:
            names = [a["name"] for a in rows]
            if chosen["name"] in names:
                table.move_cursor(row=names.index(chosen["name"]), animate=False, scroll=False)
        online = sum(1 for a in self.attendees if a.get("online"))
        line = self.summary or "nobody here yet"
        self.query_one("#room-summary", Static).update(
            f"{line} · {online} of {len(self.attendees)} online · sorted by {SORTS[self.sort_by]}"
        )
