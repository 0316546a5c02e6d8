"""`nntui serve ssh`: a small SSH server that runs one lesson app per attendee.

Only one thing is possible over this server: an interactive nntui session on a
pseudo-terminal. Shells without a terminal, commands, subsystems (sftp) and every kind of
forwarding are refused. Each session's child process is ended and reaped when the session
ends, however it ends: quit, disconnect, idle timeout or server shutdown.

Sessions are forked from a pre-forked starter (``nntui.serve.zygote``) that has the lesson
app loaded already; without it (``--no-prefork``, a stand-in ``--app-command``, or if it
dies) each session is a fresh `python -m nntui.serve.session` process instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import asyncssh

from .launch import SessionPlan, app_argv, child_env, dashboard_argv, exercises_env, user_state_dir
from .names import name_problem
from .ptychild import Limits, PtyChild, Starter, describe_exit, spawner
from .zygote import Zygote, ZygoteUnavailable

__all__ = ["SshOptions", "WorkshopSSHServer", "ServeError", "load_host_key", "run_ssh"]

HOST_KEY_FILE = "ssh_host_ed25519_key"
SESSIONS_FILE = "sessions.json"

# Put the attendee's terminal back the way it was after a child that did not exit by
# itself: leave the alternate screen, show the cursor, stop mouse and paste reporting,
# drop the kitty keyboard mode, reset colours.
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[0m"
)


class ServeError(Exception):
    """A problem with the server's options or files; one line for the instructor."""


@dataclass
class SshOptions:
    """Everything `nntui serve ssh` was asked to do."""

    plan: SessionPlan
    host: str = "127.0.0.1"
    port: int = 2222
    auth: str = "open"  # "open" | "password" | "keys" | "none" (loopback testing without a flag)
    password: str | None = None
    authorized_keys: Path | None = None
    max_sessions: int = 100
    idle_timeout: float = 1800.0
    shared_user: str | None = None
    instructor: str | None = None
    limits: Limits = field(default_factory=Limits)
    title: str | None = None
    #: How many sessions may be starting their app at the same time (None: see ``start_slots``).
    parallel_starts: int | None = None
    #: Fork sessions from a starter that has the app loaded (see nntui.serve.zygote).
    prefork: bool = True


def load_host_key(state_dir: Path) -> asyncssh.SSHKey:
    """The server's host key, generated on first use and kept in ``state_dir``."""
    path = state_dir / HOST_KEY_FILE
    if path.exists():
        try:
            return asyncssh.read_private_key(path)
        except (OSError, ValueError, asyncssh.KeyImportError) as error:
            raise ServeError(f"cannot read the host key {str(path)!r}: {error}") from None
    key = asyncssh.generate_private_key("ssh-ed25519", comment="nntui workshop")
    data = key.export_private_key()
    # Written privately and atomically, so a crash never leaves half a key behind.
    fd, tmp = tempfile.mkstemp(dir=state_dir, prefix=".hostkey-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        key.write_public_key(state_dir / (HOST_KEY_FILE + ".pub"))
    return key


def no_pty_message(host: str, port: int) -> str:
    """The one line a client without a terminal (``ssh -T``, ``ssh host cmd``) gets."""
    port_part = "" if port == 22 else f"-p {port} "
    return (
        "nntui: this server only runs the interactive tutorial; connect from a terminal "
        f"with no command: ssh {port_part}-t YOURNAME@{host}"
    )


class _Connection(asyncssh.SSHServer):
    """Authentication for one client connection (asyncssh creates one per connection)."""

    def __init__(self, hub: WorkshopSSHServer) -> None:
        self._hub = hub
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        # Names are checked after login, so the attendee can be told what is wrong.
        return self._hub.options.auth in ("password", "keys")

    def password_auth_supported(self) -> bool:
        return self._hub.options.auth == "password"

    def validate_password(self, username: str, password: str) -> bool:
        expected = self._hub.options.password or ""
        return hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8"))

    def session_requested(self) -> asyncssh.SSHServerSession:
        return _Session(self._hub)

    # Forwarding of any kind is refused, with a reason the OpenSSH client prints.
    def connection_requested(self, *args, **kwargs) -> bool:
        raise asyncssh.ChannelOpenError(
            asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, "forwarding is disabled on this server"
        )

    def server_requested(self, *args, **kwargs) -> bool:
        return False

    def unix_connection_requested(self, *args, **kwargs) -> bool:
        raise asyncssh.ChannelOpenError(
            asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, "forwarding is disabled on this server"
        )

    def unix_server_requested(self, *args, **kwargs) -> bool:
        return False


class _Session(asyncssh.SSHServerSession):
    """One SSH session channel: the attendee's child process on its own terminal."""

    def __init__(self, hub: WorkshopSSHServer) -> None:
        self._hub = hub
        self._chan: asyncssh.SSHServerChannel | None = None
        self._command: str | None = None
        self._child: PtyChild | None = None
        self._ctl: socket.socket | None = None
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
        if not hub.has_room():
            self._refuse(
                f"nntui: sorry, the room is full ({hub.options.max_sessions} sessions are running); "
                "please try again in a few minutes."
            )
            return
        if username == hub.options.shared_user:
            # The app's own name screen asks; the name is claimed over the control socket.
            hub.add(self)
            self._launch(None)
            return
        problem = name_problem(username)
        if problem:
            self._refuse(f"nntui: {problem}. Log in as yourself, for example: ssh -p {hub.port} alice@HOST")
            return
        hub.add(self)
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
        self._hub.remove(self)
        self._close_ctl()
        if self._closed or self._chan is None:
            return
        with contextlib.suppress(OSError, asyncssh.Error):
            self._chan.exit(status)

    # --- shared login: the child asks for a name, the server grants it ---------------------
    def _open_ctl(self) -> socket.socket:
        """The control socket pair of a shared-login session; returns the child's end."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        mine.setblocking(False)
        self._ctl = mine
        asyncio.get_running_loop().add_reader(mine, self._ctl_readable)
        return theirs

    def _close_ctl(self) -> None:
        if self._ctl is None:
            return
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self._ctl)
        self._ctl.close()
        self._ctl = None

    def _ctl_readable(self) -> None:
        assert self._ctl is not None
        try:
            data = self._ctl.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close_ctl()
            return
        try:
            wanted = str(json.loads(data).get("claim", ""))
        except (ValueError, AttributeError):
            wanted = ""
        problem = self._claim(wanted.strip())
        reply = {"ok": True} if problem is None else {"ok": False, "problem": problem}
        with contextlib.suppress(OSError):
            self._ctl.send(json.dumps(reply).encode())

    def _claim(self, name: str) -> str | None:
        """Give this session ``name`` unless it is taken, reserved or not a safe name."""
        hub = self._hub
        if self.name is not None:
            return f"this session already has the name {self.name!r}"
        problem = name_problem(name)
        if problem is None and name in (hub.options.shared_user, hub.options.instructor, "guests"):
            problem = f"{name!r} is reserved"
        if problem is None and hub.name_in_use(name):
            problem = f"someone is already connected as {name!r}; pick another name"
        if problem is None:
            try:
                user_state_dir(hub.options.plan.state_dir, name).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                problem = f"cannot keep progress for {name!r}: {error.strerror or error}"
        if problem is None:
            self.name = name
            hub.names_changed()
        return problem

    # --- the child ------------------------------------------------------------------------
    def _launch(self, name: str | None) -> None:
        self.name = name
        if name is not None:
            self._hub.names_changed()
        asyncio.get_running_loop().create_task(self._run_child(name))

    async def _run_child(self, name: str | None) -> None:
        assert self._chan is not None
        hub = self._hub
        if name is not None and name != hub.options.instructor:
            user_state_dir(hub.options.plan.state_dir, name).mkdir(parents=True, exist_ok=True)
        env = self._chan.get_environment()
        cols, rows = self._chan.get_terminal_size()[:2]
        session_env = child_env(
            self._chan.get_terminal_type(), env.get("COLORTERM"), no_color=env.get("NO_COLOR")
        ) | exercises_env(hub.options.plan)
        ctl_child = self._open_ctl() if name is None else None
        self._child = PtyChild(hub.starter(name, session_env, ctl_child), cols or 80, rows or 24, self._write)
        gate = hub.start_gate
        if gate.locked():
            self._write(b"nntui: starting your session, just a moment...\r\n")
        try:
            async with gate:
                if self._closed:
                    self._child = None
                    hub.remove(self)
                    self._close_ctl()
                    return
                try:
                    await self._child.start()
                except OSError as error:
                    self._child = None
                    self._write(f"nntui: the lesson app could not start ({error}).\r\n".encode())
                    self._exit(1)
                    return
                self.started = True
                hub.names_changed()  # now with this session's process id
                # Hold the gate until the app has drawn its first screen (its most CPU-hungry
                # moment), so that on a small machine a room logging in at once gets screens
                # one after another rather than everyone waiting for everyone.
                await self._child.settled()
        finally:
            if ctl_child is not None:
                ctl_child.close()  # the child has its own copy now
        if self._closed:  # the client left while the child was starting
            await self._child.stop()
            hub.remove(self)
            self._close_ctl()
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
    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = asyncio.get_running_loop().time()
        if self._child is not None:
            self._child.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self._child is not None:
            self._child.resize(width, height)

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
        self._hub.remove(self)
        self._close_ctl()
        if self._child is not None and not self._ending:
            self._ending = True
            self._hub.track(self._child.stop())


class WorkshopSSHServer:
    """The SSH server and the set of live sessions."""

    def __init__(self, options: SshOptions, say: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.port = options.port
        self._say = say or (lambda line: print(line, flush=True))
        self._sessions: set[_Session] = set()
        self._tasks: set[asyncio.Task] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._idle_task: asyncio.Task | None = None
        self.host_key: asyncssh.SSHKey | None = None
        self.start_gate = asyncio.Semaphore(self.start_slots())
        self.zygote: Zygote | None = None

    def start_slots(self) -> int:
        """How many sessions start at once: the option, or what suits how sessions start.

        A new process spends about half a CPU second importing before its first screen, so
        a room logging in at once is best let in about one per CPU at a time. A forked
        session has all that done and needs well under a tenth of a second: more at once
        keep the CPUs busy while others wait for their network or their terminal.
        """
        if self.options.parallel_starts:
            return self.options.parallel_starts
        cpus = os.cpu_count() or 2
        preforked = self.options.prefork and self.options.plan.app_command is None
        return 4 * cpus if preforked else max(2, cpus)

    # --- bookkeeping ----------------------------------------------------------------------
    def has_room(self) -> bool:
        """True if one more session fits under --max-sessions."""
        return len(self._sessions) < self.options.max_sessions

    def add(self, session: _Session) -> None:
        """Count a session as live."""
        self._sessions.add(session)

    def remove(self, session: _Session) -> None:
        """Forget a session that has ended."""
        if session in self._sessions:
            self._sessions.discard(session)
            self.names_changed()

    def name_in_use(self, name: str) -> bool:
        """True if a live session already runs under ``name``."""
        return any(s.name == name for s in self._sessions)

    def track(self, coro) -> None:
        """Run ``coro`` in the background and keep it until done (child clean-up)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def starter(self, name: str | None, env: dict[str, str], ctl: socket.socket | None) -> Starter:
        """How to start the session of ``name`` (None: ask for one over ``ctl``): forked or spawned."""
        options, plan = self.options, self.options.plan
        kind = "dashboard" if name is not None and name == options.instructor else "app"
        spec = {
            "kind": kind,
            "name": name,
            "plan": plan.to_dict(),
            "title": options.title,
        }

        async def start(slave: int):
            fds = [slave] if ctl is None else [slave, ctl.fileno()]
            if self.zygote is not None and self.zygote.alive:
                try:
                    return await self.zygote.fork(
                        spec | {"env": env, "limits": options.limits.to_dict()}, fds
                    )
                except ZygoteUnavailable:
                    pass  # said once in the log by the zygote handle; spawn this one
            if kind == "dashboard":
                argv = dashboard_argv(plan)
            elif name is not None and plan.app_command is not None:
                argv = app_argv(plan, name)  # a stand-in app, run as it is
            else:
                extra = [] if ctl is None else [str(ctl.fileno())]
                argv = [sys.executable, "-m", "nntui.serve.session", json.dumps(spec), *extra]
            return await spawner(argv, env, options.limits, pass_fds=fds[1:])(slave)

        return start

    def public_host(self, chan: asyncssh.SSHServerChannel) -> str:
        """The address clients reach us at, for messages."""
        sock = chan.get_extra_info("sockname")
        return sock[0] if sock else self.options.host

    def names_changed(self) -> None:
        """Record who is connected in ``sessions.json`` so `serve status` can show it."""
        online: dict[str, int] = {}
        pids: dict[str, list[int]] = {}
        for session in self._sessions:
            if session.name:
                online[session.name] = online.get(session.name, 0) + 1
                if session.pid is not None:
                    pids.setdefault(session.name, []).append(session.pid)
        record = {
            "pid": os.getpid(),
            "port": self.port,
            "online": online,
            "pids": pids,
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        path = self.options.plan.state_dir / SESSIONS_FILE
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sessions-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(tmp, path)
        except OSError:
            pass  # status is a convenience; never let it break a session

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Load or make the host key, start the session starter and start listening."""
        plan = self.options.plan
        self.host_key = load_host_key(plan.state_dir)
        # Guests' throwaway progress folders left by sessions that were killed outright.
        shutil.rmtree(plan.state_dir / "guests", ignore_errors=True)
        if self.options.prefork and plan.app_command is None:
            base = child_env(None, None) | exercises_env(plan)
            warm = {"lessons": None if plan.lessons is None else str(plan.lessons), "lesson": plan.lesson}
            self.zygote = Zygote(base, warm, self._say)
            await self.zygote.start()
        kwargs = {}
        if self.options.auth == "keys":
            try:
                kwargs["authorized_client_keys"] = asyncssh.read_authorized_keys(
                    str(self.options.authorized_keys)
                )
            except (OSError, ValueError, asyncssh.KeyImportError) as error:
                keys = str(self.options.authorized_keys)
                raise ServeError(f"cannot read authorized keys {keys!r}: {error}") from None
        try:
            self._acceptor = await asyncssh.create_server(
                lambda: _Connection(self),
                self.options.host,
                self.options.port,
                server_host_keys=[self.host_key],
                encoding=None,
                line_editor=False,
                allow_pty=True,
                x11_forwarding=False,
                agent_forwarding=False,
                allow_scp=False,
                sftp_factory=None,
                keepalive_interval=30,
                keepalive_count_max=4,
                login_timeout=120,
                reuse_address=True,
                **kwargs,
            )
        except OSError as error:
            raise ServeError(
                f"cannot listen on {self.options.host}:{self.options.port}: {error.strerror or error}"
            ) from None
        self.port = self._acceptor.sockets[0].getsockname()[1]
        self.names_changed()
        if self.options.idle_timeout > 0:
            self._idle_task = asyncio.get_running_loop().create_task(self._watch_idle())

    async def _watch_idle(self) -> None:
        timeout = self.options.idle_timeout
        period = max(0.25, min(timeout / 4, 30.0))
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(period)
            now = loop.time()
            for session in list(self._sessions):
                # The instructor's dashboard is watched, not typed into: it never times out.
                if session.name and session.name == self.options.instructor:
                    continue
                if now - session.last_input > timeout:
                    minutes = timeout / 60
                    span = f"{minutes:g} minutes" if minutes >= 1 else f"{timeout:g} seconds"
                    self.track(
                        session.end(
                            f"nntui: no keys pressed for {span}, so this session has ended. "
                            "Your progress is saved; reconnect to carry on.",
                            0,
                        )
                    )

    async def shutdown(self) -> None:
        """Stop listening, end every session with a goodbye line and reap every child."""
        if self._idle_task is not None:
            self._idle_task.cancel()
        if self._acceptor is not None:
            self._acceptor.close()
        await asyncio.gather(
            *(
                s.end("nntui: the workshop server is shutting down. Your progress is saved. Goodbye!", 0)
                for s in list(self._sessions)
            ),
            return_exceptions=True,
        )
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self.zygote is not None:
            await self.zygote.close()
        if self._acceptor is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._acceptor.wait_closed(), 5)
        self.names_changed()

    def banner(self) -> list[str]:
        """What the instructor sees at start: where, how to log in, the host key fingerprint."""
        assert self.host_key is not None
        o = self.options
        how = {
            "open": "open room: any name, no password",
            "password": "shared workshop password",
            "keys": f"keys in {o.authorized_keys}",
            "none": "loopback only, any name, no password",
        }[o.auth]
        host = o.host if o.host not in ("0.0.0.0", "::", "") else "THIS-HOST"
        port_part = "" if self.port == 22 else f"-p {self.port} "
        who = o.shared_user if o.shared_user else "YOURNAME"
        lines = [
            f"nntui workshop server listening on {o.host}:{self.port} ({how})",
            f"Host key fingerprint: {self.host_key.get_fingerprint('sha256')} (ED25519)",
            f"Attendees type: ssh {port_part}{who}@{host}",
            f"Progress is kept in {o.plan.state_dir / 'users'}; see it with: "
            f"nntui serve status --state-dir {o.plan.state_dir}",
        ]
        if o.instructor:
            lines.append(f"Instructor dashboard: ssh {port_part}{o.instructor}@{host}")
        if self.zygote is not None and self.zygote.alive:
            lines.append(f"Sessions start from a pre-loaded session starter (pid {self.zygote.pid}).")
        lines.append("Stop with Ctrl+C (attendees get a goodbye line).")
        return lines


def run_ssh(options: SshOptions) -> int:
    """Run the server until SIGINT/SIGTERM; returns the exit status for the CLI."""

    async def main() -> int:
        server = WorkshopSSHServer(options)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Handlers first: whoever reads the banner may signal us straight away.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, stop.set)
        await server.start()
        for line in server.banner():
            print(line, flush=True)
        await stop.wait()
        print("nntui: shutting down, ending every session...", flush=True)
        await server.shutdown()
        print("nntui: server stopped.", flush=True)
        return 0

    try:
        return asyncio.run(main())
    except ServeError as error:
        sys.stderr.write(f"nntui: error: {error}\n")
        return 2
