"""The server's side of the room hub: start it, restart it when it dies, stop it at shutdown.

`serve ssh` and `serve web` each run one :class:`HubProcess`. It makes the room folder (0700)
and a fresh instructor token (0600), starts ``python -m nntui.serve.hub`` and waits for its
"ready" line, and restarts it whenever it exits (after ``RESTART_FIRST`` seconds, doubling up
to ``RESTART_MOST`` while it keeps dying young). Sessions find it through the environment
:meth:`HubProcess.session_env` gives them; a session never waits for it (see RoomLink).
The hub holds the read end of a pipe as its stdin: if the server itself is killed, the hub
sees it close and leaves too.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, ROOM_ENV, ROOM_VIA_ENV, hub_socket_path, room_dir

from .hub import pid_path, token_path
from .ptychild import SPAWNED

__all__ = ["HubProcess"]

#: Seconds before restarting a hub that died: the first time, and at most.
RESTART_FIRST, RESTART_MOST = 0.2, 10.0
#: A hub that ran this long before dying is restarted after RESTART_FIRST again.
HEALTHY_SECONDS = 30.0
#: Seconds a hub has to say "ready", and to stop after SIGTERM.
READY_TIMEOUT, STOP_TIMEOUT = 30.0, 5.0
#: How often a server sharing another server's hub looks whether it is still there (seconds).
SHARED_CHECK_EVERY = 1.0


class HubProcess:
    """The room hub as a supervised child of the server."""

    def __init__(self, state_dir: Path, via: str, say: Callable[[str], None] | None = None) -> None:
        self.state_dir = Path(state_dir).absolute()
        self.via = via
        self._say = say or (lambda line: print(line, flush=True))
        self.token = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._started_at = 0.0
        self._wrote_token = False
        #: How many times a hub has started and said "ready" (tests wait on it).
        self.starts = 0
        self._changed = asyncio.Condition()

    @property
    def socket_path(self) -> Path:
        """Where sessions reach the hub."""
        return hub_socket_path(self.state_dir)

    @property
    def pid(self) -> int | None:
        """The running hub's process id (None between a death and its restart)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.returncode is None else None

    def session_env(self) -> dict[str, str]:
        """What every attendee session's environment gets: the hub's socket and how they came in."""
        return {ROOM_ENV: str(self.socket_path), ROOM_VIA_ENV: self.via}

    def instructor_env(self) -> dict[str, str]:
        """The instructor session's environment: the attendees' plus the instructor token."""
        return self.session_env() | {INSTRUCTOR_TOKEN_ENV: self.token}

    async def start(self) -> bool:
        """Make the token, start the hub and wait until it listens; False (said) if it could not.

        If another server on this state folder already runs a hub, that one is used (with its
        token) and this server starts its own only once that one has gone.
        """
        folder = room_dir(self.state_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)
        if self._other_hub_running():
            with contextlib.suppress(OSError):
                self.token = token_path(self.state_dir).read_text(encoding="utf-8").strip()
            self._say("nntui: another server's room hub is running for this state folder; sharing it")
            ready = True
        else:
            self.token = secrets.token_urlsafe(32)
            ready = await self._spawn()
        self._task = asyncio.get_running_loop().create_task(self._supervise())
        return ready

    def _other_hub_running(self) -> bool:
        """True if a hub this server did not start holds the room (its lock on the pid file)."""
        try:
            fd = os.open(pid_path(self.state_dir), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)  # also lets go of the lock if it was taken
        return False

    def _write_token(self) -> None:
        path = token_path(self.state_dir)
        fresh = path.with_name(path.name + ".new")
        fresh.unlink(missing_ok=True)
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(self.token + "\n")
        fresh.replace(path)
        self._wrote_token = True

    async def _spawn(self) -> bool:
        self._started_at = asyncio.get_running_loop().time()
        try:
            self._write_token()  # the hub reads it at each instructor's hello
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nntui.serve.hub",
                "--state-dir",
                str(self.state_dir),
                "--watch-stdin",
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                # Out of the server's process group: Ctrl+C reaches the server, which stops it.
                start_new_session=True,
            )
        except OSError as error:
            self._proc = None
            self._say(f"nntui: the room hub could not be started: {error}")
            return False
        self._proc = proc
        SPAWNED.add(proc.pid)  # ours to reap, not the zygote's stray reaper's
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), READY_TIMEOUT)
        except asyncio.TimeoutError:
            line = b""
        if line.strip() != b"ready":
            with contextlib.suppress(ProcessLookupError):
                proc.kill()  # hung or failed: the supervisor sees it end and tries again
            return False
        async with self._changed:
            self.starts += 1
            self._changed.notify_all()
        return True

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        delay = RESTART_FIRST
        while not self._stopping:
            proc = self._proc
            if proc is not None:
                code = await proc.wait()
                SPAWNED.discard(proc.pid)
                if proc.stdin is not None:
                    proc.stdin.close()
                if self._stopping:
                    return
                self._proc = None
                if loop.time() - self._started_at >= HEALTHY_SECONDS:
                    delay = RESTART_FIRST
                how = f"exit status {code}" if code >= 0 else f"signal {-code}"
                self._say(f"nntui: the room hub stopped ({how}); restarting it (sessions carry on)")
                await asyncio.sleep(delay)
                delay = min(delay * 2, RESTART_MOST)
            elif self._other_hub_running():
                await asyncio.sleep(SHARED_CHECK_EVERY)  # another server's hub: ours once it has gone
                continue
            if not self._stopping and not self._other_hub_running():
                await self._spawn()

    async def wait_started(self, count: int) -> None:
        """Wait until the hub has started ``count`` times in all (1: the first start)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.starts >= count)

    async def stop(self) -> None:
        """Stop supervising and end the hub (SIGTERM, then SIGKILL after ``STOP_TIMEOUT``)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        proc = self._proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if proc is not None:
            SPAWNED.discard(proc.pid)
            if proc.stdin is not None:
                proc.stdin.close()
        if self._wrote_token:
            token_path(self.state_dir).unlink(missing_ok=True)
