"""`nntui serve web` from outside: a login, one tab per name, and sessions that always end.

Each test starts the real server on a loopback port and talks to it as a browser would
(aiohttp's HTTP and websocket clients), or as a hostile page or a dropped client would.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import sys
import time

import aiohttp
import pexpect
import pytest
import yarl

from .harness import process_state, run_nntui, session_pids, wait_for

pytestmark = pytest.mark.ssh

PASSWORD = "correct horse"


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def _http() -> aiohttp.ClientSession:
    # unsafe=True: keep cookies from an IP address such as 127.0.0.1, as browsers do.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _login(http: aiohttp.ClientSession, base: str, name: str, password: str | None = None) -> int:
    """Post the login form like a browser on this server's page; returns the HTTP status."""
    form = {"name": name} if password is None else {"name": name, "password": password}
    origin = {"Origin": base.rstrip("/")}
    async with http.post(base + "login", data=form, allow_redirects=False, headers=origin) as reply:
        return reply.status


async def _screen_until(ws, pattern: str, timeout: float = 30) -> str:
    """Read the app's output until ``pattern`` shows up in it; returns all that was read."""
    received = b""
    deadline = time.monotonic() + timeout
    while not re.search(pattern.encode(), received):
        message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        assert message.type == aiohttp.WSMsgType.BINARY, (message, received[-400:])
        received += message.data
    return received.decode("utf-8", "replace")


async def _closed(ws, timeout: float = 15) -> aiohttp.WSMessage:
    """Read until the server closes the websocket; returns the close message."""
    deadline = time.monotonic() + timeout
    while True:
        message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return message


def _gone(pid: int) -> bool:
    return process_state(pid) is None


def test_refuses_to_start_without_saying_who_may_log_in(tmp_path):
    """No --password-file and no --open: one line saying which to choose, exit 2."""
    result = run_nntui("serve", "web", "--port", "1", "--state-dir", str(tmp_path), timeout=30)
    assert result.returncode == 2, result
    assert "--password-file" in result.stderr and "--open" in result.stderr
    assert "Traceback" not in result.stderr


async def test_wrong_or_no_password_is_refused_and_the_right_one_gets_in(start_server, password_file):
    server = start_server("--password-file", str(password_file), kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    url = f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"
    async with _http() as http:
        async with http.get(base) as page:
            form = await page.text()
        assert 'name="password"' in form and "<title>" in form
        # No login at all: no app, and the name is no longer something a URL can choose.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url)
        assert refused.value.status == 401
        assert await _login(http, base, "alice", "guess") == 403
        assert await _login(http, base, "alice", "") == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(url)
        assert await _login(http, base, "alice", PASSWORD) == 303
        async with http.get(base) as page:
            terminal = await page.text()
        assert "<title>nntui workshop - alice</title>" in terminal
        async with http.ws_connect(url) as ws:
            await _screen_until(ws, "Fake neurons")
    assert (server.state_dir / "users" / "alice").is_dir()
    server.stop()
    assert "wrong password for 'alice' from 127.0.0.1" in server.proc.before


async def test_a_forged_cookie_is_refused(start_server):
    server = start_server("--open", kind="web")
    url = f"ws://127.0.0.1:{server.port}/ws"
    async with _http() as http:
        http.cookie_jar.update_cookies({"nntui_session": "alice.9999999999.00ff"})
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url)
    assert refused.value.status == 401


def _raw_request(port: int, head: str) -> bytes:
    """Send one request written by hand (as no browser would) and return the whole reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head.format(port=port).encode("utf-8") + b"Connection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply


@pytest.mark.parametrize(
    ("head", "status"),
    [
        # A signature that is not ASCII made the cookie check raise.
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: nntui_session=alice.123.\u00e9\u00e9\r\n", 200),
        # An unclosed IPv6 bracket made the Host and Origin checks raise.
        ("GET / HTTP/1.1\r\nHost: [::1\r\n", 403),
        (
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://[::1\r\nContent-Length: 0\r\n",
            403,
        ),
        # No Host at all: aiohttp answers 400 itself, and logged a traceback.
        ("GET / HTTP/1.1\r\n", 400),
    ],
    ids=["cookie", "host", "origin", "no-host"],
)
def test_odd_headers_get_an_answer_not_an_error(start_server, head, status):
    """Each of these was a 500 and a traceback in the instructor's log, for every request."""
    server = start_server("--open", kind="web")
    reply = _raw_request(server.port, head)
    assert reply.split(b"\r\n")[0].split(b" ")[1] == str(status).encode(), reply[:200]
    server.stop()
    assert "Traceback" not in server.proc.before


async def test_a_foreign_origin_cannot_drive_a_session(start_server):
    """A page on another site (or another port) cannot open the websocket, even with the cookie."""
    server = start_server("--open", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    url = f"ws://127.0.0.1:{server.port}/ws"
    async with _http() as http:
        assert await _login(http, base, "alice") == 303
        for origin in ("http://evil.example", f"http://127.0.0.1:{server.port + 1}", "null"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url, headers={"Origin": origin})
            assert refused.value.status == 403, origin
        assert session_pids(server.pid) == set()  # no app was started for them
        # A foreign page cannot log a browser in either, nor reach it under its own host name.
        form = {"name": "mallory"}
        async with http.post(base + "login", data=form, headers={"Origin": "http://evil.example"}) as r:
            assert r.status == 403
        async with http.get(base, headers={"Host": f"evil.example:{server.port}"}) as r:
            assert r.status == 403
        async with http.ws_connect(url, headers={"Origin": base[:-1]}) as ws:
            await _screen_until(ws, "Fake neurons")


async def test_max_sessions(start_server):
    server = start_server("--open", "--max-sessions", "1", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as alice, _http() as bob:
        await _login(alice, base, "alice")
        await _login(bob, base, "bob")
        async with alice.ws_connect(base + "ws") as first:
            await _screen_until(first, "Fake neurons")
            async with bob.ws_connect(base + "ws") as second:
                closed = await _closed(second)
                assert second.close_code == 1013
                assert "full" in str(closed.extra)
            assert len(session_pids(server.pid)) == 1


async def test_sizes_from_the_browser_are_clamped(start_server):
    server = start_server("--open", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws?width=5000&height=5000") as ws:
            await _screen_until(ws, r"size 400x150")
            await ws.send_str(json.dumps(["resize", {"width": 3, "height": -7}]))
            await _screen_until(ws, r"size 20x8")
            await ws.send_str("not json")  # ignored, the session goes on
            await ws.send_str("[" * 5000)  # nested past the JSON parser's depth: ignored too
            await ws.send_str(json.dumps(["resize", {"width": 100000, "height": 10**30}]))
            await _screen_until(ws, r"size 400x150")


async def test_a_second_tab_takes_over_and_status_shows_who_is_online(start_server):
    server = start_server("--open", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws") as first:
            await _screen_until(first, "Fake neurons")
            (first_pid,) = session_pids(server.pid)
            status = run_nntui("serve", "status", "--state-dir", str(server.state_dir), "--json")
            assert [row["online"] for row in json.loads(status.stdout) if row["name"] == "alice"] == [1]
            async with http.ws_connect(base + "ws") as second:
                closed = await _closed(first)
                assert "another tab" in str(closed.extra)
                await _screen_until(second, "Fake neurons")
                assert _gone(first_pid)  # reaped before the second one started
                (second_pid,) = session_pids(server.pid)
                assert second_pid != first_pid
    wait_for(lambda: not session_pids(server.pid), 10, "the second tab's app to be reaped")


STUCK_APP = """
import signal, sys, os
signal.signal(signal.SIGTERM, signal.SIG_IGN)
out = sys.stdout.buffer
out.write(b"__GANGLION__\\n")
for _ in range(16):  # frames the client will stop reading in the middle of
    data = b"stuck app frame " * 16384
    out.write(b"D" + len(data).to_bytes(4, "big") + data)
    out.flush()
signal.pause()  # never reads its input: deaf to "quit", and to SIGTERM
"""


def _raw_websocket(port: int, cookie: str) -> socket.socket:
    """A websocket opened by hand, so the test can drop it the way a lost network does."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(
        (
            "GET /ws?width=80&height=24 HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            f"Cookie: nntui_session={cookie}\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def test_an_app_is_reaped_when_its_client_drops_mid_frame(start_server, tmp_path):
    stuck = tmp_path / "stuck_app.py"
    stuck.write_text(STUCK_APP)
    server = start_server("--open", kind="web", app_command=f"{sys.executable} {stuck}")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        cookie = http.cookie_jar.filter_cookies(yarl.URL(base))["nntui_session"].value
    sock = _raw_websocket(server.port, cookie)
    assert sock.recv(65536)  # the first bytes of a frame...
    (pid,) = wait_for(lambda: session_pids(server.pid), 20, "the app to start")
    # ...then the connection is reset without a goodbye, in the middle of the stream.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()
    wait_for(lambda: _gone(pid), 10, f"the dropped client's app (pid {pid}) to be reaped")
    assert server.proc.isalive()


async def test_an_app_that_fails_to_start_closes_its_tab(start_server):
    crash = f"{sys.executable} -c 'raise SystemExit(3)'"
    server = start_server("--open", kind="web", app_command=crash)
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws") as ws:
            closed = await _closed(ws)
    assert "has ended" in str(closed.extra)
    wait_for(lambda: not session_pids(server.pid), 10, "nothing left running")


async def test_idle_sessions_are_closed(start_server):
    server = start_server("--open", "--idle-timeout", "2", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws") as ws:
            (pid,) = wait_for(lambda: session_pids(server.pid), 10, "the app to start")
            closed = await _closed(ws)
    assert "No key pressed" in str(closed.extra)
    wait_for(lambda: _gone(pid), 10, "the idle app to be reaped")


async def test_sessions_run_under_limits_and_without_the_mouse(start_server):
    server = start_server("--open", "--memory-limit", "700", "--cpu-limit", "120", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws") as ws:
            output = await _screen_until(ws, "Fake neurons")
            (pid,) = session_pids(server.pid)
            limits = open(f"/proc/{pid}/limits").read()
    assert re.search(r"Max address space\s+734003200\s+734003200", limits), limits
    assert re.search(r"Max cpu time\s+120\s+125", limits), limits
    # Mouse off: the browser is never told to report mouse moves.
    assert "\x1b[?1003h" not in output and "\x1b[?1000h" not in output


async def test_the_mouse_reaches_the_browser_when_the_instructor_allows_it(start_server):
    server = start_server("--open", "--mouse", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as http:
        await _login(http, base, "alice")
        async with http.ws_connect(base + "ws") as ws:
            output = await _screen_until(ws, "Fake neurons")
    assert "\x1b[?1003h" in output


async def test_stopping_the_server_is_prompt_and_says_goodbye(start_server):
    server = start_server("--open", kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    async with _http() as alice, _http() as bob:
        await _login(alice, base, "alice")
        await _login(bob, base, "bob")
        async with alice.ws_connect(base + "ws") as one, bob.ws_connect(base + "ws") as two:
            await _screen_until(one, "Fake neurons")
            await _screen_until(two, "Fake neurons")
            pids = session_pids(server.pid)
            assert len(pids) == 2
            started = time.monotonic()
            server.proc.kill(signal.SIGTERM)
            goodbyes = await asyncio.gather(_closed(one), _closed(two))
            await asyncio.to_thread(server.proc.expect, pexpect.EOF, timeout=15)
            took = time.monotonic() - started
    assert all("stopping" in str(message.extra) for message in goodbyes), goodbyes
    # About 1 s here (textual-serve's own server took 20 s); the bound allows for a busy machine.
    assert took < 4.0, f"stopping took {took:.1f} s"
    assert all(_gone(pid) for pid in pids)
    server.proc.wait()
    assert server.proc.exitstatus == 0
