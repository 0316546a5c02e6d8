"""`e` on a server opens nntui's own editor (never $EDITOR); saving writes the file and checks it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from nntui.app import AppConfig, make_app
from nntui.app.screens.editor import EditorScreen
from nntui.app.screens.exercises import ExercisesScreen
from nntui.exercises import SERVER_ENV
from nntui.exercises.catalogue import get_exercise

FIXTURE_LESSONS = Path(__file__).parents[1] / "app" / "fixture_lessons"


@pytest.fixture
def spy_editor(tmp_path, monkeypatch):
    """$EDITOR is a script that leaves a mark if anything ever runs it."""
    mark = tmp_path / "editor-ran"
    script = tmp_path / "spy-editor"
    script.write_text(f"#!/bin/sh\ntouch {mark}\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.setenv("VISUAL", str(script))
    return mark


async def _open_exercises(app, pilot) -> ExercisesScreen:
    await pilot.press("x")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ExercisesScreen)
    return app.screen


async def test_e_on_a_server_opens_the_in_app_editor_and_saving_writes_the_file(
    state_dir, spy_editor, monkeypatch
):
    monkeypatch.setenv(SERVER_ENV, "1")  # what `nntui serve` puts in every session's environment
    app = make_app(AppConfig(lessons_dir=FIXTURE_LESSONS, state_dir=state_dir))
    assert app.config.on_server
    async with app.run_test(size=(120, 36)) as pilot:
        exercises = await _open_exercises(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        editor = app.screen.query_one("#editor-text", TextArea)
        assert editor.language == "python" and editor.show_line_numbers
        path = exercises.workspace.path(get_exercise("sigmoid"))
        assert editor.text == path.read_text()

        editor.load_text("import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n")
        await pilot.press("escape")  # unsaved: the first Escape only warns
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert "Unsaved changes" in str(app.screen.query_one("#editor-message", Static).content)

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "return 1 / (1 + np.exp(-x))" in path.read_text()
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is exercises
        assert "Passed" in str(exercises.query_one("#ex-status", Static).content)
    assert not spy_editor.exists()  # the server account's editor never ran


async def test_undo_takes_back_an_edit(state_dir, monkeypatch):
    monkeypatch.setenv(SERVER_ENV, "1")
    app = make_app(AppConfig(lessons_dir=FIXTURE_LESSONS, state_dir=state_dir))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_exercises(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen.query_one("#editor-text", TextArea)
        before = editor.text
        await pilot.press("z")
        assert editor.text != before
        assert app.screen.modified
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor.text == before


async def test_locally_E_opens_the_in_app_editor_too(state_dir, spy_editor, monkeypatch):
    monkeypatch.delenv(SERVER_ENV, raising=False)
    app = make_app(AppConfig(lessons_dir=FIXTURE_LESSONS, state_dir=state_dir))
    assert not app.config.on_server
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_exercises(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
    assert not spy_editor.exists()
    assert os.environ["EDITOR"]  # still set: locally, `e` keeps using it
