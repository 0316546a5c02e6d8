"""Everything the lesson app needs to start, gathered by the CLI or by a test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["AppConfig", "DEFAULT_THEME"]

#: Textual's default dark theme.
DEFAULT_THEME = "textual-dark"


@dataclass
class AppConfig:
    """Options of one run of the lesson app.

    ``lessons_dir`` and ``state_dir`` are folders (None: the defaults, see
    ``nntui.course.resolve_lessons_dir`` and ``nntui.progress.resolve_state_dir``);
    ``start_lesson`` is a number or slug that overrides the saved position.
    """

    lessons_dir: Path | None = None
    start_lesson: str | None = None
    state_dir: Path | None = None
    mouse: bool = True
    theme: str = DEFAULT_THEME
    attendee_name: str | None = None
    #: Ask for a name at start when none is known yet (workshop servers).
    ask_name: bool = False
    reset_progress: bool = False
    #: ``--seed``: the seed of every pane whose lesson does not set one (None: the lessons' own).
    seed: int | None = None
