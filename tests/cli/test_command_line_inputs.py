"""Hostile or mistaken command-line input: one clear line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest

from nntui.cli import build_parser
from nntui.cli.common import PATH_METAVARS

from .command import nntui

LONG_NAME = "a" * 300  # one path part longer than any file system allows (255 bytes)
HUGE = "9" * 20_000  # an argument of 20 KB


def assert_one_line_error(done: subprocess.CompletedProcess, status: int = 2) -> str:
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert done.returncode == status, done.stderr[-1500:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "error" in lines[0]
    assert len(lines[0]) < 1200  # whatever the user typed, the message stays short
    return lines[0]


@pytest.mark.parametrize("command", ["train", "trace"])
def test_negative_seed_is_refused_in_one_line(command):
    line = assert_one_line_error(nntui(command, "--seed", "-1"))
    assert "--seed" in line and "must be from 0 to 4294967295, got -1" in line


@pytest.mark.parametrize(
    "args",
    [
        ["--lessons", f"/tmp/{LONG_NAME}"],
        ["--state-dir", f"/tmp/{LONG_NAME}/state"],
        ["lessons", "--lessons", f"/tmp/{LONG_NAME}"],
        ["lessons", "check", f"/tmp/{LONG_NAME}"],
        ["exercises", "--state-dir", f"/tmp/{LONG_NAME}"],
        ["exercises", "--dir", f"/tmp/{LONG_NAME}"],
        ["serve", "status", "--state-dir", f"/tmp/{LONG_NAME}"],
    ],
    ids=[
        "app-lessons",
        "app-state-dir",
        "lessons",
        "lessons-check",
        "exercises-state",
        "exercises-dir",
        "status",
    ],
)
def test_path_with_a_name_over_255_bytes_is_refused_in_one_line(args):
    line = assert_one_line_error(nntui(*args, timeout=30))
    assert "longer than 255 bytes" in line and LONG_NAME not in line


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--epochs", HUGE],
        ["train", "--lr", HUGE],
        ["trace", "--person", HUGE],
        ["--lesson", HUGE],
        ["exercises", "hint", HUGE],
    ],
    ids=["epochs", "lr", "person", "lesson", "exercise-name"],
)
def test_a_20_kb_argument_is_cut_in_the_message(args):
    line = assert_one_line_error(nntui(*args))
    assert "…" in line and "9" * 200 not in line


def test_control_characters_in_an_argument_never_reach_the_terminal():
    # argparse names a stray argument as it was typed: an escape that retitles the window.
    line = assert_one_line_error(nntui("train", "\x1b]0;pwned\x07\x1b[2J"))
    assert "\x1b" not in line and "\x07" not in line


def _options(parser: argparse.ArgumentParser, prefix: str = "nntui"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{prefix} {name}")
        else:
            yield prefix, action


def test_every_path_option_is_checked_before_use():
    """A new path option gets the one-line check too, as long as it says it is a path."""
    looks_like_a_path = re.compile(r"dir|file|folder|lessons$|workshop|keys")
    unchecked = [
        f"{prefix} {action.option_strings or action.dest}"
        for prefix, action in _options(build_parser())
        if looks_like_a_path.search(action.dest)
        and not (action.type is Path or action.metavar in PATH_METAVARS)
    ]
    assert unchecked == []


@pytest.mark.parametrize(
    "variable, args",
    [
        ("NNTUI_STATE_DIR", ["exercises"]),
        ("NNTUI_STATE_DIR", ["serve", "status"]),
        ("NNTUI_LESSONS_DIR", ["lessons"]),
    ],
    ids=["exercises-state", "status-state", "lessons"],
)
def test_a_path_too_long_in_the_environment_is_one_line(monkeypatch, variable, args):
    # Options are checked by the parser; a path from the environment only fails when used.
    monkeypatch.setenv(variable, f"/tmp/{LONG_NAME}/x")
    line = assert_one_line_error(nntui(*args))
    assert variable in line and "longer than 255 bytes" in line and LONG_NAME not in line
