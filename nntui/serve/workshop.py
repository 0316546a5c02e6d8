"""The workshop file (TOML): which lessons, where to start, which seed, for every session.

Example::

    title = "Neural networks from scratch"
    lessons = "lessons"       # folder, relative to this file
    lesson = 1                # number or slug of the starting lesson
    seed = 0                  # random seed handed to every session

Every key is optional; unknown keys are an error so a typo does not go unnoticed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Workshop", "WorkshopError", "load_workshop"]

_KEYS = ("title", "lessons", "lesson", "seed")


class WorkshopError(Exception):
    """The workshop file cannot be used; the message is one line for the instructor."""


@dataclass(frozen=True)
class Workshop:
    """Settings shared by every session of a workshop."""

    title: str | None = None
    lessons: Path | None = None
    lesson: str | None = None
    seed: int | None = None


def load_workshop(path: str | Path) -> Workshop:
    """Read and check a workshop TOML file; raises WorkshopError with a one-line message."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkshopError(f"workshop file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise WorkshopError(f"cannot read workshop file {str(path)!r}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise WorkshopError(f"workshop file {str(path)!r} is not valid TOML: {error}") from None

    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise WorkshopError(
            f"workshop file {str(path)!r}: unknown key {unknown[0]!r} (known keys: {', '.join(_KEYS)})"
        )

    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise WorkshopError(f"workshop file {str(path)!r}: 'title' must be text")

    lessons = data.get("lessons")
    lessons_dir = None
    if lessons is not None:
        if not isinstance(lessons, str) or not lessons:
            raise WorkshopError(f"workshop file {str(path)!r}: 'lessons' must be a folder name")
        lessons_dir = (path.parent / lessons).resolve()
        if not lessons_dir.is_dir():
            raise WorkshopError(
                f"workshop file {str(path)!r}: lessons folder {str(lessons_dir)!r} does not exist"
            )

    lesson = data.get("lesson")
    if lesson is not None:
        if isinstance(lesson, bool) or not isinstance(lesson, (int, str)) or lesson == "":
            raise WorkshopError(f"workshop file {str(path)!r}: 'lesson' must be a number or a lesson name")
        if isinstance(lesson, int) and lesson < 1:
            raise WorkshopError(f"workshop file {str(path)!r}: 'lesson' numbers start at 1")
        lesson = str(lesson)

    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise WorkshopError(f"workshop file {str(path)!r}: 'seed' must be a whole number >= 0")

    return Workshop(title=title, lessons=lessons_dir, lesson=lesson, seed=seed)
