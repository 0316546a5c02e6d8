"""State shared by the panes of one app run (not saved to disk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Session"]


@dataclass
class Session:
    """What one pane leaves for another during a run.

    ``trained_params`` holds the core's parameters (``nntui.core`` ``Params``) after the
    training pane has run, for the ledger, loss and predict panes' ``trained`` presets.
    """

    trained_params: Any = None
    #: The app's ``--seed`` (None if not given); panes receive it through their settings.
    seed: int | None = None
