"""The starter process (``python -m nntui.serve.zygote FD WARM``): preload, then fork sessions.

It imports everything a session needs and runs the app once headless, then waits on its
socket: each ``fork`` request forks a session (see ``nntui.serve.session``), and every
child that ends is reaped and reported. When the server goes, every session is hung up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from .board import StartBoard, StartSlot

__all__ = ["MAX_MESSAGE", "become_subreaper", "main"]

#: The longest message either side sends (one datagram).
MAX_MESSAGE = 1 << 16
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make orphaned descendants of this process its children rather than init's (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def _preload(warm: Mapping) -> None:
    """Import what every session needs and run the app once, headless, to warm caches."""
    import gc
    import tempfile

    import numpy  # noqa: F401
    import numpy.random  # noqa: F401  (each session reseeds it: about 20 ms to import there)

    import nntui.app.app  # noqa: F401
    import nntui.app.room.attendee  # noqa: F401  (a workshop session joins the room as it starts)
    import nntui.app.room.attendee_views  # noqa: F401  (a shown poll or `!`: ~10 ms in each session)
    import nntui.app.screens.name  # noqa: F401
    import nntui.serve.session  # noqa: F401
    from nntui.app import AppConfig, make_app
    from nntui.app.run import read_course
    from nntui.course import resolve_lessons_dir

    lessons = warm.get("lessons")
    # Read once here: every session forked later finds the course parsed (see ``read_course``).
    course = read_course(resolve_lessons_dir(Path(lessons) if lessons else None))
    with tempfile.TemporaryDirectory(prefix="nntui-warm-") as state:
        config = AppConfig(
            lessons_dir=Path(lessons) if lessons else None,
            start_lesson=warm.get("lesson"),
            state_dir=Path(state),
            mouse=False,
        )
        try:
            app = make_app(config, course)
        except Exception:
            app = make_app(
                AppConfig(lessons_dir=config.lessons_dir, state_dir=Path(state), mouse=False), course
            )

        async def visit(app) -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.press("right")  # the next step: the text and pane code paths
                await pilot.pause()
                await app.workers.wait_for_complete()

        asyncio.run(visit(app))
        del app
    gc.collect()
    # Objects made so far are never freed: keep the collector off their pages so forks
    # share them instead of copying them.
    gc.freeze()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reply(sock: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):
        sock.send(json.dumps(message).encode())


def _fork_session(
    sock: socket.socket, wake: tuple[int, int], message: dict, fds: list[int], slot: StartSlot | None = None
) -> int | None:
    """Fork one session (``slot``: its place on the start board); in the child this never returns."""
    from nntui.serve import session

    spec = message.get("spec") or {}
    if not fds:
        _reply(sock, {"op": "failed", "id": message.get("id"), "error": "no terminal was passed"})
        return None
    slave, ctl_fd = fds[0], (fds[1] if len(fds) > 1 else None)
    try:
        pid = os.fork()
    except OSError as error:
        for fd in fds:
            os.close(fd)
        _reply(sock, {"op": "failed", "id": message.get("id"), "error": f"fork failed: {error}"})
        return None
    if pid == 0:  # the session
        code = 1
        try:
            signal.set_wakeup_fd(-1)  # before its pipe is closed: a signal must not write to a reused fd
            sock.close()
            for fd in wake:
                os.close(fd)
            for fd in fds[2:]:
                os.close(fd)
            session.become_session(slave, spec.get("env", {}), spec.get("limits", {}))
            session.START_SLOT = slot
            ctl = socket.socket(fileno=ctl_fd) if ctl_fd is not None else None
            code = session.run(spec, ctl)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            import traceback

            with contextlib.suppress(Exception):
                traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                import atexit

                atexit._run_exitfuncs()
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    for fd in fds:
        os.close(fd)
    _reply(sock, {"op": "forked", "id": message.get("id"), "pid": pid})
    return pid


def _end_children(children: dict[int, int | None], wake_r: int, grace: float = 5.0) -> None:
    """The server has gone: hang up every session, then kill what is left, and reap."""
    for signum in (signal.SIGHUP, signal.SIGKILL):
        for pid in list(children):
            with contextlib.suppress(OSError):
                os.killpg(pid, signum)
        deadline = time.monotonic() + grace
        while children and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid:
                children.pop(pid, None)
                continue
            # Woken by SIGCHLD (through the wake-up pipe) or at the deadline.
            with contextlib.suppress(InterruptedError):
                select.select([wake_r], [], [], max(0.0, deadline - time.monotonic()))
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)


def main(argv: list[str] | None = None) -> int:
    """``python -m nntui.serve.zygote FD WARM``: preload, then fork sessions on request."""
    argv = sys.argv[1:] if argv is None else argv
    sock = socket.socket(fileno=int(argv[0]))
    sock.setblocking(True)
    warm = json.loads(argv[1]) if len(argv) > 1 else {}
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    problem = _load(warm)
    if problem is not None:
        _reply(sock, {"op": "not-ready", "error": problem})
        return 1
    become_subreaper()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select() up
    children: dict[int, int | None] = {}  # each session's pid -> its slot on the start board
    board = StartBoard()
    _reply(sock, {"op": "ready", "pid": os.getpid()})
    try:
        _serve(sock, (wake_r, wake_w), children, board)
    finally:
        _end_children(children, wake_r)
    return 0


def _load(warm: Mapping) -> str | None:
    """Preload; None when ready to fork, else why not (one line)."""
    try:
        _preload(warm)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    import threading

    # A fork copies only the forking thread: any other would be missing in every session.
    if threading.active_count() != 1 or len(os.listdir("/proc/self/task")) != 1:
        return "threads were left running after loading"
    return None


def _serve(
    sock: socket.socket, wake: tuple[int, int], children: dict[int, int | None], board: StartBoard
) -> None:
    """Fork sessions on request and report the ends of ``children`` until the server goes."""
    wake_r = wake[0]
    while True:
        try:
            readable, _, _ = select.select([sock, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_r, 4096)
        _reap(sock, children, board)
        if sock in readable and not _take_request(sock, wake, children, board):
            return


def _reap(sock: socket.socket, children: dict[int, int | None], board: StartBoard) -> None:
    """Reap everything that ended (sessions and whatever they left behind); report sessions."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            slot = children.pop(pid)
            if slot is not None:  # ended before its first frame, perhaps: not starting any more
                board.free(slot)
            _reply(sock, {"op": "exit", "pid": pid, "code": os.waitstatus_to_exitcode(status)})


def _take_request(
    sock: socket.socket, wake: tuple[int, int], children: dict[int, int | None], board: StartBoard
) -> bool:
    """Read and act on one message from the server; False once the server has gone."""
    try:
        data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 4)
    except OSError:
        data, fds = b"", []
    if not data:
        for fd in fds:
            os.close(fd)
        return False
    try:
        message = json.loads(data)
    except ValueError:
        message = {}
    if message.get("op") == "fork":
        index = board.claim()
        pid = _fork_session(sock, wake, message, list(fds), None if index is None else board.slot(index))
        if pid is not None:
            children[pid] = index
        elif index is not None:
            board.free(index)
    else:
        for fd in fds:
            os.close(fd)
    return True
