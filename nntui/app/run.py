"""Running the lesson app: one seam for the command line and for a workshop server's session.

``run(config)`` loads the course, reports a broken lessons folder on stderr, makes the app,
holds the garbage collector until the first frame and runs the app to its end. The command
line turns argv into an :class:`~nntui.app.config.AppConfig`; a server session builds the
config itself and passes ``on_app`` to tune the app before it starts.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import AppConfig

if TYPE_CHECKING:
    from nntui.course import Course

    from .app import NNTuiApp

__all__ = ["read_course", "run"]

#: Courses read in this process: folder -> (its lesson files' names, sizes and times; the course).
_COURSES: dict[Path, tuple[tuple, Course]] = {}


def _lesson_files(folder: Path) -> tuple | None:
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.stat()) for entry in entries if entry.name.endswith(".md")]
    except OSError:
        return None
    return tuple(sorted((name, info.st_size, info.st_mtime_ns) for name, info in found))


def read_course(lessons_dir: Path) -> Course:
    """The course in ``lessons_dir``, read once per process while its lesson files stay the same.

    A workshop's session starter reads it before forking, so every session finds it parsed
    (about 13 ms of CPU per session otherwise). A changed, added or removed file is read anew.
    """
    from nntui.course import load_course

    files = _lesson_files(lessons_dir)
    known = _COURSES.get(lessons_dir)
    if files is not None and known is not None and known[0] == files:
        return known[1]
    course = load_course(lessons_dir)
    if files is not None:
        _COURSES[lessons_dir] = (files, course)
    return course


def run(config: AppConfig, on_app: Callable[[NNTuiApp], None] | None = None) -> int:
    """Run the lesson app as ``config`` says; returns the exit status.

    A lessons folder with problems is listed on stderr (the same lines as `nntui lessons
    check`) and gives status 1 without starting the full-screen app. ``on_app`` is called
    with the app once it is made, before it runs. Raises ``nntui.app.ConfigError`` for an
    option the app cannot start with (an unknown theme or start lesson).
    """
    # No garbage collection until the first screen is painted (the app turns it back on then):
    # start-up only builds objects that stay, and a full collection would delay the first frame.
    gc.disable()
    try:
        return _run(config, on_app)
    finally:
        gc.enable()


def _run(config: AppConfig, on_app: Callable[[NNTuiApp], None] | None) -> int:
    from nntui.course import resolve_lessons_dir

    from . import make_app

    lessons_dir = resolve_lessons_dir(config.lessons_dir)
    course = read_course(lessons_dir)
    if course.problems:
        # No full-screen app on a broken folder.
        for problem in course.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(
            f"nntui: error: the lessons in {lessons_dir} have {len(course.problems)} problem(s)\n"
        )
        return 1
    app = make_app(config, course)
    if on_app is not None:
        on_app(app)
    app.gc_paused = True
    app.run(mouse=config.mouse)
    return int(app.return_code or 0)
