"""Text that is safe to print on a terminal, and short enough to read in one line.

Lesson files, progress files and command-line arguments come from people: a title may carry
terminal escape sequences (that retitle the window, clear the screen or fake other output)
and an argument may be 20 KB long. Everything such text passes through before it reaches a
terminal goes through :func:`printable`, and anything echoed back in a message through
:func:`clip` or :func:`quoted`. Pure Python: never imports Textual.
"""

from __future__ import annotations

import re

__all__ = ["ELLIPSIS", "MESSAGE_MAX", "clip", "one_line", "printable", "quoted"]

ELLIPSIS = "…"

# Escape sequences first (so their parameters go too), then any single control character:
# CSI (ESC [ ... final), OSC and the string commands (ESC ] / P / X / ^ / _ ... BEL or ST),
# two-character escapes, C0 and C1 controls, DEL, and the bidirectional overrides that
# make text display in another order than it is stored.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_BLANKS = re.compile(r"[\t\n]")
_LONG_WORD = re.compile(r"\S{101,}")

#: Longest message printed; longer ones are cut (each long word first, then the whole line).
MESSAGE_MAX = 1000


def printable(text: str, keep_lines: bool = False) -> str:
    """``text`` without escape sequences or control characters.

    Tabs and newlines become spaces, unless ``keep_lines`` (for a whole file's text: then
    they stay, and a carriage return ends a line as a newline does).
    """
    text = str(text)
    if keep_lines:
        return _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANKS.sub(" ", _ESCAPES.sub("", text))


def clip(text: str, limit: int = 80) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def quoted(text: str, limit: int = 80) -> str:
    """``text`` as a Python literal for a message (escapes shown, not sent), cut to ``limit``."""
    return repr(clip(str(text), limit))


def one_line(message: str) -> str:
    """``message`` as one printable line of at most MESSAGE_MAX characters."""
    text = _LONG_WORD.sub(lambda match: clip(match.group(), 100), printable(message))
    return clip(text, MESSAGE_MAX)
