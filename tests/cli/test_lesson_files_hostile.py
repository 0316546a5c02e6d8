"""Lesson files that are too big, too clever or carry terminal escapes, through `nntui lessons`."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.course.parse import MAX_LESSON_BYTES

from .command import nntui

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def lesson(folder: Path, name: str, title: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\ntitle: {title}\n---\n\n## First step\n\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["lessons", "check"], ["--lessons"]], ids=["lessons-check", "app"])
def test_a_seed_of_400_nines_is_a_lesson_problem_not_a_crash(tmp_path, command):
    path = lesson(tmp_path, "01-seed.md", "Seed", "```pane training seed=" + "9" * 400 + "\n```")
    done = nntui(*command, str(tmp_path))
    assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr[-1500:]
    output = done.stdout + done.stderr
    assert f"{path}:7: pane training: seed: must be from 0 to 4294967295" in output


def test_a_10_mb_lesson_is_reported_not_loaded(tmp_path):
    path = lesson(tmp_path, "01-huge.md", "Huge", ("A line of text that goes on. " * 3 + "\n") * 120_000)
    assert path.stat().st_size > 10_000_000
    lesson(tmp_path, "02-fine.md", "Fine", "Short.")
    done = nntui("lessons", "check", str(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [
        f"{path}:1: the file is larger than {MAX_LESSON_BYTES // 1024} KB: split it into lessons"
    ]


def test_escape_sequences_in_titles_never_reach_the_terminal(tmp_path):
    lesson(tmp_path, "01-esc.md", f"Hello {ESCAPES}world", "Text.").write_text(
        f"---\ntitle: Hello {ESCAPES}world\nsummary: so {ESCAPES}bold\n---\n\n## Step {ESCAPES}one\n\nText.\n"
    )
    done = nntui("lessons", "--lessons", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["01-esc: Hello world - so bold", "   1. Step one"]
