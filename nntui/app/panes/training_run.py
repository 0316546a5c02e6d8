"""One run of the training pane and the limits every run keeps to."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nntui.core.network import Params
from nntui.numbers import EXACT, format_number

from .workers import FrameGate

__all__ = [
    "Run",
    "MAX_EPOCHS",
    "KEPT_RUNS",
    "POST_INTERVAL",
    "HEAD_START_EPOCHS",
    "HEAD_START_BUDGET",
    "FRAME_WAIT",
]

#: Epochs beyond this are capped (with a message) so a run stays interactive.
MAX_EPOCHS = 20_000
#: How many earlier runs stay on the plot.
KEPT_RUNS = 3
#: The worker posts progress at most this often (seconds, counted from the time the last report
#: was on screen: the worker waits for that, see ``FrameGate``).
POST_INTERVAL = 1 / 30
#: A new run's first epochs are taken at once, on the key press, so the refresh that shows the
#: new learning rate shows the new curve's start too. Capped by count and by time (seconds):
#: well under a millisecond.
HEAD_START_EPOCHS = 25
HEAD_START_BUDGET = 0.002
#: How long a run started with the app's first screen waits for that screen to be complete
#: before training on (the pane's first frame and the footer come first; see ``TrainingPane``).
FIRST_SCREEN_WAIT = 3.0
#: The worker waits for each report (and that first frame) to be on screen, but no longer than
#: this (seconds).
FRAME_WAIT = 0.1


@dataclass(eq=False)
class Run:
    """One training run: its settings and what it produced so far."""

    run_id: int
    learning_rate: float
    epochs: int
    seed: int
    #: The loss after each epoch so far (read-only; replaced, never changed, as the run goes on).
    losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    diverged_at: int | None = None
    params: Params | None = None
    finished: bool = False
    #: Where the run's worker waits while the pane draws its latest report.
    gate: FrameGate = field(default_factory=lambda: FrameGate(FRAME_WAIT), repr=False)

    @property
    def label(self) -> str:
        """How the run is named on the plot."""
        text = f"lr {format_number(self.learning_rate, EXACT)}"
        if self.diverged_at is not None:
            return f"{text} stuck"
        if not self.finished:
            return f"{text} stopped"
        return text
