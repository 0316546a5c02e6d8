""" "Use my code": a passing exercise's function runs beside the built-in one; otherwise one line says why."""

from __future__ import annotations

import pytest

from nntui.app.panes.neuron import NeuronPane
from nntui.core.neuron import Neuron
from nntui.exercises.catalogue import get_exercise
from nntui.exercises.workspace import Workspace, default_workspace

from .conftest import SIZE, settle

WRONG_NEURON = """
def neuron_feedforward(weights, bias, inputs):
    return 0.5
"""


def _workspace(tmp_path) -> Workspace:
    root = default_workspace(tmp_path / "state")  # the pane_app fixture's state dir
    root.mkdir(parents=True, exist_ok=True)
    return Workspace(root)


def _write(workspace: Workspace, name: str, source: str | None = None, *, passed: bool = True) -> None:
    ex = get_exercise(name)
    workspace.path(ex).write_text(source if source is not None else ex.solution(), encoding="utf-8")
    if passed:
        workspace.mark_passed(ex)


async def _mine(pilot, pane) -> str:
    await pilot.press("m")
    await settle(pilot)
    return str(pane.query_one("#neuron-mine").render())


async def test_neuron_shows_the_learners_answer_beside_the_builtin_one(pane_app, tmp_path):
    _write(_workspace(tmp_path), "neuron")
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        pane.focus()
        mine = await _mine(pilot, pane)
        expected = Neuron([0, 1], 4).feedforward([2, 3])
        assert f"yours: {expected:.5g} ✓ matches" in mine
        assert "0.9990889488055994" in str(pane.query_one("#neuron-stages").render())
        await pilot.press("m")  # off again
        await settle(pilot)
        assert str(pane.query_one("#neuron-mine").render()).strip() == ""


async def test_a_changed_file_is_not_used_until_it_passes_again(pane_app, tmp_path):
    workspace = _workspace(tmp_path)
    _write(workspace, "neuron")
    _write(workspace, "neuron", WRONG_NEURON, passed=False)  # edited after passing
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        pane.focus()
        mine = await _mine(pilot, pane)
        assert "pass the 'neuron' exercise first: press x" in mine
        assert "yours:" not in mine


async def test_with_exercises_off_the_key_says_so(pane_app, tmp_path, monkeypatch):
    _write(_workspace(tmp_path), "neuron")
    monkeypatch.setenv("NNTUI_EXERCISES", "off")
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        pane.focus()
        mine = await _mine(pilot, pane)
        assert "exercises are off" in mine


async def test_a_different_answer_is_marked_as_differing(pane_app, tmp_path):
    # mark_passed records whatever file is there: this one is wrong, so its answer must read as differing.
    _write(_workspace(tmp_path), "neuron", WRONG_NEURON)
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        pane.focus()
        mine = await _mine(pilot, pane)
        expected = Neuron([0, 1], 4).feedforward([2, 3])
        assert f"yours: 0.5 ✗ differs from {expected:.5g}" in mine


async def test_training_draws_the_learners_own_loss_curve_beside_the_builtin_one(pane_app, tmp_path):
    from nntui.app.panes.plots import CurvePlot
    from nntui.app.panes.training import TrainingPane

    _write(_workspace(tmp_path), "train")
    app = pane_app("training", "epochs=60")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        pane.focus()
        await pilot.press("m")
        await settle(pilot)
        labels = [curve.label for curve in pane.query_one(CurvePlot).curves]
        assert "yours" in labels and any("(now)" in label for label in labels)
        mine = next(c for c in pane.query_one(CurvePlot).curves if c.label == "yours")
        assert len(mine.ys) == 60
        assert list(mine.ys) == pytest.approx(pane.run.losses)
        assert "✓ matches" in str(pane.query_one("#train-mine").render())


async def test_training_without_a_passed_train_says_so(pane_app, tmp_path):
    from nntui.app.panes.training import TrainingPane

    app = pane_app("training", "epochs=20")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(TrainingPane)
        pane.focus()
        await pilot.press("m")
        await settle(pilot)
        assert "pass the 'train' exercise first: press x" in str(pane.query_one("#train-mine").render())


async def test_ledger_checks_the_learners_backprop_terms_against_the_trace(pane_app, tmp_path):
    from nntui.app.panes.ledger import LedgerPane

    wrong = get_exercise("backprop").solution().replace('"d_L_d_ypred": -2 *', '"d_L_d_ypred": 2 *')
    workspace = _workspace(tmp_path)
    _write(workspace, "backprop")
    app = pane_app("ledger")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        pane.focus()
        await pilot.press("m")
        await settle(pilot)
        assert "yours: all 12 terms ✓ match" in str(pane.query_one("#ledger-mine").render())
        await pilot.press("u")  # one SGD update: asked again at the new parameters
        await settle(pilot)
        assert "yours: all 12 terms ✓ match" in str(pane.query_one("#ledger-mine").render())
    _write(workspace, "backprop", wrong)
    app = pane_app("ledger")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        pane.focus()
        await pilot.press("m")
        await settle(pilot)
        d = pane.trace.values()["d_L_d_ypred"]  # the core's term; the wrong file flips its sign
        expected = f"yours: d_L_d_ypred {-d:.5g} ✗ differs from {d:.5g}"
        assert expected in str(pane.query_one("#ledger-mine").render())
