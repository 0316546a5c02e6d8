"""`nntui serve ssh` against the real OpenSSH client, on loopback, through pyte screens."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess

import pytest

from .harness import (
    INSTRUCTOR_PASSWORD,
    PASSWORD_LOGIN,
    SSH_BASE,
    children_of,
    free_port,
    instructor_options,
    process_state,
    run_nntui,
    session_pids,
    wait_for,
)

pytestmark = pytest.mark.ssh

NEXT, QUIT = "n", "q"


def test_lesson_resize_steps_quit_and_resume(server, clients):
    """The whole visit: lesson appears, resize re-lays out, steps move, q saves and exits 0."""
    alice = clients(server.port, "alice", "-o", "SetEnv=COLORTERM=truecolor", cols=80, rows=24)
    alice.wait_screen(r"Lesson 1: Fake neurons")
    alice.wait_screen(r"size 80x24")
    # The client's TERM and COLORTERM arrive; COLUMNS/LINES are never set.
    alice.wait_screen(r"TERM=\S+ COLORTERM=truecolor COLUMNS=- LINES=- ANIMATIONS=none")

    alice.resize(100, 30)
    alice.wait_screen(r"size 100x30")

    alice.press(NEXT)
    alice.wait_screen(r"Step 2 of 3 for alice")
    alice.press(NEXT)
    alice.wait_screen(r"Step 3 of 3 for alice")
    alice.press(QUIT)
    assert alice.wait_exit() == 0

    progress = json.loads((server.state_dir / "users" / "alice" / "progress.json").read_text())
    assert progress["name"] == "alice"
    assert progress["step"] == 2

    again = clients(server.port, "alice")
    again.wait_screen(r"Step 3 of 3 for alice")
    again.press(QUIT)
    assert again.wait_exit() == 0


def test_colorterm_only_when_sent(server, clients):
    """Without SetEnv the child has no COLORTERM even if the server's environment has one."""
    bob = clients(server.port, "bob")
    bob.wait_screen(r"COLORTERM=- COLUMNS=- LINES=-")
    bob.press(QUIT)
    assert bob.wait_exit() == 0


def test_killed_client_leaves_no_child(server, clients):
    """Killing the ssh client ends the session: its child is killed and reaped."""
    before = session_pids(server.pid)
    carol = clients(server.port, "carol")
    carol.wait_screen(r"Lesson 1")
    new = session_pids(server.pid) - before
    assert len(new) == 1, f"expected one new child, got {new}"
    (child,) = new
    carol.proc.kill(signal.SIGKILL)
    wait_for(lambda: process_state(child) is None, 20, f"child {child} to be gone (not even a zombie)")
    assert child not in children_of(server.pid)


@pytest.mark.parametrize("command", [(), ("echo", "hello")], ids=["ssh-T", "ssh-host-cmd"])
def test_without_terminal_refused(server, clients, command):
    """`ssh -T` and `ssh host cmd` get one line explaining how to connect, and exit status 1."""
    extra = ("-T",) if not command else ()
    client = clients(server.port, "dave", *extra, tty=False, cols=200, command=command)
    status = client.wait_exit()
    out = client.all_output()
    assert "only runs the interactive tutorial" in out
    assert f"ssh -p {server.port} -t YOURNAME@127.0.0.1" in out
    assert "hello" not in out
    assert status == 1
    assert not (server.state_dir / "users" / "dave").exists()


def test_bad_username_refused(server, clients):
    """A name outside [a-z0-9_-]{1,32} is refused with the rule, before any app starts."""
    client = clients(server.port, "Not.Valid", cols=200)
    assert client.wait_exit() == 1
    assert "cannot be used as a name" in client.all_output()
    assert not (server.state_dir / "users" / "Not.Valid").exists()


def test_local_port_forwarding_refused(server, clients):
    """`ssh -L`: the forwarded connection is refused by the server and closed at once."""
    target = server.port  # anything reachable would do; the server must not even try
    local = free_port()
    client = clients(
        server.port, "erin", "-N", "-L", f"{local}:127.0.0.1:{target}", tty=False, cols=200, loglevel="INFO"
    )

    def connect():
        try:
            return socket.create_connection(("127.0.0.1", local), timeout=5)
        except OSError:
            return None

    sock = wait_for(connect, 20, "ssh to listen on the forwarded port")
    with sock:
        sock.settimeout(20)
        assert sock.recv(100) == b"", "a refused forward closes without data"
    client.wait_output(r"administratively prohibited")


def test_remote_port_forwarding_refused(server, clients):
    """`ssh -R` with ExitOnForwardFailure: the client reports the refusal and gives up."""
    client = clients(
        server.port,
        "erin",
        "-N",
        "-o",
        "ExitOnForwardFailure=yes",
        "-R",
        "0:127.0.0.1:9",
        tty=False,
        cols=200,
    )
    assert client.wait_exit() == 255
    assert "forwarding failed" in client.all_output()


def test_status_lists_attendees(server, clients):
    """`nntui serve status` shows the attendees with lesson, step and who is online."""
    for name, steps in (("frank", 1), ("grace", 0)):
        client = clients(server.port, name)
        client.wait_screen(r"Lesson 1")
        for _ in range(steps):
            client.press(NEXT)
        client.wait_screen(rf"Step {steps + 1} of 3")
        if name == "frank":
            client.press(QUIT)
            assert client.wait_exit() == 0
            frank_done = True
    assert frank_done
    (server.state_dir / "users" / "grace").mkdir(parents=True, exist_ok=True)
    result = run_nntui("serve", "status", "--state-dir", str(server.state_dir))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert "01-fake-neurons" in lines["frank"]
    assert lines["frank"].split()[1] == "01-fake-neurons"  # frank is no longer online
    assert lines["grace"].split()[1] == "yes"  # grace's session is still open

    result = run_nntui("serve", "status", "--state-dir", str(server.state_dir), "--json")
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["frank"]["step"] == 1
    assert rows["frank"]["online"] == 0
    assert rows["grace"]["online"] == 1


def test_host_key_kept_between_runs(start_server, tmp_path):
    """The host key is made once: a second start prints the same fingerprint."""
    first = start_server()
    fingerprint = first.fingerprint
    assert first.stop() == 0
    second = start_server()
    assert second.fingerprint == fingerprint
    key = tmp_path / "state" / "ssh_host_ed25519_key"
    assert key.stat().st_mode & 0o077 == 0, "the private host key is readable by others"


def test_wrong_password_refused(start_server, clients, tmp_path):
    """With --password-file a wrong password is refused and the right one lets you in."""
    secret = tmp_path / "password.txt"
    secret.write_text("correct horse\n")
    server = start_server("--password-file", str(secret))
    ssh_opts = ("-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1")
    wrong = clients(server.port, "heidi", *ssh_opts)
    wrong.proc.expect("assword:")
    wrong.press("battery staple\r")
    assert wrong.wait_exit() == 255
    assert "Permission denied" in wrong.all_output()

    right = clients(server.port, "heidi", *ssh_opts)
    right.proc.expect("assword:")
    right.press("correct horse\r")
    right.wait_screen(r"Lesson 1")
    right.press(QUIT)
    assert right.wait_exit() == 0


def test_room_full(start_server, clients):
    """Past --max-sessions the next attendee gets a polite line and exit status 1."""
    server = start_server("--max-sessions", "1")
    first = clients(server.port, "ivan")
    first.wait_screen(r"Lesson 1")
    second = clients(server.port, "judy", cols=200)
    assert second.wait_exit() == 1
    assert "the room is full" in second.all_output()
    first.press(QUIT)
    assert first.wait_exit() == 0


def test_idle_timeout_ends_session(start_server, clients):
    """A session with no keys for --idle-timeout seconds ends with a line and status 0."""
    server = start_server("--idle-timeout", "2")
    before = set(children_of(server.pid))
    client = clients(server.port, "kim", cols=200)
    client.wait_screen(r"Lesson 1")
    assert client.wait_exit(timeout=30) == 0
    assert "no keys pressed" in client.all_output()
    wait_for(lambda: not (set(children_of(server.pid)) - before), 10, "the child to be reaped")


def test_sigterm_says_goodbye(start_server, clients):
    """SIGTERM to the server: each attendee sees a goodbye line, exits 0; no child is left."""
    server = start_server()
    client = clients(server.port, "leo", cols=200)
    client.wait_screen(r"Lesson 1")
    client.press(NEXT)
    client.wait_screen(r"Step 2 of 3")
    pid = server.pid
    assert server.stop() == 0
    assert client.wait_exit() == 0
    assert "shutting down" in client.all_output()
    assert children_of(pid) == []
    progress = json.loads((server.state_dir / "users" / "leo" / "progress.json").read_text())
    assert progress["step"] == 1


def test_shared_user_asks_for_a_name(start_server, clients, tmp_path):
    """--shared-user: the app's own name screen asks; unsafe, reserved and taken names are refused."""
    server = start_server("--shared-user", "room", *instructor_options(tmp_path))
    first = clients(server.port, "room", cols=120)
    first.wait_screen(r"What is your name\?")
    first.press("Bad Name\r")
    first.wait_screen(r"Use only a-z, 0-9, - and _")
    _retype(first, "room")
    first.wait_screen(r"'room' is reserved")
    _retype(first, "teacher")
    first.wait_screen(r"'teacher' is reserved")
    _retype(first, "mallory")
    first.wait_screen(r"Step 1 of 3 for mallory")

    second = clients(server.port, "room", cols=120)
    second.wait_screen(r"What is your name\?")
    second.press("mallory\r")
    second.wait_screen(r"Someone is already connected as 'mallory'")
    _retype(second, "oscar")
    second.wait_screen(r"Step 1 of 3 for oscar")

    first.press(NEXT)
    first.wait_screen(r"Step 2 of 3 for mallory")
    first.press(QUIT)
    assert first.wait_exit() == 0
    second.press(QUIT)
    assert second.wait_exit() == 0
    progress = json.loads((server.state_dir / "users" / "mallory" / "progress.json").read_text())
    assert (progress["name"], progress["step"]) == ("mallory", 1)
    assert not (server.state_dir / "users" / "room").exists()
    assert not (server.state_dir / "users" / "bad name").exists()


def _retype(client, name: str) -> None:
    """Clear the name field (Ctrl+U), wait until it is empty, then type ``name`` and Enter."""
    client.press("\x15")
    client.wait_screen(r"▊  lowercase letters, digits")  # the placeholder: the field is empty
    client.press(name + "\r")


def test_shared_user_can_leave_at_the_name_screen(start_server, clients):
    """Ctrl+Q on the name screen ends the session politely (exit status 0), nothing saved."""
    server = start_server("--shared-user", "room")
    client = clients(server.port, "room", cols=120)
    client.wait_screen(r"What is your name\?")
    client.press("\x11")
    assert client.wait_exit() == 0
    assert list((server.state_dir / "users").iterdir()) == []


def test_instructor_sees_dashboard(start_server, clients, tmp_path):
    """The --instructor login, with its own password, gets the room's view instead of lessons
    (here from the progress files: the stand-in app never talks to a room hub)."""
    server = start_server(*instructor_options(tmp_path))
    student = clients(server.port, "niaj")
    student.wait_screen(r"Lesson 1")
    student.press(NEXT)
    student.wait_screen(r"Step 2 of 3")
    teacher = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=120, rows=30)
    teacher.log_in(INSTRUCTOR_PASSWORD)
    teacher.wait_screen(r"NAME +STEP +TITLE")
    teacher.wait_screen(r"niaj .*01-fake-neurons")
    teacher.press(QUIT)
    assert teacher.wait_exit() == 0
    student.press(QUIT)
    assert student.wait_exit() == 0


def test_authorized_keys(start_server, clients, tmp_path):
    """With --authorized-keys a listed key gets in and any other key is refused."""
    import subprocess

    keys = {}
    for name in ("good", "other"):
        path = tmp_path / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
        keys[name] = path
    listed = tmp_path / "authorized_keys"
    listed.write_text((tmp_path / "good.pub").read_text())
    server = start_server("--authorized-keys", str(listed))
    only = ("-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-o", "BatchMode=yes")
    refused = clients(server.port, "olga", "-i", str(keys["other"]), *only, cols=200)
    assert refused.wait_exit() == 255
    assert "Permission denied" in refused.all_output()
    admitted = clients(server.port, "olga", "-i", str(keys["good"]), *only)
    admitted.wait_screen(r"Lesson 1")
    admitted.press(QUIT)
    assert admitted.wait_exit() == 0


def test_sftp_and_scp_refused(server):
    """sftp (and scp, which uses it) and `ssh -s host sftp`: the subsystem is refused, the client says so."""
    sftp = subprocess.run(
        ["sftp", "-P", str(server.port), *SSH_BASE, "-o", "BatchMode=yes", "zed@127.0.0.1"],
        input="ls\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sftp.returncode != 0
    assert "subsystem request failed" in sftp.stderr
    subsystem = subprocess.run(
        ["ssh", *SSH_BASE, "-p", str(server.port), "-s", "zed@127.0.0.1", "sftp"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert subsystem.returncode == 255
    assert "subsystem request failed" in subsystem.stderr
    assert not (server.state_dir / "users" / "zed").exists()


def test_agent_forwarding_not_given(server, clients, tmp_path):
    """`ssh -A`: OpenSSH asks without wanting an answer, so nothing is printed; the session works
    and the app gets no agent."""
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        wait_for(sock.exists, 20, "ssh-agent to listen")
        env = dict(os.environ, SSH_AUTH_SOCK=str(sock))
        client = clients(server.port, "yan", "-A", env=env, cols=200, loglevel="DEBUG")
        client.wait_screen(r"ANIMATIONS=none AGENT=- ")
        assert "Requesting authentication agent forwarding" in client.all_output()
        client.press(QUIT)
        assert client.wait_exit() == 0
    finally:
        agent.kill()
        agent.wait()


def test_x11_forwarding_refused(server, clients):
    """`ssh -X`: the client reports the refusal; the session carries on without a display."""
    env = dict(os.environ, DISPLAY=":77")
    client = clients(server.port, "zoe", "-X", env=env, cols=200, loglevel="INFO")
    client.wait_screen(r"AGENT=- DISPLAY=-")
    client.wait_output(r"X11 forwarding request failed")
    client.press(QUIT)
    assert client.wait_exit() == 0


def test_session_limits_applied(start_server, clients):
    """--memory-limit and --cpu-limit are the session process's RLIMIT_AS and RLIMIT_CPU."""
    server = start_server("--memory-limit", "900", "--cpu-limit", "1234")
    client = clients(server.port, "pat")
    client.wait_screen(r"Lesson 1")
    (pid,) = session_pids(server.pid)
    limits = _limits(pid)
    assert limits["Max address space"] == (str(900 * 1024 * 1024), str(900 * 1024 * 1024))
    assert limits["Max cpu time"] == ("1234", "1239")
    client.press(QUIT)
    assert client.wait_exit() == 0


def _limits(pid: int) -> dict[str, tuple[str, str]]:
    """/proc/PID/limits as name -> (soft, hard)."""
    rows = {}
    with open(f"/proc/{pid}/limits") as handle:
        next(handle)
        for line in handle:
            name, soft, hard = line[:26].strip(), *line[26:].split()[:2]
            rows[name] = (soft, hard)
    return rows
