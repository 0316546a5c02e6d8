"""The pieces of ``bench_ssh.py --room`` that run without a server (the bench itself is not run)."""

from __future__ import annotations

import socket

import pytest

from nntui.room.protocol import LineReader, bind_unix, encode, hub_socket_path, room_dir
from tests.benchmarks import bench_room
from tests.benchmarks.bench_ssh import parse_args


def test_room_options():
    """--room measures the issue's room of 100 unless told; nonsense counts are refused."""
    room = parse_args(["--room"])
    assert (room.room, room.clients, room.measured, room.answer_over) == (True, 100, 10, 0.0)
    assert parse_args([]).clients == 50 and not parse_args([]).room
    assert parse_args(["--room", "--clients", "7", "--measured", "3"]).clients == 7
    assert parse_args(["--room", "--answer-over", "20"]).answer_over == 20.0
    for bad in (
        ["--room", "--clients", "5", "--measured", "9"],
        ["--clients", "0"],
        ["--room", "--answer-over", "-1"],
    ):
        with pytest.raises(SystemExit):
            parse_args(bad)


def test_measured_attendees_are_spread_and_answers_have_a_spread():
    assert bench_room.measured_indices(100, 10) == list(range(0, 100, 10))
    assert len(bench_room.measured_indices(7, 3)) == 3
    answers = [bench_room.answer_for(i) for i in range(100)]
    assert answers.count(bench_room.WRONG) == 25 and answers.count(bench_room.RIGHT) == 75
    assert bench_room.box_needles("9.0") == ["│ 9", "│ 9.", "│ 9.0"]
    assert bench_room.p95([0.1] * 18 + [5.0] * 2) == 5.0 and bench_room.p95([0.1] * 19 + [5.0]) == 0.1
    assert bench_room.p95([]) is None


def sent_by(hub_end: socket.socket) -> list[dict]:
    hub_end.settimeout(5)
    reader, got = LineReader(), []
    while len(got) < 2:
        got += reader.feed(hub_end.recv(65536))
    return got


def test_instructor_says_hello_with_the_token_and_watches_the_checkpoint():
    ours, hub = socket.socketpair()
    with ours, hub:
        bench_room.Instructor(ours, "s3cret", expect=3)
        hello, watch = sent_by(hub)
        assert (hello["t"], hello["role"], hello["token"]) == ("hello", "instructor", "s3cret")
        assert (watch["t"], watch["check"], watch["lesson"], watch["step"]) == ("watch", "total", 1, 3)


def test_instructor_notes_when_the_poll_first_counts_every_answer():
    ours, hub = socket.socketpair()
    with ours, hub:
        instructor = bench_room.Instructor(ours, "t", expect=3)
        poll = {"t": "poll", "check": "total", "question": "?", "numbers": [], "waiting": 0, "shown": False}
        hub.sendall(encode(poll | {"right": 1, "wrong": 1}))
        hub.sendall(encode(poll | {"check": "other", "right": 5, "wrong": 5}))  # not the watched one
        hub.sendall(b"{broken json\n")
        instructor.take()
        assert instructor.complete_at is None and instructor.last_poll["right"] == 1
        hub.sendall(encode(poll | {"right": 2, "wrong": 1}))
        instructor.take()
        first = instructor.complete_at
        assert first is not None and instructor.last_poll["right"] == 2
        instructor.handle(poll | {"right": 2, "wrong": 1}, first + 5)  # a later push changes nothing
        assert instructor.complete_at == first
        hub.close()
        instructor.take()
        assert instructor.closed


def test_connect_instructor_reads_the_servers_token(tmp_path):
    room_dir(tmp_path).mkdir()
    (room_dir(tmp_path) / "instructor.token").write_text("from-the-server\n")
    with bind_unix(hub_socket_path(tmp_path)) as listening:
        instructor = bench_room.connect_instructor(tmp_path, expect=100, timeout=5)
        hub, _ = listening.accept()
        with hub, instructor.connection:
            hello, _ = sent_by(hub)
            assert hello["token"] == "from-the-server" and instructor.expect == 100


def test_connect_instructor_without_a_hub_says_so(tmp_path):
    with pytest.raises(SystemExit, match="no room hub"):
        bench_room.connect_instructor(tmp_path, expect=1, timeout=0.2)


def test_verdicts_name_each_target():
    good = {
        "clients": 100,
        "poll": {"after_last_answer_ms": 300, "counts_exact": True, "right": 75, "wrong": 25},
    }
    good["key_to_screen_ms"] = {"p95": 120, "samples": 30}
    assert all(line.startswith("ok") for line in bench_room.verdicts(good).splitlines())
    late = good | {"poll": {"after_last_answer_ms": None, "counts_exact": False}}
    lines = bench_room.verdicts(late).splitlines()
    assert lines[0].startswith("MISSED") and "never counted them all" in lines[0]
    assert lines[1].startswith("MISSED") and lines[2].startswith("ok")
