"""The pre-forked session starter: one process that has already loaded the lesson app.

Starting Python and importing Textual and NumPy costs about half a CPU second, and a room
logging in at once on a small machine pays it fifty times over. So the SSH server starts
this helper once: it imports everything a session needs, runs the app once without a
terminal to warm Textual's caches, and then waits. For every attendee the server sends it
the attendee's terminal (the pty's slave side, passed with SCM_RIGHTS) and a *spec* (see
``nntui.serve.session``); the helper forks, the child becomes a session of its own on that
terminal and runs the app, and the helper answers with the child's pid.

The helper is the children's parent: it reaps them (and, as a child subreaper, anything
they leave behind) and tells the server each session's exit status. Nothing read at
import time depends on the attendee: TERM, COLORTERM, NO_COLOR and the colour system are
read when each session's app is built, after the child has its own environment.

Messages are JSON on a SOCK_SEQPACKET socket pair, one per datagram:
server -> helper ``{"op": "fork", "id": N, "spec": {...}}`` (fds: slave[, control]);
helper -> server ``{"op": "ready", "pid": P}``, ``{"op": "forked", "id": N, "pid": P}``,
``{"op": "failed", "id": N, "error": "..."}``, ``{"op": "exit", "pid": P, "code": C}``
(C as asyncio reports it: negative for a signal).

:mod:`.server` is the server's side (:class:`Zygote`, its handle on the starter);
:mod:`.starter` is the starter process itself (``python -m nntui.serve.zygote``).
"""

from __future__ import annotations

from .server import ForkedChild, Zygote, ZygoteUnavailable, become_subreaper

__all__ = ["ForkedChild", "Zygote", "ZygoteUnavailable", "become_subreaper"]
