"""The lesson app. ``make_app(config)`` is the one way to build it, for the CLI and the tests.

Importing this package is cheap; Textual is loaded by ``make_app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import AppConfig

if TYPE_CHECKING:
    from nntui.course import Course

    from .app import NNTuiApp

__all__ = ["AppConfig", "ConfigError", "make_app", "available_themes"]


class ConfigError(Exception):
    """An option the app cannot start with; the message is one line."""


def available_themes() -> list[str]:
    """The names ``--theme`` accepts (Textual's built-in themes)."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)


def make_app(config: AppConfig, course: Course | None = None) -> NNTuiApp:
    """Read the lessons and the progress named by ``config`` and build the app.

    Raises ConfigError for an unknown theme or a ``start_lesson`` that no lesson matches.
    Problems in the lessons folder do not raise: the app lists them instead of the lessons.
    ``course`` is the already-read lessons folder, if the caller has read it (saves a second read).
    """
    from nntui.course import load_course, resolve_lessons_dir
    from nntui.progress import ProgressError, ProgressStore, resolve_state_dir

    from .app import NNTuiApp
    from .tutor import Position, Tutor

    if config.theme and config.theme not in available_themes():
        raise ConfigError(f"unknown theme {config.theme!r} (choose one of {', '.join(available_themes())})")
    lessons_dir = resolve_lessons_dir(config.lessons_dir)
    if course is None:
        course = load_course(lessons_dir)
    if course.problems or not course.lessons:
        problems = [str(p) for p in course.problems] or [f"{lessons_dir}: no lessons"]
        return NNTuiApp(config, None, [], problems=problems, lessons_dir=str(lessons_dir))

    notices: list[str] = []
    store = ProgressStore(resolve_state_dir(config.state_dir))
    if config.reset_progress:
        try:
            store.reset()
        except ProgressError as error:
            notices.append(str(error))
    progress = store.load()
    if store.notice:
        notices.append(store.notice)
    tutor = Tutor(course, store, progress)
    if not store.writable():
        tutor.save_error = f"cannot write to {store.state_dir}"
        notices.append(f"Cannot write to {store.state_dir}: progress will not be saved.")
    moved = config.reset_progress or bool(config.attendee_name)
    if config.start_lesson is not None:
        lesson = course.find(config.start_lesson)
        if lesson is None:
            known = ", ".join(f"{les.number} ({les.slug})" for les in course.lessons)
            raise ConfigError(f"no lesson {config.start_lesson!r} (choose one of {known})")
        index = course.index(lesson.slug) or 0
        if index != tutor.position.lesson:
            tutor.position = Position(index, 0)
            moved = True
    if config.attendee_name:
        tutor.progress.name = config.attendee_name
    app = NNTuiApp(config, tutor, notices)
    # Otherwise the file already says where we are. The write waits until the first screen is
    # painted (NNTuiApp._first_frame): the learner should not wait for a disk flush to read.
    app.save_after_first_frame = moved
    app._save_warned = tutor.save_error is not None and any("will not be saved" in n for n in notices)
    return app
