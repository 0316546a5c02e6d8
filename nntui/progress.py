"""Where the learner is: current lesson and step, completed steps, passed checkpoints.

Stored as ``<state_dir>/progress.json`` and always written atomically (a temporary file in
the same folder, then ``os.replace``), so a crash or a full disk never leaves half a file.
A file that cannot be read is moved aside to ``progress.json.bak`` and the learner starts
fresh; ``ProgressStore.notice`` then says so once. Pure Python: never imports Textual.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

__all__ = [
    "FILE_NAME",
    "STATE_ENV",
    "VERSION",
    "Progress",
    "ProgressError",
    "ProgressStore",
    "default_state_dir",
    "resolve_state_dir",
]

VERSION = 1
FILE_NAME = "progress.json"
#: Environment variable naming the state folder (same as ``--state-dir``).
STATE_ENV = "NNTUI_STATE_DIR"


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
    def from_dict(cls, data: Any) -> Progress:
        """Build from the JSON form; raises ValueError if it is not a progress record."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("version", VERSION) != VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        progress = cls()
        progress.name = _typed(data, "name", str, "")
        progress.lesson = _typed(data, "lesson", str, "")
        step = data.get("step", 0)
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError("'step' must be a whole number >= 0")
        progress.step = step
        completed = _typed(data, "completed", dict, {})
        for slug, steps in completed.items():
            if not isinstance(steps, list) or not all(
                isinstance(s, int) and not isinstance(s, bool) for s in steps
            ):
                raise ValueError(f"'completed' of {slug!r} must be a list of step numbers")
        progress.completed = {str(k): sorted(set(v)) for k, v in completed.items()}
        checkpoints = _typed(data, "checkpoints", dict, {})
        for slug, ids in checkpoints.items():
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ValueError(f"'checkpoints' of {slug!r} must be a list of ids")
        progress.checkpoints = {str(k): list(v) for k, v in checkpoints.items()}
        exercises = _typed(data, "exercises", dict, {})
        progress.exercises = {str(k): str(v) for k, v in exercises.items()}
        progress.updated = _typed(data, "updated", str, "")
        return progress


def _typed(data: dict, key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if not isinstance(value, kind):
        raise ValueError(f"{key!r} must be a {kind.__name__}")
    return value


def default_state_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ``~/.local/share/nntui`` on Linux."""
    import platformdirs

    return Path(platformdirs.user_data_dir("nntui", appauthor=False))


def resolve_state_dir(option: str | os.PathLike | None = None) -> Path:
    """The folder to use: the option if given, else ``NNTUI_STATE_DIR``, else the default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env).expanduser()
    return default_state_dir()


class ProgressStore:
    """Loads and saves one learner's ``progress.json`` in ``state_dir``."""

    def __init__(self, state_dir: str | os.PathLike) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / FILE_NAME
        #: One line to show the learner about what happened while loading, if anything did.
        self.notice: str | None = None

    @property
    def backup_path(self) -> Path:
        """Where an unreadable progress file is kept."""
        return self.path.with_name(FILE_NAME + ".bak")

    def load(self) -> Progress:
        """The saved progress, or a fresh one; a corrupt file is moved aside to ``.bak``."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            # Nothing saved yet (or the folder cannot exist, e.g. under a file: saving says so).
            return Progress()
        except (OSError, UnicodeDecodeError) as error:
            return self._start_fresh(f"could not read {self.path} ({_reason(error)})")
        try:
            return Progress.from_dict(json.loads(text))
        except ValueError as error:  # JSONDecodeError is a ValueError
            return self._start_fresh(f"{self.path} was damaged ({_reason(error)})")

    def _start_fresh(self, what: str) -> Progress:
        try:
            os.replace(self.path, self.backup_path)
            kept = f"; the old file is kept as {self.backup_path.name}"
        except OSError:
            kept = ""
        self.notice = f"Progress: {what}, so you start fresh{kept}."
        return Progress()

    def save(self, progress: Progress) -> None:
        """Write ``progress`` atomically; raises ProgressError (one line) if it cannot."""
        progress.updated = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = json.dumps(progress.to_dict(), indent=2, sort_keys=False) + "\n"
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.state_dir)
        except OSError as error:
            raise ProgressError(f"cannot save progress in {self.state_dir}: {_reason(error)}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as error:
            try:
                os.unlink(tmp)
            except OSError:
                pass
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
    return str(error).splitlines()[0] if str(error) else type(error).__name__
