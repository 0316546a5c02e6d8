"""The matrix and activations panes are kept and reconfigured when the next step shows the same
kind of pane; the learner sees exactly what a new pane would show (see ``reconfigure.py``)."""

from __future__ import annotations

import threading

import pytest

from nntui.app.panes.activations import ActivationsPane
from nntui.app.panes.matrix import MatrixPane

from .reconfigure import check_reconfigured


def typed(text: str, tabs: int = 1) -> tuple[str, ...]:
    """Tab to field number ``tabs``, replace its number with ``text``, and go back to the pane.

    (In an Input ctrl+a goes to the start, it does not select: ctrl+k then deletes the rest.)
    """
    return ("tab",) * tabs + ("ctrl+a", "ctrl+k", *text, "escape")


#: Held training waits for the step change, but never longer than this (seconds).
HOLD_LIMIT = 30.0
#: Only a run at least this long (iterations, or epochs) is held: the lessons' short runs and
#: the fresh app's run go through.
LONG_RUN = 1000


@pytest.fixture
def held_training(monkeypatch):
    """Training where a long run, after its first step, waits until the step has changed.

    The run is then certainly still going when the learner presses Right, whatever the
    machine's speed; the numbers are unchanged, so both apps still agree. Returns the event
    that releases it (``StepChangeWatch`` sets it once the pane was reconfigured).
    """
    from nntui.app.panes import activations, matrix

    release = threading.Event()
    steps, train = matrix.matrix_steps, activations.train

    def held_steps(X, y, hidden, iterations, *args, **kwargs):
        for index, step in enumerate(steps(X, y, hidden, iterations, *args, **kwargs)):
            if index and iterations >= LONG_RUN:
                release.wait(HOLD_LIMIT)
            yield step

    def held_train(X, y, lr, epochs, *args, should_stop, **kwargs):
        calls = iter(range(1 << 62))

        def stop() -> bool:
            if next(calls) and epochs >= LONG_RUN:
                release.wait(HOLD_LIMIT)
            return should_stop()

        return train(X, y, lr, epochs, *args, should_stop=stop, **kwargs)

    monkeypatch.setattr(matrix, "matrix_steps", held_steps)
    monkeypatch.setattr(activations, "train", held_train)
    return release


class StepChangeWatch:
    """Notes whether the pane's run was still going when the step changed (else a test of late
    reports tests nothing), and releases the held training once the pane is reconfigured: the
    old run then goes on only to find itself cancelled, its late reports to be dropped."""

    def __init__(self, monkeypatch, pane_type, running, release: threading.Event) -> None:
        self.running_at_change: bool | None = None
        reconfigure = pane_type.reconfigure

        def watching_reconfigure(pane, settings):
            self.running_at_change = running(pane)
            try:
                return reconfigure(pane, settings)
            finally:
                release.set()

        monkeypatch.setattr(pane_type, "reconfigure", watching_reconfigure)


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


async def test_a_matrix_run_going_at_the_step_change_is_dropped(tmp_path, monkeypatch, held_training):
    # 1e4 iterations typed ("1" and "1e" start no long run), Right at once: the long run is
    # cancelled and its late reports ignored.
    watch = StepChangeWatch(monkeypatch, MatrixPane, lambda pane: pane._output is None, held_training)
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


async def test_an_activations_run_going_at_the_step_change_is_dropped(tmp_path, monkeypatch, held_training):
    # 1e4 epochs typed, Right at once: the batch is cancelled, and a result it posted just before
    # is dropped (a cancelled training posts nothing more, so there may be none).
    watch = StepChangeWatch(monkeypatch, ActivationsPane, lambda pane: len(pane.results) < 3, held_training)
    keys = (*typed("1e4", 2), "right")
    await check_reconfigured(tmp_path, "activations", SMALL_ACT, "lr=1 epochs=25 seed=2", keys)
    assert watch.running_at_change, "the runs were over before the step changed: this tests nothing"
