"""Moving through the course with the keyboard, and what gets saved while doing it."""

from __future__ import annotations

import json
from pathlib import Path

from nntui.app.screens.lesson import LessonScreen
from nntui.course import load_course
from nntui.progress import FILE_NAME

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"

COURSE = load_course(FIXTURE_LESSONS)


def saved(state_dir):
    return json.loads((state_dir / FILE_NAME).read_text())


def step_heading(app) -> str:
    """The first line of the Markdown text on screen (the step's title)."""
    return app.screen.query_one("#step-text").source.splitlines()[0]


async def test_first_screen_shows_the_first_step_and_the_header(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.title == "1. First steps"
        assert app.sub_title == f"step 1/{len(COURSE.lessons[0].steps)}"
        assert step_heading(app) == "## One neuron"


async def test_right_n_and_space_go_forward_left_and_p_go_back(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        assert app.sub_title == "step 2/3"
        assert saved(state_dir)["step"] == 1
        await pilot.press("left")
        assert app.sub_title == "step 1/3"
        await pilot.press("n")
        await pilot.press("space")
        assert app.sub_title == "step 3/3"
        assert step_heading(app) == "## Only text"
        await pilot.press("p")
        assert app.sub_title == "step 2/3"
        assert saved(state_dir)["step"] == 1
        assert saved(state_dir)["completed"]["01-first"] == [0, 1]


async def test_next_at_the_end_of_a_lesson_opens_the_next_lesson_and_back_returns(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("right")
        assert app.title == "2. Second lesson"
        assert app.sub_title == "step 1/2"
        assert saved(state_dir)["lesson"] == "02-second"
        await pilot.press("left")
        assert app.title == "1. First steps"
        assert app.sub_title == "step 3/3"


async def test_back_is_disabled_on_the_very_first_step(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.check_action("prev", ()) is None
        await pilot.press("left")
        assert app.sub_title == "step 1/3"
        await pilot.press("right")
        assert app.screen.check_action("prev", ()) is True


async def test_next_on_the_last_step_of_the_course_stays_and_says_so(build, state_dir):
    app = build(start_lesson="2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        assert app.sub_title == "step 2/2"
        await pilot.press("right")
        await pilot.pause()
        assert app.title == "2. Second lesson" and app.sub_title == "step 2/2"
        assert any("last step of the course" in n.message for n in app._notifications)
        assert saved(state_dir)["completed"]["02-second"] == [0, 1]


async def test_start_lesson_by_number_full_slug_and_short_slug(build):
    for ref in ("2", "02-second", "second"):
        app = build(start_lesson=ref)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.title == "2. Second lesson", ref


def test_unknown_start_lesson_is_a_one_line_error(build):
    import pytest

    from nntui.app import ConfigError

    with pytest.raises(ConfigError) as info:
        build(start_lesson="nope")
    assert "\n" not in str(info.value) and "01-first" in str(info.value)


async def test_resume_after_restart(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            await pilot.press("right")
        await pilot.press("q")
    assert app.return_code == 0
    again = build()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.title == "2. Second lesson"
        assert again.sub_title == "step 2/2"


async def test_reset_progress_starts_at_the_beginning(build, state_dir):
    app = build(start_lesson="2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
    fresh = build(reset_progress=True)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert fresh.title == "1. First steps" and fresh.sub_title == "step 1/3"
    assert saved(state_dir)["completed"] == {}


async def test_q_and_ctrl_q_quit(build):
    for key in ("q", "ctrl+q"):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert not app.is_running, key


async def test_ctrl_q_quits_even_while_typing_in_a_field(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the pane is built just after the first frame
        await pilot.press("tab")
        assert app.focused.__class__.__name__ == "Input"
        await pilot.press("q")  # typed into the field, not a quit
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_animations_off_loses_nothing(build, state_dir):
    app = build()
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "t")
        assert app.screen.__class__.__name__ == "TocScreen"
        await pilot.press("escape", "left")
        assert app.sub_title == "step 2/3"
    assert saved(state_dir)["step"] == 1


async def test_no_color_is_honoured(build, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        assert app.no_color
        assert app.sub_title == "step 2/3"
