"""Text must be readable in a dark and in a light theme: enough contrast against its background."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Input

from nntui.app.screens.help import HelpScreen
from nntui.app.screens.lesson import LessonScreen
from nntui.app.screens.problems import ProblemsScreen
from nntui.app.screens.toc import TocScreen
from nntui.app.widgets.step_text import StepText

#: WCAG's floor for large or bold text and interface text. Ordinary text should reach 4.5; Textual's
#: own headings and muted hints sit between the two, so 3 is what every line here must at least reach.
MIN_CONTRAST = 3.0

THEMES = ["textual-dark", "textual-light"]


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour."""

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def title_colours(widget: Widget) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The colour a widget's border title is drawn in, and the background behind it."""
    behind, _ = widget.background_colors  # the border sits on the parent's background
    colour = widget.styles.border_title_color
    if not colour.a:  # no title colour: the title takes the border's colour
        colour = widget.styles.border_top[1]
    return (behind + colour).rgb, behind.rgb


def hard_to_read(screen) -> list[str]:
    """Every widget on ``screen`` that shows text (or a border title) with too little contrast."""
    found = []
    for widget in screen.walk_children(Widget):
        if not widget.display or not widget.visible or not widget.region.area:
            continue
        if not widget.is_on_screen:
            continue
        if widget.border_title and widget.styles.border_top[0]:
            ratio = contrast(*title_colours(widget))
            if ratio < MIN_CONTRAST:
                name = f"{type(widget).__name__}#{widget.id}"
                found.append(f"{name} title {widget.border_title!r}: {ratio:.2f}")
        styles = {f".{'.'.join(widget.classes)}": widget.rich_style}
        if isinstance(widget, StepText):  # its headings, list numbers and code are drawn inside it
            for part in sorted(StepText.COMPONENT_CLASSES):
                styles[part] = widget.get_component_rich_style(part)
        for what, style in styles.items():
            if style.color is None or style.bgcolor is None:
                continue
            fg, bg = tuple(style.color.get_truecolor()), tuple(style.bgcolor.get_truecolor())
            ratio = contrast(fg, bg)
            if ratio < MIN_CONTRAST:
                found.append(f"{type(widget).__name__}#{widget.id} {what}: {ratio:.2f}")
    return found


def test_the_contrast_formula():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((254, 166, 43), (224, 224, 224)) < MIN_CONTRAST  # orange on light grey: unreadable


@pytest.mark.parametrize("theme", THEMES)
async def test_lesson_text_pane_checkpoint_and_messages_are_readable(build, theme):
    app = build(theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert hard_to_read(app.screen) == []
        # A number field's inline error.
        await pilot.press("tab")
        field = app.focused
        assert isinstance(field, Input)
        field.value = "abc"
        await pilot.pause()
        assert any(node.has_class("-invalid") for node in field.ancestors)
        assert hard_to_read(app.screen) == []
        # A checkpoint after a wrong answer (feedback and hint shown).
        await pilot.press("escape", "right")
        await pilot.pause()
        from nntui.app.widgets.checkpoint import CheckpointWidget

        app.screen.query_one(CheckpointWidget).answer("0.5")
        await pilot.pause()
        assert app.screen.query(".check-feedback.-wrong")
        assert hard_to_read(app.screen) == []
        # The "Your turn" line of a lesson's last step (the fixture lessons have no exercises).
        line = app.screen.query_one("#your-turn")
        line.display = True
        line.update("Your turn: press x to write the sigmoid yourself.")
        await pilot.pause()
        assert hard_to_read(app.screen) == []


@pytest.mark.parametrize("theme", THEMES)
async def test_contents_and_help_are_readable(build, theme):
    app = build(theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, TocScreen)
        assert hard_to_read(app.screen) == []
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert hard_to_read(app.screen) == []


@pytest.mark.parametrize("theme", THEMES)
async def test_the_list_of_problems_is_readable(build, tmp_path, theme):
    broken = tmp_path / "lessons"
    broken.mkdir()
    (broken / "01-a.md").write_text("no front matter\n")
    app = build(lessons_dir=broken, theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert hard_to_read(app.screen) == []
