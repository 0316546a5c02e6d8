"""The pre-forked session starter: one process that has already loaded the lesson app.

Starting Python and importing Textual and NumPy costs about half a CPU second, and a room
logging in at once on a small machine pays it fifty times over. So the SSH server starts
this helper once: it imports everything a session needs, runs the app once without a
terminal to warm Textual's caches, and then waits. For every attendee the server sends it
the attendee's terminal (the pty's slave side, passed with SCM_RIGHTS) and a *spec* (see
``nntui.serve.session``); the helper forks, the child becomes a session of its own on that
terminal and runs the app, and the helper answers with the child's pid.

The helper is the children's parent: it reaps them (and, as a child subreaper, anything
they leave behind) and tells the server each session's exit status. Nothing read at
import time depends on the attendee: TERM, COLORTERM, NO_COLOR and the colour system are
read when each session's app is built, after the child has its own environment.

Messages are JSON on a SOCK_SEQPACKET socket pair, one per datagram:
server -> helper ``{"op": "fork", "id": N, "spec": {...}}`` (fds: slave[, control]);
helper -> server ``{"op": "ready", "pid": P}``, ``{"op": "forked", "id": N, "pid": P}``,
``{"op": "failed", "id": N, "error": "..."}``, ``{"op": "exit", "pid": P, "code": C}``
(C as asyncio reports it: negative for a signal).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .ptychild import SPAWNED

__all__ = ["ForkedChild", "Zygote", "ZygoteUnavailable", "become_subreaper", "main"]

_MAX_MESSAGE = 1 << 16
PR_SET_CHILD_SUBREAPER = 36


class ZygoteUnavailable(Exception):
    """The starter cannot fork this session (it is gone or not answering): spawn instead."""


def become_subreaper() -> bool:
    """Make orphaned descendants of this process its children rather than init's (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


# --- the server's side ----------------------------------------------------------------------


class ForkedChild:
    """A session forked by the starter, seen from the server: pid, exit status, wait().

    Quacks like ``asyncio.subprocess.Process`` for ``PtyChild``. Its status normally comes
    from the starter; if the starter dies first, the orphan is the server's child (the
    server is a child subreaper) and is waited for through a pidfd.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._done = asyncio.get_running_loop().create_future()
        self._pidfd: int | None = None
        with contextlib.suppress(OSError, AttributeError):
            self._pidfd = os.pidfd_open(pid)

    def _finish(self, code: int) -> None:
        if self.returncode is None:
            self.returncode = code
            if not self._done.done():
                self._done.set_result(code)
        self._close_pidfd()

    def _close_pidfd(self) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._pidfd)
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None

    def orphaned(self) -> None:
        """The starter died: wait for this child ourselves from now on."""
        if self.returncode is not None:
            return
        if self._pidfd is None:
            self._finish(-signal.SIGKILL)  # cannot follow it any more; it was killed with its group
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
            return
        asyncio.get_running_loop().add_reader(self._pidfd, self._reap)
        self._reap()

    def _reap(self) -> None:
        if self._pidfd is None or self.returncode is not None:
            return
        try:
            info = os.waitid(os.P_PIDFD, self._pidfd, os.WEXITED | os.WNOHANG)
        except ChildProcessError:
            # Not (yet) our child: reparenting happens as the starter's exit completes. If the
            # process has already gone, nobody will tell us its status.
            if not _alive(self.pid):
                self._finish(1)
                return
            # Ended but not handed to us yet: the pidfd stays readable, so look again shortly
            # instead of spinning on it.
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._pidfd)
            loop.call_later(0.2, self._watch_again)
            return
        except OSError:
            self._finish(1)
            return
        if info is None:
            return
        code = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
        self._finish(code)

    def _watch_again(self) -> None:
        if self._pidfd is not None and self.returncode is None:
            asyncio.get_running_loop().add_reader(self._pidfd, self._reap)

    async def wait(self) -> int:
        """The exit status, once the child has ended (negative: the signal that ended it)."""
        return await asyncio.shield(self._done)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Zygote:
    """The server's handle on the starter process (see the module docstring)."""

    def __init__(self, env: Mapping[str, str], warm: Mapping, say: Callable[[str], None]) -> None:
        self._env = dict(env)
        self._warm = dict(warm)
        self._say = say
        self._proc: asyncio.subprocess.Process | None = None
        self._sock: socket.socket | None = None
        self._ready: asyncio.Future | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._children: dict[int, ForkedChild] = {}
        self._early_exits: dict[int, int] = {}
        self._watch_task: asyncio.Task | None = None
        self._reaper: asyncio.Task | None = None
        self._orphans: dict[int, ForkedChild] = {}
        self._next_id = 0
        self.alive = False
        self._reported = False
        self.pid: int | None = None

    async def start(self, timeout: float = 120.0) -> bool:
        """Start the starter and wait until it has loaded everything; False (said once) if it cannot."""
        loop = asyncio.get_running_loop()
        become_subreaper()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nntui.serve.zygote",
                str(theirs.fileno()),
                json.dumps(self._warm),
                pass_fds=(theirs.fileno(),),
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                # Out of the server's process group: Ctrl+C in the instructor's terminal
                # reaches the server, which ends the sessions in order.
                start_new_session=True,
            )
        except OSError as error:
            mine.close()
            self._gone(f"it could not be started: {error}")
            return False
        finally:
            theirs.close()
        mine.setblocking(False)
        self._sock = mine
        self._ready = loop.create_future()
        loop.add_reader(mine, self._readable)
        self._watch_task = loop.create_task(self._watch())
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except (asyncio.TimeoutError, ZygoteUnavailable):
            self._gone(f"it was not ready after {timeout:g} s")
            await self.close()
            return False
        self.alive = True
        return True

    async def _watch(self) -> None:
        assert self._proc is not None
        code = await self._proc.wait()
        if self.alive or (self._ready is not None and not self._ready.done()):
            self._gone(f"{'exit status' if code >= 0 else 'signal'} {abs(code)}")

    def _readable(self) -> None:
        assert self._sock is not None
        while True:
            try:
                data = self._sock.recv(_MAX_MESSAGE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._gone("it closed its connection")
                return
            try:
                message = json.loads(data)
            except ValueError:
                continue
            self._handle(message)

    def _handle(self, message: dict) -> None:
        op = message.get("op")
        if op == "ready":
            self.pid = message.get("pid")
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(True)
        elif op == "not-ready":
            self._gone(f"it could not load the app: {message.get('error', '')}")
        elif op in ("forked", "failed"):
            waiter = self._pending.pop(message.get("id"), None)
            if waiter is None or waiter.done():
                return
            if op == "forked":
                pid = int(message["pid"])
                child = ForkedChild(pid)
                self._children[pid] = child
                if pid in self._early_exits:  # it ended before we even heard of it
                    self._children.pop(pid)._finish(self._early_exits.pop(pid))
                waiter.set_result(child)
            else:
                waiter.set_exception(OSError(message.get("error", "the session could not be started")))
        elif op == "exit":
            pid, code = int(message["pid"]), int(message["code"])
            child = self._children.pop(pid, None)
            if child is not None:
                child._finish(code)
            else:
                self._early_exits[pid] = code

    def _gone(self, why: str) -> None:
        """The starter is no use any more: say so once; pending forks fail; children are followed directly."""
        was_alive = self.alive
        self.alive = False
        if not self._reported:
            self._reported = True
            if was_alive:
                self._say(
                    f"nntui: the pre-forked session starter has stopped ({why}); new sessions now start "
                    "as separate processes (slower), and running sessions carry on."
                )
            else:
                self._say(
                    f"nntui: the pre-forked session starter is not available ({why}); sessions start "
                    "as separate processes."
                )
        if self._sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._sock)
            self._sock.close()
            self._sock = None
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(ZygoteUnavailable(why))
        for waiter in self._pending.values():
            if not waiter.done():
                waiter.set_exception(ZygoteUnavailable(why))
        self._pending.clear()
        for pid, child in self._children.items():
            self._orphans[pid] = child
            child.orphaned()
        self._children.clear()
        if was_alive and self._reaper is None:
            self._reaper = asyncio.get_running_loop().create_task(self._reap_strays())

    async def _reap_strays(self, every: float = 5.0) -> None:
        """After the starter's death, reap whatever of its descendants ends up ours and ends.

        The server is a child subreaper, so the starter's orphans (the sessions, followed by
        their pidfds) and anything they leave behind become its children. Children asyncio
        started (``ptychild.SPAWNED``) are left to asyncio.
        """
        while True:
            await asyncio.sleep(every)
            for pid in [pid for pid, child in self._orphans.items() if child.returncode is not None]:
                del self._orphans[pid]
            while True:
                try:
                    info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                except ChildProcessError:
                    break
                if info is None or info.si_pid in SPAWNED or info.si_pid in self._orphans:
                    break  # someone else reaps that one; look again later
                if self._proc is not None and info.si_pid == self._proc.pid:
                    break
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(info.si_pid, os.WNOHANG)

    async def fork(self, spec: Mapping, fds: list[int]) -> ForkedChild:
        """Have the starter fork a session on the terminal ``fds[0]``; raises ZygoteUnavailable."""
        if not self.alive or self._sock is None:
            raise ZygoteUnavailable("not running")
        self._next_id += 1
        request_id = self._next_id
        data = json.dumps({"op": "fork", "id": request_id, "spec": dict(spec)}).encode()
        waiter = asyncio.get_running_loop().create_future()
        self._pending[request_id] = waiter
        try:
            socket.send_fds(self._sock, [data], fds)
        except OSError as error:  # full (not answering) or gone
            self._pending.pop(request_id, None)
            if not isinstance(error, BlockingIOError):
                self._gone(f"it could not be reached: {error}")
            raise ZygoteUnavailable(str(error)) from None
        try:
            return await asyncio.wait_for(waiter, 30)
        except asyncio.TimeoutError:
            self._pending.pop(request_id, None)
            raise ZygoteUnavailable("no answer in 30 s") from None

    async def close(self) -> None:
        """Stop the starter (after the sessions have been ended) and reap it."""
        if self._reaper is not None:
            self._reaper.cancel()
        was_alive, self.alive = self.alive, False
        self._reported = True  # an orderly stop is not news
        if self._sock is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._sock)
            self._sock.close()  # the starter sees EOF and leaves
            self._sock = None
        if self._proc is None:
            return
        try:
            await asyncio.wait_for(self._proc.wait(), 10 if was_alive else 1)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
            await self._proc.wait()


# --- the starter's side ---------------------------------------------------------------------


def _preload(warm: Mapping) -> None:
    """Import what every session needs and run the app once, headless, to warm caches."""
    import gc
    import tempfile

    import numpy  # noqa: F401

    import nntui.app.app  # noqa: F401
    import nntui.app.screens.name  # noqa: F401
    import nntui.app.run  # noqa: F401
    import nntui.serve.session  # noqa: F401
    from nntui.app import AppConfig, make_app
    lessons = warm.get("lessons")
    with tempfile.TemporaryDirectory(prefix="nntui-warm-") as state:
        config = AppConfig(
            lessons_dir=Path(lessons) if lessons else None,
            start_lesson=warm.get("lesson"),
            state_dir=Path(state),
            mouse=False,
        )
        try:
            app = make_app(config)
        except Exception:
            app = make_app(AppConfig(lessons_dir=config.lessons_dir, state_dir=Path(state), mouse=False))

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


def _fork_session(sock: socket.socket, wake: tuple[int, int], message: dict, fds: list[int]) -> int | None:
    """Fork one session; in the child this never returns."""
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


def _end_children(children: set[int], wake_r: int, grace: float = 5.0) -> None:
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
                children.discard(pid)
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
    try:
        _preload(warm)
    except Exception as error:
        _reply(sock, {"op": "not-ready", "error": f"{type(error).__name__}: {error}"})
        return 1
    import threading

    if threading.active_count() != 1 or len(os.listdir("/proc/self/task")) != 1:
        _reply(sock, {"op": "not-ready", "error": "threads were left running after loading"})
        return 1
    become_subreaper()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select() up
    children: set[int] = set()
    _reply(sock, {"op": "ready", "pid": os.getpid()})
    try:
        while True:
            try:
                readable, _, _ = select.select([sock, wake_r], [], [])
            except InterruptedError:
                continue
            if wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
            while True:  # reap everything that ended: sessions and whatever they left behind
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                if pid in children:
                    children.discard(pid)
                    _reply(sock, {"op": "exit", "pid": pid, "code": os.waitstatus_to_exitcode(status)})
            if sock in readable:
                try:
                    data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 4)
                except OSError:
                    data, fds = b"", []
                if not data:
                    for fd in fds:
                        os.close(fd)
                    break
                try:
                    message = json.loads(data)
                except ValueError:
                    message = {}
                if message.get("op") == "fork":
                    pid = _fork_session(sock, (wake_r, wake_w), message, list(fds))
                    if pid is not None:
                        children.add(pid)
                else:
                    for fd in fds:
                        os.close(fd)
    finally:
        _end_children(children, wake_r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
