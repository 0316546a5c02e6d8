"""`--ask-name`: the name prompt appears when no name is known, checks the name, saves it, goes on."""

from __future__ import annotations

import json

import pytest

from nntui.app.screens.lesson import LessonScreen
from nntui.app.screens.name import NameScreen
from nntui.cli import build_parser
from nntui.cli.app_cmd import config_from_args
from nntui.progress import FILE_NAME, ProgressStore


def test_ask_name_option_reaches_the_config():
    assert config_from_args(build_parser().parse_args(["--ask-name"])).ask_name is True
    assert config_from_args(build_parser().parse_args([])).ask_name is False


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [("Alice", "no capitals"), ("bob smith", "no spaces"), ("x" * 33, "At most 32"), ("é", "a-z, 0-9")],
)
async def test_a_bad_name_gets_a_one_line_message_then_a_good_one_goes_on(build, state_dir, typed, complaint):
    app = build(ask_name=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)  # still asking
        message = str(app.screen.query_one("#name-error").render())
        assert complaint in message and "\n" not in message
        app.screen.query_one("#name-input").value = ""
        await pilot.pause()
        assert str(app.screen.query_one("#name-error").render()) == ""  # typing clears it
        await pilot.press(*"alice_2-b", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.title.startswith("1.") and app.sub_title == "step 1/3"
    assert json.loads((state_dir / FILE_NAME).read_text())["name"] == "alice_2-b"


async def test_no_prompt_when_the_name_is_known(build, state_dir):
    ProgressStore(state_dir).update(lambda progress: setattr(progress, "name", "carol"))
    app = build(ask_name=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_no_prompt_without_ask_name_and_escape_skips(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
    app = build(ask_name=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
    assert ProgressStore(state_dir).load().name == ""


async def test_a_claimed_name_is_refused_with_the_claims_reason_then_another_is_granted():
    from nntui.app.screens.name import SKIPPED, NamePromptApp

    asked: list[str] = []

    def claim(name: str) -> str | None:
        asked.append(name)
        return "someone is already connected as 'mallory'" if name == "mallory" else None

    app = NamePromptApp("Room 4", claim)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"Bad", "enter")  # invalid names never reach the claim
        await pilot.pause()
        app.screen.query_one("#name-input").value = ""
        await pilot.press(*"mallory", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        message = str(app.screen.query_one("#name-error").render())
        assert message == "Someone is already connected as 'mallory'."
        app.screen.query_one("#name-input").value = ""
        await pilot.press(*"oscar", "enter")
        await pilot.pause()
    assert app.return_value == "oscar" and asked == ["mallory", "oscar"]

    app = NamePromptApp("Room 4", claim)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value == SKIPPED
