"""The Exercises screen inside the app: the x key, the palette, the contents' marks, "Your turn"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nntui.app.screens.exercises import ExercisesScreen
from nntui.app.screens.lesson import LessonScreen
from nntui.app.screens.toc import DONE, TODO, TocScreen
from nntui.exercises import DISABLE_ENV
from nntui.exercises.catalogue import EXERCISES, exercises_for_lesson
from nntui.progress import ProgressStore

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"

#: A real lesson slug that exercises point at; the fixture lesson is copied under this name.
SLUG = "01-neurons"


@pytest.fixture(autouse=True)
def exercises_on(monkeypatch):
    """Exercises are on unless a test turns them off."""
    monkeypatch.delenv(DISABLE_ENV, raising=False)


@pytest.fixture
def lessons(tmp_path):
    """The fixture course, its first lesson renamed to a slug that has exercises."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(FIXTURE_LESSONS / "01-first.md", folder / f"{SLUG}.md")
    shutil.copy(FIXTURE_LESSONS / "02-second.md", folder / "02-second.md")
    return folder


def toc_texts(screen) -> list[str]:
    option_list = screen.query_one("#toc-list")
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


async def test_x_opens_exercises_and_escape_returns_to_the_same_step(build):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        where = (app.title, app.sub_title, app.tutor.position)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert (app.title, app.sub_title, app.tutor.position) == where
        await app.workers.wait_for_complete()


async def test_x_when_exercises_are_off_warns_and_stays(build, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "off")
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        warnings = [n for n in app._notifications if "turned off" in n.message]
        assert len(warnings) == 1 and warnings[0].severity == "warning"
        assert "\n" not in warnings[0].message


async def test_help_lists_x(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert any(row[0] == "x" and "exercises" in row[1].lower() for row in app.screen.rows)


async def test_palette_opens_exercises_and_one_exercise(build):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        from textual.command import CommandList

        for query, expected in (("Exercises", None), ("Exercise 3:", EXERCISES[2])):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            hits = app.screen.query_one(CommandList)
            want = "Exercises" if expected is None else f"Exercise 3: {expected.title}"
            for _ in range(200):  # the palette searches in a background task; wait for its hits
                if hits.option_count and str(hits.get_option_at_index(0).prompt).split("\n")[0] == want:
                    break
                await pilot.pause()
            assert str(hits.get_option_at_index(0).prompt).split("\n")[0] == want
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, ExercisesScreen)
            if expected is not None:
                assert app.screen.current is expected
        # Choosing one exercise from the Exercises screen replaced it: one Escape is back home.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await app.workers.wait_for_complete()


async def test_contents_show_exercise_marks_recorded_while_the_app_runs(build, lessons, state_dir):
    app = build(lessons_dir=lessons)
    async with app.run_test(size=(100, 30)) as pilot:
        # As the Exercises screen (or `nntui exercises check`) records a pass: straight to the file.
        ProgressStore(state_dir).update(lambda progress: progress.exercises.update(sigmoid="passed"))
        await pilot.press("t")
        assert isinstance(app.screen, TocScreen)
        texts = toc_texts(app.screen)
        mine = exercises_for_lesson(SLUG)
        assert [ex.name for ex in mine] == ["sigmoid", "neuron"]
        assert f"{DONE} Exercise 1: {mine[0].title}" in [t.strip() for t in texts]
        assert f"{TODO} Exercise {mine[1].number}: {mine[1].title}" in [t.strip() for t in texts]
        title = str(app.screen.query_one("#toc-title").render())
        assert f"Exercises: 1 of {len(EXERCISES)} passed" in title
        # Enter on an exercise opens it.
        index = next(i for i, t in enumerate(texts) if mine[1].title in t)
        app.screen.query_one("#toc-list").highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen) and app.screen.current is mine[1]
        await pilot.press("escape")
        await app.workers.wait_for_complete()


async def test_contents_hide_exercises_when_they_are_off(build, lessons, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "0")
    app = build(lessons_dir=lessons)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        assert not any("Exercise" in t for t in toc_texts(app.screen))


async def test_your_turn_on_the_last_step_of_a_lesson_with_exercises(build, lessons, state_dir):
    ProgressStore(state_dir).update(lambda progress: progress.exercises.update(sigmoid="passed"))
    app = build(lessons_dir=lessons)
    async with app.run_test(size=(100, 30)) as pilot:
        line = app.screen.query_one("#your-turn")
        assert not line.display  # first step: not yet
        await pilot.press("right", "right")
        await pilot.pause()
        assert app.sub_title == "step 3/3"
        assert line.display
        text = str(line.render())
        assert text.startswith("Your turn: press x to write") and "\n" not in text
        for ex in exercises_for_lesson(SLUG):
            assert ex.title[1:] in text
        # x starts at this lesson's first exercise not yet passed (sigmoid has).
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen) and app.screen.current.name == "neuron"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right")  # into lesson 2, which has no exercises
        await pilot.pause()
        assert app.title.startswith("2.") and not line.display
        await app.workers.wait_for_complete()
