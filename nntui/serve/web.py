"""`nntui serve web`: the lessons in a browser through textual-serve.

textual-serve starts one app process per browser tab but has no login. This server puts
a small name page in front: the attendee types a name, and their tab's app runs with
``--state-dir <state-dir>/users/<name>`` so progress is kept per person, as over SSH.
"""

from __future__ import annotations

import asyncio
import html
import logging
import shlex
import signal
import sys

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from .launch import SessionPlan, app_argv, exercises_env, user_state_dir
from .names import NAME_RULE, name_problem

__all__ = ["WorkshopWebServer", "run_web"]

log = logging.getLogger("nntui.serve.web")

_NAME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; background: #1e1e2e; color: #e0e0e0; display: grid;
       place-items: center; height: 100vh; margin: 0; }}
form {{ background: #2a2a3e; padding: 2em 3em; border-radius: 8px; }}
input {{ font-size: 1.2em; padding: .3em; }}
.error {{ color: #ff8080; }}
</style></head>
<body><form method="get" action="/">
<h1>{title}</h1>
<p>Your name keeps your progress: {rule}.</p>
{error}
<p><label>Name <input name="name" autofocus required maxlength="32" pattern="[a-z0-9_\\-]{{1,32}}"></label>
<button type="submit">Start</button></p>
</form></body></html>
"""


class WorkshopWebServer(Server):
    """textual-serve with a name page; each tab runs that attendee's own `nntui`."""

    def __init__(self, plan: SessionPlan, host: str, port: int, title: str | None = None) -> None:
        super().__init__(command="nntui", host=host, port=port, title=title or "nntui workshop")
        self.plan = plan

    def command_for(self, name: str) -> str:
        """The shell command textual-serve runs for one attendee's tab."""
        settings = [f"{key}={value}" for key, value in exercises_env(self.plan).items()]
        argv = (["env", *settings] if settings else []) + app_argv(self.plan, name)
        return " ".join(shlex.quote(word) for word in argv)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_get("/ws/{name}", self.handle_named_websocket, name="named_websocket")
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The name page, or the terminal page for ``/?name=NAME``."""
        import aiohttp_jinja2

        name = request.query.get("name", "").strip().lower()
        if not name or name_problem(name):
            error = f'<p class="error">{html.escape(name_problem(name) or "")}</p>' if name else ""
            body = _NAME_PAGE.format(title=html.escape(self.title), rule=html.escape(NAME_RULE), error=error)
            return web.Response(text=body, content_type="text/html")
        # Built from the address the browser used, so it works behind any host name.
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": 16,
            "app_websocket_url": f"{scheme}://{request.host}/ws/{name}",
            "config": {"static": {"url": f"{request.scheme}://{request.host}/static/"}},
            "application": {"name": f"{self.title} - {name}"},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The unnamed websocket is not used: there is no app without a name."""
        raise web.HTTPNotFound(text="open the page and give a name first")

    async def handle_named_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Drive one attendee's app process over the browser's websocket."""
        name = request.match_info["name"]
        if name_problem(name):
            raise web.HTTPBadRequest(text=f"bad name: {NAME_RULE}")
        user_state_dir(self.plan.state_dir, name).mkdir(parents=True, exist_ok=True)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _to_int(request.query.get("width"), 80)
        height = _to_int(request.query.get("height"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.command_for(name),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one tab's failure must not stop the server
            log.warning("session for %s ended with an error: %s", name, error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        """Say nothing yet: the ready lines are printed once the port is really open."""

    def ready_lines(self) -> list[str]:
        """What the instructor sees once the server is listening."""
        return [
            f"nntui web server on http://{self.host}:{self.port}/"
            f" (progress in {self.plan.state_dir / 'users'})",
            "Attendees open that address in a browser and type their name. Stop with Ctrl+C.",
        ]


def _to_int(text: str | None, default: int) -> int:
    try:
        return max(1, int(text)) if text else default
    except ValueError:
        return default


def run_web(plan: SessionPlan, host: str, port: int, title: str | None = None) -> int:
    """Serve until Ctrl+C / SIGTERM; returns the exit status."""
    server = WorkshopWebServer(plan, host, port, title)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, server.request_exit)
    try:
        web.run_app(
            server._make_app(),
            host=host,
            port=port,
            handle_signals=False,
            loop=loop,
            # aiohttp calls this after the socket is listening: the moment to say we are ready.
            print=lambda *_: print("\n".join(server.ready_lines()), flush=True),
        )
    except OSError as error:
        sys.stderr.write(f"nntui: error: cannot listen on {host}:{port}: {error.strerror or error}\n")
        return 2
    finally:
        loop.close()
    return 0
