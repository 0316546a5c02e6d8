"""The ledger and descent panes: the core's trace and steps, exactly."""

from __future__ import annotations

import pytest

from nntui.app.panes.descent import DescentPane
from nntui.app.panes.ledger import LedgerPane
from nntui.app.widgets.number_field import NumberField
from nntui.core.data import LESSON_SHIFT, dataset, get_person
from nntui.core.gradcheck import numerical_gradient
from nntui.core.landscape import dataset_gradient, dataset_loss
from nntui.core.network import PARAM_NAMES, Params
from nntui.core.trace import backprop_trace, sgd_step
from nntui.numbers import EXACT, format_number

from .conftest import SIZE, settle, type_into


def _sample(name: str):
    person = get_person(name)
    return LESSON_SHIFT.apply(person.weight_lb, person.height_in), float(person.label)


async def test_ledger_equals_the_core_trace_for_alice_with_all_ones(pane_app):
    app = pane_app("ledger")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        x, y_true = _sample("alice")
        trace = backprop_trace(Params.ones(), x, y_true)
        assert pane.live_values() == trace.values()
        assert pane.live_values()["d_L_d_w1"] == pytest.approx(trace.value("d_L_d_w1"))
        # long lines are wrapped at spaces to the pane's width: compare the words
        text = " ".join(str(pane.query_one("#ledger-terms").render()).replace("\u00a0", " ").split())
        check = numerical_gradient(Params.ones(), x, y_true)
        for term in trace:
            assert " ".join(term.formula.split()) in text, term.name
            assert " ".join(term.substituted.split()) in text, term.name
        for name in PARAM_NAMES:  # the finite-difference column agrees with backpropagation
            assert getattr(check, name) == pytest.approx(trace.value(f"d_L_d_{name}"), abs=1e-8)
            assert format_number(getattr(check, name), EXACT) in text  # and is shown


async def test_one_sgd_update_moves_the_parameters_as_sgd_step_says(pane_app):
    app = pane_app("ledger", "lr=0.1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        x, y_true = _sample("alice")
        expected = sgd_step(Params.ones(), x, y_true, 0.1)
        await pilot.press("u")
        await pilot.pause()
        assert pane.params == expected.after
        assert pane.last_step.loss_after < pane.last_step.loss_before
        assert "(falls)" in str(pane.query_one("#ledger-update").render())
        assert f"w1 1 -> {format_number(expected.after.w1, EXACT)}" in str(
            pane.query_one("#ledger-terms").render()
        )
        assert pane.live_values() == backprop_trace(expected.after, x, y_true).values()
        # A second update continues from there; r goes back to the preset.
        await pilot.press("u")
        await pilot.pause()
        assert pane.params == sgd_step(expected.after, x, y_true, 0.1).after
        await pilot.press("r")
        await pilot.pause()
        assert pane.params == Params.ones()


async def test_ledger_person_preset_and_learning_rate(pane_app):
    app = pane_app("ledger", "person=bob preset=seed seed=3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        x, y_true = _sample("bob")
        assert pane.live_values() == backprop_trace(Params.random(3), x, y_true).values()
        await pilot.press("c")  # next person: charlie
        await pilot.pause()
        x, y_true = _sample("charlie")
        assert pane.person == "charlie"
        assert pane.live_values() == backprop_trace(Params.random(3), x, y_true).values()
        # A learning rate <= 0 is refused in words; the update uses the last good rate.
        await type_into(pilot, pane.query_one("#ledger-lr", NumberField), "-1")
        assert "must be above 0" in str(pane.query_one(".pane-status").render())
        assert pane.learning_rate == 0.1
        pane.focus()
        await pilot.press("u")
        await pilot.pause()
        assert pane.params == sgd_step(Params.random(3), x, y_true, 0.1).after
        # Leaving the field shows the rate in force again.
        assert pane.query_one("#ledger-lr", NumberField).value == 0.1


async def test_ledger_marks_saturation_in_words(pane_app):
    app = pane_app("ledger", "preset=trained")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        assert "no trained network yet" in str(pane.query_one(".pane-status").render())
        app.shared.trained_params = Params(20, 20, 20, 20, 20, 20, 0, 0, 0)  # pins every sigmoid
        await pilot.press("s", "s", "s")  # round the presets back to trained
        await pilot.pause()
        text = str(pane.query_one("#ledger-terms").render())
        assert "saturated" in text
        assert "warnings" in str(pane.query_one(".pane-status").render())


async def test_descent_slope_and_one_step(pane_app):
    app = pane_app("descent", "param=w1 preset=seed seed=0 lr=0.1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(DescentPane)
        X, y = dataset(LESSON_SHIFT)
        start = Params.random(0)
        slope = dataset_gradient(start, X, y).w1
        values = pane.live_values()
        assert values["slope"] == pytest.approx(slope) and values["slope"] == pytest.approx(-0.1808, abs=1e-4)
        assert values["loss"] == pytest.approx(dataset_loss(start, X, y))
        await pilot.press("s")
        await pilot.pause()
        moved = start.with_value("w1", start.w1 - 0.1 * slope)
        assert pane.live_values()["param_value"] == pytest.approx(0.1438, abs=1e-4)
        assert pane.params.as_dict() == pytest.approx(moved.as_dict())
        assert "the loss fell" in str(pane.query_one(".pane-status").render())


async def test_descent_too_big_a_step_overshoots_in_words(pane_app):
    app = pane_app("descent", "param=b3 preset=seed seed=0 lr=50")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(DescentPane)
        before = pane.live_values()["loss"]
        await pilot.press("s")
        await pilot.pause()
        assert pane.live_values()["loss"] > before
        assert "ROSE" in str(pane.query_one(".pane-status").render())
