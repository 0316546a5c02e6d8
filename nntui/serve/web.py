"""`nntui serve web`: the lessons in a browser through textual-serve, with a login.

An attendee logs in with a name (and the room's password unless the server is ``--open``)
and gets a signed cookie; their tab's websocket then runs their own `nntui` with
``--state-dir <state-dir>/users/<name>``, as over SSH. One tab per name: a second one takes
over and the first is told why. Sessions are capped, limited, closed when idle, and their
processes are reaped whenever a tab ends; stopping the server says goodbye to every tab.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone

from aiohttp import web
from textual_serve.server import Server

from nntui.files import write_atomically

from .auth import LoginMethod, Open
from .guard import AcceptErrorNotice
from .hub_process import HubProcess
from .launch import SessionPlan, app_argv, child_env, exercises_env, user_state_dir
from .names import name_problem
from .ptychild import Limits
from .web_auth import (
    COOKIE,
    FailedLogins,
    SessionSigner,
    host_allowed,
    origin_allowed,
)
from .web_page import CSP, login_page, terminal_page
from .web_session import WebAppService, WebSession, clamp_size, close_websocket

__all__ = ["WEB_SESSIONS_FILE", "WebAccess", "WorkshopWebServer", "run_web"]

log = logging.getLogger("nntui.serve.web")

#: Who is connected to the web server right now, for `serve status` (like ssh's sessions.json).
WEB_SESSIONS_FILE = "web-sessions.json"
#: How long a login lasts.
LOGIN_HOURS = 12
#: How long stopping may take in all (every tab is ended at the same time).
STOP_TIMEOUT = 3.0

# textual.js keeps its terminal to itself; this hands it to the page (for focus and tests).
_TERMINAL_OPEN = "this.terminal.open(e),"


@dataclass(frozen=True)
class WebAccess:
    """Who may log in, and what each session may use."""

    #: How attendees log in: ``auth.Open`` (any name, no password) or ``auth.SharedPassword``.
    login: LoginMethod = field(default_factory=Open)
    max_sessions: int = 100
    #: Seconds without a key before a tab is closed; 0 is never.
    idle_timeout: float = 1800
    limits: Limits = field(default_factory=Limits)


class WorkshopWebServer(Server):
    """textual-serve with a login; each tab runs that attendee's own `nntui`."""

    def __init__(
        self,
        plan: SessionPlan,
        host: str,
        port: int,
        title: str | None = None,
        access: WebAccess | None = None,
    ) -> None:
        super().__init__(command="nntui", host=host, port=port, title=title or "nntui workshop")
        self.plan = plan
        self.access = access or WebAccess()
        self.signer = SessionSigner(max_age=LOGIN_HOURS * 3600)
        self.failed_logins = FailedLogins()
        self.sessions: dict[str, WebSession] = {}
        self.stopping = False
        self._claims = asyncio.Lock()
        self._textual_js: bytes | None = None
        #: The room hub, while the server runs (see ``_serve``).
        self.room_hub: HubProcess | None = None

    # --- what each tab runs --------------------------------------------------------------
    def session_env(self) -> dict[str, str]:
        """The environment of every attendee's app (the server's own terminal settings dropped)."""
        room = {} if self.room_hub is None else self.room_hub.session_env()
        return child_env("xterm-256color", "truecolor") | exercises_env(self.plan) | room

    def command_for(self, name: str) -> str:
        """One attendee's command line as a shell would show it (for logs)."""
        settings = [f"{key}={value}" for key, value in exercises_env(self.plan).items()]
        argv = (["env", *settings] if settings else []) + app_argv(self.plan, name)
        return shlex.join(argv)

    # --- the web application -------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024, middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.post("/login", self.handle_login, name="login"),
                web.get("/logout", self.handle_logout, name="logout"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/static/js/textual.js", self.handle_textual_js),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        """Every request: the Host must be this server's; pages get strict security headers."""
        if not host_allowed(request.host, self.host):
            log.warning("refused %s: Host %r is not this server", request.remote, request.host)
            raise web.HTTPForbidden(text=f"use http://{self.host}:{self.port}/")
        response = await handler(request)
        if not isinstance(response, web.WebSocketResponse) and not response.prepared:
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin "null"
        return response

    def logged_in_name(self, request: web.Request) -> str | None:
        """The name this browser logged in as (from its signed cookie), if any."""
        return self.signer.name_of(request.cookies.get(COOKIE))

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The login page, or the terminal page for a browser that has logged in."""
        name = self.logged_in_name(request)
        if name is None:
            return self._login_page()
        page = terminal_page(self.title, name)
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

    def _login_page(self, name: str = "", error: str | None = None, status: int = 200) -> web.Response:
        page = login_page(self.title, self.access.login.needs_credential, name, error)
        return web.Response(text=page, content_type="text/html", status=status)

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        """Check the name and password; on success set the signed cookie and go to the terminal."""
        if not origin_allowed(request.headers.get("Origin"), request.host):
            raise web.HTTPForbidden(text="log in from this server's own page")
        form = await request.post()
        name = str(form.get("name", "")).strip().lower()
        problem = name_problem(name)
        if problem:
            return self._login_page(name[:32], problem, status=400)
        if self.access.login.needs_credential:
            address = request.remote or "?"
            if self.failed_logins.locked_out(address):
                log.warning("login refused for %r from %s: too many failed passwords", name, address)
                return self._login_page(name, "Too many wrong passwords: wait a few minutes.", status=429)
            if not self.access.login.check_password(name, str(form.get("password", ""))):
                self.failed_logins.record(address)
                log.warning("wrong password for %r from %s", name, address)
                await asyncio.sleep(self.failed_logins.delay)  # slows guessing down
                return self._login_page(name, "Wrong password.", status=403)
        response = web.HTTPSeeOther("/")
        response.set_cookie(
            COOKIE,
            self.signer.sign(name),
            max_age=LOGIN_HOURS * 3600,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=request.secure,
        )
        raise response

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        """Forget this browser's login (to use another name)."""
        response = web.HTTPSeeOther("/")
        response.del_cookie(COOKIE, path="/")
        raise response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivers to the browser, for a logged-in browser only."""
        if self.logged_in_name(request) is None:
            raise web.HTTPUnauthorized(text="log in first")
        return await super().handle_download(request)

    async def handle_textual_js(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's page script, with its terminal reachable as ``#terminal.xterm``."""
        if self._textual_js is None:
            source = (self.statics_path / "js" / "textual.js").read_text(encoding="utf-8")
            if source.count(_TERMINAL_OPEN) == 1:
                source = source.replace(_TERMINAL_OPEN, _TERMINAL_OPEN + "e.xterm=this.terminal,")
            else:  # another textual-serve: the page still works, focusing by the terminal's textarea
                log.warning("textual.js has changed: the terminal is not exposed to the page")
            self._textual_js = source.encode("utf-8")
        return web.Response(body=self._textual_js, content_type="application/javascript")

    # --- sessions ------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Run one attendee's app for a logged-in browser on a page of this server."""
        if not origin_allowed(request.headers.get("Origin"), request.host):
            origin = request.headers.get("Origin")
            log.warning("refused a websocket from %s: Origin %r", request.remote, origin)
            raise web.HTTPForbidden(text="websockets are only for this server's own pages")
        name = self.logged_in_name(request)
        if name is None:
            raise web.HTTPUnauthorized(text="log in first")
        websocket = web.WebSocketResponse(heartbeat=15, timeout=2.0, max_msg_size=64 * 1024)
        await websocket.prepare(request)
        cols, rows = clamp_size(request.query.get("width"), request.query.get("height"))
        async with self._claims:
            if self.stopping:
                await close_websocket(websocket, 1001, "The workshop server is stopping.")
                return websocket
            previous = self.sessions.pop(name, None)
            if previous is not None:
                log.warning("%s opened a second tab: the first is closed", name)
                await previous.end("Your name was opened in another tab or browser, so this one is closed.")
            if len(self.sessions) >= self.access.max_sessions:
                log.warning("refused %s: the workshop is full (%d sessions)", name, len(self.sessions))
                await close_websocket(
                    websocket, 1013, f"The workshop is full ({self.access.max_sessions} sessions). Try later."
                )
                return websocket
            user_state_dir(self.plan.state_dir, name).mkdir(parents=True, exist_ok=True)
            service = WebAppService(
                app_argv(self.plan, name),
                self.session_env(),
                websocket,
                self.download_manager,
                limits=self.access.limits,
                mouse=self.plan.mouse,
            )
            session = WebSession(name, websocket, service)
            self.sessions[name] = session
        try:
            await session.run(cols, rows, self.access.idle_timeout, on_start=self.write_online)
        except Exception as error:  # one tab's failure must not stop the server
            log.warning("session for %s ended with an error: %s", name, error)
        finally:
            if self.sessions.get(name) is session:
                del self.sessions[name]
            self.write_online()
        return websocket

    def write_online(self) -> None:
        """Record who is connected in ``web-sessions.json`` so `serve status` can show it."""
        record = {
            "pid": os.getpid(),
            "port": self.port,
            "online": {name: 1 for name in self.sessions},
            "pids": {name: [s.service.pid] for name, s in self.sessions.items() if s.service.pid},
            "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        path = self.plan.state_dir / WEB_SESSIONS_FILE
        try:
            write_atomically(path, json.dumps(record))
        except OSError:
            pass  # status is a convenience; never let it break a session

    async def stop_sessions(self) -> None:
        """Say goodbye to every tab and reap every app, all at once."""
        self.stopping = True
        sessions = list(self.sessions.values())
        ending = [s.end("The workshop server is stopping. Goodbye!") for s in sessions]
        if ending:
            try:
                await asyncio.wait_for(asyncio.gather(*ending, return_exceptions=True), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                log.warning("some sessions did not end in %.0f s: their apps are killed", STOP_TIMEOUT)
                for session in sessions:
                    session.service.kill()
        (self.plan.state_dir / WEB_SESSIONS_FILE).unlink(missing_ok=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """aiohttp is shutting down: end the sessions first, so their handlers return."""
        await self.stop_sessions()

    def ready_lines(self) -> list[str]:
        """What the instructor sees once the server is listening."""
        how = "type their name and the password" if self.access.login.needs_credential else "type their name"
        return [
            f"nntui web server on http://{self.host}:{self.port}/"
            f" (progress in {self.plan.state_dir / 'users'})",
            f"Attendees open that address in a browser and {how}. Stop with Ctrl+C.",
        ]


def _say(line: str) -> None:
    print(line, flush=True)


async def _serve(server: WorkshopWebServer, stop: asyncio.Event) -> None:
    runner = web.AppRunner(await server._make_app(), handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    try:
        server.room_hub = HubProcess(server.plan.state_dir, "web", _say)
        await server.room_hub.start()
        asyncio.get_running_loop().set_exception_handler(AcceptErrorNotice(_say))
        await web.TCPSite(runner, server.host, server.port).start()
        print("\n".join(server.ready_lines()), flush=True)
        await stop.wait()
        print("Stopping: saying goodbye to every session...", flush=True)
        await server.stop_sessions()
    finally:
        await runner.cleanup()
        if server.room_hub is not None:
            await server.room_hub.stop()


class _BadRequestsInOneLine(logging.Filter):
    """aiohttp logs every malformed request with a traceback: one line with the reason instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            reason = " ".join(str(error.message).split())[:200]
            record.msg, record.args, record.exc_info = f"{record.getMessage()}: {reason}", (), None
        return True


def run_web(
    plan: SessionPlan, host: str, port: int, title: str | None = None, access: WebAccess | None = None
) -> int:
    """Serve until Ctrl+C / SIGTERM; returns the exit status."""
    server = WorkshopWebServer(plan, host, port, title, access)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("aiohttp.server").addFilter(_BadRequestsInOneLine())

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await _serve(server, stop)

    try:
        asyncio.run(main())
    except OSError as error:
        sys.stderr.write(f"nntui: error: cannot listen on {host}:{port}: {error.strerror or error}\n")
        return 2
    return 0
