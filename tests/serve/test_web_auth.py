"""The web server's checks on their own: signed cookies, Origin and Host, failed logins."""

from __future__ import annotations

import pytest

from nntui.serve.auth import SharedPassword, read_password_file
from nntui.serve.web_auth import FailedLogins, SessionSigner, host_allowed, origin_allowed


def test_a_cookie_names_who_logged_in_and_cannot_be_forged_or_kept_forever():
    signer = SessionSigner(max_age=3600, secret=b"k" * 32)
    token = signer.sign("alice", now=1000)
    assert signer.name_of(token, now=1000 + 3599) == "alice"
    assert signer.name_of(token, now=1000 + 3601) is None  # expired
    assert signer.name_of(token.replace("alice", "bob1x"), now=1000) is None  # another name
    assert SessionSigner(3600, secret=b"x" * 32).name_of(token, now=1000) is None  # another server
    for bad in ("", "alice", "alice.1000", "Alice.1000.00", "a" * 500, None):
        assert signer.name_of(bad, now=1000) is None


@pytest.mark.parametrize(
    "origin, host, allowed",
    [
        (None, "127.0.0.1:8000", True),  # not a browser: the cookie decides
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://room.example", "room.example", True),  # behind a TLS proxy
        ("http://evil.example", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        ("file://", "127.0.0.1:8000", False),
        ("http://127.0.0.1:8000", None, False),
    ],
)
def test_origin(origin, host, allowed):
    assert origin_allowed(origin, host) is allowed


def test_a_loopback_server_answers_only_to_loopback_host_names():
    assert host_allowed("127.0.0.1:8000", "127.0.0.1")
    assert host_allowed("localhost:8000", "127.0.0.1")
    assert host_allowed("[::1]:8000", "::1")
    assert not host_allowed("evil.example:8000", "127.0.0.1")  # DNS rebinding
    assert not host_allowed(None, "127.0.0.1")
    assert host_allowed("room.example:8000", "0.0.0.0")


def test_failed_logins_lock_an_address_out_for_a_while():
    failures = FailedLogins(limit=3, window=60)
    for moment in (0, 1, 2):
        assert not failures.locked_out("10.0.0.1", now=moment)
        failures.record("10.0.0.1", now=moment)
    assert failures.locked_out("10.0.0.1", now=3)
    assert not failures.locked_out("10.0.0.2", now=3)
    assert not failures.locked_out("10.0.0.1", now=61)


def test_password_file_and_check(tmp_path):
    path = tmp_path / "pw"
    path.write_text("  s3cret  \nignored\n")
    assert read_password_file(path) == "s3cret"
    room = SharedPassword.from_file(path)
    assert room.check_password("alice", "s3cret") and not room.check_password("alice", "s3cre")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ValueError, match="is empty"):
        read_password_file(tmp_path / "empty")
    with pytest.raises(ValueError, match="does not exist"):
        read_password_file(tmp_path / "nope")
