"""How the regression pane looks at 80x24: the walk part way down, its misses drawn as segments."""

from __future__ import annotations

from .conftest import settle


def test_regression_after_three_steps_at_80x24(snap_compare, pane_app):
    async def three_steps(pilot) -> None:
        await settle(pilot)
        await pilot.press("s", "s", "s")
        await settle(pilot)

    assert snap_compare(pane_app("regression", "lr=0.2"), terminal_size=(80, 24), run_before=three_steps)


def test_regression_diverging_at_80x24(snap_compare, pane_app):
    async def two_steps(pilot) -> None:
        await settle(pilot)
        await pilot.press("s", "s")
        await settle(pilot)

    assert snap_compare(pane_app("regression", "lr=1.2"), terminal_size=(80, 24), run_before=two_steps)
