"""The `nntui` command line.

`nntui` alone opens the lesson app; subcommands print to the terminal and never start
the full-screen interface, so they work in scripts, handouts and screen readers. Each
subcommand lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler``; modules import heavy libraries only inside their handler so
`nntui train` never pays for loading Textual. Starting the app (no subcommand) does not
even import the subcommand modules: only the ones named on the command line are loaded.
"""

from __future__ import annotations

import importlib
import os
import sys

from nntui import __version__

from . import app_cmd
from .common import ArgumentParser, CliError

__all__ = ["build_parser", "main"]

#: Subcommand name -> the module (in this package) that registers it, in help order.
_SUBCOMMANDS = {
    "trace": "trace_cmd",
    "train": "train_cmd",
    "lessons": "lessons_cmd",
    "serve": "serve_cmd",
    "exercises": "exercises_cmd",
}


def _commands_for(argv: list[str]) -> list[str]:
    """The subcommands worth registering to parse ``argv``: those named in it, or all for help."""
    named = [word for word in argv if word in _SUBCOMMANDS]
    if named:
        return named
    return list(_SUBCOMMANDS) if any(word in ("-h", "--help") for word in argv) else []


def build_parser(argv: list[str] | None = None) -> ArgumentParser:
    """The argument parser: app options at the top, and the subcommands ``argv`` needs.

    Without ``argv`` every subcommand is registered (for documentation and tests).
    """
    parser = ArgumentParser(
        prog="nntui",
        description="Learn how a neural network works by building one from scratch in NumPy.",
        epilog="Run 'nntui COMMAND -h' for a command's options. Without a command, the lessons open.",
    )
    parser.add_argument("--version", action="version", version=f"nntui {__version__}")
    app_cmd.add_app_arguments(parser)
    names = list(_SUBCOMMANDS) if argv is None else _commands_for(argv)
    if names:  # without any, a stray word is left over instead of failing as a bad choice
        subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)
        for name in _SUBCOMMANDS:
            if name in names:
                importlib.import_module(f".{_SUBCOMMANDS[name]}", __name__).register(subparsers)
    parser.set_defaults(handler=app_cmd.run_app)
    return parser


def _environment_problem() -> str | None:
    """One line about a path variable no file system can hold (options are checked by the parser)."""
    import argparse

    from .common import check_path

    for variable in ("NNTUI_STATE_DIR", "NNTUI_LESSONS_DIR"):
        value = os.environ.get(variable)
        if value:
            try:
                check_path(value)
            except argparse.ArgumentTypeError as error:
                return f"{variable}: {error}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `nntui` script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    problem = _environment_problem()
    if problem:
        sys.stderr.write(f"nntui: error: {problem}\n")
        return 2
    if _commands_for(argv):
        args = build_parser(argv).parse_args(argv)
    else:
        # No subcommand named: parse the app's options alone. A word left over is a mistyped
        # command, so parse again with every subcommand for an error that lists the choices.
        args, leftover = build_parser(argv).parse_known_args(argv)
        if leftover:
            args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CliError as error:
        sys.stderr.write(f"nntui: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("nntui: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader (say, `head`) stopped early: not an error. Point stdout at /dev/null so
        # Python's own flush at exit does not complain a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
