"""`nntui serve export`: what the room did, read from the hub's record, as JSON or CSV.

Records are written row by row with the contract's schema (tests/serve/room_record.py).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from nntui.cli import main
from nntui.serve.export import IDLE_CAP

from .room_record import T0, RoomRecord

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def record(tmp_path):
    made = RoomRecord(tmp_path)
    yield made
    made.close()


def export(capsys, state_dir, *args) -> tuple[int, str, str]:
    status = main(["serve", "export", "--state-dir", str(state_dir), *args])
    out, err = capsys.readouterr()
    return status, out, err


def exported(capsys, state_dir) -> dict:
    status, out, err = export(capsys, state_dir)
    assert status == 0, err
    return json.loads(out)


def steps_of(data: dict, name: str) -> dict[str, dict]:
    (person,) = [p for p in data["attendees"] if p["name"] == name]
    return {step["label"]: step for step in person["steps"]}


def a_workshop(record: RoomRecord) -> None:
    """amy: 4.1 for 100 s, 4.2 with a 900 s gap (capped), 4.3 over a leave-and-come-back."""
    record.add(0, "amy", "joined", role="attendee", name="amy", via="web")
    record.where(0, "amy", 4, 1, "The chain rule")
    record.add(60, "amy", "exercise", exercise="sigmoid", ok=False, case="x=0", detail="got 1")
    record.where(100, "amy", 4, 2)
    record.add(500, "amy", "help_mark", name="amy", state="coming")  # the instructor's doing
    record.where(1000, "amy", 4, 3)
    record.add(1100, "amy", "left")
    record.add(5000, "amy", "joined", role="attendee", name="amy", via="web")
    record.where(5010, "amy", 4, 3)
    record.add(5050, None, "follow", lesson=4, step=3, label="4.3")  # room-wide: about no one
    record.where(5100, "ben", 4, 3)  # the record's last event: amy's clock runs to here


def test_time_on_each_step_follows_the_documented_rule(record, capsys):
    """Gaps between an attendee's events count to their step, each at most 5 min; leaving stops it."""
    a_workshop(record)
    amy = steps_of(exported(capsys, record.path.parent.parent), "amy")
    assert IDLE_CAP == 300
    assert amy["4.1"]["seconds"] == 100 and amy["4.1"]["title"] == "The chain rule"
    assert amy["4.2"]["seconds"] == 300  # 900 s without a word from amy count as 5 min
    assert amy["4.3"]["seconds"] == 100 + 10 + 90  # to leaving; back at 5000; to the end
    assert amy["4.1"]["exercise_checks"][0]["case"] == "x=0"


def test_answers_per_attendee_and_the_spread_per_checkpoint(record, capsys):
    """Every attempt is kept as typed; the spread counts answers, right share, distinct, numbers."""
    for name in ("amy", "ben", "cat"):
        record.where(0, name, 1, 3)
    record.answer(10, "amy", "total", "7", False)
    record.answer(20, "amy", "total", "9", True)
    record.answer(30, "ben", "total", "9.0", True)
    record.answer(40, "cat", "total", "no idea", False)
    data = exported(capsys, record.path.parent.parent)
    (amy_total,) = steps_of(data, "amy")["1.3"]["checkpoints"]
    assert amy_total["attempts"] == 2 and amy_total["right"] is True
    assert [(g["answer"], g["right"]) for g in amy_total["given"]] == [("7", False), ("9", True)]
    assert datetime.fromisoformat(amy_total["given"][0]["at"]).timestamp() == T0 + 10
    (spread,) = data["checkpoints"]
    assert spread["check"] == "total" and spread["label"] == "1.3" and spread["expected"] == 9
    assert (spread["attendees"], spread["answers"], spread["right_share"]) == (3, 4, 0.5)
    assert (spread["right_first_try"], spread["right_in_the_end"]) == (1, 2)
    # 9 and 9.0 are one answer; the words are one more.
    assert spread["distinct"] == [
        {"answer": "9", "count": 2},
        {"answer": "7", "count": 1},
        {"answer": "no idea", "count": 1},
    ]
    assert spread["numbers"] == {"min": 7, "median": 9, "max": 9}


def test_help_requests_say_when_and_how_fast_someone_came(record, capsys):
    """'On my way' after 40 s, done after 100 s; a cancelled request is told apart."""
    record.where(0, "amy", 2, 1)
    record.where(0, "ben", 2, 2)
    record.add(10, "amy", "help", text="my loss goes up")
    record.add(20, "ben", "help", text="")
    record.add(50, "amy", "help_mark", name="amy", state="coming")
    record.add(60, "ben", "help_cancel")
    record.add(110, "amy", "help_mark", name="amy", state="done")
    data = exported(capsys, record.path.parent.parent)
    (amy_help,) = steps_of(data, "amy")["2.1"]["help"]
    assert amy_help["text"] == "my loss goes up"
    assert (amy_help["coming_after"], amy_help["closed_after"], amy_help["outcome"]) == (40, 100, "done")
    assert datetime.fromisoformat(amy_help["at"]).timestamp() == T0 + 10
    (ben_help,) = steps_of(data, "ben")["2.2"]["help"]
    assert (ben_help["coming_after"], ben_help["outcome"]) == (None, "cancelled")


def test_csv_is_two_tables_a_spreadsheet_opens(record, capsys, tmp_path):
    """Attendee steps, a blank line, checkpoints; typed text never becomes a formula."""
    record.where(0, "amy", 1, 3, "Weights")
    record.answer(10, "amy", "total", '=HYPERLINK("http://x")', False)
    record.answer(20, "amy", "total", "-9", False)
    record.add(30, "amy", "help", text="@everyone help")
    status, out, err = export(capsys, tmp_path, "--csv")
    assert status == 0, err
    steps_text, checks_text = out.split("\n\n")
    (amy,) = csv.DictReader(io.StringIO(steps_text))
    assert (amy["name"], amy["step"], amy["title"], amy["seconds"]) == ("amy", "1.3", "Weights", "30")
    assert (amy["attempts"], amy["wrong"], amy["help_requests"]) == ("2", "2", "1")
    assert amy["answers"].startswith("total: =HYPERLINK")  # inside a cell that starts with text
    assert amy["help_texts"] == "'@everyone help"
    (total,) = csv.DictReader(io.StringIO(checks_text))
    assert (total["checkpoint"], total["answers"], total["min"], total["max"]) == (
        "total",
        "2",
        "-9.0",
        "-9.0",
    )
    assert total["distinct_answers"].startswith("'")  # "=HYPERLINK..." or "-9 (1)": text, not a formula
    # --output-dir: the same two tables, one file each.
    status, out, err = export(capsys, tmp_path, "--csv", "--output-dir", str(tmp_path / "out"))
    assert status == 0, err
    assert (tmp_path / "out" / "attendee-steps.csv").read_text() == steps_text + "\n"
    assert (tmp_path / "out" / "checkpoints.csv").read_text() == checks_text


def test_json_to_a_file(record, capsys, tmp_path):
    record.where(0, "amy", 1, 1)
    target = tmp_path / "room.json"
    status, out, _ = export(capsys, tmp_path, "--output", str(target))
    assert status == 0 and out == ""
    assert [p["name"] for p in json.loads(target.read_text())["attendees"]] == ["amy"]


def test_export_during_the_workshop_never_blocks_the_hub(record, capsys, tmp_path):
    """With the hub in the middle of a write, the export reads what is committed; the hub goes on."""
    record.where(0, "amy", 1, 1)
    hub = sqlite3.connect(record.path, isolation_level=None, timeout=0)
    hub.execute("BEGIN IMMEDIATE")  # the hub holds the write lock...
    hub.execute("INSERT INTO events (time, name, kind, data) VALUES (?, 'ben', 'joined', '{}')", (T0 + 5,))
    data = exported(capsys, tmp_path)
    assert [p["name"] for p in data["attendees"]] == ["amy"]
    hub.execute("COMMIT")  # ...and commits after the export, never waiting on it
    record.where(10, "cat", 1, 1)  # and writes on
    hub.close()
    assert [p["name"] for p in exported(capsys, tmp_path)["attendees"]] == ["amy", "ben", "cat"]


def _one_line_error(status, err, *words):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in lines[0], lines[0]


def test_missing_record_is_one_line(capsys, tmp_path):
    _one_line_error(*export(capsys, tmp_path)[::2], "no room record", "record.sqlite3")
    _one_line_error(*export(capsys, tmp_path / "nowhere")[::2], "does not exist")


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"this is not a database at all" * 100),
        lambda path: sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit(),
        lambda path: path.write_bytes(b""),
    ],
    ids=["garbage", "no-events-table", "empty"],
)
def test_damaged_record_is_one_line(capsys, tmp_path, damage):
    path = tmp_path / "room" / "record.sqlite3"
    path.parent.mkdir()
    damage(path)
    _one_line_error(*export(capsys, tmp_path)[::2], "room record", "cannot be read")


def test_a_damaged_row_costs_that_event_only(record, capsys, tmp_path):
    record.where(0, "amy", 1, 1)
    for damaged in ("{not json", "[1, 2]"):
        record.db.execute(
            "INSERT INTO events (time, name, kind, data) VALUES (?, 'amy', 'help', ?)", (T0, damaged)
        )
    record.where(50, "amy", 1, 2)
    amy = steps_of(exported(capsys, tmp_path), "amy")
    assert amy["1.1"]["seconds"] == 50 and amy["1.1"]["help"] == []


def test_export_never_changes_the_record(tmp_path, capsys):
    """A hub killed mid-workshop leaves its log unmerged; the export reads it and leaves it so."""
    killed_hub = (
        "import os, sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from pathlib import Path\n"
        "from tests.serve.room_record import RoomRecord\n"
        "record = RoomRecord(Path(sys.argv[1]))\n"
        "record.where(0, 'amy', 1, 1)\n"
        "record.where(60, 'amy', 1, 2)\n"
        "os._exit(0)  # no close: the events stay in the write-ahead log\n"
    )
    subprocess.run([sys.executable, "-c", killed_hub, str(tmp_path), str(ROOT)], check=True, timeout=60)
    # The database and its log (the -shm index is scratch space every reader writes in).
    kept = ["record.sqlite3", "record.sqlite3-wal"]
    before = [(tmp_path / "room" / name).read_bytes() for name in kept]
    assert before[1]  # the events are in the log, not yet in the database
    assert steps_of(exported(capsys, tmp_path), "amy")["1.1"]["seconds"] == 60
    assert [(tmp_path / "room" / name).read_bytes() for name in kept] == before
