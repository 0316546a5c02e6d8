"""Every message the app's own widgets, panes and screens post, in one place.

Textual names a message's handler after its class: a top-level ``NumberFieldChanged`` is
handled by ``on_number_field_changed``, just as a ``Changed`` nested in ``NumberField`` would
be. The widgets keep their usual nested names as aliases (``NumberField.Changed``,
``CheckpointWidget.Passed``, ``Pane.LiveValuesChanged``).

Nothing here is imported at run time but Textual's ``Message``: the app paints its first
step before NumPy and the panes load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    import numpy as np

    from nntui.core.train import DivergenceTracker, Epoch, TrainResult

    from .panes.base import Pane
    from .panes.workers import FrameGate
    from .widgets.number_field import NumberField

__all__ = [
    "NumberFieldChanged",
    "CheckpointWidgetPassed",
    "CheckpointWidgetShown",
    "CheckpointWidgetAnswered",
    "PaneLiveValuesChanged",
    "MyCodeAnswer",
    "RunReport",
    "TrainingProgress",
    "MatrixProgress",
    "ActivationTrained",
    "ExercisesScreenFileChanged",
]


# -- widgets -----------------------------------------------------------------------------------


class NumberFieldChanged(Message):
    """A new good value was entered or nudged in a ``NumberField``."""

    def __init__(self, field: NumberField, value: float) -> None:
        super().__init__()
        self.field = field
        self.value = value

    @property
    def control(self) -> NumberField:
        """The field that changed."""
        return self.field


class CheckpointWidgetPassed(Message):
    """The learner answered the checkpoint correctly."""

    def __init__(self, check_id: str) -> None:
        super().__init__()
        self.check_id = check_id


class CheckpointWidgetShown(Message):
    """The right answer was shown (after wrong tries): the checkpoint is no longer open."""

    def __init__(self, check_id: str) -> None:
        super().__init__()
        self.check_id = check_id


class CheckpointWidgetAnswered(Message):
    """The learner gave an answer (right or wrong): ``given`` as typed, ``number`` as parsed.

    Posted for every graded answer (a workshop room counts them); not for text that is no number.
    """

    def __init__(self, widget: Any, given: str, number: float, right: bool) -> None:
        super().__init__()
        self.widget = widget
        self.given = given
        self.number = number
        self.right = right


# -- panes -------------------------------------------------------------------------------------


class PaneLiveValuesChanged(Message):
    """The pane's live values changed (posted by a pane after a recompute)."""

    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane


class MyCodeAnswer(Message):
    """A learner's function answered (``value``) or failed (``error``, one line), for request ``tag``."""

    def __init__(self, tag: Any, value: Any = None, error: str = "") -> None:
        super().__init__()
        self.tag = tag
        self.value = value
        self.error = error


class RunReport(Message):
    """A worker's report on run ``run_id``: its losses so far (a read-only array).

    ``final`` marks the last report of a run; until then a newer report replaces a pending one
    of the same run. The worker waits at ``gate`` until the pane has drawn the report: the pane's
    handler calls :meth:`accept`, which also tells it whether the report is for the run it shows.
    """

    def __init__(
        self, run_id: int, losses: np.ndarray, *, final: bool = False, gate: FrameGate | None = None
    ):
        super().__init__()
        self.run_id = run_id
        self.losses = losses
        self.final = final
        self.gate = gate

    def can_replace(self, message: Message) -> bool:
        """Merge a flood: a pending, unfinished report of the same run is out of date."""
        return type(message) is type(self) and message.run_id == self.run_id and not message.final

    def accept(self, widget, current_run_id: int | None) -> bool:
        """True when this report is for run ``current_run_id`` (the worker goes on once ``widget``'s
        screen has drawn it); False for a replaced run's late report (its worker goes on at once)."""
        current = self.run_id == current_run_id
        if self.gate is not None:
            if current:
                self.gate.open_after_refresh(widget)
            else:
                self.gate.open()
        return current


class TrainingProgress(RunReport):
    """The training pane's run ``run_id`` so far; at the end, how it went and its last epoch."""

    def __init__(
        self,
        run_id: int,
        losses: np.ndarray,
        *,
        gate: FrameGate | None = None,
        tracker: DivergenceTracker | None = None,
        last: Epoch | None = None,
    ) -> None:
        super().__init__(run_id, losses, final=tracker is not None, gate=gate)
        self.tracker = tracker
        self.last = last


class MatrixProgress(RunReport):
    """The matrix pane's losses of run ``run_id`` so far; ``output`` (the predictions) when done."""

    def __init__(
        self,
        run_id: int,
        losses: np.ndarray,
        *,
        gate: FrameGate | None = None,
        output: list[float] | None = None,
    ) -> None:
        super().__init__(run_id, losses, final=output is not None, gate=gate)
        self.output = output


class ActivationTrained(Message):
    """The activations pane's run with one activation, of batch ``run_id``, finished."""

    def __init__(self, run_id: int, activation: str, result: TrainResult) -> None:
        super().__init__()
        self.run_id = run_id
        self.activation = activation
        self.result = result


# -- screens -----------------------------------------------------------------------------------


class ExercisesScreenFileChanged(Message):
    """Watchdog saw the exercise file change (posted from its thread)."""
