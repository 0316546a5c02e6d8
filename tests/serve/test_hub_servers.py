"""`serve ssh` and `serve web` run the room hub and hand its socket to every session (real servers)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, ROOM_ENV, ROOM_VIA_ENV, connect_unix, hub_socket_path
from nntui.serve.hub import pid_path, token_path
from nntui.serve.hub_process import HubProcess
from nntui.serve.launch import SessionPlan, child_env
from nntui.serve.web import WorkshopWebServer

from .harness import (
    INSTRUCTOR_PASSWORD,
    PASSWORD_LOGIN,
    children_of,
    instructor_options,
    is_hub,
    process_state,
    session_pids,
    wait_for,
)


def environment(pid: int) -> dict[str, str]:
    """A running process's environment, from /proc."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def runs(pid: int, module: str) -> bool:
    """True if ``pid`` runs ``python -m module``."""
    try:
        return module.encode() in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False


def the_hub(server_pid: int) -> int:
    (hub,) = [pid for pid in children_of(server_pid) if is_hub(pid)]
    return hub


def hub_answers(state_dir: Path) -> bool:
    try:
        connect_unix(hub_socket_path(state_dir)).close()
    except OSError:
        return False
    return True


@pytest.mark.ssh
def test_ssh_sessions_get_the_room_and_only_the_instructor_the_token(start_server, clients, tmp_path):
    server = start_server(*instructor_options(tmp_path))
    hub = the_hub(server.pid)
    assert int(pid_path(server.state_dir).read_text()) == hub and hub_answers(server.state_dir)
    teacher = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=120, rows=30)
    teacher.log_in(INSTRUCTOR_PASSWORD)
    # Its environment is readable once the dashboard program has started (after the exec).
    (dashboard,) = wait_for(
        lambda: [p for p in session_pids(server.pid) if runs(p, "nntui.serve.dashboard")], 30, "the dashboard"
    )
    student = clients(server.port, "niaj")
    student.wait_screen(r"Lesson 1")
    (attendee,) = session_pids(server.pid) - {dashboard}

    socket_path = str(hub_socket_path(server.state_dir).absolute())
    theirs = environment(attendee)
    assert (theirs[ROOM_ENV], theirs[ROOM_VIA_ENV]) == (socket_path, "ssh")
    assert INSTRUCTOR_TOKEN_ENV not in theirs
    mine = environment(dashboard)
    assert mine[ROOM_ENV] == socket_path
    assert mine[INSTRUCTOR_TOKEN_ENV] == token_path(server.state_dir).read_text().strip()


@pytest.mark.ssh
def test_ssh_killed_hub_comes_back_while_attendees_keep_working(server, clients):
    student = clients(server.port, "niaj")
    student.wait_screen(r"Step 1 of 3")
    killed = the_hub(server.pid)
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: process_state(killed) is None, 20, "the killed hub to be reaped")
    student.press("n")
    student.wait_screen(r"Step 2 of 3")  # the session never noticed
    wait_for(lambda: hub_answers(server.state_dir), 20, "a new hub to listen")
    assert the_hub(server.pid) != killed


@pytest.mark.ssh
def test_ssh_server_stop_ends_the_hub(start_server):
    server = start_server()
    hub = the_hub(server.pid)
    assert server.stop() == 0
    assert process_state(hub) is None
    assert not hub_socket_path(server.state_dir).exists()


def test_web_server_runs_the_hub(start_server):
    server = start_server("--open", kind="web")
    the_hub(server.pid)
    assert hub_answers(server.state_dir)


async def test_web_session_env_has_the_room_and_never_the_token(tmp_path):
    web = WorkshopWebServer(SessionPlan(state_dir=tmp_path / "state"), "127.0.0.1", 0)
    web.room_hub = HubProcess(tmp_path / "state", "web")
    web.room_hub.token = "secret"
    env = web.session_env()
    assert (env[ROOM_ENV], env[ROOM_VIA_ENV]) == (
        str(hub_socket_path((tmp_path / "state").absolute())),
        "web",
    )
    assert INSTRUCTOR_TOKEN_ENV not in env


def test_the_servers_own_room_settings_never_reach_a_session():
    leaked = {ROOM_ENV: "/elsewhere", ROOM_VIA_ENV: "web", INSTRUCTOR_TOKEN_ENV: "secret", "HOME": "/home/x"}
    env = child_env("xterm", None, base=leaked)
    assert env["HOME"] == "/home/x"
    assert not {ROOM_ENV, ROOM_VIA_ENV, INSTRUCTOR_TOKEN_ENV} & set(env)


async def test_a_second_server_on_the_same_state_folder_shares_the_hub(tmp_path):
    """`serve ssh` and `serve web` on one state folder: one hub, one token; the second takes over."""
    first = HubProcess(tmp_path / "state", "ssh", say=lambda line: None)
    second = HubProcess(tmp_path / "state", "web", say=lambda line: None)
    assert await first.start()
    try:
        assert await second.start()
        assert second.pid is None and second.token == first.token
        await first.stop()
        await second.wait_started(1)  # the first hub has gone: the second server starts its own
        assert token_path(second.state_dir).read_text().strip() == second.token
        assert hub_answers(second.state_dir)
    finally:
        await first.stop()
        await second.stop()
