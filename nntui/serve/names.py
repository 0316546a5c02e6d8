"""Attendee names: the rule they follow and the message shown when one breaks it."""

from __future__ import annotations

import re

__all__ = ["NAME_RULE", "is_valid_name", "name_problem"]

_NAME = re.compile(r"[a-z0-9_-]{1,32}")

#: The rule in words, for messages.
NAME_RULE = "1 to 32 characters from a-z, 0-9, '_' and '-'"


def is_valid_name(name: str) -> bool:
    """True if ``name`` can be an attendee name (and so a folder name under users/)."""
    return _NAME.fullmatch(name) is not None


def name_problem(name: str) -> str | None:
    """None when ``name`` is fine, else one sentence saying what is wrong with it."""
    if is_valid_name(name):
        return None
    shown = name if len(name) <= 40 else name[:37] + "..."
    if not name:
        return "the name is empty"
    if _NAME.fullmatch(name.lower()):
        return f"{shown!r} has capital letters; use lowercase ({name.lower()!r})"
    return f"{shown!r} cannot be used as a name: use {NAME_RULE}"
