"""`nntui` with no subcommand: options of the lesson app, and starting it.

PLACEHOLDER: owned by the app work (issue 3), which replaces this file.
"""

from __future__ import annotations


def add_app_arguments(parser) -> None:
    """Add the lesson app's options (--lessons, --lesson, --state-dir, ...) to the top-level parser."""


def run_app(args) -> int:
    """Start the lesson app with the parsed options."""
    from .common import CliError

    raise CliError("the lesson app is not built yet")
