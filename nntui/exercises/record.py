"""Exercise results in the learner's progress: ``progress["exercises"][name] = "passed"``.

Goes through :class:`nntui.progress.ProgressStore` (load the latest, change, save
atomically), so results written here and the app's own progress never overwrite each other.
Statuses are "passed" or "failed": the last check's outcome.
"""

from __future__ import annotations

import os
from pathlib import Path

from .catalogue import EXERCISES

__all__ = ["record_result", "load_statuses", "next_exercise", "RecordError"]


class RecordError(Exception):
    """The result could not be saved; one line."""


def record_result(state_dir: str | os.PathLike, name: str, passed: bool) -> None:
    """Save that exercise ``name`` passed (or failed) its checks."""
    from nntui.progress import ProgressError, ProgressStore

    status = "passed" if passed else "failed"

    def change(progress) -> None:
        progress.exercises[name] = status

    store = ProgressStore(Path(state_dir))
    if store.load().exercises.get(name) == status:
        return  # nothing new: leave the file (and its time stamp) alone
    try:
        store.update(change)
    except ProgressError as error:
        raise RecordError(str(error)) from None


def load_statuses(state_dir: str | os.PathLike) -> dict[str, str]:
    """Every recorded exercise status, by exercise name."""
    from nntui.progress import ProgressStore

    return dict(ProgressStore(Path(state_dir)).load().exercises)


def next_exercise(statuses: dict[str, str]) -> str | None:
    """The first exercise, in course order, that has not passed; None when all have."""
    for ex in EXERCISES:
        if statuses.get(ex.name) != "passed":
            return ex.name
    return None
