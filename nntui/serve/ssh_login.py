"""Logging in to the SSH server: the door every connection passes before it has a session.

``LoginGuard`` (one per server) holds what the room shares: how many connections are
still starting (``--max-startups``), which source addresses are backed off after failed
logins, and the log lines about both. ``SshLogin`` (one per connection, asyncssh's
``SSHServer``) applies them: a new connection is dropped at once past the cap or from a
backed-off address; one that has not started a session within ``--login-grace-time``
is closed; each wrong password is answered only after a delay, logged with the address,
and after ``--max-auth-tries`` the connection is closed. Who may log in, and how, comes
from ``nntui.serve.auth``. Every kind of forwarding is refused here too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .auth import LoginMethod
from .guard import MaxStartups, SourceBackoff
from .ssh_host import import_asyncssh
from .ssh_session import SshSession

asyncssh = import_asyncssh()

if TYPE_CHECKING:
    from .ssh import WorkshopSSHServer

__all__ = ["LoginGuard", "SshLogin", "shown"]

#: Drops past --max-startups are logged at most this often (a flood is one line, not thousands).
DROP_LOG_PERIOD = 5.0


def shown(text: str, limit: int = 40) -> str:
    """``text`` safe for one log line: quoted, escapes visible, cut to ``limit`` characters."""
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(cut)


class LoginGuard:
    """The server-wide state of logging in: connections starting, backed-off sources, the log."""

    def __init__(
        self,
        max_startups: MaxStartups,
        backoff: SourceBackoff,
        say: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_startups = max_startups
        self.backoff = backoff
        self.starting = 0
        self._say = say
        self._clock = clock
        self._drops_unlogged = 0
        self._last_drop_log = float("-inf")

    def admit(self, address: str) -> bool:
        """Decide on a new connection from ``address``; True counts it as starting."""
        blocked = self.backoff.blocked_for(address)
        if blocked:
            self._note_drop(f"{address} is backed off for {blocked:.0f} s more after failed logins")
            return False
        if self.max_startups.should_drop(self.starting):
            self._note_drop(f"{self.starting} connections are starting (--max-startups {self.max_startups})")
            return False
        self.starting += 1
        return True

    def started(self) -> None:
        """A connection counted by ``admit`` has a session now, or has gone."""
        self.starting = max(0, self.starting - 1)

    def failed(self, address: str, port: int, name: str, tries: int, max_tries: int) -> None:
        """Log one wrong password and count it against ``address``."""
        self._say(
            f"nntui: failed password for {shown(name)} from {address} port {port} "
            f"(try {tries} of {max_tries})"
        )
        penalty = self.backoff.failed(address)
        if penalty:
            self._say(
                f"nntui: refusing connections from {address} for {penalty:.0f} s after repeated failed logins"
            )

    def _note_drop(self, why: str) -> None:
        now = self._clock()
        if now - self._last_drop_log < DROP_LOG_PERIOD:
            self._drops_unlogged += 1
            return
        more = (
            f" (and {self._drops_unlogged} more dropped since the last line)" if self._drops_unlogged else ""
        )
        self._say(f"nntui: dropped a new connection: {why}{more}")
        self._drops_unlogged = 0
        self._last_drop_log = now


class SshLogin(asyncssh.SSHServer):
    """One client connection until and while it runs its one session (asyncssh makes one each)."""

    def __init__(self, hub: WorkshopSSHServer) -> None:
        self._hub = hub
        self._conn: asyncssh.SSHServerConnection | None = None
        self._address = "?"
        self._port = 0
        self._counted = False  # counted as starting by the guard
        self._grace: asyncio.TimerHandle | None = None
        self._method: LoginMethod | None = None
        self._failures = 0
        self._session: asyncssh.SSHServerSession | None = None

    # --- the door ---------------------------------------------------------------------------
    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self._address, self._port = str(peer[0]), int(peer[1])
        if not self._hub.guard.admit(self._address):
            conn.abort()  # before our version string: the client sees the connection closed
            return
        self._counted = True
        grace = self._hub.options.login_grace_time
        if grace:
            self._grace = asyncio.get_running_loop().call_later(grace, self._grace_over)

    def _grace_over(self) -> None:
        self._grace = None
        if self._counted and self._conn is not None:
            self._conn.abort()

    def settled(self) -> None:
        """This connection's session is running: it no longer counts as starting."""
        if self._grace is not None:
            self._grace.cancel()
            self._grace = None
        if self._counted:
            self._counted = False
            self._hub.guard.started()

    def connection_lost(self, exc: Exception | None) -> None:
        self.settled()
        self._conn = None

    # --- authentication (the methods themselves are in nntui.serve.auth) ----------------------
    def begin_auth(self, username: str) -> bool:
        # Names are checked after login, so the attendee can be told what is wrong with theirs.
        assert self._conn is not None
        self._method = self._hub.options.logins.method_for(username)
        return self._method.begin_ssh(self._conn)

    def password_auth_supported(self) -> bool:
        return self._method is not None and self._method.accepts_password

    def public_key_auth_supported(self) -> bool:
        return self._method is not None and self._method.trusted_keys() is not None

    async def validate_password(self, username: str, password: str) -> bool:
        if self._method is not None and self._method.check_password(username, password):
            return True
        options = self._hub.options
        self._failures += 1
        self._hub.guard.failed(self._address, self._port, username, self._failures, options.max_auth_tries)
        # The answer to a wrong password waits: guessing is slow even over many connections.
        await asyncio.sleep(options.failure_delay)
        if self._failures >= options.max_auth_tries and self._conn is not None:
            self._conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures"
            )
        return False

    # --- one session per connection ---------------------------------------------------------
    def session_requested(self) -> asyncssh.SSHServerSession | bool:
        if self._session is not None:
            return False  # a second session channel would be a second attendee on one login
        self._session = SshSession(self._hub, self)
        return self._session

    def session_closed(self) -> None:
        """The session channel has closed: so does the connection (nothing else runs on it)."""
        if self._conn is not None:
            self._conn.close()

    # --- forwarding of any kind is refused, with a reason the OpenSSH client prints -------------
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
