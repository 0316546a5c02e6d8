"""A step that shows the same kind of pane as the step before keeps the pane and reconfigures
it; the learner sees exactly what a new pane would show (see ``reconfigure.py``)."""

from __future__ import annotations

import pytest

from nntui.app.panes import Pane
from nntui.app.panes.neuron import NeuronPane

from .conftest import settle
from .reconfigure import check_reconfigured, lesson_folder

#: Type a new w1 (the first field: Home, delete to the end, type), then go back to the pane.
TYPE_W1 = ("tab", "ctrl+a", "ctrl+k", "2", ".", "5", "escape")


@pytest.mark.parametrize(
    "first, second, keys",
    [
        ("w=[0,1] b=4 x=[2,3]", "w=[0,1] b=4 x=[2,3]", ("a", "m") + TYPE_W1),
        ("w=[0,1] b=4 x=[2,3]", "w=[1,-1] b=-3 x=[0.5,2] activation=tanh", TYPE_W1),
        ("activation=relu", "", ("r",)),
    ],
    ids=["same-settings-after-changes", "new-settings", "to-defaults"],
)
async def test_the_neuron_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "neuron", first, second, keys)


async def test_a_refused_entry_is_gone_after_the_step_change(tmp_path):
    # An out-of-range number is refused with a message under its field; the step changes
    # after the learner leaves the field: the new step starts with neither.
    keys = ("tab", "ctrl+a", "ctrl+k", *"5e9", "escape")
    await check_reconfigured(tmp_path, "neuron", "", "", keys)


async def test_a_pane_that_cannot_reconfigure_is_built_anew(tmp_path, monkeypatch):
    from nntui.app import AppConfig, make_app

    monkeypatch.setattr(NeuronPane, "reconfigure", lambda self, settings: False)
    lessons = lesson_folder(tmp_path / "lessons", [("neuron", ""), ("neuron", "b=1")])
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.screen.query_one(Pane)
        await pilot.press("right")
        await settle(pilot)
        after = app.screen.query_one(NeuronPane)
        assert after is not before and not before.is_attached
        assert after.live_values()["total"] == 0 * 2 + 1 * 3 + 1
        assert app.screen.focused is after


async def test_a_different_kind_of_pane_is_built_anew(tmp_path):
    from nntui.app import AppConfig, make_app
    from nntui.app.panes.network import NetworkPane

    lessons = lesson_folder(tmp_path / "lessons", [("neuron", ""), ("network", "")])
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert [type(pane) for pane in app.screen.query(Pane)] == [NetworkPane]
        assert app.screen.focused is app.screen.query_one(NetworkPane)
