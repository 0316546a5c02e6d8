"""`nntui serve ssh` against a hostile room: raw sockets, password guessing, odd clients.

Each test attacks the real server from outside, as someone in the room could: idle sockets
under a small descriptor limit, wrong passwords, the room's password on the instructor's
name, a name logged in twice, an absurd terminal size, and the app's Screenshot command.
"""

from __future__ import annotations

import asyncio
import os
import re
import selectors
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .harness import (
    INSTRUCTOR_PASSWORD,
    PASSWORD_LOGIN,
    PYTHON,
    SSH_BASE,
    instructor_options,
    run_nntui,
)

pytestmark = pytest.mark.ssh

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
ROOM_PASSWORD = "room password 42"


def _password_file(folder: Path, password: str = ROOM_PASSWORD) -> str:
    path = folder / "room-password.txt"
    path.write_text(password + "\n")
    return str(path)


def _open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_idle_sockets_do_not_lock_out_a_real_client(start_server, clients):
    """300 idle raw sockets against a server limited to 256 descriptors: the server drops the
    excess at once (--max-startups), closes the rest after --login-grace-time, never runs out
    of descriptors, and a real attendee then logs in."""
    server = start_server(
        "--max-sessions",
        "20",
        "--max-startups",
        "10:30:50",
        "--login-grace-time",
        "2",
        wrapper=("prlimit", "--nofile=256:256"),
    )
    selector = selectors.DefaultSelector()
    open_sockets = set()
    peak = 0
    try:
        for _ in range(300):
            # Connected before the next (the kernel's accept queue is short), then left idle.
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
            open_sockets.add(sock)
        # Every socket must be closed by the server (dropped, or at the end of the grace time).
        deadline = time.monotonic() + 60
        while open_sockets:
            assert time.monotonic() < deadline, f"{len(open_sockets)} idle sockets still held by the server"
            peak = max(peak, _open_fds(server.pid))
            for key, _ in selector.select(timeout=0.5):
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:  # closed by the server
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
                    open_sockets.discard(key.fileobj)
    finally:
        for sock in open_sockets:
            sock.close()
        selector.close()
    # Headroom under the 256 limit (at rest the server holds about a dozen, its room hub's pipes
    # included); without --max-startups the 300 sockets would take every descriptor.
    assert peak < 230, f"the server had {peak} descriptors open"
    alice = clients(server.port, "alice")
    alice.wait_screen(r"Lesson 1")
    alice.press("q")
    assert alice.wait_exit() == 0
    server.proc.expect(r"dropped a new connection: \d+ connections are starting \(--max-startups 10:30:50\)")
    log = server.proc.before + server.proc.after
    assert "Too many open files" not in log and "out of system resource" not in log


def test_descriptor_budget_checked_at_start():
    """Options that need more descriptors than the hard limit allows: one line, exit status 2."""
    result = subprocess.run(
        ["prlimit", "--nofile=256:256", PYTHON, "-m", "nntui", "serve", "ssh", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "open files" in lines[0] and "--max-sessions" in lines[0], result.stderr


def test_wrong_passwords_delayed_limited_and_logged(start_server, clients, tmp_path):
    """Each wrong password is answered only after a delay, the connection is closed after
    --max-auth-tries, and every failure is logged with the client's address."""
    server = start_server("--password-file", _password_file(tmp_path), "--max-auth-tries", "3")
    guesser = clients(
        server.port,
        "mallory",
        "-o",
        "PreferredAuthentications=password",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "NumberOfPasswordPrompts=10",
        cols=200,
        loglevel="INFO",
    )
    waits = []
    sent = None
    for attempt in range(3):
        guesser.proc.expect("assword:")
        if sent is not None:
            waits.append(time.monotonic() - sent)
        guesser.press(f"guess {attempt}\r")
        sent = time.monotonic()
    assert guesser.wait_exit() == 255
    assert "Too many authentication failures" in guesser.all_output()
    assert min(waits) >= 0.9, f"wrong passwords were answered after {waits} s"
    for tries in (1, 2, 3):
        server.proc.expect(rf"failed password for 'mallory' from 127\.0\.0\.1 port \d+ \(try {tries} of 3\)")


def test_repeated_failures_back_off_the_source(start_server, clients, tmp_path):
    """Ten failed logins from one address: that address is refused for a while (and the log
    says so); attendees at other addresses are not."""
    server = start_server("--password-file", _password_file(tmp_path), "--max-auth-tries", "5")
    options = (
        "-b",
        "127.0.0.2",
        "-o",
        "PreferredAuthentications=password",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "NumberOfPasswordPrompts=5",
    )
    guessers = [clients(server.port, "mallory", *options, cols=200) for _ in range(2)]
    for attempt in range(5):
        for guesser in guessers:
            guesser.proc.expect("assword:")
            guesser.press(f"guess {attempt}\r")
    for guesser in guessers:
        assert guesser.wait_exit() == 255
    server.proc.expect(r"refusing connections from 127\.0\.0\.2 for 30 s after repeated failed logins")
    again = clients(server.port, "mallory", *options, cols=200)
    assert again.wait_exit() == 255
    assert "assword" not in again.all_output()
    attendee = clients(server.port, "alice", *PASSWORD_LOGIN)
    attendee.log_in(ROOM_PASSWORD)
    attendee.wait_screen(r"Lesson 1")
    attendee.press("q")
    assert attendee.wait_exit() == 0


def test_instructor_needs_a_credential_of_its_own(start_server, clients, tmp_path):
    """--instructor without its own credential does not start; with one, the room's password
    does not open the dashboard, the instructor's does."""
    result = run_nntui("serve", "ssh", "--instructor", "teacher", "--state-dir", str(tmp_path / "s"))
    assert result.returncode == 2
    assert "--instructor-password-file" in result.stderr and len(result.stderr.splitlines()) == 1
    same = tmp_path / "same.txt"
    same.write_text(ROOM_PASSWORD + "\n")
    result = run_nntui(
        "serve",
        "ssh",
        "--password-file",
        _password_file(tmp_path),
        "--instructor",
        "teacher",
        "--instructor-password-file",
        str(same),
        "--state-dir",
        str(tmp_path / "s"),
    )
    assert result.returncode == 2 and "must differ" in result.stderr

    server = start_server("--password-file", _password_file(tmp_path), *instructor_options(tmp_path))
    intruder = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=200)
    intruder.log_in(ROOM_PASSWORD)
    assert intruder.wait_exit() == 255
    assert "Permission denied" in intruder.all_output()
    teacher = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=120, rows=30)
    teacher.log_in(INSTRUCTOR_PASSWORD)
    teacher.wait_screen(r"NAME +STEP +TITLE")
    teacher.press("q")
    assert teacher.wait_exit() == 0


def test_open_room_instructor_still_needs_a_password(start_server, clients, tmp_path):
    """In an --open room anyone gets in under any name, except the instructor's."""
    server = start_server("--open", *instructor_options(tmp_path))
    intruder = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=200)
    intruder.log_in("anything")
    assert intruder.wait_exit() == 255
    assert "Permission denied" in intruder.all_output()


def test_same_name_twice_refused(server, clients):
    """A second login as a name that is connected is refused; the first session carries on."""
    first = clients(server.port, "alice")
    first.wait_screen(r"Step 1 of 3 for alice")
    second = clients(server.port, "alice", cols=200)
    assert second.wait_exit() == 1
    assert "already connected as 'alice'" in second.all_output()
    first.press("n")
    first.wait_screen(r"Step 2 of 3 for alice")
    first.press("q")
    assert first.wait_exit() == 0


def test_huge_terminal_size_is_clamped(server):
    """A pty request of 70000x70000 and a window change to 120x100000: the session runs at
    the largest size the server allows in each direction."""
    from nntui.serve.ssh_host import import_asyncssh

    asyncssh = import_asyncssh()

    async def visit() -> str:
        async with asyncssh.connect(
            "127.0.0.1", server.port, username="huge", known_hosts=None, client_keys=None
        ) as conn:
            process = await conn.create_process(term_type="xterm", term_size=(70000, 70000), encoding=None)
            seen = bytearray()

            async def until(pattern: bytes) -> None:
                while not re.search(pattern, seen):
                    seen.extend(await process.stdout.read(65536))

            await asyncio.wait_for(until(rb"size 500x200"), 30)
            process.change_terminal_size(120, 100000)
            await asyncio.wait_for(until(rb"size 120x200"), 30)
            process.stdin.write(b"q")
            await asyncio.wait_for(process.wait_closed(), 30)
            return seen.decode("utf-8", "replace")

    output = asyncio.run(visit())
    assert "Lesson 1" in output


def test_no_warnings_before_the_banner(server):
    """The server starts without CryptographyDeprecationWarning blocks (or any warning)."""
    assert "Warning" not in server.preamble, server.preamble


def test_screenshot_not_offered_on_the_server(start_server, clients, tmp_path):
    """Ctrl+P has no Screenshot command in a server session, and nothing is saved in the
    server account's home (Textual would save it to ~/Downloads)."""
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    server = start_server("--lessons", str(LESSONS), app_command="", env=env)
    client = clients(server.port, "sam", cols=100, rows=30)
    client.wait_screen(r"step 1/\d+")
    client.press("\x10")  # Ctrl+P
    client.wait_screen(r"Search for commands")
    client.press("Screenshot")
    client.wait_screen(r"No matches found")
    client.press("\r")
    client.press("\x11")  # Ctrl+Q quits even from the palette
    assert client.wait_exit() == 0
    saved = [path for path in home.rglob("*") if path.is_file()]
    assert saved == [], f"files written in the server's home: {saved}"


@pytest.mark.parametrize("who", ["name screen", "dashboard"])
def test_screenshot_not_offered_before_the_lessons_either(start_server, clients, tmp_path, who):
    """The shared login's name screen and the instructor's dashboard are apps of their own:
    their Ctrl+P offered Screenshot too, which saved into the server account's ~/Downloads."""
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    options = ["--shared-user", "room"] if who == "name screen" else list(instructor_options(tmp_path))
    server = start_server("--open", *options, app_command="", env=env)
    if who == "name screen":
        client = clients(server.port, "room", cols=100, rows=30)
        client.wait_screen(r"What is your name")
    else:
        client = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=100, rows=30)
        client.log_in(INSTRUCTOR_PASSWORD)
        client.wait_screen(r"NAME")
    client.press("\x10")  # Ctrl+P
    client.wait_screen(r"Search for commands")
    client.press("Screenshot")
    client.wait_screen(r"No matches found")
    client.press("\r")
    client.press("\x11")  # Ctrl+Q
    client.wait_exit()
    saved = [path for path in home.rglob("*") if path.is_file()]
    assert saved == [], f"files written in the server's home: {saved}"


def test_clamp_size():
    """The clamp itself: in range, zero (no size sent) and far out of range."""
    from nntui.serve.ssh_session import clamp_size

    assert clamp_size(80, 24) == (80, 24)
    assert clamp_size(0, 0) == (80, 24)
    assert clamp_size(70000, 70000) == (500, 200)
    assert clamp_size(1, 1) == (10, 5)


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_a_flood_of_keys_is_held_back_not_buffered_by_the_server(start_server, tmp_path):
    """64 MB sent into a session whose app does not read its input: the server stops reading
    the client (SSH flow control) instead of holding the flood in its own memory."""
    # Like a busy Textual app: its terminal in raw mode (no echo), its input left unread.
    quiet_app = f'{PYTHON} -c "import time, tty; tty.setraw(0); time.sleep(120)"'
    server = start_server("--open", app_command=quiet_app)
    flood = tmp_path / "flood.txt"
    flood.write_bytes(b"a" * (64 * 1024 * 1024))
    before = _rss_kb(server.pid)
    command = ["ssh", *SSH_BASE, "-o", "LogLevel=ERROR", "-tt", "-p", str(server.port), "mallory@127.0.0.1"]
    with flood.open("rb") as stdin:
        client = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Held back, the client never gets it all out; buffered, the server grows by the flood.
        deadline = time.monotonic() + 10
        grown = 0
        while time.monotonic() < deadline and client.poll() is None:
            grown = max(grown, _rss_kb(server.pid) - before)
            assert grown < 16 * 1024, f"the server grew by {grown // 1024} MB holding one client's keys"
            time.sleep(0.1)  # a sampling interval, not synchronisation
        grown = max(grown, _rss_kb(server.pid) - before)
        assert grown < 16 * 1024, f"the server grew by {grown // 1024} MB holding one client's keys"
    finally:
        client.kill()
        client.wait()
