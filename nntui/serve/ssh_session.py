"""One SSH session channel: the attendee's child process on its own terminal.

Only an interactive session on a pseudo-terminal is run; a channel without one (``ssh -T``,
``ssh host command``) gets one line saying how to connect. Terminal sizes from the client
(the pty request and every window change) are clamped to ``SIZE_RANGE`` first: a terminal
of 70000 columns is no terminal, and the kernel's size fields stop at 65535.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from .claims import ClaimSocket, claim_problem, taken_message
from .launch import child_env, exercises_env, user_state_dir
from .names import name_problem
from .ptychild import PtyChild, describe_exit
from .ssh_host import import_asyncssh

asyncssh = import_asyncssh()

if TYPE_CHECKING:
    from .ssh import WorkshopSSHServer
    from .ssh_login import SshLogin

__all__ = ["SIZE_RANGE", "SshSession", "TERMINAL_RESET", "clamp_size", "no_pty_message"]

#: The terminal sizes a session accepts, ((min cols, max cols), (min rows, max rows)).
SIZE_RANGE = ((10, 500), (5, 200))
#: The size used when the client sends none (0x0).
DEFAULT_SIZE = (80, 24)

# Put the attendee's terminal back the way it was after a child that did not exit by
# itself: leave the alternate screen, show the cursor, stop mouse and paste reporting,
# drop the kitty keyboard mode, reset colours.
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[0m"
)


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A client's terminal size within ``SIZE_RANGE`` (0 in either: the default size)."""
    if not cols or not rows:
        cols, rows = DEFAULT_SIZE
    (low_cols, high_cols), (low_rows, high_rows) = SIZE_RANGE
    return min(max(cols, low_cols), high_cols), min(max(rows, low_rows), high_rows)


def no_pty_message(host: str, port: int) -> str:
    """The one line a client without a terminal (``ssh -T``, ``ssh host cmd``) gets."""
    port_part = "" if port == 22 else f"-p {port} "
    return (
        "nntui: this server only runs the interactive tutorial; connect from a terminal "
        f"with no command: ssh {port_part}-t YOURNAME@{host}"
    )


class SshSession(asyncssh.SSHServerSession):
    """One SSH session channel: the attendee's child process on its own terminal."""

    def __init__(self, hub: WorkshopSSHServer, login: SshLogin) -> None:
        self._hub = hub
        self._login = login
        self._chan: asyncssh.SSHServerChannel | None = None
        self._command: str | None = None
        self._child: PtyChild | None = None
        self._claims: ClaimSocket | None = None
        self._ending = False
        self._closed = False
        self.name: str | None = None
        self.last_input = asyncio.get_running_loop().time()
        self.started = False

    @property
    def pid(self) -> int | None:
        """The session process's id, once started."""
        return self._child.pid if self._child is not None else None

    # --- channel set-up -------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def pty_requested(self, term_type, term_size, term_modes) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to explain why it is refused (a bare refusal says nothing useful).
        self._command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        assert self._chan is not None
        hub = self._hub
        username = self._chan.get_extra_info("username") or ""
        if self._chan.get_terminal_type() is None or self._command is not None:
            self._refuse(no_pty_message(hub.public_host(self._chan), hub.port))
            return
        if not hub.registry.has_room():
            self._refuse(
                f"nntui: sorry, the room is full ({hub.registry.max_sessions} sessions are running); "
                "please try again in a few minutes."
            )
            return
        if username == hub.options.shared_user:
            # The app's own name screen asks; the name is claimed over the control socket.
            self._launch(None)
            return
        problem = name_problem(username)
        if problem:
            self._refuse(f"nntui: {problem}. Log in as yourself, for example: ssh -p {hub.port} alice@HOST")
            return
        if hub.registry.name_in_use(username):
            self._refuse(f"nntui: {taken_message(username)}.")
            return
        self._launch(username)

    # --- output helpers ---------------------------------------------------------------
    def _newline(self) -> bytes:
        return b"\r\n" if self._chan is not None and self._chan.get_terminal_type() else b"\n"

    def _write(self, data: bytes) -> None:
        if self._closed or self._chan is None:
            return
        with contextlib.suppress(OSError, asyncssh.Error):
            self._chan.write(data)

    def _refuse(self, line: str) -> None:
        assert self._chan is not None
        with contextlib.suppress(OSError, asyncssh.Error):
            self._chan.write_stderr(line.encode("utf-8") + self._newline())
            self._chan.exit(1)

    def _exit(self, status: int) -> None:
        self._forget()
        if self._closed or self._chan is None:
            return
        with contextlib.suppress(OSError, asyncssh.Error):
            self._chan.exit(status)

    def _forget(self) -> None:
        self._hub.registry.remove(self)
        if self._claims is not None:
            self._claims.close()
            self._claims = None

    # --- shared login: the child asks for a name, the server grants it ---------------------
    def _claim(self, name: str) -> str | None:
        """Give this session ``name`` unless it is taken, reserved or not a safe name."""
        if self.name is not None:
            return f"this session already has the name {self.name!r}"
        options = self._hub.options
        reserved = (options.shared_user, options.logins.instructor, "guests")
        problem = claim_problem(name, self._hub.registry, reserved, options.plan.state_dir)
        if problem is None:
            self.name = name
            self._hub.registry.changed()
        return problem

    # --- the child ------------------------------------------------------------------------
    def _launch(self, name: str | None) -> None:
        # Counted (and its name taken) at once, so a second login as the same name is refused.
        self.name = name
        self._hub.registry.add(self)
        self._login.settled()
        asyncio.get_running_loop().create_task(self._run_child(name))

    async def _run_child(self, name: str | None) -> None:
        assert self._chan is not None
        hub = self._hub
        if name is not None and name != hub.options.logins.instructor:
            user_state_dir(hub.options.plan.state_dir, name).mkdir(parents=True, exist_ok=True)
        env = self._chan.get_environment()
        cols, rows = clamp_size(*self._chan.get_terminal_size()[:2])
        session_env = (
            child_env(self._chan.get_terminal_type(), env.get("COLORTERM"), no_color=env.get("NO_COLOR"))
            | exercises_env(hub.options.plan)
            | hub.room_env(name)
        )
        ctl_child = None
        if name is None:
            self._claims = ClaimSocket(self._claim)
            ctl_child = self._claims.child_end
        self._child = PtyChild(
            hub.starter(name, session_env, ctl_child), cols, rows, self._write, self._hold_input
        )
        gate = hub.start_gate
        if gate.locked():
            self._write(b"nntui: starting your session, just a moment...\r\n")
        try:
            async with gate:
                if self._closed:
                    self._child = None
                    self._forget()
                    return
                try:
                    await self._child.start()
                except OSError as error:
                    self._child = None
                    self._write(f"nntui: the lesson app could not start ({error}).\r\n".encode())
                    self._exit(1)
                    return
                self.started = True
                hub.registry.changed()  # now with this session's process id
                # Hold the gate until the app has drawn its first screen (its most CPU-hungry
                # moment), so that on a small machine a room logging in at once gets screens
                # one after another rather than everyone waiting for everyone.
                await self._child.settled()
        finally:
            if self._claims is not None:
                self._claims.close_child_end()  # the child has its own copy now
        if self._closed:  # the client left while the child was starting
            await self._child.stop()
            self._forget()
            return
        code = await self._child.wait()
        if self._ending or self._closed:
            return  # end() or connection_lost() is finishing the session
        self._ending = True
        if code != 0:
            self._write(TERMINAL_RESET)
            self._write(
                f"\r\nnntui: the session ended ({describe_exit(code)}). Your progress is saved; "
                "reconnect to carry on.\r\n".encode()
            )
        self._exit(0 if code == 0 else 1)

    async def end(self, message: str, status: int) -> None:
        """End this session from the server side (idle timeout, shutdown) with a last line."""
        if self._ending:
            return
        self._ending = True
        if self._child is not None:
            await self._child.stop()
            self._write(TERMINAL_RESET)
        self._write(b"\r\n" + message.encode("utf-8") + b"\r\n")
        self._exit(status)

    # --- events from the client -----------------------------------------------------------
    def _hold_input(self, full: bool) -> None:
        """Stop reading the client while the child has not read what it sent (SSH flow control)."""
        if self._chan is None or self._closed:
            return
        with contextlib.suppress(OSError, asyncssh.Error):
            if full:
                self._chan.pause_reading()
            else:
                self._chan.resume_reading()

    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = asyncio.get_running_loop().time()
        if self._child is not None:
            self._child.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._child is not None and width and height:
            self._child.resize(*clamp_size(width, height))

    def eof_received(self) -> bool:
        return True  # stay open: the child decides when the session is over

    def break_received(self, msec: int) -> bool:
        return True

    def signal_received(self, signal: str) -> None:
        """Signals from the client are ignored: the app has its own quit key."""

    def pause_writing(self) -> None:
        if self._child is not None:
            self._child.pause_output()

    def resume_writing(self) -> None:
        if self._child is not None:
            self._child.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._forget()
        if self._child is not None and not self._ending:
            self._ending = True
            self._hub.track(self._child.stop())
        self._login.session_closed()
