"""`--seed N`: parsed as a whole number, kept in the session, and given to panes whose lesson sets no seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nntui.app.panes import pane_settings
from nntui.cli import build_parser
from nntui.cli.app_cmd import MAX_SEED, config_from_args
from nntui.course import parse_lesson_text
from nntui.course.panes import PANE_TYPES

LESSON = """---
title: Seeds
---
## Default seed
```pane training
```
## Its own seed
```pane training seed=3
```
## No seed setting at all
```pane neuron
```
"""


def specs():
    lesson, problems = parse_lesson_text(LESSON, Path("01-seeds.md"))
    assert problems == []
    return [step.panes[0] for step in lesson.steps]


def test_the_seed_fills_only_a_seed_the_lesson_left_out():
    default, own, none = specs()
    assert own.given == ("seed",) and default.given == ()
    assert pane_settings(default, 7)["seed"] == 7
    assert pane_settings(own, 7)["seed"] == 3
    assert "seed" not in pane_settings(none, 7)
    # Without --seed every pane keeps the lesson's settings (defaults included).
    assert pane_settings(default, None)["seed"] == PANE_TYPES["training"].defaults()["seed"]
    assert pane_settings(own, None) == own.settings
    # The lesson's spec itself is never changed (it is shared by every visit to the step).
    assert default.settings["seed"] == PANE_TYPES["training"].defaults()["seed"]


def test_seed_option_reaches_the_config_and_the_session(build):
    args = build_parser().parse_args(["--seed", "42"])
    assert config_from_args(args).seed == 42
    assert config_from_args(build_parser().parse_args([])).seed is None
    assert build(seed=42).shared.seed == 42


@pytest.mark.parametrize(
    ("value", "expected"),
    [("x", "'x' is not a whole number"), ("1.5", "'1.5' is not a whole number"), ("-1", f"0 to {MAX_SEED}")],
)
def test_a_bad_seed_is_one_line_and_exit_2(value, expected):
    done = subprocess.run(
        [sys.executable, "-m", "nntui", "--seed", value], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "--seed" in done.stderr and expected in done.stderr


async def test_the_lesson_screen_builds_panes_with_the_seed(build, tmp_path):
    from nntui.app.panes import Pane

    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01-seeds.md").write_text(LESSON)
    app = build(lessons_dir=folder, seed=7)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seeds = [app.screen.query_one(Pane).settings["seed"]]
        await pilot.press("right")
        await pilot.pause()
        seeds.append(app.screen.query_one(Pane).settings["seed"])
        await app.workers.wait_for_complete()
    assert seeds == [7, 3]
