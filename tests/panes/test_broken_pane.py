"""A pane that crashes while it is built shows one line in its place; the lesson goes on."""

from __future__ import annotations

import pytest

from nntui.app.panes.base import Pane
from nntui.app.panes.neuron import NeuronPane

from .conftest import SIZE, settle


def _boom(*args, **kwargs):
    raise ValueError("boom in the pane\nsecond line")


@pytest.mark.parametrize("stage", ["_compute", "compose_rows", "_show"])
async def test_a_crashing_pane_is_replaced_by_one_line(pane_app, monkeypatch, stage):
    # _compute runs in the constructor, _show in on_mount; compose_rows is made to fail in compose.
    if stage == "compose_rows":
        monkeypatch.setattr("nntui.app.panes.neuron.NumberField", _boom)
    else:
        monkeypatch.setattr(NeuronPane, stage, _boom)
    app = pane_app("neuron")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        pane = app.screen.query_one(Pane)
        line = str(pane.query_one(".pane-missing").render())
        assert "neuron pane could not be" in line and "ValueError: boom in the pane" in line
        assert "\n" not in line.strip()
        assert "Look at the pane." in str(app.screen.query_one("#step-text").source)
        await pilot.press("right")  # the step text and navigation still work
        await settle(pilot)
        assert app.is_running
