"""The neuron pane keeps every number in range, never crashes on extreme input, and reads like the lesson."""

from __future__ import annotations

import math

from nntui.app.panes.neuron import NeuronPane
from nntui.app.panes.plots import CurvePlot
from nntui.app.widgets.number_field import NumberField
from nntui.core.neuron import Neuron

from .conftest import SIZE, settle, type_into


async def test_extreme_numbers_are_refused_and_the_last_good_value_kept(pane_app):
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        for field_id, text in (("w1", "1e300"), ("x1", "1e300"), ("w2", "-1e300"), ("x2", "1e300")):
            field = pane.query_one(f"#{field_id}", NumberField)
            await type_into(pilot, field, text)  # typed key by key: "1e3" is accepted on the way
            error = str(field.query_one(".nf-error").render())
            assert "between -1e6 and 1e6" in error and "still" in error
        pane.focus()
        await settle(pilot)
        plot = pane.query_one(CurvePlot)
        plot.render()  # drawing must not raise
        assert app.is_running
        names = ("w1", "w2", "b", "x1", "x2")
        shown = {name: pane.query_one(f"#{name}", NumberField).value for name in names}
        assert all(math.isfinite(v) and abs(v) <= 1e6 for v in shown.values()), shown
        # The last good values are in force, and the neuron is computed from exactly them.
        expected = Neuron([shown["w1"], shown["w2"]], shown["b"]).explain([shown["x1"], shown["x2"]])
        assert pane.live_values()["total"] == expected.total
        assert math.isfinite(expected.total)


async def test_largest_allowed_numbers_still_draw(pane_app):
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        for field_id, text in (("w1", "1e6"), ("x1", "1e6"), ("w2", "-1e6"), ("x2", "1e6"), ("b", "1e-320")):
            await type_into(pilot, pane.query_one(f"#{field_id}", NumberField), text)
        await settle(pilot)
        expected = Neuron([1e6, -1e6], 1e-320).explain([1e6, 1e6])
        assert pane.live_values()["total"] == expected.total
        pane.query_one(CurvePlot).render()
        assert app.is_running


async def test_output_shows_the_rounded_value_and_negative_bias_in_brackets(pane_app):
    app = pane_app("neuron", "w=[0,1] b=-3 x=[2,3]")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(NeuronPane)
        stages = str(pane.query_one("#neuron-stages").render())
        assert "3 + (-3) = 0" in stages
        assert "+ -" not in stages
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stages = str(app.screen.query_one("#neuron-stages").render())
        exact, rounded = stages.splitlines()[-2:]
        assert exact.endswith("= 0.9990889488055994") and rounded.strip() == "≈ 0.999"
        assert rounded.index("≈") == exact.index("0.999")
