"""A workshop session's first pane waits its turn on the room's start board; elsewhere, never."""

from __future__ import annotations

import asyncio

from nntui.app import app as app_module
from nntui.app.panes import Pane


class Gate:
    """One session's view of a start board that says "wait" for the first ``waits`` looks."""

    def __init__(self, app, waits: int, room_busy: int = 0) -> None:
        self.app = app
        self.waits = waits
        #: How many looks ``room_started`` says no.
        self.room_busy = room_busy
        self.calls: list[str] = []
        #: What was on screen at each look: (panes mounted, step text shown, first screen complete).
        self.seen: list[tuple[int, bool, bool]] = []
        self.completed = asyncio.Event()

    def shown(self) -> None:
        self.calls.append("shown")

    def must_wait(self) -> bool:
        self.calls.append("look")
        screen = self.app.screen
        text = screen.query_one("#step-text")
        self.seen.append((len(screen.query(Pane)), text.size.height > 0, self.app.first_screen_complete))
        self.waits -= 1
        return self.waits >= 0

    def complete(self) -> None:
        self.calls.append("complete")
        self.completed.set()

    def room_started(self) -> bool:
        self.calls.append("room?")
        self.room_busy -= 1
        return self.room_busy < 0


async def test_the_first_pane_is_built_once_the_start_board_lets_it(build, monkeypatch):
    monkeypatch.setattr(app_module, "ROOM_START_LOOK", 0.001)
    app = build()
    gate = Gate(app, waits=3)
    app.start_gate = gate
    async with app.run_test(size=(100, 30)) as pilot:
        await asyncio.wait_for(gate.completed.wait(), timeout=10)
        await pilot.pause()
        # Three looks said wait: the text was on screen, no pane yet; the fourth let it build.
        assert gate.seen == [(0, True, False)] * 4
        assert app.screen.query(Pane)
        assert app.first_screen_complete
        assert gate.calls.index("shown") < gate.calls.index("look")
        assert gate.calls[-1] == "complete"  # the room's next session may build now


async def test_a_start_board_that_never_lets_go_holds_the_pane_back_only_so_long(build, monkeypatch):
    monkeypatch.setattr(app_module, "ROOM_START_LOOK", 0.001)
    monkeypatch.setattr(app_module, "ROOM_START_HOLD_AT_MOST", 0.05)
    app = build()
    gate = Gate(app, waits=10**9)
    app.start_gate = gate
    async with app.run_test(size=(100, 30)) as pilot:
        await asyncio.wait_for(gate.completed.wait(), timeout=10)
        await pilot.pause()
        assert app.screen.query(Pane)
        assert gate.seen[0] == (0, True, False)


async def test_what_waits_for_the_first_screen_waits_for_the_rooms_start_too(build, monkeypatch):
    # A training run that opens with the app waits until the room's other sessions are
    # complete: its animation would take the cores the room's screens are built on.
    monkeypatch.setattr(app_module, "ROOM_START_LOOK", 0.001)
    app = build()
    gate = Gate(app, waits=0, room_busy=2)
    app.start_gate = gate
    ran = asyncio.Event()
    app.after_first_screen(lambda: (gate.calls.append("ran"), ran.set()))
    async with app.run_test(size=(100, 30)):
        await asyncio.wait_for(ran.wait(), timeout=10)
        after = gate.calls[gate.calls.index("complete") :]
        assert after == ["complete", "room?", "room?", "room?", "ran"]
