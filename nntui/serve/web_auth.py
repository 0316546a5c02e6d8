"""Who may use `nntui serve web`: signed session cookies, Origin and Host checks, failed logins.

The login page checks the name and (unless the server is ``--open``) the shared password,
then hands the browser a cookie signed with a secret made fresh at each server start: the
cookie says which name this browser logged in as, and nobody can make one without the
secret. The websocket that drives an app accepts only such a cookie, and only from a page
of this server (its Origin), so another web site cannot drive a session through the
attendee's browser.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections import deque
from urllib.parse import urlsplit

from .guard import is_loopback
from .names import is_valid_name

__all__ = [
    "COOKIE",
    "FailedLogins",
    "SessionSigner",
    "host_allowed",
    "origin_allowed",
]

#: The name of the session cookie.
COOKIE = "nntui_session"


class SessionSigner:
    """Makes and checks ``name.issued.signature`` cookies with a per-server secret."""

    def __init__(self, max_age: float, secret: bytes | None = None) -> None:
        self.secret = secret or os.urandom(32)
        self.max_age = max_age

    def _signature(self, payload: str) -> str:
        return hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).hexdigest()

    def sign(self, name: str, now: float | None = None) -> str:
        """A cookie value saying this browser logged in as ``name``."""
        payload = f"{name}.{int(time.time() if now is None else now)}"
        return f"{payload}.{self._signature(payload)}"

    def name_of(self, token: str | None, now: float | None = None) -> str | None:
        """The name a cookie value was signed for, or None if it is forged, bad or too old."""
        if not token or len(token) > 200:
            return None
        name, _, rest = token.partition(".")
        issued, _, signature = rest.partition(".")
        # ASCII first: compare_digest raises on other text, and int() takes digits like "²".
        if not (token.isascii() and is_valid_name(name) and issued.isdigit()):
            return None
        if not hmac.compare_digest(signature, self._signature(f"{name}.{issued}")):
            return None
        age = (time.time() if now is None else now) - int(issued)
        return name if 0 <= age <= self.max_age else None


def host_allowed(host_header: str | None, listening_on: str) -> bool:
    """False for a request that reached a loopback server under a foreign host name.

    A web page can make its own domain name resolve to 127.0.0.1 (DNS rebinding); the
    browser then treats this server as that page's own. A loopback server is only ever
    reached as localhost or a loopback address, so any other Host is refused.
    """
    if not is_loopback(listening_on):
        return True
    if not host_header:
        return False
    try:
        hostname = urlsplit(f"//{host_header}").hostname or ""
    except ValueError:  # e.g. "[::1" (an unclosed IPv6 bracket)
        return False
    return is_loopback(hostname)


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """True if a request comes from a page of this server (or from a client that is not a browser).

    Browsers always send Origin on websockets and form posts; its host and port must be the
    ones the request was sent to (the scheme may differ behind a TLS proxy). Programs that
    are not browsers send none, and still need the signed cookie.
    """
    if origin is None:
        return True
    if not host_header:
        return False
    try:
        parts = urlsplit(origin.strip())
        asked = urlsplit(f"//{host_header}")
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 bracket)
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (a sandboxed or privacy-stripped page), file:, extensions
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        origin_port = parts.port or default_port
    except ValueError:
        return False
    try:
        asked_port = asked.port or default_port
    except ValueError:
        return False
    return (parts.hostname or "") == (asked.hostname or "").lower() and origin_port == asked_port


class FailedLogins:
    """Failed password attempts per address: each is slowed, and an address that keeps
    failing is locked out for a while (like sshd's penalties, on a small scale)."""

    def __init__(self, limit: int = 5, window: float = 300.0, delay: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self.delay = delay
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def locked_out(self, address: str, now: float | None = None) -> bool:
        """True while ``address`` has failed ``limit`` times within the window."""
        now = time.monotonic() if now is None else now
        locked = len(self._recent(address, now)) >= self.limit
        if not self._failures[address]:
            del self._failures[address]
        return locked

    def record(self, address: str, now: float | None = None) -> None:
        """Count one failed attempt from ``address``."""
        now = time.monotonic() if now is None else now
        self._recent(address, now).append(now)
        if len(self._failures) > 10000:  # a flood of addresses must not grow memory forever
            self._failures.pop(next(iter(self._failures)))
