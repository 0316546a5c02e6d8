"""The start board: a room's first frames come first, then the panes in the order forked."""

from __future__ import annotations

import json
import os
import socket

from nntui.serve.zygote import board as board_module
from nntui.serve.zygote import starter
from nntui.serve.zygote.board import StartBoard


def test_a_session_waits_for_every_first_frame_then_builds_in_the_order_forked(monkeypatch):
    monkeypatch.setattr(board_module, "BUILDING_AT_ONCE", 1)
    board = StartBoard(slots=8)
    first, second, third = (board.slot(board.claim()) for _ in range(3))
    first.shown()
    assert first.must_wait()  # the other two have not drawn their first frame yet
    second.shown()
    third.shown()
    assert not first.must_wait()
    assert second.must_wait() and third.must_wait()  # one builds at a time: the first forked
    first.complete()
    assert not second.must_wait()
    assert third.must_wait()
    second.complete()
    assert not third.must_wait()


def test_the_room_has_started_once_every_other_session_is_complete():
    board = StartBoard(slots=4)
    mine, other = (board.slot(board.claim()) for _ in range(2))
    mine.shown()
    mine.complete()
    assert not mine.room_started()  # the other one has not drawn its first frame
    other.shown()
    assert not mine.room_started()  # it is building its panes
    other.complete()
    assert mine.room_started()


def test_a_session_stuck_in_its_start_stops_holding_the_others_back(monkeypatch):
    board = StartBoard(slots=4)
    waiting = board.slot(board.claim())
    board.claim()  # forked, never drew a frame (a stopped process)
    waiting.shown()
    assert waiting.must_wait()
    assert not waiting.room_started()
    monkeypatch.setattr(board_module, "STALE_AFTER", -1.0)  # as if long ago
    assert not waiting.must_wait()
    assert waiting.room_started()


def test_a_full_board_counts_no_more_sessions():
    board = StartBoard(slots=2)
    assert [board.claim(), board.claim(), board.claim()] == [0, 1, None]
    board.free(0)
    assert board.claim() == 0  # a freed slot is used again


def test_forked_sessions_share_the_board_with_their_starter():
    board = StartBoard(slots=4)
    parent_side = board.slot(board.claim())
    parent_side.shown()
    child_slot = board.claim()
    assert parent_side.must_wait()
    pid = os.fork()
    if pid == 0:  # the "session": its first frame is out, then its screen is complete
        code = 1
        try:
            session_side = board.slot(child_slot)
            session_side.shown()
            session_side.complete()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not parent_side.must_wait()  # the child's marks reached the parent's memory


def test_the_starter_gives_each_fork_a_slot_and_frees_it_when_the_session_ends(monkeypatch):
    board = StartBoard(slots=4)
    others = board.slot(board.claim())  # a session that drew its first frame
    others.shown()
    given = []

    def fork(sock, wake, message, fds, slot=None):
        given.append(slot)
        return 4242

    request = json.dumps({"op": "fork", "id": 1, "spec": {}}).encode()
    monkeypatch.setattr(starter, "_fork_session", fork)
    monkeypatch.setattr(starter.socket, "recv_fds", lambda *args: (request, [], 0, None))
    server_side, starter_side = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with server_side, starter_side:
        children: dict[int, int | None] = {}
        assert starter._take_request(starter_side, (-1, -1), children, board)
        assert given[0] is not None and children == {4242: 1}
        assert others.must_wait()  # the new session is before its first frame

        ended = iter([(4242, 0)])

        def waitpid(pid, options):
            try:
                return next(ended)
            except StopIteration:
                raise ChildProcessError from None

        monkeypatch.setattr(starter.os, "waitpid", waitpid)
        starter._reap(starter_side, children, board)
        assert children == {}
        assert not others.must_wait()  # it ended before its first frame: it holds nobody back
        assert json.loads(server_side.recv(4096)) == {"op": "exit", "pid": 4242, "code": 0}
