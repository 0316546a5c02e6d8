"""The `nntui` command line.

`nntui` alone opens the lesson app; subcommands print to the terminal and never start
the full-screen interface, so they work in scripts, handouts and screen readers. Each
subcommand lives in its own module with a ``register(subparsers)`` function that adds its
parser and sets ``handler``; modules import heavy libraries only inside their handler so
`nntui train` never pays for loading Textual.
"""

from __future__ import annotations

import os
import sys

from nntui import __version__

from . import app_cmd, exercises_cmd, lessons_cmd, serve_cmd, trace_cmd, train_cmd
from .common import ArgumentParser, CliError

__all__ = ["build_parser", "main"]

_SUBCOMMANDS = (trace_cmd, train_cmd, lessons_cmd, serve_cmd, exercises_cmd)


def build_parser() -> ArgumentParser:
    """The full argument parser: app options at the top, one subparser per subcommand."""
    parser = ArgumentParser(
        prog="nntui",
        description="Learn how a neural network works by building one from scratch in NumPy.",
        epilog="Run 'nntui COMMAND -h' for a command's options. Without a command, the lessons open.",
    )
    parser.add_argument("--version", action="version", version=f"nntui {__version__}")
    app_cmd.add_app_arguments(parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)
    for module in _SUBCOMMANDS:
        module.register(subparsers)
    parser.set_defaults(handler=app_cmd.run_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `nntui` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
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
