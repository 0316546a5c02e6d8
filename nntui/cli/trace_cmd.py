"""`nntui trace`. PLACEHOLDER: written next by the lead."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the `trace` subcommand."""
