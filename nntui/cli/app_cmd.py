"""`nntui` with no subcommand: the lesson app's options, and starting it.

Textual is imported only when the app really starts, so the other subcommands stay fast.
"""

from __future__ import annotations

import argparse
import importlib.util
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


#: Python's own hash modules: with all of them, ``hashlib`` needs no OpenSSL (names of 3.11;
#: 3.12 merged the SHA-2 ones into ``_sha2``).
_OWN_HASHES = (
    ("_md5", "_sha1", "_sha256", "_sha512", "_blake2", "_sha3"),
    ("_md5", "_sha1", "_sha2", "_blake2", "_sha3"),
)


def leave_out_openssl() -> list[str]:
    """Keep OpenSSL out of the lesson app's process; returns the modules marked as absent.

    Nothing in the app speaks TLS or needs OpenSSL's hashes, yet two imports map it anyway:
    asyncio imports ``ssl`` in case a connection wants TLS, and ``hashlib`` (which NumPy's
    random module reaches through ``secrets``) prefers OpenSSL's hashes to Python's own.
    Mapped and initialised, OpenSSL is about 4 MB of every learner's resident memory (7%;
    a workshop's web fallback starts one app per browser). A ``None`` in ``sys.modules``
    makes an import fail as if the module were not installed, which both handle: asyncio goes
    without TLS and hashlib uses Python's own hashes. Called before asyncio is imported; a
    module already imported is left alone, and ``_hashlib`` only when Python's own hashes are
    all there (a build without them would log an error for each).
    """
    absent = [name for name in ("ssl", "_ssl") if name not in sys.modules]
    own_hashes = any(all(importlib.util.find_spec(name) for name in names) for names in _OWN_HASHES)
    if own_hashes and "_hashlib" not in sys.modules and "hashlib" not in sys.modules:
        absent.append("_hashlib")
    for name in absent:
        sys.modules[name] = None
    return absent


def run_app(args: argparse.Namespace) -> int:
    """Start the lesson app with the parsed options; returns the exit status."""
    leave_out_openssl()  # before Textual imports asyncio
    from nntui.app import ConfigError
    from nntui.app.run import run

    try:
        return run(config_from_args(args))
    except ConfigError as error:
        raise CliError(str(error)) from None
