"""One child process on its own pseudo-terminal, driven from an asyncio event loop.

The child becomes a session leader with the pty as its controlling terminal, so the kernel
delivers SIGWINCH on resizes and SIGHUP when the server lets go of the terminal. Output is
read from the master side without blocking and handed to a callback; input is written
back with a small buffer in case the child is slow to read.

How the child is started is up to a *starter*: a coroutine function given the pty's slave
fd that returns something with ``pid``, ``returncode`` and ``wait()`` (an asyncio
subprocess, or a session forked by ``nntui.serve.zygote``). :func:`spawner` makes the
starter that runs a command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import resource
import signal
import struct
import termios
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ChildProcess", "Limits", "PtyChild", "Starter", "describe_exit", "set_winsize", "spawner"]


@dataclass(frozen=True)
class Limits:
    """Per-session resource limits; None leaves a limit as the server has it."""

    memory_bytes: int | None = None
    cpu_seconds: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        """A JSON-ready form (for a forked session)."""
        return {"memory_bytes": self.memory_bytes, "cpu_seconds": self.cpu_seconds}


class ChildProcess(Protocol):
    """What PtyChild needs of a started child (``asyncio.subprocess.Process`` has it)."""

    pid: int
    returncode: int | None

    async def wait(self) -> int: ...


#: Starts a child on the pty whose slave side is the given fd.
Starter = Callable[[int], Awaitable[ChildProcess]]

#: Process ids of the children asyncio started and will reap itself (see zygote's stray reaper).
SPAWNED: set[int] = set()


def set_winsize(fd: int, cols: int, rows: int) -> None:
    """Set the size of the terminal behind ``fd`` (TIOCSWINSZ)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(rows, 1), max(cols, 1), 0, 0))


def _child_setup(limits: Limits) -> None:
    """Runs in the child between fork and exec: take the pty as terminal, apply limits.

    Only async-signal-safe-ish system calls here (no locks, no allocation-heavy Python).
    """
    # start_new_session already made us a session leader; fd 0 is the pty slave.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    if limits.memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    if limits.cpu_seconds is not None:
        # The soft limit sends SIGXCPU; the hard one, a little later, SIGKILL.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))


def spawner(
    argv: Sequence[str],
    env: Mapping[str, str],
    limits: Limits = Limits(),
    cwd: str | None = None,
    pass_fds: Sequence[int] = (),
) -> Starter:
    """A starter that runs ``argv`` as a new process on the pty."""

    async def start(slave: int) -> ChildProcess:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            pass_fds=tuple(pass_fds),
            preexec_fn=lambda: _child_setup(limits),
        )
        SPAWNED.add(proc.pid)
        return proc

    return start


#: Keystrokes held for a child that is not reading them; past this the client is asked to wait
#: (``on_input_full``), so a paste or a flood costs the server this much memory, not the flood.
INPUT_BUFFER_LIMIT = 256 * 1024


class PtyChild:
    """A process started on a fresh pty; see the module docstring."""

    def __init__(
        self,
        starter: Starter,
        cols: int,
        rows: int,
        on_output: Callable[[bytes], None],
        on_input_full: Callable[[bool], None] | None = None,
    ) -> None:
        self._starter = starter
        #: Called with True when INPUT_BUFFER_LIMIT bytes wait for the child, False once it read them.
        self._on_input_full = on_input_full
        self._input_full = False
        self._size = (cols, rows)
        self._on_output = on_output
        self._master: int | None = None
        self._proc: ChildProcess | None = None
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self._output_done = asyncio.Event()
        self.bytes_out = 0
        self._output_seen = asyncio.Event()

    @property
    def pid(self) -> int | None:
        """Process id of the child, once started."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        """Exit status (negative: killed by that signal), None while running."""
        return self._proc.returncode if self._proc else None

    async def start(self) -> None:
        """Open the pty and start the child on it."""
        master, slave = os.openpty()
        try:
            set_winsize(slave, *self._size)
            self._proc = await self._starter(slave)
        except BaseException:
            os.close(master)
            raise
        finally:
            # Only the child keeps the slave open, so reading the master ends (EIO) when it exits.
            os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self._start_reading()

    def _start_reading(self) -> None:
        if self._master is not None and not self._reading and not self._output_done.is_set():
            asyncio.get_running_loop().add_reader(self._master, self._read)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self._master)
            self._reading = False

    def _read(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the slave side has gone
            data = b""
        if not data:
            self._stop_reading()
            self._output_done.set()
            return
        self.bytes_out += len(data)
        self._output_seen.set()
        self._on_output(data)

    async def settled(self, quiet: float = 0.05, limit: float = 8.0) -> None:
        """Return once the child has drawn something and then gone quiet for ``quiet`` seconds.

        Used to pace start-ups: an app's first screen is its most CPU-hungry moment. Gives
        up after ``limit`` seconds, or at once if the child has ended.
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + limit
        drawn = self.bytes_out > 0
        while not self._output_done.is_set() and self.returncode is None:
            left = end - loop.time()
            if left <= 0:
                return
            self._output_seen.clear()
            try:
                # Before the first output, wait for it; after, each wait is a quiet period.
                await asyncio.wait_for(self._output_seen.wait(), min(left, quiet) if drawn else left)
            except asyncio.TimeoutError:
                if drawn:
                    return
                continue
            drawn = True

    def pause_output(self) -> None:
        """Stop reading the child's output (the client is not keeping up)."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        """Read the child's output again."""
        self._paused = False
        self._start_reading()

    def write(self, data: bytes) -> None:
        """Send keystrokes to the child; kept in order if its input is momentarily full."""
        if self._master is None or self._output_done.is_set():
            return
        if self._pending:
            self._pending += data
            self._note_input_held()
            return
        try:
            written = os.write(self._master, data)
        except BlockingIOError:
            written = 0
        except OSError:
            return
        if written < len(data):
            self._pending += data[written:]
            asyncio.get_running_loop().add_writer(self._master, self._flush)
            self._note_input_held()

    def _note_input_held(self) -> None:
        if not self._input_full and len(self._pending) >= INPUT_BUFFER_LIMIT:
            self._input_full = True
            if self._on_input_full is not None:
                self._on_input_full(True)

    def _flush(self) -> None:
        assert self._master is not None
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            asyncio.get_running_loop().remove_writer(self._master)
        if self._input_full and len(self._pending) < INPUT_BUFFER_LIMIT // 2:
            self._input_full = False
            if self._on_input_full is not None:
                self._on_input_full(False)

    def resize(self, cols: int, rows: int) -> None:
        """Give the terminal a new size and tell the child (SIGWINCH)."""
        if not cols or not rows:
            return
        self._size = (cols, rows)  # before start: the size the child will start with
        if self._master is None:
            return
        with contextlib.suppress(OSError):
            set_winsize(self._master, cols, rows)
        # The kernel signals the terminal's foreground group too; this covers a child that
        # has not taken the terminal yet.
        self._signal(signal.SIGWINCH)

    def _signal(self, signum: int) -> None:
        if self._proc is None or self._proc.returncode is not None:
            return
        try:
            os.killpg(self._proc.pid, signum)
        except ProcessLookupError:
            pass
        except PermissionError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._proc.pid, signum)

    async def wait(self) -> int:
        """Wait until the child has exited and all its output has been delivered."""
        assert self._proc is not None
        code = await self._proc.wait()
        SPAWNED.discard(self._proc.pid)
        # Output still buffered in the pty arrives before EIO; do not wait forever if paused.
        if not self._paused:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._output_done.wait(), 2.0)
        self._close_master()
        return code

    async def stop(self, grace: float = 2.0) -> int | None:
        """End the child: hang up, then SIGTERM, then SIGKILL; always reaps it."""
        if self._proc is None:
            return None
        for signum, wait in ((signal.SIGHUP, grace / 2), (signal.SIGTERM, grace / 2), (signal.SIGKILL, None)):
            if self._proc.returncode is not None:
                break
            self._signal(signum)
            try:
                await asyncio.wait_for(self._proc.wait(), wait)
            except asyncio.TimeoutError:
                continue
        code = await self._proc.wait()
        SPAWNED.discard(self._proc.pid)
        # Anything the child started in its own group goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._close_master()
        return code

    def _close_master(self) -> None:
        if self._master is None:
            return
        self._stop_reading()
        if self._pending:
            with contextlib.suppress(ValueError):
                asyncio.get_running_loop().remove_writer(self._master)
            self._pending.clear()
        with contextlib.suppress(OSError):
            os.close(self._master)
        self._master = None
        self._output_done.set()


def describe_exit(code: int) -> str:
    """A few words on how a child ended, for the attendee's last line."""
    if code >= 0:
        return f"exit status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if -code == signal.SIGXCPU:
        return "it used up its CPU time allowance"
    return f"it was stopped by {name}"
