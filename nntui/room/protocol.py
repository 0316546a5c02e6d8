"""The room's wire format: one JSON object per line over a Unix stream socket.

Every message is a JSON object with a type ``"t"`` (see :data:`FIELDS`) and at most
:data:`MAX_LINE` bytes on one line. :func:`encode` makes a line; :class:`LineReader` splits a
byte stream into checked messages, dropping (never raising on) anything malformed, so a bad
peer costs a message, never a session.

Who says what (full field lists in :data:`FIELDS`):

- a session (attendee or instructor) -> hub: ``hello`` first, then
  attendee: ``where``, ``answer``, ``exercise``, ``help``, ``help_cancel``, ``run``;
  instructor: ``watch``, ``follow``, ``follow_off``, ``poll_show``, ``poll_hide``,
  ``poll_again``, ``race_show``, ``race_hide``, ``help_mark``;
- hub -> attendee: ``follow``, ``follow_off``, ``poll``, ``poll_hide``, ``poll_again``,
  ``race``, ``race_hide``, ``help_state``;
- hub -> instructor: ``room``, ``poll``, ``race``.
"""

from __future__ import annotations

import json
import math
import os
import socket
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "CURVE_POINTS",
    "FIELDS",
    "INSTRUCTOR_TOKEN_ENV",
    "MAX_LINE",
    "MAX_TEXT",
    "REQUIRED",
    "ROOM_ENV",
    "ROOM_VIA_ENV",
    "LineReader",
    "bind_unix",
    "check",
    "connect_unix",
    "encode",
    "hub_socket_path",
    "room_dir",
]

#: The environment variable that hands a session the hub's socket path (unset: no room).
ROOM_ENV = "NNTUI_ROOM"
#: How the attendee came in: "ssh" or "web".
ROOM_VIA_ENV = "NNTUI_ROOM_VIA"
#: The instructor session's token (the hub grants the instructor role only with it).
INSTRUCTOR_TOKEN_ENV = "NNTUI_ROOM_TOKEN"

#: The longest line (bytes, newline included) either side sends or accepts.
MAX_LINE = 256 * 1024

_TEXT, _INT, _NUM, _BOOL, _LIST, _DICT = str, int, float, bool, list, dict
_OPT = type(None)

#: Each message type's fields and their JSON types (a tuple: any of them). "t" is implied.
#: Fields not listed are dropped; a listed field of the wrong type drops the message.
#: Missing fields are allowed (readers use ``.get``), except those in :data:`REQUIRED`.
FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    # -- session -> hub -------------------------------------------------------------------
    # role: "attendee" | "instructor"; name: None for a guest; via: "ssh" | "web";
    # token: the instructor's (see INSTRUCTOR_TOKEN_ENV).
    "hello": {"role": (_TEXT,), "name": (_TEXT, _OPT), "via": (_TEXT,), "token": (_TEXT, _OPT)},
    # The step the attendee is on. lesson/step are 1-based numbers, label "4.2", steps: how many
    # steps the lesson has; own: True when the attendee moved there themselves (not followed).
    "where": {
        "lesson": (_INT,),
        "step": (_INT,),
        "label": (_TEXT,),
        "title": (_TEXT,),
        "steps": (_INT,),
        "own": (_BOOL,),
    },
    # A checkpoint answer: given (as typed), number (parsed, None if not a number), right,
    # expected (the right value, computed by the app), tolerance.
    "answer": {
        "check": (_TEXT,),
        "lesson": (_INT,),
        "step": (_INT,),
        "question": (_TEXT,),
        "given": (_TEXT,),
        "number": (_NUM, _INT, _OPT),
        "right": (_BOOL,),
        "expected": (_NUM, _INT, _OPT),
        "tolerance": (_NUM, _INT, _OPT),
    },
    # An exercise check result: ok False with the first failing case.
    "exercise": {"exercise": (_TEXT,), "ok": (_BOOL,), "case": (_TEXT,), "detail": (_TEXT,)},
    "help": {"text": (_TEXT,)},  # "I'm stuck", with an optional line of text
    "help_cancel": {},
    # A finished training run: outcome "falls" | "stuck" | "diverged"; curve: the loss,
    # at most CURVE_POINTS values spread over the run (first and last kept).
    "run": {
        "lesson": (_INT,),
        "step": (_INT,),
        "rate": (_NUM, _INT),
        "seed": (_INT, _OPT),
        "epochs": (_INT,),
        "final_loss": (_NUM, _INT, _OPT),
        "outcome": (_TEXT,),
        "curve": (_LIST,),
    },
    # -- instructor -> hub ----------------------------------------------------------------
    # What the instructor's view wants pushed: one checkpoint's poll, one step's race (or None).
    "watch": {"check": (_TEXT, _OPT), "lesson": (_INT, _OPT), "step": (_INT, _OPT)},
    "follow": {"lesson": (_INT,), "step": (_INT,), "label": (_TEXT,)},  # also hub -> attendee
    "follow_off": {},  # also hub -> attendee
    "poll_show": {"check": (_TEXT,)},
    "poll_hide": {"check": (_TEXT,)},  # also hub -> attendee
    "poll_again": {"check": (_TEXT,)},  # also hub -> attendee: clear that answer, ask again
    "race_show": {"lesson": (_INT,), "step": (_INT,)},
    "race_hide": {},  # also hub -> attendee
    # state: "coming" (on my way) | "done"
    "help_mark": {"name": (_TEXT,), "state": (_TEXT,)},
    # -- hub -> attendee ------------------------------------------------------------------
    # One checkpoint's answers, anonymised: numbers (every numeric answer, latest per attendee),
    # expected/tolerance, counts right/wrong/waiting (connected, not answered yet), shown: the
    # instructor put it on the room's screens.
    "poll": {
        "check": (_TEXT,),
        "lesson": (_INT, _OPT),
        "step": (_INT, _OPT),
        "question": (_TEXT,),
        "numbers": (_LIST,),
        "expected": (_NUM, _INT, _OPT),
        "tolerance": (_NUM, _INT, _OPT),
        "right": (_INT,),
        "wrong": (_INT,),
        "waiting": (_INT,),
        "shown": (_BOOL,),
    },
    # The room's finished runs on one step: runs is a list of {"rate", "seed", "final_loss",
    # "outcome", "curve"} (no names), shown as for "poll".
    "race": {"lesson": (_INT,), "step": (_INT,), "runs": (_LIST,), "shown": (_BOOL,)},
    # The attendee's help request: "queued" | "coming" | "done" (done also when cancelled).
    "help_state": {"state": (_TEXT,), "place": (_INT, _OPT)},
    # -- hub -> instructor ----------------------------------------------------------------
    # The whole room (see nntui.room.model for the attendee dicts), pushed on change.
    "room": {
        "attendees": (_LIST,),
        "help": (_LIST,),
        "summary": (_TEXT,),
        "follow": (_DICT, _OPT),
        "time": (_NUM, _INT),
    },
}

#: Fields a message must have to be accepted.
REQUIRED: dict[str, tuple[str, ...]] = {
    "hello": ("role",),
    "where": ("lesson", "step"),
    "answer": ("check", "right"),
    "run": ("rate", "outcome"),
    "follow": ("lesson", "step"),
    "poll_show": ("check",),
    "poll_hide": ("check",),
    "poll_again": ("check",),
    "race_show": ("lesson", "step"),
    "help_mark": ("name", "state"),
    "poll": ("check",),
    "race": ("lesson", "step"),
    "help_state": ("state",),
}

#: The most loss values a run's curve carries.
CURVE_POINTS = 100
#: The longest text field kept (a help line, a typed answer); longer is cut.
MAX_TEXT = 500


def encode(message: dict) -> bytes:
    """One message as a line of JSON (raises ValueError for an unknown type or a too-long line)."""
    if message.get("t") not in FIELDS:
        raise ValueError(f"unknown room message type {message.get('t')!r}")
    line = json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n"
    if len(line) > MAX_LINE:
        raise ValueError(f"room message of {len(line)} bytes is over {MAX_LINE}")
    return line


def _finite(value: object) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def check(message: object) -> dict | None:
    """``message`` with only its known fields if it is a well-formed room message, else None."""
    if not isinstance(message, dict):
        return None
    kind = message.get("t")
    fields = FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return None
    clean: dict = {"t": kind}
    for key, types in fields.items():
        if key not in message:
            continue
        value = message[key]
        # bool is an int in Python; JSON true is never a number here.
        if isinstance(value, bool) and bool not in types:
            return None
        if not isinstance(value, types) or not _finite(value):
            return None
        if isinstance(value, str):
            value = value[:MAX_TEXT]
        clean[key] = value
    if any(key not in clean for key in REQUIRED.get(kind, ())):
        return None
    return clean


class LineReader:
    """Splits received bytes into checked messages; a too-long or malformed line is dropped."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skipping = False  # inside a line that grew past MAX_LINE

    def feed(self, data: bytes) -> Iterator[dict]:
        """The complete, well-formed messages ``data`` finishes."""
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > MAX_LINE:
                    self._buffer.clear()
                    self._skipping = True
                return
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if self._skipping:
                self._skipping = False
                continue
            try:
                message = check(json.loads(line))
            except (ValueError, RecursionError):
                message = None
            if message is not None:
                yield message


# --- where the hub listens ---------------------------------------------------------------------


def room_dir(state_dir: Path) -> Path:
    """The server's room folder (the hub's socket, token and record), inside its state folder."""
    return Path(state_dir) / "room"


def hub_socket_path(state_dir: Path) -> Path:
    """The hub's socket in a server's state folder."""
    return room_dir(state_dir) / "hub.sock"


#: Linux's limit on a socket path (sun_path is 108 bytes, one for the terminating NUL).
_SUN_PATH = 107


def _short(path: Path, folder_fd: int) -> str:
    # A long path is reached through the open folder (/proc/self/fd/N/name is short).
    return str(path) if len(os.fsencode(str(path))) <= _SUN_PATH else f"/proc/self/fd/{folder_fd}/{path.name}"


def _with_folder(path: Path, use) -> None:
    folder_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        use(_short(path, folder_fd))
    finally:
        os.close(folder_fd)


def bind_unix(path: Path) -> socket.socket:
    """A listening Unix stream socket at ``path`` (a stale one is replaced), any path length."""
    path = Path(path)
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        _with_folder(path, server.bind)
        server.listen(256)
    except BaseException:
        server.close()
        raise
    return server


def connect_unix(path: Path, timeout: float = 1.0) -> socket.socket:
    """A socket connected to the hub at ``path`` (raises OSError when nobody listens).

    ``timeout`` 0 gives a non-blocking socket that never waits: a full backlog raises
    BlockingIOError (an OSError) instead of waiting for the hub to accept.
    """
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        _with_folder(Path(path), client.connect)
    except BaseException:
        client.close()
        raise
    return client
