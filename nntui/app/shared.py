"""State shared by the panes of one app run (not saved to disk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SharedState"]


@dataclass
class SharedState:
    """What one pane leaves for another during a run.

    ``trained_params`` holds the core's parameters (``nntui.core`` ``Params``) after the
    training pane has run, for the ledger, loss and predict panes' ``trained`` presets, and
    ``trained_shift`` the core ``Shift`` its inputs were shifted by (the pane can train with the
    mean shift); a network must be fed numbers shifted the way it was trained. None: the lesson's.
    """

    trained_params: Any = None
    trained_shift: Any = None

    def shift_of_trained(self):
        """The shift the trained parameters expect (the lesson's when none was recorded)."""
        from nntui.core.data import LESSON_SHIFT

        return self.trained_shift if self.trained_shift is not None else LESSON_SHIFT

    #: The app's ``--seed`` (None if not given); panes receive it through their settings.
    seed: int | None = None
