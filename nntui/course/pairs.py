"""Read ``key=value`` settings as pane blocks, check setups, mistakes and numbers write them."""

from __future__ import annotations

import re
from typing import Any, Callable

from .panes import SettingError, parse_value

__all__ = ["PAIR", "read_pairs"]

#: One setting: a name, ``=``, and a value (a bracketed list may hold spaces).
PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[[^\]]*\]?|[^\s\[\]]+)")


def read_pairs(text: str, line: int, raw: dict[str, Any], problem: Callable[[int, str], None]) -> None:
    """Add the settings written in ``text`` to ``raw``, reporting what cannot be read at ``line``."""
    position = 0
    text = text.rstrip()
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        match = PAIR.match(text, position)
        if not match:
            junk = text[position:].split(None, 1)[0]
            problem(line, f"cannot read {junk!r}: write settings as key=value")
            return
        key, value_text = match[1], match[2]
        if key in raw:
            problem(line, f"setting {key!r} given twice")
        try:
            raw[key] = parse_value(value_text)
        except SettingError as error:
            problem(line, f"{key}: {error}")
        position = match.end()
