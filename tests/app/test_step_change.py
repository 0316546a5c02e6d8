"""A step change: the footer shows the new step's keys (rebuilt only when they differ), and
the pane's border lights up while the focus is on it or inside it."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from nntui.app.panes import Pane
from nntui.app.widgets.focus_style import FOCUS_WITHIN
from nntui.app.widgets.steady_footer import SteadyFooter


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(SteadyFooter).query(FooterKey))


def footer_labels(app) -> set[str]:
    return {key.description for key in footer_keys(app)}


async def test_the_footer_shows_each_steps_keys_and_keeps_them_when_they_do_not_change(build):
    # Fixture lesson 1: a neuron pane, a neuron pane, then a step with no pane.
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert {"Activation", "Reset", "Next", "Quit", "Help"} <= footer_labels(app)
        before = footer_keys(app)

        await pilot.press("right")  # the same kind of pane: the same keys, not rebuilt
        await pilot.pause()
        assert app.sub_title == "step 2/3"
        assert footer_keys(app) == before

        await pilot.press("right")  # no pane: its keys go
        await pilot.pause()
        labels = footer_labels(app)
        assert "Activation" not in labels and "Reset" not in labels
        assert {"Next", "Quit", "Help"} <= labels

        await pilot.press("left")  # and come back with the pane
        await pilot.pause()
        assert {"Activation", "Reset"} <= footer_labels(app)


async def test_the_footer_follows_the_focus_inside_a_pane(build):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(Pane)
        assert app.screen.focused is pane
        field = pane.query(Input).first()
        field.focus()
        await pilot.pause()
        # An input takes letters: the pane's letter keys are not offered while typing.
        assert "Activation" not in footer_labels(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.focused is pane
        assert "Activation" in footer_labels(app)


async def test_the_pane_border_lights_up_while_the_focus_is_on_it_or_inside_it(build):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(Pane)
        lit = pane.styles.border_top
        assert pane.has_class(FOCUS_WITHIN)

        pane.query(Input).first().focus()  # a field inside the pane
        await pilot.pause()
        assert pane.has_class(FOCUS_WITHIN)
        assert pane.styles.border_top == lit

        app.screen.query_one("#text-column").focus()  # the text
        await pilot.pause()
        assert not pane.has_class(FOCUS_WITHIN)
        assert pane.styles.border_top != lit

        await pilot.press("escape")  # back to the pane
        await pilot.pause()
        assert pane.has_class(FOCUS_WITHIN)
        assert pane.styles.border_top == lit
