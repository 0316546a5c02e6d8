"""Helpers for the pane tests: a one-step lesson per pane, built through the real app factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.app import AppConfig, make_app

SIZE = (80, 24)


def write_lesson(folder: Path, pane: str, settings: str = "") -> Path:
    """A lessons folder with one lesson of one step that shows ``pane`` with ``settings``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        f"---\ntitle: Pane test\n---\n\n## The {pane} pane\n\nLook at the pane.\n\n"
        f"```pane {pane} {settings}\n```\n"
    )
    (folder / "01-pane.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def pane_app(tmp_path):
    """Build the app on a lesson whose only step shows one pane: ``pane_app("ledger", "person=bob")``."""

    def _build(pane: str, settings: str = ""):
        lessons = write_lesson(tmp_path / "lessons", pane, settings)
        return make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))

    return _build


async def settle(pilot) -> None:
    """Let posted messages land and every worker finish, then let their last messages land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot, field, text: str) -> None:
    """Focus ``field`` (a NumberField), replace its text with ``text`` and let it settle."""
    field.input.focus()
    await pilot.pause()
    field.input.value = ""
    await pilot.press(*text) if text else None
    await pilot.pause()
