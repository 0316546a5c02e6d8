"""`nntui` with no subcommand: the lesson app's options, and starting it.

Textual is imported only when the app really starts, so the other subcommands stay fast.
"""

from __future__ import annotations

import argparse
import sys

from .common import MAX_SEED, CliError, seed_number

__all__ = ["add_app_arguments", "run_app", "config_from_args", "seed_number", "MAX_SEED"]


def add_app_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the lesson app's options (--lessons, --lesson, --state-dir, ...) to the top-level parser."""
    group = parser.add_argument_group("lesson app")
    group.add_argument(
        "--lessons",
        metavar="DIR",
        help="folder of lesson files to use instead of the built-in course (or set NNTUI_LESSONS_DIR)",
    )
    group.add_argument(
        "--lesson", metavar="N|SLUG", help="open this lesson (number, or slug like 01-neurons or neurons)"
    )
    group.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where progress is saved (or set NNTUI_STATE_DIR; default: your user data folder)",
    )
    group.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    group.add_argument("--theme", metavar="NAME", help="a Textual theme, e.g. textual-dark or textual-light")
    group.add_argument("--reset-progress", action="store_true", help="forget saved progress before starting")
    group.add_argument("--name", metavar="NAME", help="your name, kept with your progress (for workshops)")
    group.add_argument(
        "--ask-name",
        action="store_true",
        help="ask for a name at start if none is known yet (workshop servers)",
    )
    group.add_argument(
        "--seed",
        type=seed_number,
        metavar="N",
        help="random seed for every pane whose lesson does not set one (a whole number from 0 to 2**32-1)",
    )


def config_from_args(args: argparse.Namespace):
    """The AppConfig the parsed options describe."""
    from pathlib import Path

    from nntui.app.config import DEFAULT_THEME, AppConfig

    return AppConfig(
        lessons_dir=Path(args.lessons) if args.lessons else None,
        start_lesson=args.lesson,
        state_dir=Path(args.state_dir) if args.state_dir else None,
        mouse=not args.no_mouse,
        theme=args.theme or DEFAULT_THEME,
        attendee_name=args.name,
        ask_name=args.ask_name,
        reset_progress=args.reset_progress,
        seed=args.seed,
    )


def run_app(args: argparse.Namespace) -> int:
    """Start the lesson app with the parsed options; returns the exit status."""
    import gc

    # No garbage collection until the first screen is painted (the app turns it back on then):
    # start-up only builds objects that stay, and a full collection would delay the first frame.
    gc.disable()
    try:
        return _run_app(args)
    finally:
        gc.enable()


def _run_app(args: argparse.Namespace) -> int:
    from nntui.app import ConfigError, make_app
    from nntui.course import load_course, resolve_lessons_dir

    config = config_from_args(args)
    lessons_dir = resolve_lessons_dir(config.lessons_dir)
    course = load_course(lessons_dir)
    if course.problems:
        # Same messages as `nntui lessons check`, and no full-screen app on a broken folder.
        for problem in course.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(
            f"nntui: error: the lessons in {lessons_dir} have {len(course.problems)} problem(s)\n"
        )
        return 1
    try:
        app = make_app(config, course)
    except ConfigError as error:
        raise CliError(str(error)) from None
    app.gc_paused = True
    app.run(mouse=config.mouse)
    return int(app.return_code or 0)
