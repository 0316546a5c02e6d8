"""Shared pieces of the command line: a parser whose errors are one line, and value checkers."""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

__all__ = [
    "ArgumentParser",
    "CliError",
    "finite_float",
    "positive_float",
    "epoch_count",
    "float_list",
    "MAX_EPOCHS",
]

#: Beyond this an epoch count is a typo, not a plan: a million epochs already takes minutes.
MAX_EPOCHS = 1_000_000


class CliError(Exception):
    """A problem the user can fix; printed as one line on stderr with exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is a single line that points at ``-h``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} -h')\n")
        raise SystemExit(2)


def finite_float(text: str) -> float:
    """A real number; rejects words, nan and inf."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_float(text: str) -> float:
    """A finite number greater than zero (a learning rate)."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
    return value


def epoch_count(text: str) -> int:
    """A whole number of epochs from 1 to MAX_EPOCHS."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    if value > MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"at most {MAX_EPOCHS:,} epochs, got {value:,}")
    return value


def float_list(count: int, what: str):
    """A checker for exactly ``count`` comma-separated finite numbers."""

    def parse(text: str) -> list[float]:
        parts = [p for p in text.replace(" ", "").split(",") if p != ""]
        if len(parts) != count:
            raise argparse.ArgumentTypeError(
                f"expected {count} {what} separated by commas, got {len(parts)}: {text!r}"
            )
        return [finite_float(p) for p in parts]

    parse.__name__ = what  # argparse names the type in some messages
    return parse
