"""Damaged progress files through `nntui exercises` and the instructor's `nntui serve status`.

One attendee's bad file (nested 200,000 deep, a FIFO, a link to /dev/zero) must never hang
or crash the command, nor hide anyone else's row. Each command runs as a child with a time
and memory limit: before the fix these hung or filled the memory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .command import nntui as run_nntui

DEEP = '{"completed": ' + "[" * 200_000 + "]" * 200_000 + "}"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def nntui(*args: str):
    return run_nntui(*args, limit_memory=True)


def damage(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "deeply-nested":
        path.write_text(DEEP)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)


KINDS = ["deeply-nested", "fifo", "link-to-dev-zero"]


@pytest.mark.parametrize("kind", KINDS)
def test_exercises_list_survives_a_damaged_progress_file_and_says_so_once(tmp_path, kind):
    damage(tmp_path / "progress.json", kind)
    done = nntui("exercises", "--state-dir", str(tmp_path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert "sigmoid" in done.stdout
    warnings = done.stderr.splitlines()
    assert len(warnings) == 1 and "could not be used" in warnings[0] and "progress.json.bak" in warnings[0]
    assert os.path.lexists(tmp_path / "progress.json.bak")


def write_good(users: Path, name: str, lesson: str) -> None:
    (users / name).mkdir(parents=True)
    progress = {"version": 1, "lesson": lesson, "step": 2, "completed": {lesson: [0, 1]}}
    (users / name / "progress.json").write_text(json.dumps(progress))


def test_serve_status_shows_everyone_despite_damaged_files_and_changes_nothing(tmp_path):
    users = tmp_path / "users"
    write_good(users, "amy", "02-networks")
    for name, kind in zip(["ben", "cat", "dan"], KINDS, strict=True):
        damage(users / name / "progress.json", kind)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    done = nntui("serve", "status", "--state-dir", str(tmp_path))
    assert done.returncode == 0 and done.stderr == "", done.stderr[-1500:]
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert rows["amy"].split()[1:4] == ["02-networks", "3", "2"]
    for name in ("ben", "cat", "dan"):
        assert "(unreadable)" in rows[name]
    # Read-only: nothing moved aside in the attendees' folders.
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    problems = {
        row["name"]: row["problem"]
        for row in json.loads(nntui("serve", "status", "--state-dir", str(tmp_path), "--json").stdout)
    }
    assert problems["amy"] is None and "nested too deeply" in problems["ben"]
    assert "not a regular file" in problems["cat"] and "not a regular file" in problems["dan"]


def test_serve_status_strips_escape_sequences_from_attendee_text(tmp_path):
    users = tmp_path / "users"
    write_good(users, "eve", f"01-{ESCAPES}neurons")
    (tmp_path / "sessions.json").write_text(
        json.dumps({"pid": os.getpid(), "online": {f"mal{ESCAPES}lory": 1}})
    )
    done = nntui("serve", "status", "--state-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "01-neurons" in done.stdout and "mallory" in done.stdout


@pytest.mark.parametrize("planted", ["fifo", "zero"])
def test_serve_status_never_hangs_on_a_planted_sessions_file(tmp_path, planted):
    write_good(tmp_path / "users", "amy", "02-networks")
    record = tmp_path / "sessions.json"
    if planted == "fifo":
        os.mkfifo(record)
    else:
        record.symlink_to("/dev/zero")
    done = nntui("serve", "status", "--state-dir", str(tmp_path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert "amy" in done.stdout
