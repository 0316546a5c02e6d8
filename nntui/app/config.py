"""Everything the lesson app needs to start, gathered by the CLI or by a test."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AppConfig", "DEFAULT_THEME"]

#: Textual's default dark theme.
DEFAULT_THEME = "textual-dark"


def _on_server() -> bool:
    from nntui.exercises import on_server

    return on_server()


def _room_socket() -> Path | None:
    from nntui.room.protocol import ROOM_ENV

    value = os.environ.get(ROOM_ENV)
    return Path(value) if value else None


def _room_via() -> str | None:
    from nntui.room.protocol import ROOM_VIA_ENV

    return os.environ.get(ROOM_VIA_ENV) or None


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
    #: A session of `nntui serve` (it sets NNTUI_ON_SERVER): nothing may start a program of the
    #: server's account, so `e` on the Exercises screen opens the in-app editor, never $EDITOR.
    on_server: bool = field(default_factory=_on_server)
    #: The room hub's socket in a workshop session (``NNTUI_ROOM``); None: no room (local `nntui`).
    room_socket: Path | None = field(default_factory=_room_socket)
    #: How the attendee came in ("ssh" or "web", ``NNTUI_ROOM_VIA``).
    room_via: str | None = field(default_factory=_room_via)
