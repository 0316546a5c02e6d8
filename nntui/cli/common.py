"""Shared pieces of the command line: a parser whose errors are one line, and value checkers.

Every message is one short line whatever the user typed: values echoed back are cut to
about 80 characters (an argument may be 20 KB), control characters never reach the
terminal, and a path the file system cannot hold (a name over 255 bytes) is refused while
parsing instead of failing later with a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from nntui.printable import clip, one_line, quoted

__all__ = [
    "ArgumentParser",
    "CliError",
    "MAX_SEED",
    "check_path",
    "finite_float",
    "one_line",
    "seed_number",
    "positive_float",
    "count",
    "epoch_count",
    "port_number",
    "seconds",
    "whole_number",
    "float_list",
    "MAX_EPOCHS",
]

#: Beyond this an epoch count is a typo, not a plan: a million epochs already takes minutes.
MAX_EPOCHS = 1_000_000


#: Random seeds are what NumPy's generators take: whole numbers from 0 to 2**32 - 1.
MAX_SEED = 2**32 - 1
#: The longest file name (one part of a path) and whole path Linux and macOS accept, in bytes.
NAME_MAX = 255
PATH_MAX = 4095
#: Metavars that mark an option's value as a path (besides ``type=Path``).
PATH_METAVARS = ("DIR", "FILE", "PATH")


class CliError(Exception):
    """A problem the user can fix; printed as one line on stderr with exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def check_path(text: str) -> str:
    """``text`` if the file system can hold such a path; raises ArgumentTypeError otherwise."""
    encoded = os.fsencode(text)
    if len(encoded) > PATH_MAX:
        raise argparse.ArgumentTypeError(f"the path is longer than {PATH_MAX + 1} bytes: {quoted(text)}")
    for part in encoded.split(b"/"):
        if len(part) > NAME_MAX:
            name = quoted(os.fsdecode(part))
            raise argparse.ArgumentTypeError(f"a name in the path is longer than {NAME_MAX} bytes: {name}")
    return text


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line that points at ``-h``.

    Values of path options (``type=Path``, or a metavar DIR, FILE or PATH) are checked with
    :func:`check_path` before their type sees them, so every path option of every command
    refuses an impossible path in one line.
    """

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {one_line(message)} (see '{self.prog} -h')\n")
        raise SystemExit(2)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        if isinstance(arg_string, str) and (action.type is Path or action.metavar in PATH_METAVARS):
            try:
                check_path(arg_string)
            except argparse.ArgumentTypeError as error:
                raise argparse.ArgumentError(action, str(error)) from None
        return super()._get_value(action, arg_string)


def finite_float(text: str) -> float:
    """A real number; rejects words, nan and inf."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a finite number")
    return value


def positive_float(text: str) -> float:
    """A finite number greater than zero (a learning rate)."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {quoted(text)}")
    return value


def whole_number(
    text: str,
    low: int,
    high: int,
    unit: str = "",
    ranged: bool = False,
    what: str = "whole number",
    bounds: str | None = None,
) -> int:
    """``text`` as a whole number from ``low`` to ``high``.

    The message names the bound it broke ("must be at least 1", "at most 1,000,000 epochs"),
    with ``ranged`` both ("must be from 0 to 4294967295"), or says ``bounds`` if given; text
    that is no whole number at all "is not a ``what``".
    """
    text = text.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a {what}")
    # Past 30 digits only the sign matters: int() of thousands of digits is itself an error.
    if len(text.lstrip("+-").lstrip("0")) <= 30:
        value: float = int(text)
    else:
        value = -math.inf if text.startswith("-") else math.inf
    if low <= value <= high:
        return int(value)
    shown = clip(text, 30)
    if bounds is not None:
        raise argparse.ArgumentTypeError(f"{bounds}, got {shown}")
    if ranged:
        raise argparse.ArgumentTypeError(f"must be from {low} to {high}{unit}, got {shown}")
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low:,}, got {shown}")
    raise argparse.ArgumentTypeError(f"at most {high:,}{unit}, got {shown}")


def count(low: int, high: int):
    """A checker for a whole number from ``low`` to ``high`` (sessions, tries, megabytes)."""

    def parse(text: str) -> int:
        return whole_number(text, low, high, ranged=True)

    parse.__name__ = "number"  # argparse names the type in some messages
    return parse


def port_number(text: str) -> int:
    """A TCP port: 1 to 65535, or 0 (any free port, which only loopback tests may ask for)."""
    return whole_number(text, 0, 65535, what="port number", bounds="port must be from 1 to 65535")


def seconds(text: str) -> float:
    """A length of time in seconds: 0 (never) or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a number of seconds") from None
    if not 0 <= value < math.inf:
        raise argparse.ArgumentTypeError(f"must be 0 (never) or more seconds, got {quoted(text)}")
    return value


def epoch_count(text: str) -> int:
    """A whole number of epochs from 1 to MAX_EPOCHS."""
    return whole_number(text, 1, MAX_EPOCHS, " epochs")


def seed_number(text: str) -> int:
    """A random seed: a whole number from 0 to MAX_SEED (worded as the app's own --seed)."""
    return whole_number(text, 0, MAX_SEED, ranged=True)


def float_list(count: int, what: str):
    """A checker for exactly ``count`` comma-separated finite numbers."""

    def parse(text: str) -> list[float]:
        parts = [p for p in text.replace(" ", "").split(",") if p != ""]
        if len(parts) != count:
            raise argparse.ArgumentTypeError(
                f"expected {count} {what} separated by commas, got {len(parts)}: {quoted(text)}"
            )
        return [finite_float(p) for p in parts]

    parse.__name__ = what  # argparse names the type in some messages
    return parse
