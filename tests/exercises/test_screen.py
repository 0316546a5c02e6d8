"""Pilot tests of the Exercises screen: results appear on save without a key press."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest
from textual.app import App
from textual.color import Color
from textual.widgets import Label, ListItem, Static

from nntui.app.screens.exercises import ExercisesScreen
from nntui.exercises.catalogue import get_exercise


class Host(App):
    """A bare app that shows one screen, as the lesson app will."""

    def __init__(self, screen) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


def _text(widget) -> str:
    return str(widget.content)


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def make_screen(state_dir):
    def make(**kwargs):
        kwargs.setdefault("watch", "poll")
        kwargs.setdefault("poll_interval", 60)  # the test calls the watcher's callback itself
        kwargs.setdefault("time_limit", 5.0)
        return ExercisesScreen(state_dir=state_dir, **kwargs)

    return make


async def test_saving_a_passing_file_turns_the_mark_green(state_dir, make_screen):
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        item = screen.query_one("#ex-sigmoid", ListItem)
        assert not item.has_class("-passed")
        assert "not written yet" in _text(screen.query_one("#ex-status", Static))

        ex = get_exercise("sigmoid")
        (state_dir / "exercises" / ex.filename).write_text(ex.solution())
        screen.poll_file()  # what the poll timer or a file event does on a save
        await _settle(app, pilot)

        assert item.has_class("-passed")
        label = screen.query_one("#ex-label-sigmoid", Label)
        assert _text(label).startswith("✓")
        assert label.styles.color == Color.parse(app.get_css_variables()["success"])
        assert "Passed" in _text(screen.query_one("#ex-status", Static))
        progress = json.loads((state_dir / "progress.json").read_text())
        assert progress["exercises"]["sigmoid"] == "passed"
        assert "ex01_sigmoid" not in sys.modules  # the learner's code never ran in this process


async def test_a_wrong_answer_shows_the_case_and_an_endless_loop_is_stopped(state_dir, make_screen):
    screen = make_screen(time_limit=1.0)
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        path = state_dir / "exercises" / "ex01_sigmoid.py"
        path.write_text("def sigmoid(x):\n    return x\n")
        screen.poll_file()
        await _settle(app, pilot)
        status = _text(screen.query_one("#ex-status", Static))
        assert "case 'sigmoid of 0'" in status and "expected: 0.5" in status
        assert screen.query_one("#ex-sigmoid", ListItem).has_class("-failed")

        path.write_text("def sigmoid(x):\n    while True:\n        pass\n")
        screen.poll_file()
        await _settle(app, pilot)
        assert "took longer than 1 s" in _text(screen.query_one("#ex-status", Static))
        assert app.is_running  # the app survived


async def test_unchanged_file_is_not_checked_again(state_dir, make_screen):
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        screen.poll_file()
        await pilot.pause()
        assert not app.workers  # nothing new to check


async def test_hints_and_solution_keys(state_dir, make_screen):
    screen = make_screen()
    app = Host(screen)
    ex = get_exercise("sigmoid")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("h")
        assert f"Hint 1: {ex.hints[0]}" in _text(screen.query_one("#ex-hints", Static))
        await pilot.press("h")
        assert f"Hint 2: {ex.hints[1]}" in _text(screen.query_one("#ex-hints", Static))
        await pilot.press("s")
        assert _text(screen.query_one("#ex-solution", Static)) == ""
        (state_dir / "exercises" / ex.filename).write_text(ex.solution())
        screen.poll_file()
        await _settle(app, pilot)
        await pilot.press("s")
        assert screen.query_one("#ex-solution", Static).content is not None
        assert _text(screen.query_one("#ex-solution", Static)) != ""


async def test_opens_at_the_next_exercise_and_follows_the_list(state_dir, make_screen, monkeypatch):
    ex = get_exercise("sigmoid")
    folder = state_dir / "exercises"
    folder.mkdir(parents=True)
    (folder / ex.filename).write_text(ex.solution())
    (state_dir / "progress.json").write_text(json.dumps({"version": 1, "exercises": {"sigmoid": "passed"}}))
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert screen.current.name == "sigmoid_derivative"
        await pilot.press("down")
        await _settle(app, pilot)
        assert screen.current.name == "mse_loss"
        assert "Mean squared error" in _text(screen.query_one("#ex-title", Static))


async def test_falls_back_to_polling_when_file_events_fail(state_dir, make_screen, monkeypatch):
    monkeypatch.setattr(
        "nntui.app.screens.exercises.EventWatcher.start",
        lambda self, name: "file events are not available here (test)",
    )
    screen = make_screen(watch="events")
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert screen.watch_mode == "poll"
        assert "polling" in _text(screen.query_one("#ex-file", Static))
        assert any("polling instead" in n.message for n in app._notifications)


async def test_file_events_trigger_a_check(state_dir, make_screen):
    screen = make_screen(watch="events")
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert screen.watch_mode == "events"
        ex = get_exercise("sigmoid")
        (state_dir / "exercises" / ex.filename).write_text(ex.solution())
        # What watchdog's handler does on its own thread when the file is written:
        await asyncio.to_thread(screen._events.on_change)
        await pilot.pause()
        await _settle(app, pilot)
        assert screen.query_one("#ex-sigmoid", ListItem).has_class("-passed")


async def test_turned_off_runs_nothing(state_dir, make_screen, monkeypatch):
    monkeypatch.setenv("NNTUI_EXERCISES", "off")
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert "turned off" in _text(screen.query_one("#ex-title", Static))
        assert not (state_dir / "exercises").exists()


async def test_e_opens_the_editor_then_checks(state_dir, make_screen, monkeypatch, tmp_path):
    import contextlib
    import shlex
    import sys

    ex = get_exercise("sigmoid")
    editor = tmp_path / "editor.py"
    solution = tmp_path / "solution.py"
    solution.write_text(ex.solution())
    # A stand-in editor: "saves" the solution into the file it is given.
    editor.write_text(f"import shutil, sys\nshutil.copy({str(solution)!r}, sys.argv[1])\n")
    monkeypatch.setenv("VISUAL", f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}")
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # the headless driver cannot suspend
        await _settle(app, pilot)
        await pilot.press("e")
        await _settle(app, pilot)
        assert screen.query_one("#ex-sigmoid", ListItem).has_class("-passed")


async def test_e_without_an_editor_says_what_to_do(state_dir, make_screen, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    screen = make_screen()
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert any("Set $VISUAL or $EDITOR" in n.message for n in app._notifications)


async def test_leaving_while_a_check_runs_is_safe(state_dir, make_screen):
    screen = make_screen(time_limit=1.0)
    app = Host(screen)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        (state_dir / "exercises" / "ex01_sigmoid.py").write_text("while True:\n    pass\n")
        screen.poll_file()
        await pilot.press("escape")
        await _settle(app, pilot)
        assert app.screen is not screen
        assert app.is_running
