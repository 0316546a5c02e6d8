"""Where the learner is: current lesson and step, completed steps, passed checkpoints.

Stored as ``<state_dir>/progress.json`` and always written atomically (a temporary file in
the same folder, then ``os.replace``), so a crash or a full disk never leaves half a file.
Reading never trusts the file: only a regular file of at most MAX_BYTES is read (a FIFO or a
link to /dev/zero is refused, not waited on), and nothing in it raises past this module.
A field of the wrong shape is dropped and the rest kept; a file that cannot be used at all
is moved aside and the learner starts fresh. Either way the file as it was goes to a
numbered backup (``progress.json.bak``, ``.bak.1`` ... at most MAX_BACKUPS; the oldest are
never replaced) and ``ProgressStore.notice`` says so in one line. Pure Python: never
imports Textual.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .files import write_atomically
from .paths import PROGRESS_FILE, STATE_ENV, default_state_dir, progress_path, resolve_state_dir
from .printable import clip, printable

__all__ = [
    "FILE_NAME",
    "MAX_BACKUPS",
    "MAX_BYTES",
    "read_state_file",
    "STATE_ENV",
    "VERSION",
    "DamagedProgress",
    "Progress",
    "ProgressError",
    "ProgressStore",
    "default_state_dir",
    "resolve_state_dir",
]

VERSION = 1
FILE_NAME = PROGRESS_FILE
#: A progress file is a few KB; anything past this is not one (and is not read into memory).
MAX_BYTES = 1 << 20
#: Backups of damaged progress files kept side by side: ``.bak`` and ``.bak.1`` to ``.bak.4``.
MAX_BACKUPS = 5


class ProgressError(Exception):
    """Progress could not be saved; the message is one line."""


@dataclass
class Progress:
    """Everything nntui remembers about one learner."""

    version: int = VERSION
    name: str = ""
    lesson: str = ""
    step: int = 0
    completed: dict[str, list[int]] = field(default_factory=dict)
    checkpoints: dict[str, list[str]] = field(default_factory=dict)
    exercises: dict[str, str] = field(default_factory=dict)
    updated: str = ""

    def mark_completed(self, lesson: str, step: int) -> None:
        """Record that ``step`` of ``lesson`` is done."""
        steps = self.completed.setdefault(lesson, [])
        if step not in steps:
            steps.append(step)
            steps.sort()

    def mark_checkpoint(self, lesson: str, check_id: str) -> None:
        """Record that checkpoint ``check_id`` of ``lesson`` was answered correctly."""
        ids = self.checkpoints.setdefault(lesson, [])
        if check_id not in ids:
            ids.append(check_id)

    def is_completed(self, lesson: str, step: int) -> bool:
        """Whether ``step`` of ``lesson`` is done."""
        return step in self.completed.get(lesson, [])

    def passed(self, lesson: str, check_id: str) -> bool:
        """Whether checkpoint ``check_id`` of ``lesson`` was passed."""
        return check_id in self.checkpoints.get(lesson, [])

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, dropped: list[str] | None = None) -> Progress:
        """Build from the JSON form; raises ValueError if it is not a progress record at all.

        A field of the wrong shape is left out (the rest is kept) and named in ``dropped``.
        """
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version", VERSION) != VERSION:
            raise ValueError(f"unknown version {clip(repr(data.get('version')), 20)}")
        dropped = [] if dropped is None else dropped
        progress = cls()
        progress.name = _field(data, "name", str, "", dropped)
        progress.lesson = _field(data, "lesson", str, "", dropped)
        progress.step = _field(data, "step", _is_step, 0, dropped)
        completed = _field(data, "completed", dict, {}, dropped)
        steps_done = _lists(completed, "completed", _is_step, dropped)
        progress.completed = {slug: sorted(set(steps)) for slug, steps in steps_done.items()}
        checkpoints = _field(data, "checkpoints", dict, {}, dropped)
        progress.checkpoints = _lists(checkpoints, "checkpoints", _is_text, dropped)
        exercises = _field(data, "exercises", dict, {}, dropped)
        progress.exercises = {}
        for name, status in exercises.items():
            if isinstance(status, str):
                progress.exercises[name] = status
            else:
                dropped.append(f"'exercises' of {_key(name)}")
        progress.updated = _field(data, "updated", str, "", dropped)
        return progress

    @classmethod
    def read(cls, path: str | os.PathLike) -> Progress:
        """The progress saved at ``path``, changing nothing on disk (e.g. for `serve status`).

        A missing file is a fresh start. Raises DamagedProgress (one line) for a file that
        cannot be used at all; a field of the wrong shape is dropped and the rest kept.
        """
        return _read(Path(path))[0]


def _is_step(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _key(key: str) -> str:
    return repr(printable(clip(key, 40)))


def _field(data: dict, key: str, kind: type | Callable[[Any], bool], default: Any, dropped: list[str]) -> Any:
    """``data[key]`` if it is of ``kind`` (a type or a test), else ``default`` (noted in ``dropped``)."""
    if key not in data:
        return default
    value = data[key]
    ok = isinstance(value, kind) if isinstance(kind, type) else kind(value)
    if not ok:
        dropped.append(repr(key))
        return default
    return value


def _lists(mapping: dict, key: str, item_ok: Callable[[Any], bool], dropped: list[str]) -> dict[str, list]:
    """The entries of ``mapping`` that are lists, each without the items ``item_ok`` refuses."""
    kept: dict[str, list] = {}
    for slug, items in mapping.items():
        if not isinstance(items, list):
            dropped.append(f"{key!r} of {_key(slug)}")
            continue
        good = [item for item in items if item_ok(item)]
        if len(good) != len(items):
            dropped.append(f"{len(items) - len(good)} bad item(s) of {key!r} of {_key(slug)}")
        kept[slug] = good
    return kept


class DamagedProgress(Exception):
    """A progress file that cannot be used at all; the message (why) is one line."""


def read_state_file(path: Path) -> bytes:
    """The bytes of the regular file at ``path``, at most MAX_BYTES of them (any state file).

    Raises FileNotFoundError if nothing is saved there, DamagedProgress otherwise. A FIFO
    (which would block), a device such as /dev/zero (endless) or a folder is never read.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(path) from None
    except (OSError, ValueError) as error:
        raise DamagedProgress(f"cannot read it: {_reason(error)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DamagedProgress("not a regular file")
    if info.st_size > MAX_BYTES:
        raise DamagedProgress(f"larger than {MAX_BYTES // 1024} KB")
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening cannot hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise DamagedProgress(f"cannot read it: {_reason(error)}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DamagedProgress("not a regular file")
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as error:
        raise DamagedProgress(f"cannot read it: {_reason(error)}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise DamagedProgress(f"larger than {MAX_BYTES // 1024} KB")
    return data


def _parse(data: bytes, dropped: list[str]) -> Progress:
    """The progress in ``data``; raises DamagedProgress if there is none to keep."""
    try:
        return Progress.from_dict(json.loads(data.decode("utf-8")), dropped)
    except UnicodeDecodeError:
        raise DamagedProgress("not UTF-8 text") from None
    except RecursionError:
        raise DamagedProgress("nested too deeply to be progress") from None
    except MemoryError:
        raise DamagedProgress("too large to read") from None
    except json.JSONDecodeError as error:
        raise DamagedProgress(f"not valid JSON at line {error.lineno} column {error.colno}") from None
    except ValueError as error:  # not progress at all, or a number too long to convert
        raise DamagedProgress(_reason(error)) from None


def _read(path: Path) -> tuple[Progress, list[str], bytes]:
    """The progress at ``path``, what was dropped from it, and the file's bytes (b"" if none)."""
    try:
        data = read_state_file(path)
    except FileNotFoundError:
        return Progress(), [], b""
    dropped: list[str] = []
    return _parse(data, dropped), dropped, data


class ProgressStore:
    """Loads and saves one learner's ``progress.json`` in ``state_dir``."""

    def __init__(self, state_dir: str | os.PathLike) -> None:
        self.state_dir = Path(state_dir)
        self.path = progress_path(self.state_dir)
        #: One line to show the learner about what happened while loading, if anything did.
        self.notice: str | None = None

    @property
    def backup_path(self) -> Path:
        """The first backup of a damaged progress file (later ones are ``.bak.1`` ...)."""
        return self.backup_paths()[0]

    def backup_paths(self) -> list[Path]:
        """Every backup name, oldest first: ``progress.json.bak``, ``.bak.1`` ... (MAX_BACKUPS)."""
        first = self.path.with_name(FILE_NAME + ".bak")
        return [first] + [first.with_name(f"{first.name}.{n}") for n in range(1, MAX_BACKUPS)]

    def _free_backup(self) -> Path:
        """The first unused backup name; when all are used, the newest is reused.

        The oldest backups are never replaced: the first damaged file is usually the one
        that still holds the learner's real progress.
        """
        names = self.backup_paths()
        return next((name for name in names if not os.path.lexists(name)), names[-1])

    def load(self) -> Progress:
        """The saved progress, or a fresh one; never raises.

        A file that cannot be used at all is moved aside to the next free backup and the
        learner starts fresh; a field of the wrong shape is dropped, the rest kept, and a
        copy of the file as it was goes to a backup. ``notice`` says what happened in one line.
        """
        try:
            progress, dropped, data = _read(self.path)
        except DamagedProgress as error:
            return self._start_fresh(f"{self.path} could not be used ({error})")
        if dropped:
            self._repaired(dropped, data)
        return progress

    def _start_fresh(self, what: str) -> Progress:
        backup = self._free_backup()
        try:
            os.replace(self.path, backup)
            kept = f"; the old file is kept as {backup.name}"
        except OSError:
            kept = ""
        self.notice = f"Progress: {what}, so you start fresh{kept}."
        return Progress()

    def _repaired(self, dropped: list[str], data: bytes) -> None:
        backup = self._backup_holding(data)
        try:
            if backup is None:
                backup = self._free_backup()
                backup.write_bytes(data)
            kept = f" (the file as it was is kept as {backup.name})"
        except OSError:
            kept = ""
        what = ", ".join(dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else "")
        self.notice = f"Progress: {self.path} had {what} in the wrong form: dropped, the rest is kept{kept}."

    def _backup_holding(self, data: bytes) -> Path | None:
        """The backup that already holds ``data`` (loading one file again keeps one copy)."""
        for name in self.backup_paths():
            try:
                if read_state_file(name) == data:
                    return name
            except (FileNotFoundError, DamagedProgress):
                continue
        return None

    def save(self, progress: Progress) -> None:
        """Write ``progress`` atomically; raises ProgressError (one line) if it cannot."""
        progress.updated = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = json.dumps(progress.to_dict(), indent=2, sort_keys=False) + "\n"
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, data, durable=True)
        except OSError as error:
            raise ProgressError(f"cannot save progress in {self.state_dir}: {_reason(error)}") from None

    def update(self, change: Callable[[Progress], None]) -> Progress:
        """Load the latest saved progress, apply ``change`` to it, save and return it.

        Re-reading first keeps what another process (``nntui exercises``) wrote meanwhile.
        """
        progress = self.load()
        change(progress)
        self.save(progress)
        return progress

    def reset(self) -> None:
        """Forget all progress (the file is removed; a missing file is fine)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            raise ProgressError(f"cannot remove {self.path}: {_reason(error)}") from None

    def writable(self) -> bool:
        """Whether progress can be saved here (the folder exists or can be made, and takes files)."""
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".probe-", dir=self.state_dir)
        except OSError:
            return False
        os.close(fd)
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return True


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return clip(str(error).splitlines()[0], 100) if str(error) else type(error).__name__
