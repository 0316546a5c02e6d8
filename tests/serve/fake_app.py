"""A stand-in for the lesson app, used to test the servers on their own.

It takes the same options the servers pass to `nntui`, shows a lesson title, the step
and the terminal size, moves through three steps with Right/Left (or n/p), quits on q and
keeps ``progress.json`` in the format the real app writes.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

STEPS = 3
SLUG = "01-fake-neurons"


class SizeLabel(Static):
    """Shows the terminal size; a full-width widget is resized whenever the terminal is."""

    def on_resize(self) -> None:
        self.update(f"size {self.app.size.width}x{self.app.size.height}")


class FakeLessonApp(App):
    """Three steps of a pretend lesson."""

    BINDINGS = [("right,n", "move(1)", "Next"), ("left,p", "move(-1)", "Back"), ("q", "quit", "Quit")]

    def __init__(self, state_dir: Path, name: str) -> None:
        super().__init__()
        self.state_dir = state_dir
        self.attendee = name
        self.path = state_dir / "progress.json"
        self.step = 0
        if self.path.exists():
            self.step = int(json.loads(self.path.read_text())["step"])

    def compose(self) -> ComposeResult:
        yield Static("Lesson 1: Fake neurons", id="title")
        yield Static(id="step")
        yield SizeLabel(id="size")
        env = os.environ
        yield Static(
            f"TERM={env.get('TERM', '-')} COLORTERM={env.get('COLORTERM', '-')} "
            f"COLUMNS={env.get('COLUMNS', '-')} LINES={env.get('LINES', '-')} "
            f"ANIMATIONS={env.get('TEXTUAL_ANIMATIONS', '-')} AGENT={env.get('SSH_AUTH_SOCK', '-')} "
            f"DISPLAY={env.get('DISPLAY', '-')}",
            id="env",
        )

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        self.query_one("#step", Static).update(f"Step {self.step + 1} of {STEPS} for {self.attendee}")

    def action_move(self, delta: int) -> None:
        self.step = max(0, min(STEPS - 1, self.step + delta))
        self.save()
        self.show()

    def save(self) -> None:
        data = {
            "version": 1,
            "name": self.attendee,
            "lesson": SLUG,
            "step": self.step,
            "completed": {SLUG: list(range(self.step))},
            "checkpoints": {},
            "exercises": {},
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_dir)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)


def main() -> None:
    """Parse the app's options (most are ignored) and run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--name", default="anonymous")
    parser.add_argument("--no-mouse", action="store_true")
    parser.add_argument("--lessons")
    parser.add_argument("--lesson")
    parser.add_argument("--seed")
    args = parser.parse_args()
    FakeLessonApp(args.state_dir, args.name).run(mouse=not args.no_mouse)


if __name__ == "__main__":
    main()
