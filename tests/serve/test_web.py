"""`nntui serve web`: textual-serve behind a name page, answering HTTP on loopback."""

from __future__ import annotations

import urllib.request

import pytest

pytestmark = pytest.mark.ssh


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def test_web_server_asks_a_name_then_serves_that_attendee(start_server):
    """GET / is the name form; /?name=alice is the terminal page wired to alice's own session."""
    server = start_server(kind="web")
    base = f"http://127.0.0.1:{server.port}/"
    form = _get(base)
    assert '<input name="name"' in form
    page = _get(base + "?name=alice")
    assert f"ws://127.0.0.1:{server.port}/ws/alice" in page
    bad = _get(base + "?name=Not%20Valid")
    assert "cannot be used as a name" in bad and "/ws/" not in bad


async def test_web_session_runs_the_app_for_that_name(start_server):
    """Opening alice's websocket starts an app process that writes to the browser."""
    import aiohttp

    server = start_server(kind="web")
    url = f"http://127.0.0.1:{server.port}/ws/alice?width=80&height=24"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        received = b""
        while b"Fake neurons" not in received:
            message = await ws.receive(timeout=30)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            received += message.data
    assert (server.state_dir / "users" / "alice").is_dir()
