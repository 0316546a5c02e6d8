"""Shown instead of the lessons when the lessons folder has problems."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

__all__ = ["ProblemsScreen"]


class ProblemsScreen(Screen[None]):
    """Lists every problem as ``file:line: message``, as `nntui lessons check` does."""

    def __init__(self, directory: str, problems: list[str]) -> None:
        super().__init__()
        self.directory = directory
        self.problems = problems

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with VerticalScroll(id="problems-box", can_focus=True):
            yield Static(
                f"The lessons in {self.directory} cannot be shown. Fix these and start again (q quits):\n",
                id="problems-title",
                markup=False,
            )
            yield Static("\n".join(self.problems), id="problems-list", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.app.title = "nntui"
        self.app.sub_title = "lessons with problems"
