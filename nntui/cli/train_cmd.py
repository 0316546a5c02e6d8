"""`nntui train`. PLACEHOLDER: written next by the lead."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the `train` subcommand."""
