"""How every pane looks at 80x24 beside its lesson text (fixed seeds; workers finished first)."""

from __future__ import annotations

import pytest

from nntui.app.panes import PANE_CLASSES

from .conftest import settle

PANES = tuple(PANE_CLASSES)


@pytest.mark.parametrize("pane_type", PANES)
def test_pane_at_80x24(snap_compare, pane_app, pane_type):
    assert snap_compare(pane_app(pane_type), terminal_size=(80, 24), run_before=settle)


def test_training_after_raising_the_learning_rate(snap_compare, pane_app):
    async def raise_lr(pilot) -> None:
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)

    assert snap_compare(pane_app("training"), terminal_size=(80, 24), run_before=raise_lr)


def test_ledger_after_one_update(snap_compare, pane_app):
    async def update(pilot) -> None:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)

    assert snap_compare(pane_app("ledger"), terminal_size=(80, 24), run_before=update)


@pytest.mark.parametrize(
    "settings", ["focus=d_L_d_ypred", "focus=d_L_d_w1 collapse=true"], ids=["ypred", "road-to-w1"]
)
def test_focused_ledger_at_80x24(snap_compare, pane_app, settings):
    """The step's terms scrolled to the top of the list and highlighted (the road only, collapsed)."""
    assert snap_compare(pane_app("ledger", settings), terminal_size=(80, 24), run_before=settle)
