"""`nntui serve status` with a room: the summary line from the record, web attendees online."""

from __future__ import annotations

import json
import os

import pytest

from nntui.cli import main
from nntui.serve.status import summary_line

from .room_record import RoomRecord


def online(state_dir, record_name: str, *names: str) -> None:
    """A live server (this test's own pid) lists ``names`` as connected."""
    record = {"pid": os.getpid(), "port": 1, "online": {name: 1 for name in names}}
    (state_dir / record_name).write_text(json.dumps(record))


def status(capsys, state_dir, *args) -> tuple[int, str, str]:
    code = main(["serve", "status", "--state-dir", str(state_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def room(tmp_path):
    """amy and ben (web) on 4.2, dan on 4.1, all online; cat on 4.3 has gone home."""
    for name in ("amy", "ben", "cat", "dan"):
        (tmp_path / "users" / name).mkdir(parents=True)
    online(tmp_path, "sessions.json", "amy", "dan")
    online(tmp_path, "web-sessions.json", "ben")
    record = RoomRecord(tmp_path)
    record.where(0, "amy", 4, 2)
    record.where(0, "ben", 4, 2)
    record.where(0, "dan", 4, 1)
    record.where(0, "cat", 4, 3)
    record.where(1, "cat", 4, 3)
    record.add(5, "dan", "help", text="lost")
    record.add(6, "amy", "help", text="")
    record.add(7, "amy", "help_mark", name="amy", state="done")
    record.add(8, "ben", "help", text="")
    record.add(9, "ben", "help_cancel")
    yield tmp_path
    record.close()


def test_status_opens_with_the_rooms_summary_line(room, capsys):
    """Most common step among those online, how many are behind it, help requests still open."""
    code, out, err = status(capsys, room)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Room: 2 on 4.2, 1 behind, 1 asking for help"
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["ben"][1] == "yes" and rows["amy"][1] == "yes"  # web and ssh attendees alike
    assert rows["cat"][1] != "yes"


def test_status_json_says_how_each_attendee_is_connected(room, capsys):
    code, out, _ = status(capsys, room, "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert (rows["ben"]["online"], rows["ben"]["via"]) == (1, ["web"])
    assert (rows["amy"]["via"], rows["cat"]["via"]) == (["ssh"], [])


def test_no_room_record_no_summary_line(tmp_path, capsys):
    (tmp_path / "users" / "amy").mkdir(parents=True)
    code, out, _ = status(capsys, tmp_path)
    assert code == 0 and not out.startswith("Room:") and out.splitlines()[0].startswith("NAME")


def test_a_damaged_record_still_shows_the_table(tmp_path, capsys):
    (tmp_path / "users" / "amy").mkdir(parents=True)
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / "record.sqlite3").write_bytes(b"not sqlite" * 50)
    code, out, err = status(capsys, tmp_path)
    lines = out.splitlines()
    assert code == 0 and "Traceback" not in err
    assert lines[0].startswith("Room: the room record") and "cannot be read" in lines[0]
    assert lines[1].startswith("NAME") and lines[2].split()[0] == "amy"


def test_summary_line_ties_go_to_the_later_step_and_offline_do_not_count():
    where = {
        "a": (2, 1, "2.1"),
        "b": (2, 1, "2.1"),
        "c": (3, 1, "3.1"),
        "d": (3, 1, "3.1"),
        "e": (1, 4, "1.4"),
    }
    assert summary_line(where, {"a", "b", "c", "d", "e"}, 0) == "2 on 3.1, 3 behind, 0 asking for help"
    assert summary_line(where, {"a", "e", "zed"}, 2) == "1 on 2.1, 1 behind, 2 asking for help"
    assert summary_line(where, {"zed"}, 1) == "1 online, none on a step yet, 1 asking for help"


def test_the_instructors_own_session_is_not_listed_as_an_attendee(tmp_path):
    """The instructor's dashboard session counts against --max-sessions, but the room table and
    `serve status` list attendees: sessions.json leaves the instructor out."""
    from nntui.serve.registry import Registry
    from nntui.serve.status import online_names

    class Session:
        def __init__(self, name: str) -> None:
            self.name, self.pid = name, None

    registry = Registry(tmp_path, max_sessions=3, instructor="teacher")
    for name in ("alice", "teacher", "alice"):
        registry.add(Session(name))
    assert not registry.has_room()  # the instructor's session takes a place
    assert online_names(tmp_path) == {"alice": 2}
