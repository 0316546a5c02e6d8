"""The learner's exercise folder: writing stubs, resetting one, remembering hints and passes.

Layout of a workspace::

    ex01_sigmoid.py ... ex10_matrix_training.py   the learner's files (never overwritten by init)
    README.txt                                    what the folder is and how to use it
    .nntui/state.json                             hints shown, file hashes at the last pass
    .nntui/backup/ex01_sigmoid-20261122-101500.py files replaced by `reset`

Progress (passed or not) is recorded in the learner's ``progress.json`` through
:mod:`nntui.exercises.record`; this module only knows about files.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from nntui.files import write_atomically
from nntui.paths import resolve_state_dir  # re-exported: the exercise modules find the folder here

from .catalogue import EXERCISES, Exercise, get_exercise

__all__ = ["Workspace", "WorkspaceError", "default_workspace", "resolve_state_dir"]

_README = """These are your nntui exercises: one Python file per piece of a neural network.

Open the next file in your editor, replace each `raise NotImplementedError` with your code,
and save. The nntui app (Exercises screen) checks the file every time you save it; from a
shell, run `nntui exercises check NAME` (or `nntui exercises check` for all of them).

  nntui exercises            the list, with what passed and what to do next
  nntui exercises hint NAME  the next hint for one exercise
  nntui exercises reset NAME start one exercise again (your file is kept as a backup)

Your code runs in a sandbox (bubblewrap: no network, no files but this folder, read-only)
with a time limit and a memory limit, and never sees the expected answers.
"""


class WorkspaceError(Exception):
    """A workspace problem the learner can fix; the message is one line."""


def default_workspace(state_dir: str | os.PathLike) -> Path:
    """Where the exercises live unless ``--dir`` says otherwise: ``<state_dir>/exercises``."""
    return Path(state_dir) / "exercises"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Workspace:
    """One learner's exercise folder."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).expanduser()

    # ------------------------------------------------------------------ files

    def path(self, exercise: Exercise | str) -> Path:
        """The learner's file for ``exercise``."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        return self.root / ex.filename

    def exists(self) -> bool:
        """Whether the folder has been initialised (at least one exercise file exists)."""
        return any(self.path(ex).exists() for ex in EXERCISES)

    def init(self) -> tuple[list[Path], list[Path]]:
        """Write every missing exercise file; never touch existing ones. Returns (created, kept)."""
        created: list[Path] = []
        kept: list[Path] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            for ex in EXERCISES:
                target = self.path(ex)
                if target.exists():
                    kept.append(target)
                    continue
                self._write_new(target, ex.stub)
                created.append(target)
            readme = self.root / "README.txt"
            if not readme.exists():
                self._write_new(readme, _README)
        except OSError as error:
            raise WorkspaceError(f"cannot write the exercises in {self.root}: {_reason(error)}") from None
        return created, kept

    @staticmethod
    def _write_new(target: Path, text: str) -> None:
        # "x" mode: if the learner created the file a moment ago, theirs wins.
        try:
            with open(target, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            pass

    def is_untouched(self, exercise: Exercise | str) -> bool:
        """Whether the learner's file is still exactly the stub."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        try:
            return self.path(ex).read_text(encoding="utf-8") == ex.stub
        except OSError:
            return False

    def reset(self, exercise: Exercise | str) -> Path | None:
        """Put the stub back; the learner's file is first copied to ``.nntui/backup``.

        Returns the backup's path (None when there was no file to keep).
        """
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        target = self.path(ex)
        backup = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if target.exists():
                folder = self.root / ".nntui" / "backup"
                folder.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                backup = folder / f"{ex.module}-{stamp}.py"
                n = 1
                while backup.exists():
                    n += 1
                    backup = folder / f"{ex.module}-{stamp}-{n}.py"
                backup.write_bytes(target.read_bytes())
            write_atomically(target, ex.stub)
        except OSError as error:
            raise WorkspaceError(f"cannot reset {target}: {_reason(error)}") from None
        state = self._load_state()
        state.get("passed", {}).pop(ex.name, None)
        state.get("hints", {}).pop(ex.name, None)
        self._save_state(state)
        return backup

    # ------------------------------------------------------------------ small state

    @property
    def _state_path(self) -> Path:
        return self.root / ".nntui" / "state.json"

    def _load_state(self) -> dict:
        try:
            data = json.loads(self._state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_state(self, state: dict) -> None:
        try:
            self._state_path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self._state_path, json.dumps(state, indent=2) + "\n")
        except OSError:
            pass  # hints and pass hashes are conveniences; losing them loses nothing the learner wrote

    def hints_shown(self, exercise: Exercise | str) -> int:
        """How many hints of ``exercise`` the learner has seen."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        value = self._load_state().get("hints", {}).get(ex.name, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    def next_hint(self, exercise: Exercise | str) -> tuple[int, str] | None:
        """Reveal the next hint: (its number from 1, text), or None when all are shown."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        shown = self.hints_shown(ex)
        if shown >= len(ex.hints):
            return None
        state = self._load_state()
        state.setdefault("hints", {})[ex.name] = shown + 1
        self._save_state(state)
        return shown + 1, ex.hints[shown]

    def mark_passed(self, exercise: Exercise | str) -> None:
        """Remember the file's hash at the moment it passed (see :meth:`passes_as_saved`)."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        digest = file_hash(self.path(ex))
        if digest is None:
            return
        state = self._load_state()
        state.setdefault("passed", {})[ex.name] = digest
        self._save_state(state)

    def mark_failed(self, exercise: Exercise | str) -> None:
        """Forget a pass: the file changed and no longer passes."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        state = self._load_state()
        if state.get("passed", {}).pop(ex.name, None) is not None:
            self._save_state(state)

    def passes_as_saved(self, exercise: Exercise | str) -> bool:
        """True if the file is byte for byte the one that last passed its checks."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        recorded = self._load_state().get("passed", {}).get(ex.name)
        return bool(recorded) and recorded == file_hash(self.path(ex))
