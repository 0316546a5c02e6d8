"""The neuron pane, number fields, checkpoints and the pane registry."""

from __future__ import annotations

import json
import math

import pytest

from nntui.app.panes import PANE_CLASSES, PaneUnavailable, pane_class
from nntui.app.panes.base import Pane
from nntui.app.panes.neuron import NeuronPane
from nntui.app.widgets.checkpoint import CheckpointWidget
from nntui.app.widgets.number_field import NumberField, parse_number
from nntui.core.neuron import Neuron
from nntui.course.panes import PANE_TYPES
from nntui.progress import FILE_NAME


@pytest.mark.parametrize("pane_type", list(PANE_TYPES))
def test_every_pane_type_of_the_schema_has_its_pane(pane_type):
    # A new pane type is one schema entry and one module: the registry follows the schema.
    cls = pane_class(pane_type)
    assert issubclass(cls, Pane) and cls.PANE_TYPE == pane_type


def test_registry_imports_the_neuron_pane_lazily():
    cls = pane_class("neuron")
    assert cls is NeuronPane and issubclass(cls, Pane) and cls.PANE_TYPE == "neuron"


def test_a_missing_pane_module_fails_with_one_clear_line(monkeypatch):
    monkeypatch.setitem(PANE_CLASSES, "ghost", "nntui.app.panes.ghost:GhostPane")
    with pytest.raises(PaneUnavailable) as info:
        pane_class("ghost")
    assert "ghost" in str(info.value) and "missing" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(PaneUnavailable):
        pane_class("no-such-type")


async def test_a_step_whose_pane_is_unavailable_still_shows_its_text(build, monkeypatch):
    monkeypatch.setitem(PANE_CLASSES, "neuron", "nntui.app.panes.ghost:GhostPane")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        missing = app.screen.query_one(".pane-missing")
        assert "not built yet" in str(missing.render())
        await pilot.press("right")
        assert app.sub_title == "step 2/3"


def test_parse_number_accepts_only_finite_numbers():
    assert parse_number(" -0.5 ") == -0.5 and parse_number("1e-3") == 0.001
    for bad in ("", "abc", "nan", "inf", "-inf", "1,5"):
        assert parse_number(bad) is None, bad


async def test_neuron_pane_defaults_match_the_lesson(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NeuronPane)
        values = pane.live_values()
        assert values["output"] == 0.9990889488055994
        assert values["weighted_sum"] == 3.0 and values["total"] == 7.0
        stages = str(pane.query_one("#neuron-stages").render())
        # The output is what the next step asks to predict: shown as ? until then.
        assert "sigmoid(7) = ?" in stages and "3 + 4 = 7" in stages
        pane.mask()
        assert "0.9990889488055994" in str(pane.query_one("#neuron-stages").render())


async def test_typing_a_weight_recomputes_through_the_core(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NeuronPane)
        await pilot.press("tab", "ctrl+a", "backspace", *"1.5")
        await pilot.pause()
        expected = Neuron([1.5, 1.0], 4.0).explain([2.0, 3.0])
        assert pane.live_values() == {
            "weighted_sum": expected.weighted_sum,
            "total": expected.total,
            "output": expected.output,
        }


async def test_up_and_down_nudge_a_field(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NeuronPane)
        field = pane.query_one("#w1", NumberField)
        await pilot.press("tab", "up", "up", "up")
        assert field.value == pytest.approx(0.3) and field.input.value == "0.3"
        await pilot.press("down")
        assert field.value == pytest.approx(0.2)
        await pilot.press("shift+up")
        assert field.value == pytest.approx(1.2)
        assert pane.live_values()["weighted_sum"] == pytest.approx(
            Neuron([1.2, 1.0], 4).explain([2, 3]).weighted_sum
        )


async def test_bad_input_shows_an_error_and_keeps_the_last_good_value(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NeuronPane)
        field = pane.query_one("#w1", NumberField)
        await pilot.press("tab", "end", "x")
        await pilot.pause()
        assert field.has_class("-invalid")
        assert "not a number" in str(field.query_one(".nf-error").render())
        assert field.value == 0.0 and pane.live_values()["output"] == 0.9990889488055994
        await pilot.press("tab")  # leaving the field puts the good value back
        await pilot.pause()
        assert field.input.value == "0" and not field.has_class("-invalid")


async def test_a_cycles_the_activation_and_r_resets(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(NeuronPane)
        await pilot.press("a")
        assert pane.live_values()["output"] == pytest.approx(math.tanh(7.0))
        await pilot.press("a")
        assert pane.live_values()["output"] == 7.0  # relu
        await pilot.press("r")
        assert pane.live_values()["output"] == 0.9990889488055994


async def test_checkpoint_hint_after_a_wrong_try_reveal_after_two_and_pass_is_saved(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        check = app.screen.query_one(CheckpointWidget)
        assert check.check.id == "out"
        first = check.answer("0.5")
        assert "Hint: Weighted sum" in first and "0.999" not in first
        second = check.answer("0.6")
        assert "The answer for w = [0, 1], b = 4, x = [2, 3]: output = 0.9990889488" in second
        assert not check.passed
        check.answer("0.999")
        await pilot.pause()
        assert check.passed
        assert check.answer("zero").startswith("Please type a number")
    data = json.loads((state_dir / FILE_NAME).read_text())
    assert data["checkpoints"] == {"01-first": ["out"]}


async def test_passed_checkpoint_is_marked_when_the_step_is_shown_again(build, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / FILE_NAME).write_text(
        json.dumps({"lesson": "01-first", "step": 1, "checkpoints": {"01-first": ["out"]}})
    )
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        check = app.screen.query_one(CheckpointWidget)
        assert check.passed and check.has_class("-passed")
