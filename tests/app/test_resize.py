"""Resizing always ends in the layout a fresh start at that size shows; v is always the switch."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from nntui.app.app import MIN_SIZE, NARROW_WIDTH
from nntui.app.panes import PANE_CLASSES, Pane, pane_class
from nntui.app.screens.lesson import LessonScreen, TextColumn
from nntui.app.screens.too_small import TooSmallScreen

#: Widths and heights on both sides of every limit: the minimum (60x18) and narrow (80 columns).
WIDTHS = st.sampled_from([40, 50, 59, 60, 70, 79, 80, 100, 120])
HEIGHTS = st.sampled_from([10, 15, 17, 18, 20, 24, 40])
SIZES = st.tuples(WIDTHS, HEIGHTS)


@pytest.fixture
def new_app(build, tmp_path):
    """Build the app on the fixture lessons with a state folder of its own (no saved position)."""
    return lambda **options: build(state_dir=Path(tempfile.mkdtemp(dir=tmp_path)), **options)


async def settle(pilot) -> None:
    """Let resizes, screen changes, pane builds and the footer's rebuild land.

    The app passes a new size on to the screen on a short timer (it coalesces a drag's sizes):
    wait until the screen on top is laid out at the terminal's size.
    """
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if app.screen.outer_size == app.size:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def layout_of(app) -> dict:
    """What a person sees of the layout: the screen, which parts show where, footer keys, focus."""
    screen = app.screen
    if isinstance(screen, TooSmallScreen):
        return {"screen": "too small", "notice": str(screen.query_one("#too-small-text").render())}
    assert isinstance(screen, LessonScreen)
    parts = {}
    for selector in ("#text-column", "#pane-column", ".pane"):
        for widget in screen.query(selector):
            shown = widget.display and widget.region.area > 0
            parts[selector] = (shown, widget.region if shown else None)
    focused = app.focused
    # Focus is sane: on something on screen that takes keys (the text column or a pane).
    assert focused is not None and focused.region.area > 0, focused
    width = app.size.width
    footer = sorted(
        (key.key_display, key.description)
        for key in screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    )
    return {
        "screen": "lesson",
        "step": app.sub_title,
        "parts": parts,
        "footer": footer,
        "focus": (type(focused).__name__, focused.id),
    }


async def fresh_layouts(build, size: tuple[int, int]) -> list[dict]:
    """The layout of a fresh start at ``size``, and (when the lesson shows) after one step on."""
    return await resized_layouts(build, [size])


async def resized_layouts(build, sizes: list[tuple[int, int]]) -> list[dict]:
    """Start at the first size, resize through the rest; the layout at the end (and one step on)."""
    app = build()
    async with app.run_test(size=sizes[0]) as pilot:
        await settle(pilot)
        for width, height in sizes[1:]:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
        layouts = [layout_of(app)]
        if isinstance(app.screen, LessonScreen):
            await pilot.press("right")
            await settle(pilot)
            layouts.append(layout_of(app))
        return layouts


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(SIZES, min_size=2, max_size=5))
async def test_any_resize_sequence_ends_in_the_layout_of_a_fresh_start(new_app, sizes):
    assert await resized_layouts(new_app, sizes) == await fresh_layouts(new_app, sizes[-1])


async def test_briefly_too_small_then_back_shows_text_and_pane_side_by_side(new_app):
    sizes = [(80, 24), (50, 15), (80, 24)]
    resized = await resized_layouts(new_app, sizes)
    assert resized == await fresh_layouts(new_app, (80, 24))
    for layout in resized:  # before and after the step change
        parts = layout["parts"]
        text_shown, text_region = parts["#text-column"]
        pane_shown, pane_region = parts["#pane-column"]
        assert text_shown and pane_shown
        assert text_region.right <= pane_region.x  # side by side, the text on the left
        assert layout["focus"][0] == "NeuronPane"
        assert ("a", "Activation") in layout["footer"]  # the pane's keys, for the pane on screen
        assert not any(key == "v" for key, _ in layout["footer"])


async def test_back_to_narrow_after_wide_starts_with_the_text_and_v_switches(new_app):
    app = new_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        await pilot.press("v")  # look at the pane ...
        assert isinstance(app.focused, Pane)
        for width, height in [(50, 15), (70, 20)]:  # ... briefly too small: still the pane
            await pilot.resize_terminal(width, height)
            await settle(pilot)
        assert isinstance(app.focused, Pane) and not app.screen.query_one("#text-column").display
        for width, height in [(100, 30), (50, 15), (70, 20)]:  # wide in between: a fresh start
            await pilot.resize_terminal(width, height)
            await settle(pilot)
        assert layout_of(app) == (await fresh_layouts(new_app, (70, 20)))[0]
        assert app.screen.query_one("#text-column").display
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.focused, Pane) and ("v", "Text") in layout_of(app)["footer"]
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.query_one("#text-column").display and ("v", "Pane") in layout_of(app)["footer"]


def test_the_limits_the_sizes_straddle():
    assert MIN_SIZE == (60, 18) and NARROW_WIDTH == 80  # else move WIDTHS and HEIGHTS with them


def write_pane_lesson(folder, pane_type: str):
    """A one-step lesson showing ``pane_type`` with its default settings."""
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: Pane {pane_type}\n---\n\n## The {pane_type} pane\n\nText.\n\n"
    text += f"```pane {pane_type}\n```\n"
    (folder / "01-pane.md").write_text(text, encoding="utf-8")
    return folder


def test_no_pane_binds_v():
    for pane_type in PANE_CLASSES:
        keys = {
            binding.key if hasattr(binding, "key") else binding[0]
            for klass in pane_class(pane_type).__mro__
            for binding in klass.__dict__.get("BINDINGS", [])
        }
        assert "v" not in keys, f"the {pane_type} pane binds v, the narrow text/pane switch"


async def test_on_a_narrow_screen_v_switches_text_and_pane_for_every_pane(build, tmp_path):
    for pane_type in PANE_CLASSES:
        app = build(lessons_dir=write_pane_lesson(tmp_path / pane_type, pane_type))
        async with app.run_test(size=(70, 20)) as pilot:
            await settle(pilot)
            text, panes = app.screen.query_one("#text-column"), app.screen.query_one("#pane-column")
            await pilot.press("v")
            assert panes.display and not text.display, pane_type
            assert isinstance(app.focused, Pane), pane_type
            await pilot.press("v")  # from the pane itself
            assert text.display and not panes.display, pane_type
            await pilot.press("v")
            pane = app.focused
            await pilot.press("tab")  # into a control inside the pane (a field, a scroll)
            inside = app.focused
            assert inside is not pane and pane in inside.ancestors, pane_type
            if isinstance(inside, Input):  # a field types v: Esc leaves it, back to the pane
                await settle(pilot)
                assert not any(key == "v" for key, _ in layout_of(app)["footer"]), pane_type
                await pilot.press("escape")
                assert app.focused is pane, pane_type
            await pilot.press("v")
            assert text.display and not panes.display, (pane_type, inside)


async def test_resized_under_another_screen_the_lesson_comes_back_laid_out_for_the_size(new_app):
    for cover, sizes in (("t", [(70, 20), (100, 30)]), ("question_mark", [(100, 30), (70, 20)])):
        app = new_app()
        async with app.run_test(size=sizes[0]) as pilot:
            await settle(pilot)
            await pilot.press(cover)  # the contents or the help, over the lesson
            await settle(pilot)
            assert not isinstance(app.screen, LessonScreen)
            await pilot.resize_terminal(*sizes[1])
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert layout_of(app) == (await fresh_layouts(new_app, sizes[1]))[0], cover


async def test_escape_leaves_a_field_or_checkpoint_for_what_is_on_screen_at_every_size(new_app):
    for size in [(120, 40), (80, 24), (70, 20)]:
        app = new_app()
        async with app.run_test(size=size) as pilot:
            app.goto(0, 1)  # the fixture's checkpoint step: a neuron pane and a question
            await settle(pilot)
            narrow = size[0] < NARROW_WIDTH
            answer = app.screen.query_one("#checks").query(Input).first()
            answer.focus()
            await pilot.pause()
            await pilot.press("escape")
            # Wide: back to the pane. Narrow, showing the text: the text (the pane is not on screen).
            assert isinstance(app.focused, TextColumn if narrow else Pane), size
            if narrow:
                await pilot.press("v")
            await pilot.press("tab")
            assert isinstance(app.focused, Input), size  # a number field of the pane
            await pilot.press("escape")
            assert isinstance(app.focused, Pane), size
            assert app.focused.region.area > 0, size
