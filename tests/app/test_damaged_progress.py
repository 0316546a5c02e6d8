"""The app and its progress file: a damaged one (it starts, says what happened in one line, loses
nothing), and one that another process writes while the app runs."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from nntui.app.screens.lesson import LessonScreen
from nntui.progress import FILE_NAME, ProgressStore

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"

DEEP = '{"completed": ' + "[" * 200_000 + "]" * 200_000 + "}"


def progress_notices(app) -> list[str]:
    return [n.message for n in app._notifications if n.message.startswith("Progress:")]


async def test_deeply_nested_progress_starts_fresh_with_one_line_and_keeps_the_file(build, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / FILE_NAME).write_text(DEEP)  # RecursionError on every start, once
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        assert isinstance(app.screen, LessonScreen)
        notices = progress_notices(app)
        assert len(notices) == 1 and "\n" not in notices[0] and "progress.json.bak" in notices[0]
    assert (state_dir / (FILE_NAME + ".bak")).read_text() == DEEP
    assert json.loads((state_dir / FILE_NAME).read_text())["step"] == 1  # and the new progress is saved


# Run in a child with a time and memory limit: before the fix a FIFO blocked the app for
# ever and /dev/zero filled the memory, neither of which a test should do to its runner.
PILOT_SCRIPT = """
import asyncio, json, sys
from nntui.app import AppConfig, make_app

async def main():
    app = make_app(AppConfig(lessons_dir=sys.argv[1], state_dir=sys.argv[2]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        print(json.dumps([n.message for n in app._notifications]))

asyncio.run(main())
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero"])
def test_progress_file_that_is_no_regular_file_is_set_aside_not_read(state_dir, kind):
    state_dir.mkdir(parents=True)
    path = state_dir / FILE_NAME
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)
    done = subprocess.run(
        [sys.executable, "-c", PILOT_SCRIPT, str(FIXTURE_LESSONS), str(state_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    notices = [n for n in json.loads(done.stdout.splitlines()[-1]) if n.startswith("Progress:")]
    assert len(notices) == 1 and "not a regular file" in notices[0] and "progress.json.bak" in notices[0]
    backup = state_dir / (FILE_NAME + ".bak")
    assert backup.is_fifo() if kind == "fifo" else os.readlink(backup) == "/dev/zero"
    assert json.loads(path.read_text())["step"] == 1  # a regular file again, with the new progress


async def test_one_bad_field_is_dropped_and_the_rest_of_the_progress_kept(build, state_dir):
    state_dir.mkdir(parents=True)
    original = json.dumps(
        {"lesson": "02-second", "step": "one", "completed": {"01-first": [0, 1, 2]}, "name": "amy"}
    )
    (state_dir / FILE_NAME).write_text(original)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.title == "2. Second lesson"  # where the learner was, not a fresh start
        notices = progress_notices(app)
        assert len(notices) == 1 and "'step'" in notices[0] and "start fresh" not in notices[0]
        await pilot.press("right")
    saved = json.loads((state_dir / FILE_NAME).read_text())
    assert saved["completed"]["01-first"] == [0, 1, 2] and saved["name"] == "amy"
    assert (state_dir / (FILE_NAME + ".bak")).read_text() == original


async def test_app_keeps_exercise_results_written_while_it_runs(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        store = ProgressStore(state_dir)
        store.update(lambda p: p.exercises.__setitem__("sigmoid", "passed"))
        await pilot.press("right")
    data = json.loads((state_dir / FILE_NAME).read_text())
    assert data["exercises"] == {"sigmoid": "passed"} and data["step"] == 1
