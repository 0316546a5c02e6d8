"""`nntui serve ssh`: a small SSH server that runs one lesson app per attendee.

Only one thing is possible over this server: an interactive nntui session on a
pseudo-terminal. Shells without a terminal, commands, subsystems (sftp) and every kind of
forwarding are refused. Each session's child process is ended and reaped when the session
ends, however it ends: quit, disconnect, idle timeout or server shutdown.

Sessions are forked from a pre-forked starter (``nntui.serve.zygote``) that has the lesson
app loaded already; without it (``--no-prefork``, a stand-in ``--app-command``, or if it
dies) each session is a fresh `python -m nntui.serve.session` process instead.

The parts: logging in and the defences before a session (``ssh_login``, ``guard``, with
the login methods in ``auth``), the session channel (``ssh_session``), name claims
(``claims``), the live sessions and ``sessions.json`` (``registry``), the host key and the
banner (``ssh_host``). This module holds the options and the server's life cycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from .auth import Logins, LoopbackOnly
from .guard import (
    ACCEPT_BATCH,
    AcceptErrorNotice,
    MaxStartups,
    SourceBackoff,
    check_descriptors,
    descriptors_needed,
    requeue,
)
from .hub_process import HubProcess
from .launch import SessionPlan, app_argv, child_env, dashboard_argv, exercises_env
from .ptychild import Limits, Starter, spawner
from .registry import Registry
from .ssh_host import ServeError, banner_lines, import_asyncssh, load_host_key
from .ssh_login import LoginGuard, SshLogin
from .zygote import Zygote, ZygoteUnavailable

asyncssh = import_asyncssh()

__all__ = ["SshOptions", "WorkshopSSHServer", "ServeError", "load_host_key", "run_ssh"]


@dataclass
class SshOptions:
    """Everything `nntui serve ssh` was asked to do."""

    plan: SessionPlan
    host: str = "127.0.0.1"
    port: int = 2222
    #: Who may log in and how (see nntui.serve.auth).
    logins: Logins = field(default_factory=lambda: Logins(LoopbackOnly()))
    max_sessions: int = 100
    idle_timeout: float = 1800.0
    shared_user: str | None = None
    limits: Limits = field(default_factory=Limits)
    title: str | None = None
    #: How many sessions may be starting their app at the same time (None: see ``start_slots``).
    parallel_starts: int | None = None
    #: Fork sessions from a starter that has the app loaded (see nntui.serve.zygote).
    prefork: bool = True
    #: Seconds from connecting to a running session before the connection is closed (0: no limit).
    login_grace_time: float = 30.0
    #: The cap on connections that have no session yet, with sshd's early random drop.
    max_startups: MaxStartups = field(default_factory=MaxStartups)
    #: Wrong passwords one connection may send before it is closed.
    max_auth_tries: int = 6
    #: Seconds before a wrong password is answered.
    failure_delay: float = 1.0

    def descriptors_needed(self) -> int:
        """File descriptors the server may need at its fullest (see nntui.serve.guard)."""
        return descriptors_needed(self.max_sessions, self.max_startups.full)


class WorkshopSSHServer:
    """The SSH server and the set of live sessions."""

    def __init__(self, options: SshOptions, say: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.port = options.port
        self._say = say or (lambda line: print(line, flush=True))
        self.registry = Registry(options.plan.state_dir, options.max_sessions, options.logins.instructor)
        self.guard = LoginGuard(options.max_startups, SourceBackoff(), self._say)
        self._tasks: set[asyncio.Task] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._idle_task: asyncio.Task | None = None
        self.host_key: asyncssh.SSHKey | None = None
        self.start_gate = asyncio.Semaphore(self.start_slots())
        self.zygote: Zygote | None = None
        #: The room hub (started with the server; restarted whenever it dies).
        self.room_hub: HubProcess | None = None

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
    def track(self, coro) -> None:
        """Run ``coro`` in the background and keep it until done (child clean-up)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def starter(self, name: str | None, env: dict[str, str], ctl: socket.socket | None) -> Starter:
        """How to start the session of ``name`` (None: ask for one over ``ctl``): forked or spawned."""
        options, plan = self.options, self.options.plan
        kind = "dashboard" if name is not None and name == options.logins.instructor else "app"
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

    def room_env(self, name: str | None) -> dict[str, str]:
        """The room's settings for the session of ``name``: the instructor's alone carries the token."""
        if self.room_hub is None:
            return {}
        if name is not None and name == self.options.logins.instructor:
            return self.room_hub.instructor_env()
        return self.room_hub.session_env()

    def public_host(self, chan: asyncssh.SSHServerChannel) -> str:
        """The address clients reach us at, for messages."""
        sock = chan.get_extra_info("sockname")
        return sock[0] if sock else self.options.host

    # --- life cycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Load or make the host key, start the session starter and start listening."""
        plan = self.options.plan
        self.host_key = load_host_key(plan.state_dir)
        # Guests' throwaway progress folders left by sessions that were killed outright.
        shutil.rmtree(plan.state_dir / "guests", ignore_errors=True)
        self.room_hub = HubProcess(plan.state_dir, "ssh", self._say)
        await self.room_hub.start()
        if self.options.prefork and plan.app_command is None:
            base = child_env(None, None) | exercises_env(plan)
            warm = {"lessons": None if plan.lessons is None else str(plan.lessons), "lesson": plan.lesson}
            self.zygote = Zygote(base, warm, self._say)
            await self.zygote.start()
        asyncio.get_running_loop().set_exception_handler(AcceptErrorNotice(self._say))
        try:
            self._acceptor = await asyncssh.create_server(
                lambda: SshLogin(self),
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
                # Also ours (SshLogin) until a session runs; this one covers the SSH handshake.
                login_timeout=self.options.login_grace_time or None,
                reuse_address=True,
                backlog=ACCEPT_BATCH,  # accepted at a time; the kernel's queue is set just below
            )
            for listening in self._acceptor.sockets:
                requeue(listening)
        except OSError as error:
            await self.room_hub.stop()
            raise ServeError(
                f"cannot listen on {self.options.host}:{self.options.port}: {error.strerror or error}"
            ) from None
        self.port = self.registry.port = self._acceptor.sockets[0].getsockname()[1]
        self.registry.changed()
        if self.options.idle_timeout > 0:
            self._idle_task = asyncio.get_running_loop().create_task(self._watch_idle())

    async def _watch_idle(self) -> None:
        timeout = self.options.idle_timeout
        period = max(0.25, min(timeout / 4, 30.0))
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(period)
            now = loop.time()
            for session in self.registry:
                # The instructor's dashboard is watched, not typed into: it never times out.
                if session.name and session.name == self.options.logins.instructor:
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
                for s in self.registry
            ),
            return_exceptions=True,
        )
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self.zygote is not None:
            await self.zygote.close()
        if self.room_hub is not None:
            await self.room_hub.stop()
        if self._acceptor is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._acceptor.wait_closed(), 5)
        self.registry.changed()

    def banner(self) -> list[str]:
        """What the instructor sees at start (see ``ssh_host.banner_lines``)."""
        assert self.host_key is not None
        starter = self.zygote.pid if self.zygote is not None and self.zygote.alive else None
        return banner_lines(self.options, self.port, self.host_key, starter)


def run_ssh(options: SshOptions) -> int:
    """Run the server until SIGINT/SIGTERM; returns the exit status for the CLI."""

    problem = check_descriptors(options.descriptors_needed())
    if problem:
        sys.stderr.write(f"nntui: error: {problem}\n")
        return 2

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
