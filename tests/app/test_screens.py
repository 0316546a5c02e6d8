"""Table of contents, help, palette, narrow and too-small layouts, broken folders, progress trouble."""

from __future__ import annotations

import io
import json
from pathlib import Path

from textual.widgets import Static

from nntui.app.panes import Pane
from nntui.app.screens.help import HelpScreen
from nntui.app.screens.lesson import LessonScreen
from nntui.app.screens.problems import ProblemsScreen
from nntui.app.screens.toc import DONE, TocScreen
from nntui.app.screens.too_small import TooSmallScreen
from nntui.course import load_course
from nntui.progress import FILE_NAME

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"


def option_texts(screen) -> list[str]:
    option_list = screen.query_one("#toc-list")
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


async def test_toc_lists_every_lesson_and_step_with_marks_and_jumps(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "t")
        assert isinstance(app.screen, TocScreen)
        texts = option_texts(app.screen)
        course = load_course(FIXTURE_LESSONS)
        for lesson in course.lessons:
            assert any(f"{lesson.number}. {lesson.title}" in t for t in texts)
            for step in lesson.steps:
                assert any(step.title in t for t in texts)
        first_step = next(t for t in texts if "One neuron" in t)
        assert DONE in first_step
        assert "(1/3 steps  checks 0/1)" in texts[0]
        assert "◀" in next(t for t in texts if "A question" in t)
        # Down to "End of two" (the last entry) and Enter.
        await pilot.press("end", "enter")
        assert isinstance(app.screen, LessonScreen)
        await pilot.pause()
        assert app.title == "2. Second lesson" and app.sub_title == "step 2/2"
    assert json.loads((state_dir / FILE_NAME).read_text())["lesson"] == "02-second"


async def test_toc_shows_passed_checkpoints(build, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / FILE_NAME).write_text(
        json.dumps({"lesson": "01-first", "checkpoints": {"01-first": ["out"]}})
    )
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert "checks 1/1" in option_texts(app.screen)[0]
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def test_help_lists_every_key_including_the_focused_panes(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the pane is built just after the first frame
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {row[0] for row in app.screen.rows}
        descriptions = " ".join(row[1] for row in app.screen.rows)
        for key in ("→", "←", "n", "p", "space", "t", "q", "^q", "?", "ctrl+p", "a", "r", "tab"):
            assert key in keys, key
        assert "activation" in descriptions  # the neuron pane's own key
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def test_command_palette_goes_to_a_lesson(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to lesson 2")
        from textual.command import CommandList

        hits = app.screen.query_one(CommandList)
        for _ in range(200):  # the palette searches in a background task; wait for its hits
            if hits.option_count and "Second lesson" in str(hits.get_option_at_index(0).prompt):
                break
            await pilot.pause()
        assert "Go to lesson 2: Second lesson" in str(hits.get_option_at_index(0).prompt)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.pause()
        assert app.title == "2. Second lesson" and app.sub_title == "step 1/2"


async def test_tab_moves_into_the_pane_controls_and_back(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one("NeuronPane")
        assert app.focused is pane
        await pilot.press("tab")
        assert app.focused.parent.id == "w1"  # the input of the w1 field
        await pilot.press("tab")
        assert app.focused.parent.id == "x1"
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is pane
        await pilot.press("tab", "escape")
        assert app.focused is pane


async def test_narrow_screen_shows_text_or_pane_and_v_switches(build):
    app = build()
    async with app.run_test(size=(70, 24)) as pilot:
        await pilot.pause()
        assert app.has_class("-narrow")
        text, panes = app.screen.query_one("#text-column"), app.screen.query_one("#pane-column")
        assert text.display and not panes.display
        # Keys go to what is on screen: the text (Down scrolls it), not the hidden pane.
        assert app.focused is text
        await pilot.press("v")
        assert panes.display and not text.display
        assert isinstance(app.focused, Pane)
        await pilot.press("v")
        assert text.display and not panes.display
        assert app.focused is text
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.has_class("-narrow")
        assert text.display and panes.display
        assert isinstance(app.focused, Pane)  # wide again: the pane's keys work at once
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        assert app.focused is text


def footer_keys(app) -> dict[str, str]:
    """Key -> label of every entry the footer shows that fits entirely on the screen."""
    from textual.widgets._footer import FooterKey

    width = app.size.width
    return {
        key.key_display: key.description
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= width
    }


async def test_narrow_footer_keeps_quit_and_help_and_names_what_v_shows(build):
    app = build()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("v") == "Pane" and "t" not in keys  # no room for Contents ...
        assert keys.get("q") == "Quit" and keys.get("?") == "Help"
        await pilot.press("v")
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("v") == "Text"
        assert keys.get("a") == "Activation"  # the pane's own keys
        assert keys.get("q") == "Quit" and keys.get("?") == "Help"
        await pilot.press("t")  # ... but t still opens it
        assert isinstance(app.screen, TocScreen)
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        keys = footer_keys(app)
        assert keys.get("t") == "Contents" and "v" not in keys
        assert keys.get("q") == "Quit" and keys.get("?") == "Help"


async def test_too_small_terminal_shows_a_notice_until_resized(build):
    app = build()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        notice = str(app.screen.query_one("#too-small-text").render())
        assert "Please make the terminal at least 60x18" in notice
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("right")
        assert app.sub_title == "step 2/3"


async def test_broken_lessons_folder_lists_every_problem_and_q_quits(build, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "01-a.md").write_text("no front matter\n")
    (broken / "01-b.md").write_text("---\ntitle: B\n---\n## S\n\n```pane nosuch\n```\n")
    app = build(lessons_dir=broken)
    expected = [str(p) for p in load_course(broken).problems]
    assert len(expected) >= 2
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        shown = str(app.screen.query_one("#problems-list").render())
        for line in expected:
            assert line in shown
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_corrupt_progress_is_kept_as_bak_and_said_once(build, state_dir):
    state_dir.mkdir(parents=True)
    (state_dir / FILE_NAME).write_text("{not json")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        notices = [n.message for n in app._notifications if "start fresh" in n.message]
        assert len(notices) == 1
        assert "progress.json.bak" in notices[0]
    assert (state_dir / (FILE_NAME + ".bak")).read_text() == "{not json"
    assert json.loads((state_dir / FILE_NAME).read_text())["step"] == 2


async def test_read_only_state_dir_runs_and_says_progress_will_not_be_saved(build, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    state = blocker / "state"  # a folder can never be made under a file, even by root
    app = build(state_dir=state)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "left")
        assert app.sub_title == "step 2/3"
        warnings = [n.message for n in app._notifications if "will not be saved" in n.message]
        assert len(warnings) == 1
        # Said once: nothing claims a (non-existent) progress file was damaged.
        assert not [n.message for n in app._notifications if "start fresh" in n.message]
    assert not state.exists()


async def test_light_theme(build):
    app = build(theme="textual-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert not app.current_theme.dark


def test_unknown_theme_is_a_one_line_error(build):
    import pytest

    from nntui.app import ConfigError

    with pytest.raises(ConfigError) as info:
        build(theme="no-such-theme")
    assert "\n" not in str(info.value) and "textual-light" in str(info.value)


async def test_help_lists_the_checkpoint_keys_r_and_s(build):
    """A learner stuck on a checkpoint finds `r` (set up the pane) and `s` (show me) under `?`."""
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        from rich.console import Console

        console = Console(width=116, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-table", Static).content)
        lines = console.export_text().splitlines()
        setup = [line for line in lines if "question's setup" in line]
        show = [line for line in lines if "show me" in line]
        assert setup and setup[0].split()[0] == "r", setup
        assert show and show[0].split()[0] == "s", show
