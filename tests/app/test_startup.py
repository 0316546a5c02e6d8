"""Start-up: the first screen comes quickly, and nothing the speed-ups skip is lost afterwards."""

from __future__ import annotations

import gc
import json

from nntui.app.panes import Pane
from nntui.app.screens.lesson import LessonScreen
from nntui.progress import FILE_NAME


async def test_garbage_collection_paused_by_the_cli_is_back_on_after_the_first_frame(build):
    app = build()
    gc.disable()
    app.gc_paused = True  # what `nntui` (nntui.app.run.run) does before starting the app
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LessonScreen)
            assert gc.isenabled()
            assert app.gc_paused is False
            # The pane, built after the first frame, is there and focused without a key press.
            assert isinstance(app.focused, Pane)
    finally:
        gc.enable()
        gc.unfreeze()


async def test_garbage_collection_left_alone_when_not_paused(build):
    app = build()
    gc.disable()  # e.g. a test runner that turned it off itself: the app must not turn it on
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not gc.isenabled()
    finally:
        gc.enable()


async def test_a_start_that_moves_the_position_is_saved_once_the_first_screen_is_up(build, state_dir):
    app = build(start_lesson="2")
    assert not (state_dir / FILE_NAME).exists()  # nothing is written before the first frame
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.title.startswith("2.")
    saved = json.loads((state_dir / FILE_NAME).read_text())
    assert (saved["lesson"], saved["step"]) == ("02-second", 0)


async def test_the_panes_keys_work_straight_away(build):
    from nntui.core.activations import tanh

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the pane is built just after the first frame, and focused
        pane = app.screen.query_one(Pane)
        await pilot.press("a")  # the neuron pane's own key: sigmoid -> tanh
        await pilot.pause()
        assert pane.live_values()["output"] == float(tanh(7.0))


async def test_the_screen_is_laid_out_again_only_for_a_new_size(build, monkeypatch):
    # Textual reports the terminal's size to the screen several times at start-up; each report
    # laid out the whole screen and sent a whole frame again, over SSH too.
    from textual import events
    from textual.geometry import Size

    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        layouts: list[Size | None] = []
        lay_out = type(screen)._refresh_layout

        def counting(self, size=None, scroll=False):
            layouts.append(size)
            return lay_out(self, size, scroll)

        monkeypatch.setattr(type(screen), "_refresh_layout", counting)
        screen.post_message(events.Resize(Size(100, 30), Size(100, 30)))
        await pilot.pause()
        assert Size(100, 30) not in layouts  # (other passes may come from the pane's own updates)
        # A real resize: the app learns the size first, then tells the screen.
        app.post_message(events.Resize(Size(90, 30), Size(90, 30)))
        await pilot.pause()
        app._check_resize()  # what the app's resize timer would do next (no waiting on timers)
        await pilot.pause()
        assert Size(90, 30) in layouts  # (and the passes that new size brings)
        assert screen.query_one("#body").size.width == 90


async def test_a_second_app_in_the_process_finds_its_css_parsed(build, monkeypatch):
    # What a session forked from the SSH server's starter relies on: the starter ran the app once.
    from textual.css import stylesheet

    first = build()
    async with first.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    parsed: list[str] = []
    parse = stylesheet.parse

    def counting(scope, css, read_from, *args, **kwargs):
        parsed.append(str(read_from))
        return parse(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", counting)
    second = build()
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(second.focused, Pane)
    assert parsed == []


async def test_shared_css_follows_each_apps_theme(build):
    from textual.color import Color

    backgrounds = {}
    for theme in ("textual-dark", "textual-light", "textual-dark"):
        app = build(theme=theme)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            backgrounds.setdefault(theme, set()).add(app.screen.styles.background)
            assert app.screen.styles.background == Color.parse(app.get_css_variables()["background"])
    assert len(backgrounds["textual-dark"]) == 1  # the same both times, after the light theme
