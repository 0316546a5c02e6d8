"""The ledger pane kept from the step before shows exactly what a new ledger pane would
(see ``reconfigure.py``): person, preset, fields, no update, status line, "my code" off."""

from __future__ import annotations

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.panes.ledger import LedgerPane
from nntui.exercises.catalogue import get_exercise
from nntui.exercises.workspace import Workspace, default_workspace

from .conftest import SIZE, settle
from .reconfigure import check_reconfigured, lesson_folder

#: Keys that go from the pane to a field: past the person and preset Selects.
TO_LR = ("tab", "tab", "tab")
TO_SEED = TO_LR + ("tab",)


def _typed(to_field: tuple[str, ...], text: str) -> tuple[str, ...]:
    """Keys that replace a field's text with ``text`` (home, delete to the end), then go back to the pane."""
    return (*to_field, "ctrl+a", "ctrl+k", *text, "escape")


TYPE_LR = _typed(TO_LR, "2.5")  # a new learning rate: the status line goes blank
REFUSE_LR = _typed(TO_LR, "0")  # refused: the status line says why
TYPE_SEED = _typed(TO_SEED, "7")  # a new seed: new starting parameters (preset seed)


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # Updates applied (the old -> new list, the update box), another person, another preset.
        (
            "person=bob preset=seed lr=0.5",
            "person=bob preset=seed lr=0.5",
            ("u", "u", "c", "s", "m") + TYPE_LR,
        ),
        ("preset=seed", "preset=seed", ("u",) + TYPE_SEED),
        ("", "", REFUSE_LR),
        ("", "", ("s", "u", "c", "c")),  # preset trained: its note on the status line
        # Every setting different from the step before.
        (
            "person=alice preset=ones lr=0.1 seed=1",
            "person=diana preset=seed lr=0.7 seed=9",
            ("u",) + TYPE_LR,
        ),
        ("person=charlie preset=seed seed=3", "", ("u", "c", "m")),  # back to the defaults
        ("", "preset=trained lr=2", ("u", "s")),
    ],
    ids=[
        "same-after-updates-person-preset-lr",
        "same-after-new-seed",
        "same-after-refused-lr",
        "same-after-trained-note",
        "new-settings",
        "to-defaults",
        "to-trained",
    ],
)
async def test_the_ledger_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "ledger", first, second, keys)


async def test_the_learners_code_is_switched_off_and_its_answer_cleared(tmp_path):
    # With a passed backprop exercise, m really switches "my code" on and its answer shows.
    root = default_workspace(tmp_path / "walked-state")  # check_reconfigured's walked app's state
    root.mkdir(parents=True, exist_ok=True)
    exercise = get_exercise("backprop")
    workspace = Workspace(root)
    workspace.path(exercise).write_text(exercise.solution(), encoding="utf-8")
    workspace.mark_passed(exercise)
    seen, _ = await check_reconfigured(tmp_path, "ledger", "", "person=bob", ("m", "u"))
    mine = [widget for widget in seen["widgets"] if widget["id"] == "ledger-mine"]
    assert mine and mine[0]["text"] == ""


async def test_the_list_is_scrolled_back_to_the_top(tmp_path):
    lessons = lesson_folder(tmp_path / "lessons", [("ledger", ""), ("ledger", "person=bob")])
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        scroll = pane.query_one("#ledger-scroll")
        scroll.scroll_end(animate=False)
        await settle(pilot)
        assert scroll.scroll_y > 0  # the table is longer than the pane
        await pilot.press("right")
        await settle(pilot)
        assert app.screen.query_one(LedgerPane) is pane
        assert scroll.scroll_y == 0
