"""The server's side of the pre-forked session starter: starting it, asking it to fork, reaping."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping

from ..ptychild import SPAWNED
from .starter import MAX_MESSAGE, become_subreaper

__all__ = ["ForkedChild", "Zygote", "ZygoteUnavailable", "become_subreaper"]


class ZygoteUnavailable(Exception):
    """The starter cannot fork this session (it is gone or not answering): spawn instead."""


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
                data = self._sock.recv(MAX_MESSAGE)
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
        if len(data) > MAX_MESSAGE:  # the starter would read it cut short and never answer
            raise ZygoteUnavailable(f"the request is {len(data)} bytes, more than the starter reads")
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
