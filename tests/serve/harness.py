"""Helpers for the serve tests: free ports, a server process, OpenSSH clients seen through pyte.

Nothing here sleeps to synchronise: every wait is a condition checked as output arrives,
with a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pyte

HERE = Path(__file__).resolve().parent
FAKE_APP = HERE / "fake_app.py"
PYTHON = sys.executable

SSH_BASE = [
    "-F",
    "/dev/null",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "ConnectTimeout=20",
]

#: Client options for a password login: no keys tried, one prompt.
PASSWORD_LOGIN = (
    "-o",
    "PreferredAuthentications=password",
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "NumberOfPasswordPrompts=1",
)
#: The instructor's own password in tests (see ``instructor_options``).
INSTRUCTOR_PASSWORD = "teacher-only secret"


def instructor_options(folder: Path, name: str = "teacher") -> tuple[str, ...]:
    """Server options for an instructor ``name`` with their own password (``INSTRUCTOR_PASSWORD``)."""
    path = folder / "instructor-password.txt"
    path.write_text(INSTRUCTOR_PASSWORD + "\n")
    return ("--instructor", name, "--instructor-password-file", str(path))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (read from /proc; zombies included)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; fields follow the last ')'.
        fields = stat[stat.rindex(b")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    return parents


def _runs_module(pid: int, module: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return module in handle.read().split(b"\0")
    except OSError:
        return False


def is_starter(pid: int) -> bool:
    """True if ``pid`` is the server's pre-forked session starter (nntui.serve.zygote)."""
    return _runs_module(pid, b"nntui.serve.zygote")


def is_hub(pid: int) -> bool:
    """True if ``pid`` is the server's room hub (nntui.serve.hub)."""
    return _runs_module(pid, b"nntui.serve.hub")


def session_pids(server_pid: int) -> set[int]:
    """The attendees' session processes of a server: its children, or its starter's children."""
    parents = _parents()
    starters = {pid for pid, parent in parents.items() if parent == server_pid and is_starter(pid)}
    return {
        pid
        for pid, parent in parents.items()
        if (parent == server_pid and pid not in starters and not is_hub(pid)) or parent in starters
    }


def process_state(pid: int) -> str | None:
    """The /proc state letter of ``pid`` (Z for zombie), None if it no longer exists."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2 :].split()[0].decode()


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something true; fail with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        # Short waits between checks of a condition we cannot be told about (/proc).
        time.sleep(interval)


class Server:
    """`nntui serve ssh` (or web) run as a real process on a free loopback port."""

    def __init__(
        self,
        state_dir: Path,
        *args: str,
        kind: str = "ssh",
        app_command: str | None = None,
        wrapper: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.state_dir = state_dir
        self.port = free_port()
        command = app_command if app_command is not None else f"{PYTHON} {FAKE_APP}"
        argv = ["-m", "nntui", "serve", kind, "--port", str(self.port), "--state-dir", str(state_dir)]
        if command:
            argv += ["--app-command", command]
        # ``wrapper`` (e.g. prlimit ...) must exec the server, so that our pid is the server's.
        program, *words = [*wrapper, PYTHON, *argv, *args]
        self.proc = pexpect.spawn(program, words, encoding="utf-8", timeout=30, dimensions=(24, 200), env=env)
        ready = "listening on" if kind == "ssh" else "nntui web server on"
        self.proc.expect(ready)
        #: Everything the server printed before its banner (warnings would be here).
        self.preamble = self.proc.before
        self.proc.expect("\n")
        self.banner = self.proc.before
        if kind == "ssh":
            self.proc.expect(r"Host key fingerprint: (SHA256:\S+)")
            self.fingerprint = self.proc.match.group(1)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.proc.pid

    def stop(self) -> int:
        """SIGTERM the server and wait for it; returns its exit status."""
        if self.proc.isalive():
            self.proc.kill(signal.SIGTERM)
            self.proc.expect(pexpect.EOF, timeout=30)
        self.proc.wait()
        return self.proc.exitstatus


class Client:
    """The OpenSSH client on a pseudo-terminal, its screen rebuilt by pyte."""

    def __init__(
        self,
        port: int,
        user: str,
        *extra: str,
        cols: int = 80,
        rows: int = 24,
        tty: bool = True,
        env=None,
        loglevel: str = "ERROR",
        command: tuple[str, ...] = (),
    ) -> None:
        args = list(SSH_BASE) + ["-o", f"LogLevel={loglevel}", "-p", str(port)]
        if tty:
            args.append("-tt")
        args += list(extra) + [f"{user}@127.0.0.1", *command]
        self.proc = pexpect.spawn("ssh", args, dimensions=(rows, cols), timeout=30, env=env)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()

    def _pump(self, timeout: float) -> bool:
        """Read what is available (waiting up to ``timeout``); False once the client has ended."""
        try:
            data = self.proc.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def drain(self) -> None:
        """Read what the client has printed so far, without waiting.

        A client nobody reads stops after a few screens (its terminal's buffer is full), and
        then stops sending keys too; read while waiting on anything else.
        """
        self._pump(0)

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def all_output(self) -> str:
        """Everything the client printed, escape sequences and all, decoded loosely."""
        return self.raw.decode("utf-8", "replace")

    def wait_screen(self, pattern: str, timeout: float = 30) -> re.Match:
        """Wait until the screen shows ``pattern`` (a regular expression)."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.text())
            if match:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"screen never showed {pattern!r}; it shows:\n{self.text()}")
            if not self._pump(min(remaining, 0.5)):
                match = regex.search(self.text())
                if match:
                    return match
                raise AssertionError(f"client ended before showing {pattern!r}; output:\n{self.all_output()}")

    def wait_output(self, pattern: str, timeout: float = 30) -> re.Match:
        """Wait until the raw output (not the screen) contains ``pattern``."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.all_output())
            if match:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"output never showed {pattern!r}; it was:\n{self.all_output()}")
            if not self._pump(min(remaining, 0.5)):
                match = regex.search(self.all_output())
                if match:
                    return match
                raise AssertionError(
                    f"client ended before printing {pattern!r}; output:\n{self.all_output()}"
                )

    def log_in(self, password: str) -> None:
        """Wait for the password prompt and type ``password``."""
        self.proc.expect("assword:")
        self.press(password + "\r")

    def press(self, keys: str | bytes) -> None:
        """Type ``keys`` into the client."""
        self.proc.send(keys)

    def resize(self, cols: int, rows: int) -> None:
        """Change the client's window size (the server should hear of it)."""
        self.screen.resize(rows, cols)
        self.proc.setwinsize(rows, cols)

    def wait_exit(self, timeout: float = 30) -> int:
        """Wait for the client to end, reading all it prints; returns its exit status."""
        deadline = time.monotonic() + timeout
        while self._pump(min(max(deadline - time.monotonic(), 0.01), 0.5)):
            if time.monotonic() > deadline:
                raise AssertionError(f"ssh did not end; screen:\n{self.text()}")
        self.proc.wait()
        return self.proc.exitstatus if self.proc.exitstatus is not None else -self.proc.signalstatus

    def close(self) -> None:
        """Kill the client if still running."""
        if self.proc.isalive():
            self.proc.terminate(force=True)


def run_nntui(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m nntui ARGS` to the end and capture its output."""
    return subprocess.run([PYTHON, "-m", "nntui", *args], capture_output=True, text=True, timeout=timeout)
