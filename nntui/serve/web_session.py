"""One browser tab of `nntui serve web`: its app process, its websocket, and how both end.

textual-serve's ``AppService`` runs the app through a shell and, when the browser goes
away, asks it to quit and waits for it forever; an app stuck writing a frame nobody reads
then stays for good. Here the app is started directly, in its own process group, under
rlimits, and every ending (the tab closed or dropped, idle, taken over, the server
stopping) asks it to quit, then terminates and finally kills its whole group.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from .ptychild import Limits

__all__ = ["WebAppService", "WebSession", "clamp_size", "close_websocket"]

log = logging.getLogger("nntui.serve.web")

#: Terminal sizes a browser may ask for; 400x150 is a 4K screen at a small font.
MIN_SIZE = (20, 8)
MAX_SIZE = (400, 150)
#: How long an app has to quit by itself, then to end on SIGTERM, before it is killed.
QUIT_GRACE = 1.0
TERM_GRACE = 0.5
#: How long closing a websocket may wait for the browser's reply.
CLOSE_TIMEOUT = 1.0
#: An app that takes input no faster than this has hung: its session ends.
INPUT_TIMEOUT = 10.0

# What Textual's web driver writes to turn on mouse reporting (it ignores run(mouse=False)).
_MOUSE_ON = (b"\x1b[?1000h", b"\x1b[?1003h", b"\x1b[?1015h", b"\x1b[?1006h")


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size from the browser, as whole numbers within MIN_SIZE..MAX_SIZE."""

    def whole(value: object, default: int) -> int:
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return default

    cols = min(max(whole(width, 80), MIN_SIZE[0]), MAX_SIZE[0])
    rows = min(max(whole(height, 24), MIN_SIZE[1]), MAX_SIZE[1])
    return cols, rows


async def close_websocket(websocket: web.WebSocketResponse, code: int, reason: str) -> None:
    """Close with a reason the page shows; never wait long for a browser that is gone."""
    if websocket.closed:
        return
    try:
        closing = websocket.close(code=code, message=reason.encode("utf-8")[:120])
        await asyncio.wait_for(closing, CLOSE_TIMEOUT)
    except (asyncio.TimeoutError, ConnectionError, RuntimeError):
        pass


def _apply_limits(limits: Limits) -> None:
    """Runs in the child between fork and exec: the session's rlimits."""
    if limits.memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    if limits.cpu_seconds is not None:
        # The soft limit sends SIGXCPU; the hard one, a little later, SIGKILL.
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


async def reap(process: asyncio.subprocess.Process, grace: float) -> None:
    """Wait ``grace`` seconds for ``process`` to end, then SIGTERM, then SIGKILL its group."""
    try:
        await asyncio.wait_for(process.wait(), grace)
    except asyncio.TimeoutError:
        for signum, wait in ((signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, None)):
            try:
                os.killpg(process.pid, signum)
            except ProcessLookupError:
                break
            try:
                await asyncio.wait_for(process.wait(), wait)
                break
            except asyncio.TimeoutError:
                continue
    # Anything the app left behind in its group goes with it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class WebAppService(AppService):
    """textual-serve's app runner, started without a shell, limited, and always reaped."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        websocket: web.WebSocketResponse,
        download_manager: DownloadManager,
        limits: Limits | None = None,
        mouse: bool = False,
    ) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=self._to_browser,
            write_str=self._to_browser_text,
            close=self._app_exited,
            download_manager=download_manager,
        )
        self.argv = list(argv)
        self.env = dict(env)
        self.websocket = websocket
        self.limits = limits or Limits()
        self.mouse = mouse
        #: Why the session is ending, once something outside the app ends it.
        self.ending_reason: str | None = None

    @property
    def pid(self) -> int | None:
        """The app's process id once started."""
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        env = self.env | {
            "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
            "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "TERM_PROGRAM_VERSION": version("textual-serve"),
            "COLUMNS": str(width),
            "ROWS": str(height),
        }
        limits = self.limits
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group, so all of it can be reaped
            preexec_fn=lambda: _apply_limits(limits),
        )
        self._stdin = process.stdin
        return process

    async def on_data(self, payload: bytes) -> None:
        """Pass the app's output on; with the mouse off, the browser never starts reporting it."""
        if not self.mouse:
            for sequence in _MOUSE_ON:
                payload = payload.replace(sequence, b"")
        await self._to_browser(payload)

    async def _to_browser(self, data: bytes) -> None:
        # Output for a browser that has gone is dropped, and the app's output is still read,
        # so an app in the middle of a frame is never left blocked on a full pipe.
        if data and not self.websocket.closed:
            try:
                await self.websocket.send_bytes(data)
            except (ConnectionError, RuntimeError):
                pass

    async def _to_browser_text(self, text: str) -> None:
        if not self.websocket.closed:
            try:
                await self.websocket.send_str(text)
            except (ConnectionError, RuntimeError):
                pass

    async def run(self) -> None:
        """Relay the app's output until it ends; then the tab is closed too (even on a crash)."""
        await super().run()
        await self._app_exited()

    async def _app_exited(self) -> None:
        reason = self.ending_reason or "The lesson app has ended. Your progress is saved."
        await close_websocket(self.websocket, 1000 if self.ending_reason is None else 1001, reason)

    def kill(self) -> None:
        """Kill the app's whole process group at once."""
        if self._process is not None and self._process.returncode is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    async def stop(self) -> None:
        """Ask the app to quit; terminate, then kill its process group if it does not."""
        process, task = self._process, self._task
        if process is None:
            return
        if process.returncode is None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            try:
                await asyncio.wait_for(self.send_meta({"type": "quit"}), TERM_GRACE)
            except asyncio.TimeoutError:
                pass
        await reap(process, QUIT_GRACE)
        if task is not None:
            # The reader ends at the end of the app's output; a grandchild that kept the pipe
            # open must not keep the session.
            try:
                await asyncio.wait_for(asyncio.shield(task), TERM_GRACE)
            except asyncio.TimeoutError:
                task.cancel()
            self._task = None


class WebSession:
    """One attendee's tab: relays the browser's messages to the app until something ends it."""

    def __init__(self, name: str, websocket: web.WebSocketResponse, service: WebAppService) -> None:
        self.name = name
        self.websocket = websocket
        self.service = service
        self.finished = asyncio.Event()
        self.last_input = asyncio.get_running_loop().time()
        self.reason: str | None = None

    async def run(
        self, cols: int, rows: int, idle_timeout: float, on_start: Callable[[], None] | None = None
    ) -> None:
        """Start the app and relay until the tab closes, goes idle or is ended; then reap."""
        try:
            await self.service.start(cols, rows)
            if on_start is not None:
                on_start()
            await self._relay(idle_timeout)
        finally:
            self.service.ending_reason = self.reason
            try:
                await self.service.stop()
            finally:
                await close_websocket(self.websocket, 1001, self.reason or "Session ended.")
                self.finished.set()

    async def end(self, reason: str, code: int = 1001) -> None:
        """End the session from outside (take-over, server stop) and wait until it is reaped."""
        self.reason = self.service.ending_reason = self.reason or reason
        await close_websocket(self.websocket, code, reason)
        try:
            await asyncio.wait_for(self.finished.wait(), QUIT_GRACE + TERM_GRACE + CLOSE_TIMEOUT)
        except asyncio.TimeoutError:
            # The relay is stuck handing input to an app that no longer reads it.
            self.service.kill()
            await self.finished.wait()

    async def _relay(self, idle_timeout: float) -> None:
        loop = asyncio.get_running_loop()
        websocket = self.websocket
        while not websocket.closed:
            timeout = None
            if idle_timeout:
                timeout = max(0.0, self.last_input + idle_timeout - loop.time())
            try:
                message = await websocket.receive(timeout=timeout)
            except asyncio.TimeoutError:
                minutes = max(1, round(idle_timeout / 60))
                self.reason = f"No key pressed for {minutes} min: the session was closed. Progress is saved."
                return
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return
            if message.type == WSMsgType.TEXT:
                try:
                    await asyncio.wait_for(self._handle(message.data), INPUT_TIMEOUT)
                except asyncio.TimeoutError:
                    self.reason = "The lesson app stopped responding: the session was closed."
                    return

    async def _handle(self, text: str) -> None:
        """One message of textual-serve's page protocol; anything malformed is ignored."""
        try:
            envelope = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
            return
        if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
            return
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        service = self.service
        if kind == "stdin" and isinstance(data, str):
            self.last_input = asyncio.get_running_loop().time()
            await service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(*clamp_size(data.get("width"), data.get("height")))
        elif kind == "ping" and isinstance(data, str):
            await self.websocket.send_json(["pong", data[:32]])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()
