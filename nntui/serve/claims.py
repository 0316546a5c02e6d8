"""Name claims: one live session per attendee name.

A login as a name (``ssh alice@host``) and a name typed on a shared login's name screen go
through the same rule, :func:`claim_problem`. On a shared login the session's process asks
over a *control socket* (a SEQPACKET socket pair, see ``nntui.serve.session.claim_name``);
:class:`ClaimSocket` is the server's end of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Callable, Collection
from pathlib import Path

from .launch import user_state_dir
from .names import name_problem
from .registry import Registry

__all__ = ["ClaimSocket", "claim_problem", "taken_message"]


def taken_message(name: str) -> str:
    """The reason a name already connected cannot log in again."""
    return (
        f"someone is already connected as {name!r}; if that is you, close the other session first "
        "(a dropped connection is noticed within two minutes)"
    )


def claim_problem(
    name: str, registry: Registry, reserved: Collection[str | None], state_dir: Path | None = None
) -> str | None:
    """None if a session may take ``name``, else the one-sentence reason it may not.

    With ``state_dir`` the attendee's progress folder is made too (a name whose folder cannot
    be made cannot keep progress).
    """
    problem = name_problem(name)
    if problem is None and name in reserved:
        problem = f"{name!r} is reserved"
    if problem is None and registry.name_in_use(name):
        problem = taken_message(name)
    if problem is None and state_dir is not None:
        try:
            user_state_dir(state_dir, name).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            problem = f"cannot keep progress for {name!r}: {error.strerror or error}"
    return problem


class ClaimSocket:
    """The server's end of a session's control socket: answers ``{"claim": NAME}`` requests.

    ``claim(name)`` returns None when the name is granted, else the reason; each request gets
    ``{"ok": true}`` or ``{"ok": false, "problem": ...}``.
    """

    def __init__(self, claim: Callable[[str], str | None]) -> None:
        self._claim = claim
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        mine.setblocking(False)
        self._sock: socket.socket | None = mine
        #: The session process's end; close it here once the process has its own copy.
        self.child_end: socket.socket | None = theirs
        asyncio.get_running_loop().add_reader(mine, self._readable)

    def close_child_end(self) -> None:
        """Close the session process's end (it has its own copy once started)."""
        if self.child_end is not None:
            self.child_end.close()
            self.child_end = None

    def close(self) -> None:
        """Stop answering and close both ends."""
        self.close_child_end()
        if self._sock is None:
            return
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(self._sock)
        self._sock.close()
        self._sock = None

    def _readable(self) -> None:
        assert self._sock is not None
        try:
            data = self._sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.close()
            return
        try:
            wanted = str(json.loads(data).get("claim", ""))
        except (ValueError, AttributeError):
            wanted = ""
        problem = self._claim(wanted.strip())
        reply = {"ok": True} if problem is None else {"ok": False, "problem": problem}
        with contextlib.suppress(OSError):
            self._sock.send(json.dumps(reply).encode())
