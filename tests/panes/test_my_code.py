""" "Use my code": a passing exercise's function runs beside the built-in one; otherwise one line says why."""

from __future__ import annotations

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
