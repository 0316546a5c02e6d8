"""`nntui serve`.

PLACEHOLDER: replaced by the issue that builds it.
"""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the `serve` subcommand."""
