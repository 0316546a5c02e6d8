"""A headless Chromium driven over the DevTools protocol, for the real-browser web tests.

Only what the tests need: open a page, evaluate JavaScript in it, type keys. The browser
listens on a free loopback port it picks itself (``--remote-debugging-port=0``) and is
spoken to with aiohttp's websocket client, so no extra dependency is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import shutil
import signal
from pathlib import Path

import aiohttp

#: Debian's package `chromium-headless-shell` installs this; `chromium` is the fallback.
CANDIDATES = ("/usr/bin/chromium-headless-shell", "chromium-headless-shell", "chromium")


def find_chromium() -> str | None:
    """The path of a headless-capable Chromium, or None when none is installed."""
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


# Key name -> (code, Windows virtual key code, text typed), for Input.dispatchKeyEvent.
KEYS = {
    "ArrowRight": ("ArrowRight", 39, ""),
    "ArrowLeft": ("ArrowLeft", 37, ""),
    "Enter": ("Enter", 13, "\r"),
}


class Page:
    """One tab, attached through a flat DevTools session."""

    def __init__(self, browser: Browser, target_id: str, session_id: str) -> None:
        self.browser = browser
        self.target_id = target_id
        self.session_id = session_id

    async def send(self, method: str, **params) -> dict:
        """Call a DevTools method in this tab."""
        return await self.browser.send(method, session_id=self.session_id, **params)

    async def evaluate(self, expression: str):
        """The JSON value of a JavaScript expression (promises awaited)."""
        reply = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"page raised: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30, what: str | None = None):
        """Evaluate ``expression`` as the page changes until it is truthy; return its value.

        The page cannot tell us when the terminal repaints, so each check is followed by
        waiting for the next animation frame (or a short timer) inside the page itself.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what or expression}; last value {value!r}")
            await self.evaluate("new Promise(done => setTimeout(done, 50))")

    async def press(self, key: str) -> None:
        """Type one key (a name from KEYS, or one printable character) into the focused element."""
        code, vk, text = KEYS[key] if key in KEYS else (f"Key{key.upper()}", ord(key.upper()), key)
        common = {"key": key, "code": code, "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def move_mouse(self, x: float, y: float) -> None:
        """Move the mouse to a point of the page (no button pressed)."""
        await self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    async def close(self) -> None:
        """Close the tab."""
        await self.browser.send("Target.closeTarget", targetId=self.target_id)


class Browser:
    """A headless Chromium process and the DevTools connection to it."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile
        self.process: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None

    async def start(self) -> None:
        """Start Chromium on a loopback debugging port and connect to it."""
        args = [
            "--headless",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--window-size=1000,700",
            # No network but loopback: a page that needs the internet shows it here.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            # Chromium's own sandbox refuses root and needs user namespaces that CI containers
            # often lack; it only ever loads the test server's pages here.
            "--no-sandbox",
        ]
        self.process = await asyncio.create_subprocess_exec(
            self.executable,
            *args,
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # Debian's launcher is a shell script: stop its whole group
        )
        url = await asyncio.wait_for(self._devtools_url(), timeout=60)
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(url, max_msg_size=0)
        self._reader = asyncio.create_task(self._read())

    async def _devtools_url(self) -> str:
        assert self.process is not None and self.process.stderr is not None
        lines = []
        while True:
            line = await self.process.stderr.readline()
            if not line:
                raise AssertionError("chromium exited before listening:\n" + "".join(lines))
            text = line.decode("utf-8", "replace")
            lines.append(text)
            match = re.search(r"DevTools listening on (ws://\S+)", text)
            if match:
                # Keep draining stderr so a chatty browser never blocks on a full pipe.
                asyncio.create_task(self._drain_stderr())
                return match.group(1)

    async def _drain_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while await self.process.stderr.read(65536):
            pass

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._replies.pop(data.get("id"), None)
            if future is not None and not future.done():
                future.set_result(data)
        for future in self._replies.values():
            if not future.done():
                future.set_exception(AssertionError("the DevTools connection closed"))

    async def send(self, method: str, session_id: str | None = None, **params) -> dict:
        """Call a DevTools method; return its result or fail with its error."""
        assert self._ws is not None
        message_id = next(self._ids)
        message = {"id": message_id, "method": method, "params": params}
        if session_id:
            message["sessionId"] = session_id
        future = asyncio.get_running_loop().create_future()
        self._replies[message_id] = future
        await self._ws.send_str(json.dumps(message))
        reply = await asyncio.wait_for(future, timeout=60)
        if "error" in reply:
            raise AssertionError(f"{method} failed: {reply['error']}")
        return reply["result"]

    async def open(self, url: str, init_script: str | None = None) -> Page:
        """A new tab showing ``url`` (once its load event has fired).

        ``init_script`` runs in every document of the tab before the page's own scripts.
        """
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send("Target.attachToTarget", targetId=target["targetId"], flatten=True)
        page = Page(self, target["targetId"], attached["sessionId"])
        await page.send("Page.enable")
        await page.send("Runtime.enable")
        if init_script:
            await page.send("Page.addScriptToEvaluateOnNewDocument", source=init_script)
        await page.send("Page.navigate", url=url)
        await page.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")
        return page

    async def stop(self) -> None:
        """Close the connection and end the browser process."""
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
        if self._reader is not None:
            await self._reader
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            await self.process.wait()
