"""PageUp/PageDown/Home/End scroll the lesson text whatever has focus; a field keeps Home/End."""

from __future__ import annotations

from textual.widgets import Input

from nntui.app.panes import Pane
from nntui.app.screens.help import HelpScreen
from nntui.app.screens.lesson import StepText, TextColumn

#: Lesson 1 step 5 ("The same neuron in NumPy"): longer than the text column at 80x24.
LONG_STEP = (0, 4)


async def open_step(app, pilot, lesson: int, step: int) -> None:
    """Go to a step and wait until its pane is built and focused."""
    app.goto(lesson, step)
    await pilot.pause()
    await pilot.pause()


def text_column(app) -> TextColumn:
    return app.screen.query_one("#text-column", TextColumn)


def last_block_visible(app) -> bool:
    """Whether the step text's last line is inside the visible part of the column."""
    column, text = text_column(app), app.screen.query_one(StepText)
    return text.virtual_region.bottom <= column.scroll_y + column.scrollable_content_region.height


async def test_page_down_and_end_reach_the_end_of_the_text_from_the_pane(build):
    app = build(lessons_dir=None)  # the real course: its lesson 1 step 5 is the long one
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, *LONG_STEP)
        pane = app.screen.query_one(Pane)
        column = text_column(app)
        assert app.focused is pane
        assert column.max_scroll_y > 0 and not last_block_visible(app)

        await pilot.press("pagedown")
        assert column.scroll_y > 0
        assert app.focused is pane  # the pane keeps its keys
        await pilot.press("end")
        assert column.scroll_y == column.max_scroll_y
        await pilot.pause()
        assert last_block_visible(app)  # the step's last lines can be read

        await pilot.press("pageup")
        assert 0 < column.scroll_y < column.max_scroll_y or column.max_scroll_y <= column.size.height
        await pilot.press("home")
        assert column.scroll_y == 0
        assert app.focused is pane


async def test_page_down_keeps_going_from_the_end_to_the_top_and_back(build):
    app = build(lessons_dir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, *LONG_STEP)
        column = text_column(app)
        for _ in range(10):  # more pages than the step has: it stops at the end
            await pilot.press("pagedown")
        assert column.scroll_y == column.max_scroll_y
        for _ in range(10):
            await pilot.press("pageup")
        assert column.scroll_y == 0


async def test_in_a_number_field_home_and_end_move_the_cursor_and_do_not_scroll(build):
    app = build(lessons_dir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, *LONG_STEP)
        column = text_column(app)
        await pilot.press("tab")
        field = app.focused
        assert isinstance(field, Input) and len(field.value) > 0
        await pilot.press("pagedown")  # a field has no use for PageDown: the text scrolls
        scrolled = column.scroll_y
        assert scrolled > 0
        await pilot.press("home")
        assert field.cursor_position == 0
        assert column.scroll_y == scrolled
        await pilot.press("end")
        assert field.cursor_position == len(field.value)
        assert column.scroll_y == scrolled
        assert app.focused is field


async def test_help_lists_the_text_scroll_keys(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {description for _key, description, _where in app.screen.rows}
        for words in ("up a page", "down a page", "to the top", "to the end"):
            assert any("lesson text" in row and words in row for row in rows), words


async def test_a_narrow_screen_showing_the_pane_leaves_the_scroll_keys_to_the_pane(build):
    app = build(lessons_dir=None)
    async with app.run_test(size=(70, 20)) as pilot:
        await open_step(app, pilot, *LONG_STEP)
        column = text_column(app)
        await pilot.press("pagedown")  # the text is on screen: it scrolls
        assert column.scroll_y > 0
        await pilot.press("home", "v")
        assert not column.display and isinstance(app.focused, Pane)
        await pilot.press("end")  # the hidden text does not move
        assert column.scroll_y == 0
        await pilot.press("v")
        assert column.display
        await pilot.press("end")
        assert column.scroll_y == column.max_scroll_y
