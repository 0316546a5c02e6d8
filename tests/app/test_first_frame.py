"""The first screen is laid out for its final shape at once: no second pass to re-wrap the text."""

from __future__ import annotations

import json
from pathlib import Path

from nntui.app.screens.lesson import LessonScreen
from nntui.progress import FILE_NAME

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def resume_at(state_dir: Path, step: int) -> None:
    """Saved progress that opens the course on lesson 1's ``step`` (0-based)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / FILE_NAME).write_text(json.dumps({"lesson": "01-neurons", "step": step, "checkpoints": {}}))


def after_each_layout(monkeypatch, note) -> None:
    """Call ``note(screen)`` after every layout of the lesson screen."""
    lay_out = LessonScreen._refresh_layout

    def noting(self, size=None, scroll=False):
        result = lay_out(self, size, scroll)
        note(self)
        return result

    monkeypatch.setattr(LessonScreen, "_refresh_layout", noting)


async def test_a_long_first_step_is_wrapped_once_with_its_scrollbar(build, state_dir, monkeypatch):
    # A learner resumes on lesson 1 step 5, longer than 24 rows. Laid out without its scrollbar
    # first, the text was wrapped one column wider, drawn, then laid out, wrapped and drawn again.
    resume_at(state_dir, 4)
    widths: list[int] = []
    # What the text was wrapped to, at each layout.
    after_each_layout(monkeypatch, lambda screen: widths.append(screen.query_one("#step-text").size.width))
    app = build(lessons_dir=LESSONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.sub_title == "step 5/8"
        column = app.screen.query_one("#text-column")
        assert column.show_vertical_scrollbar  # the text is longer than the screen
        assert widths and set(widths) == {app.screen.query_one("#step-text").size.width}


async def test_the_footer_keys_are_built_compact_without_restyling_each(build, monkeypatch):
    # Textual's footer keys took the footer's ``compact`` only once mounted, and each then
    # restyled itself for its new class: a CSS pass per key on every rebuild of the footer.
    from textual.widgets._footer import FooterKey

    restyled: list[FooterKey] = []
    restyle = FooterKey.update_node_styles

    def noting(self, animate=True):
        restyled.append(self)
        return restyle(self, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", noting)
    app = build(lessons_dir=LESSONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
        assert "Activation" in {str(key.description) for key in keys}  # the pane's keys are in
        assert restyled == []


async def test_new_widgets_do_not_lay_the_screen_out_again(build, state_dir, monkeypatch):
    # Textual stores each widget's new virtual size after a layout in a reactive that asks for
    # another layout: every mounted widget cost a second layout of the whole screen, to the same
    # result. A step to another kind of pane (lesson 1's last step to lesson 2's first) builds a
    # new pane: its change lays the screen out twice (the step, then the pane's focus), not three times.
    resume_at(state_dir, 7)
    layouts: list[str] = []
    after_each_layout(monkeypatch, lambda screen: layouts.append(screen.app.sub_title))
    app = build(lessons_dir=LESSONS)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await app.workers.wait_for_complete()
        layouts.clear()
        await pilot.press("right")
        for _ in range(2):
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.title.startswith("2.") and app.sub_title.startswith("step 1/")
        assert len(layouts) <= 2, layouts


async def test_the_app_says_when_its_first_screen_is_complete(build):
    # A workshop session's tuning keeps the session in front of the room until then, and a
    # training run waits for it: the pane must be built and the footer drawn with its keys.
    from textual.widgets._footer import FooterKey

    app = build()
    seen: list[list[str]] = []
    done = app.first_screen_done

    def noting() -> None:
        seen.append([key.description for key in app.screen.query(FooterKey)])
        done()

    app.first_screen_done = noting
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.first_screen_complete and len(seen) == 1
        assert "Activation" in seen[0]  # the neuron pane's key: the footer is the step's
