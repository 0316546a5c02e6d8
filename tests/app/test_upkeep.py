"""Upkeep: what removed widgets leave behind is let go of, and live watchers still hear."""

from __future__ import annotations

import asyncio
import gc
import weakref

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from nntui.app.panes import Pane
from nntui.app.screens import lesson as lesson_module
from nntui.app.upkeep import prune_dead_watchers


class Watcher(Static):
    """Watches the app's theme and subscribes to its theme signal, as plots and inputs do."""

    def __init__(self, seen: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen = seen

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda theme: self.seen.append(f"watch {theme}"), init=False)
        self.app.theme_changed_signal.subscribe(self, lambda theme: self.seen.append(f"signal {theme.name}"))


class Host(App):
    """A box the test fills with watchers, and a footer (whose keys bind to its ``compact``)."""

    def compose(self) -> ComposeResult:
        yield Vertical(id="box")
        yield Footer()


def _closed_holders(app) -> list:
    """Closed widgets still registered as watchers or signal subscribers on the app or the footer."""
    footer = app.query_one(Footer)
    held = [owner for pairs in app.__dict__.get("__watchers", {}).values() for owner, _ in pairs]
    held += [owner for pairs in footer.__dict__.get("__watchers", {}).values() for owner, _ in pairs]
    held += list(app.theme_changed_signal._subscriptions.keys())
    return [node for node in held if node._closing]


def _footer_keys() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if type(thing).__name__ == "FooterKey")


async def test_removed_widgets_are_released_and_live_ones_still_hear():
    seen_removed: list[str] = []
    seen_live: list[str] = []
    app = Host()
    async with app.run_test() as pilot:
        box = app.query_one("#box", Vertical)
        gone = Watcher(seen_removed)
        await box.mount(gone, Watcher(seen_live, id="live"))
        await pilot.pause()
        await gone.remove()
        await pilot.pause()
        keys = _footer_keys()
        for _ in range(20):  # the footer re-creates its keys whenever the bindings change
            app.screen.refresh_bindings()
            await pilot.pause()
        prune_dead_watchers(app)
        assert _closed_holders(app) == []
        # Only the keys on show, and a few in Textual's own small layout caches, are left.
        assert _footer_keys() <= 3 * keys

        app.theme = "textual-light"
        await pilot.pause()
        assert "watch textual-light" in seen_live and "signal textual-light" in seen_live
        assert seen_removed == []


def _closed_holders_anywhere(app) -> list:
    """Closed widgets still held as watchers or signal subscribers by any node of the app."""
    from textual.signal import Signal

    screens = [screen for stack in app._screen_stacks.values() for screen in stack]
    nodes = [app] + [node for screen in screens for node in screen.walk_children(with_self=True)]
    held = []
    for node in nodes:
        for pairs in node.__dict__.get("__watchers", {}).values():
            held += [owner for owner, _ in pairs if owner._closing]
        for value in node.__dict__.values():
            if isinstance(value, Signal):
                held += [subscriber for subscriber in value._subscriptions if subscriber._closing]
    return held


async def test_a_step_change_lets_go_of_the_widgets_removed_before_it(build):
    # Each step change replaces the text and pane, and the footer keys when they differ.
    # Textual keeps the old ones registered on long-lived nodes; whatever was dead by one
    # step change must be let go of at the next, so a long session does not keep growing (it
    # did by about 1 MB a step). The walk ends on the step without a pane: its footer keys
    # are new, built after that step change's own clean-up.
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ("right", "right", "left", "left") * 2 + ("right", "right"):
            await pilot.press(key)
            await pilot.pause()
        dead_before = _closed_holders_anywhere(app)
        assert dead_before, "the walk should have left some removed widgets registered"
        await pilot.press("left")
        await pilot.pause()
        still_held = {id(node) for node in _closed_holders_anywhere(app)}
        assert not [node for node in dead_before if id(node) in still_held]


async def test_the_steps_left_behind_are_freed_once_the_learner_stays(build, monkeypatch):
    # A removed pane is a web of reference cycles: only a garbage collection frees it, and
    # Python's own schedule runs one some steps later, after the next steps were built around
    # it. The lesson screen collects once the learner stays on a built step; not at start-up
    # (the first screen of a room of 100 waits for no collection), and not while a held key
    # moves on before the pause (automatic collection is off here, so only that one frees).
    collections = []
    collected = asyncio.Event()

    def collect() -> int:
        collections.append(app.tutor.position.step)
        collected.set()
        return gc.collect()

    monkeypatch.setattr(lesson_module, "collect_left_steps", collect)
    monkeypatch.setattr(lesson_module, "COLLECT_AFTER", 3600)  # a learner who has not paused yet
    app = build()
    gc.disable()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            pane = weakref.ref(app.screen.query_one(Pane))
            await pilot.press("right", "right")  # the same pane, reconfigured; then a step without
            await pilot.pause()
            assert not app.screen.query(Pane)
            assert pane() is not None, "without a collection the removed pane stays in memory"
            monkeypatch.setattr(lesson_module, "COLLECT_AFTER", 0.01)  # the learner stays on the next step
            await pilot.press("left")
            await asyncio.wait_for(collected.wait(), timeout=10)
            assert pane() is None, "the steps left behind were not collected"
            assert collections == [1]  # once, on the step the learner stayed on
    finally:
        gc.enable()
