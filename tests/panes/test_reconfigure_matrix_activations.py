"""The matrix and activations panes are kept and reconfigured when the next step shows the same
kind of pane; the learner sees exactly what a new pane would show (see ``reconfigure.py``)."""

from __future__ import annotations

import time

import pytest

from nntui.app.panes.activations import ActivationsPane
from nntui.app.panes.matrix import MatrixPane

from .reconfigure import check_reconfigured


def typed(text: str, tabs: int = 1) -> tuple[str, ...]:
    """Tab to field number ``tabs``, replace its number with ``text``, and go back to the pane.

    (In an Input ctrl+a goes to the start, it does not select: ctrl+k then deletes the rest.)
    """
    return ("tab",) * tabs + ("ctrl+a", "ctrl+k", *text, "escape")


class StepChangeWatch:
    """Notes whether the pane's run was still going when the step changed (else a test of late
    reports tests nothing)."""

    def __init__(self, monkeypatch, pane_type, running) -> None:
        self.running_at_change: bool | None = None
        reconfigure = pane_type.reconfigure

        def watching_reconfigure(pane, settings):
            self.running_at_change = running(pane)
            return reconfigure(pane, settings)

        monkeypatch.setattr(pane_type, "reconfigure", watching_reconfigure)


#: A pause per training step: a long run then takes seconds (not a second of CPU, which the
#: pilot's key presses would wait out), so the step changes while it is going.
STEP_PAUSE = 0.0005


@pytest.fixture
def slow_training(monkeypatch):
    """Training that sleeps a little every step (same numbers, so both apps still agree)."""
    from nntui.app.panes import activations, matrix

    steps, train = matrix.matrix_steps, activations.train

    def slow_steps(*args, **kwargs):
        for step in steps(*args, **kwargs):
            time.sleep(STEP_PAUSE)
            yield step

    def slow_train(*args, should_stop, **kwargs):
        def stop() -> bool:
            time.sleep(STEP_PAUSE)
            return should_stop()

        return train(*args, should_stop=stop, **kwargs)

    monkeypatch.setattr(matrix, "matrix_steps", slow_steps)
    monkeypatch.setattr(activations, "train", slow_train)


# -- matrix --------------------------------------------------------------------------------------

SMALL_MATRIX = "hidden=2 iterations=40 lr=1 seed=1"


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # log scale, another activation (a new run), a new hidden count, then a retrain
        (SMALL_MATRIX, SMALL_MATRIX, ("l", "a", *typed("3"), "r")),
        # new iterations and learning rate typed (the second and third fields)
        (SMALL_MATRIX, SMALL_MATRIX, (*typed("25", 2), *typed("0.5", 3))),
        (SMALL_MATRIX, "hidden=3 iterations=60 lr=0.5 seed=2 activation=tanh", ("l",)),
        ("hidden=2 iterations=30 activation=relu", "", ()),
        # a refused hidden count leaves its message on the status line
        (SMALL_MATRIX, SMALL_MATRIX, typed("0")),
        # text that is not a number: an error under the field until focus leaves it
        (SMALL_MATRIX, SMALL_MATRIX, ("tab", "ctrl+a", "ctrl+k", "x", "y", "escape")),
    ],
    ids=["same-after-changes", "same-after-typed", "new-settings", "to-defaults", "refused", "not-a-number"],
)
async def test_the_matrix_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "matrix", first, second, keys)


async def test_a_matrix_run_going_at_the_step_change_is_dropped(tmp_path, monkeypatch, slow_training):
    # 1e4 iterations typed ("1" and "1e" start no long run), Right at once: the long run is
    # cancelled and its late reports ignored.
    watch = StepChangeWatch(monkeypatch, MatrixPane, lambda pane: pane._output is None)
    keys = (*typed("1e4", 2), "right")
    await check_reconfigured(tmp_path, "matrix", SMALL_MATRIX, "hidden=3 iterations=50 seed=2", keys)
    assert watch.running_at_change, "the run was over before the step changed: this tests nothing"


# -- activations ---------------------------------------------------------------------------------

SMALL_ACT = "lr=0.5 epochs=20 seed=1"


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # log scale, the other plot (v on a short pane), a new learning rate, then a retrain
        (SMALL_ACT, SMALL_ACT, ("l", "v", *typed("2"), "r")),
        (SMALL_ACT, "lr=2 epochs=15 seed=3", ("v", *typed("9", 3))),
        ("epochs=10 seed=2", "epochs=30", ("l",)),
        # a refused learning rate leaves its message on the status line
        (SMALL_ACT, SMALL_ACT, typed("0")),
        # epochs above the cap: lowered to it, with a message (the run then says its settings)
        (SMALL_ACT, "epochs=25 lr=1", typed("99999", 2)),
    ],
    ids=["same-after-changes", "new-settings", "other-settings", "refused", "capped"],
)
async def test_the_activations_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "activations", first, second, keys)


async def test_an_activations_run_going_at_the_step_change_is_dropped(tmp_path, monkeypatch, slow_training):
    # 1e4 epochs typed, Right at once: the batch is cancelled, and a result it posted just before
    # is dropped (a cancelled training posts nothing more, so there may be none).
    watch = StepChangeWatch(monkeypatch, ActivationsPane, lambda pane: len(pane.results) < 3)
    keys = (*typed("1e4", 2), "right")
    await check_reconfigured(tmp_path, "activations", SMALL_ACT, "lr=1 epochs=25 seed=2", keys)
    assert watch.running_at_change, "the runs were over before the step changed: this tests nothing"
