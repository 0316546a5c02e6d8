"""One attendee's session process: what runs on the attendee's terminal.

The SSH server starts it in one of two ways, both ending in :func:`run`:

- forked by the pre-forked session starter (``nntui.serve.zygote``), which has already
  imported Textual, NumPy and the lesson app; :func:`become_session` then makes the fork
  a session of its own on the attendee's terminal;
- as a fresh process, ``python -m nntui.serve.session SPEC`` (the fallback, and always for
  a stand-in ``--app-command``), already on the terminal.

A *spec* is a JSON-ready dict: ``kind`` ("app" or "dashboard"), ``name`` (None: ask, on
a shared login), ``plan`` (``SessionPlan.to_dict()``), ``title``, and in the forked case
``env`` and ``limits``.

On a shared login the attendee types their name on the lesson app's own name screen;
the server checks and claims it over the *control socket* (a SEQPACKET socket pair) so
that no two people work under one name, then the app runs with that name's progress.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from nntui.app.config import AppConfig
from nntui.app.screens.name import SKIPPED
from nntui.printable import one_line

from .launch import SessionPlan, app_args, app_config
from .tuning import Tuning

__all__ = ["become_session", "claim_name", "run", "main"]

#: Shown to a guest when the lessons open.
GUEST_NOTICE = "No name given: your progress is not kept after you leave."

_KEPT_STREAMS: list = []  # the zygote's own std streams, never closed (see _rebuild_stdio)

#: A forked session's slot on its starter's start board (``nntui.serve.zygote.board``), set by
#: the starter after the fork; None in a session started as a fresh process.
START_SLOT = None


# --- process set-up after a fork ------------------------------------------------------------


def become_session(slave_fd: int, env: Mapping[str, str], limits: Mapping[str, int | None]) -> None:
    """Make this freshly forked process a session of its own on the terminal ``slave_fd``.

    It becomes a session leader with the terminal as its controlling terminal (so the
    kernel sends it SIGWINCH and SIGHUP), reads and writes it as fds 0, 1 and 2, gets the
    attendee's environment and its limits, and the signal handling of a fresh Python.
    """
    import fcntl
    import resource
    import termios

    os.setsid()
    fcntl.ioctl(slave_fd, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave_fd, fd)
    if slave_fd > 2:
        os.close(slave_fd)
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    memory, cpu = limits.get("memory_bytes"), limits.get("cpu_seconds")
    if memory is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu is not None:
        # The soft limit sends SIGXCPU; the hard one, a little later, SIGKILL.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    os.environ.clear()
    os.environ.update(env)
    _rebuild_stdio()
    # Under memory pressure the kernel should pick a session before the server.
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text("300")
    _set_process_name(b"nntui-session")
    # Forks share the starter's random state: NumPy's global generator must differ per session
    # (Python's own `random` reseeds itself after a fork).
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _rebuild_stdio() -> None:
    """sys.stdin/stdout/stderr and their ``__x__`` originals on fds 0, 1, 2 (Textual's driver uses those)."""
    # The old stream objects own fds 0-2, which now are the terminal: keep them alive so
    # that collecting them never closes our terminal.
    _KEPT_STREAMS.extend([sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__, sys.__stderr__])

    def stream(fd: int, mode: str, errors: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        if mode == "r":
            return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", errors=errors)
        return io.TextIOWrapper(
            io.BufferedWriter(raw), encoding="utf-8", errors=errors, line_buffering=True, write_through=True
        )

    sys.stdin = sys.__stdin__ = stream(0, "r", "strict")
    sys.stdout = sys.__stdout__ = stream(1, "w", "strict")
    sys.stderr = sys.__stderr__ = stream(2, "w", "backslashreplace")


def _set_process_name(name: bytes) -> None:
    """Name the process (as ps and /proc/PID/comm show it); best effort."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)  # PR_SET_NAME


# --- the name prompt on a shared login ------------------------------------------------------


def claim_name(ctl: socket.socket | None, name: str) -> str | None:
    """Ask the server for ``name``; None if granted, else the one-line reason it is not."""
    if ctl is None:
        return None
    try:
        ctl.send(json.dumps({"claim": name}).encode())
        reply = json.loads(ctl.recv(4096) or b"{}")
    except (OSError, ValueError):
        return "the server did not answer; please try again"
    return None if reply.get("ok") else str(reply.get("problem") or "that name cannot be used")


def ask_name(title: str, ctl: socket.socket | None, mouse: bool) -> str | None:
    """Show the lesson app's name prompt until the server grants a name.

    Returns the name, ``SKIPPED`` if the attendee pressed Escape (go on without keeping
    progress), or None if they quit.
    """
    from nntui.app.screens.name import NamePromptApp

    class ServerNamePrompt(NamePromptApp):
        def on_mount(self) -> None:
            # The prompt is this session's first screen, with no pane: once it is drawn, this
            # session holds none of the room's others back (the start board).
            if START_SLOT is not None:
                self.call_after_refresh(START_SLOT.complete)

        def get_system_commands(self, screen):
            # No Screenshot: it saves to the server account's ~/Downloads.
            return (c for c in super().get_system_commands(screen) if c.title != "Screenshot")

    return ServerNamePrompt(title, claim=functools.partial(claim_name, ctl)).run(mouse=mouse)


# --- running the app ------------------------------------------------------------------------


def run(spec: Mapping, ctl: socket.socket | None = None) -> int:
    """Run one session as ``spec`` says; returns the exit status."""
    plan = SessionPlan.from_dict(spec["plan"])
    if START_SLOT is not None and (spec.get("kind") == "dashboard" or plan.app_command is not None):
        START_SLOT.complete()  # not the lesson app: nothing to wait for on the start board
    if spec.get("kind") == "dashboard":
        from .dashboard import run_dashboard

        return run_dashboard(plan.state_dir, plan.mouse, plan.lessons)
    name = spec.get("name")
    guest_dir: Path | None = None
    if name is None:
        name = ask_name(spec.get("title") or "the nntui workshop", ctl, plan.mouse)
        if name is None:
            return 0
        if name == SKIPPED:
            name = None
            (plan.state_dir / "guests").mkdir(parents=True, exist_ok=True)
            guest_dir = Path(tempfile.mkdtemp(prefix="guest-", dir=plan.state_dir / "guests"))
    if ctl is not None:
        ctl.close()
    if plan.app_command is not None:
        # A stand-in app (tests, benchmarks): it takes the app's options; never returns.
        argv = [*plan.app_command, *app_args(plan, name, guest_dir)]
        os.execvp(argv[0], argv)
    try:
        return run_app(
            app_config(plan, name, guest_dir), notice=GUEST_NOTICE if guest_dir is not None else None
        )
    finally:
        if guest_dir is not None:  # a session killed outright leaves it to the next server start
            shutil.rmtree(guest_dir, ignore_errors=True)


def show_link(app, url: str, *, new_tab: bool = True) -> None:
    """A server session's ``App.open_url``: say where a clicked link goes, never open it here.

    Textual opens links with Python's webbrowser, which on a server with no display runs a
    console browser (www-browser, lynx, w3m: each can start a shell) on the attendee's terminal,
    as the server's account.
    """
    app.notify(f"Open this link in your own browser: {one_line(str(url))[:300]}", timeout=10, markup=False)


def run_app(config: AppConfig, notice: str | None = None) -> int:
    """Run the lesson app as ``nntui`` does, plus the session's tuning; returns the exit status.

    The session holds the app it makes: the tuning thread watches it, and ``notice`` (if any)
    is shown when it opens.
    """
    from nntui.app import ConfigError
    from nntui.app.run import run as run_lessons

    def tune(app) -> None:
        app.deliver_files = False  # nothing is saved outside the attendee's state folder
        app.open_url = functools.partial(show_link, app)
        if notice:
            app.notices.append(notice)
        app.start_gate = START_SLOT  # its pane waits for the room's first frames (see the board)
        Tuning(app).start()

    try:
        return run_lessons(config, on_app=tune)
    except ConfigError as error:
        sys.stderr.write(f"nntui: error: {one_line(str(error))}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("nntui: interrupted\n")
        return 130


def main(argv: list[str] | None = None) -> int:
    """``python -m nntui.serve.session SPEC [CTL_FD]``: a session as a fresh process."""
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(argv[0])
    ctl = socket.socket(fileno=int(argv[1])) if len(argv) > 1 else None
    return run(spec, ctl)


if __name__ == "__main__":
    sys.exit(main())
