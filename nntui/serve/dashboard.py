"""The instructor's live dashboard: the `serve status` table, refreshed every few seconds.

Runs as its own process (``python -m nntui.serve.dashboard --state-dir DIR``), which is
what the SSH server starts for the ``--instructor`` login.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from .status import HEADERS, read_attendees, row_cells

__all__ = ["DashboardApp", "main"]

REFRESH_SECONDS = 3.0


class DashboardApp(App):
    """A table of attendees: lesson, step, checkpoints, last activity."""

    CSS_PATH = "dashboard.tcss"
    TITLE = "nntui workshop"
    BINDINGS = [("q", "quit", "Quit"), ("r", "refresh_table", "Refresh")]

    def __init__(self, state_dir: Path) -> None:
        super().__init__()
        self.state_dir = state_dir

    def get_system_commands(self, screen):
        """Textual's palette commands without Screenshot (it saves to the server account's ~/Downloads)."""
        return (command for command in super().get_system_commands(screen) if command.title != "Screenshot")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary")
        yield DataTable(id="attendees", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*HEADERS)
        self.action_refresh_table()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_table)

    def action_refresh_table(self) -> None:
        """Read the progress files again and redraw the table (keeps the cursor row)."""
        attendees = read_attendees(self.state_dir)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for attendee in attendees:
            table.add_row(*row_cells(attendee), key=attendee.name)
        if attendees:
            table.move_cursor(row=min(row, len(attendees) - 1))
        online = sum(1 for a in attendees if a.online)
        self.query_one("#summary", Static).update(
            f"{len(attendees)} attendees, {online} connected now - refreshed every {REFRESH_SECONDS:g} s"
        )


def main(argv: list[str] | None = None) -> int:
    """Start the dashboard for the state directory given on the command line."""
    parser = argparse.ArgumentParser(prog="nntui-dashboard", description="Live table of workshop attendees.")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--no-mouse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    DashboardApp(args.state_dir).run(mouse=not args.no_mouse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
