"""The servers' defences and login methods as plain values: MaxStartups, source back-off, auth."""

from __future__ import annotations

import socket

import pytest

from nntui.serve import auth
from nntui.serve.guard import ACCEPT_BATCH, AcceptErrorNotice, MaxStartups, SourceBackoff, requeue


def test_max_startups_follows_sshd():
    """Below START never drop, at FULL always, between: RATE% rising linearly."""
    rule = MaxStartups.parse("10:30:100")
    assert not rule.should_drop(9, draw=lambda: 0.0)
    assert rule.should_drop(10, draw=lambda: 0.29) and not rule.should_drop(10, draw=lambda: 0.31)
    assert rule.should_drop(55, draw=lambda: 0.64) and not rule.should_drop(55, draw=lambda: 0.66)
    assert rule.should_drop(100, draw=lambda: 0.99)
    assert MaxStartups.parse("20") == MaxStartups(20, 100, 20)


@pytest.mark.parametrize("text", ["", "a:b:c", "10:30", "0:30:100", "50:30:10", "10:101:100"])
def test_max_startups_bad_values(text):
    """Each malformed value is a ValueError with a message (the CLI shows it in one line)."""
    with pytest.raises(ValueError, match=r"\S"):
        MaxStartups.parse(text)


def test_source_backoff_doubles_and_forgets():
    """THRESHOLD failures block the source for PENALTY s, the next time twice as long; old
    failures outside the window do not count; only MAX_SOURCES addresses are remembered."""
    now = [0.0]
    backoff = SourceBackoff(
        threshold=3, window=60, penalty=30, max_penalty=100, max_sources=2, clock=lambda: now[0]
    )
    assert [backoff.failed("a") for _ in range(3)] == [0, 0, 30]
    assert backoff.blocked_for("a") == 30 and backoff.blocked_for("b") == 0
    now[0] = 31
    assert backoff.blocked_for("a") == 0
    assert [backoff.failed("a") for _ in range(3)] == [0, 0, 60]
    now[0] = 200
    backoff.failed("a")
    now[0] = 300  # the failure at 200 is out of the window now
    assert [backoff.failed("a") for _ in range(3)] == [0, 0, 100]
    backoff.failed("b")
    backoff.failed("c")
    assert backoff.blocked_for("a") == 0  # forgotten: the oldest of three sources


def test_login_methods_check_passwords(tmp_path):
    """A shared password checks in constant time; open rooms take anything; keys take no password."""
    secret = tmp_path / "pw"
    secret.write_text("  hunter2  \nsecond line\n")
    shared = auth.SharedPassword.from_file(secret)
    assert shared.check_password("alice", "hunter2") and not shared.check_password("alice", "hunter")
    assert shared.accepts_password and shared.needs_credential
    assert auth.Open().check_password("x", "") and not auth.Open().needs_credential
    from nntui.serve.ssh_host import import_asyncssh

    keys = tmp_path / "authorized_keys"
    key = import_asyncssh().generate_private_key("ssh-ed25519")
    keys.write_bytes(key.export_public_key())
    by_key = auth.AuthorizedKeys.from_file(keys)
    assert not by_key.check_password("alice", "anything") and by_key.trusted_keys() is not None


@pytest.mark.parametrize("content, words", [(None, "does not exist"), ("\n", "is empty")])
def test_password_file_problems(tmp_path, content, words):
    """A missing or empty password file is a LoginError naming the file."""
    path = tmp_path / "pw"
    if content is not None:
        path.write_text(content)
    with pytest.raises(auth.LoginError, match=words):
        auth.SharedPassword.from_file(path)


def test_instructor_has_own_method():
    """The instructor's name is checked by its own method; without one, or with the room's
    password, the policy is refused."""
    room, own = auth.SharedPassword("room"), auth.SharedPassword("teacher's")
    logins = auth.Logins(room, "teacher", own)
    assert logins.method_for("teacher") is own and logins.method_for("alice") is room
    assert not logins.method_for("teacher").check_password("teacher", "room")
    with pytest.raises(auth.LoginError, match="--instructor-password-file"):
        auth.Logins(auth.Open(), "teacher", None)
    with pytest.raises(auth.LoginError, match="must differ"):
        auth.Logins(room, "teacher", auth.SharedPassword("room"))


def test_requeue_keeps_a_room_connecting_at_once_in_the_kernels_queue():
    """The server accepts ACCEPT_BATCH at a time (its listen backlog, for asyncio), yet 40
    connections made before it accepts any all complete: the kernel's queue is sshd's 128."""
    listening = socket.create_server(("127.0.0.1", 0), backlog=ACCEPT_BATCH)
    requeue(listening)
    waiting = []
    try:
        for _ in range(40):
            waiting.append(socket.create_connection(listening.getsockname(), timeout=5))
        assert len(waiting) == 40
    finally:
        for sock in waiting:
            sock.close()
        listening.close()


class _Loop:
    """Stands in for an event loop: its clock, and what reached asyncio's default handler."""

    def __init__(self) -> None:
        self.now = 100.0
        self.defaulted: list[dict] = []

    def time(self) -> float:
        return self.now

    def default_exception_handler(self, context: dict) -> None:
        self.defaulted.append(context)


def test_running_out_of_descriptors_is_one_line_every_five_seconds():
    said: list[str] = []
    notice, loop = AcceptErrorNotice(said.append), _Loop()
    out_of_files = {
        "message": "socket.accept() out of system resource",
        "exception": OSError(24, "Too many open files"),
    }
    for _ in range(10):  # asyncio retries every second
        notice(loop, out_of_files)
        loop.now += 1.0
    assert (
        said
        == ["nntui: cannot accept a connection (Too many open files); new connections wait (ulimit -n)"] * 2
    )
    other = {"message": "Task exception was never retrieved"}
    notice(loop, other)
    assert loop.defaulted == [other]  # anything else is asyncio's to report
