"""Where the lessons are: ``--lessons``, ``NNTUI_LESSONS_DIR``, the wheel's package data, or the checkout."""

from __future__ import annotations

import os
from pathlib import Path

from nntui.paths import resolve_folder

__all__ = ["LESSONS_ENV", "default_lessons_dir", "resolve_lessons_dir"]

#: Environment variable naming a lessons folder (same as ``--lessons``).
LESSONS_ENV = "NNTUI_LESSONS_DIR"

_PACKAGE = Path(__file__).resolve().parent.parent  # .../nntui


def default_lessons_dir() -> Path:
    """The lessons that come with nntui.

    An installed wheel carries them as package data at ``nntui/_lessons``; a source
    checkout (editable install) has them at ``lessons/`` beside the package.
    """
    shipped = _PACKAGE / "_lessons"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / "lessons"


def resolve_lessons_dir(option: str | os.PathLike | None = None) -> Path:
    """The folder to read: the option if given, else the environment variable, else the default."""
    return resolve_folder(option, LESSONS_ENV, default_lessons_dir)
