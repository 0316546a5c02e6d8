"""The attendee's side of the workshop room, on the real app against a fake hub.

The hub (``fake_room_hub.FakeHub``) is a Unix server in the test's event loop that speaks the
room's protocol: what the app sends is checked field by field, and what the hub says is shown
as an attendee would see it (a screen's text, the step they are on, the keys that work).
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest
from fake_room_hub import FakeHub
from textual.widgets import Static

from nntui.app.room import link
from nntui.app.room.attendee_views import CancelStuckScreen, PollView, RaceScreen, StuckScreen
from nntui.app.screens.lesson import LessonScreen
from nntui.app.tutor import Position
from nntui.app.widgets.checkpoint import AnswerInput, CheckpointWidget
from nntui.course.answers import answer

FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"


@pytest.fixture
async def hub(tmp_path):
    """A fake hub listening where a server's hub would."""
    (tmp_path / "room").mkdir()
    hub = await FakeHub(tmp_path / "room" / "hub.sock").start()
    yield hub
    await hub.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """Reconnect at once when the hub comes back (the real link waits up to 5 s)."""
    monkeypatch.setattr(link, "RETRY_FIRST", 0.02)
    monkeypatch.setattr(link, "RETRY_MOST", 0.05)


def screen_text(app) -> str:
    """Every character on the screen, line by line (what a person sees)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def toasts(app) -> list[str]:
    """The notifications on screen now."""
    return [notification.message for notification in app._notifications]


def room_app(build, hub, name="alice", **options):
    return build(room_socket=hub.path, room_via="ssh", attendee_name=name, **options)


async def hub_says(pilot, hub, message: dict) -> None:
    """The hub sends ``message``; returns once the app has handled it and drawn the result."""
    handled = asyncio.Event()
    room = pilot.app.room

    def done(received: dict) -> None:
        if received["t"] == message["t"]:
            handled.set()

    room.listeners.append(done)  # after the lesson screen's own listener
    try:
        await hub.send(message)
        await asyncio.wait_for(handled.wait(), 10)
    finally:
        room.listeners.remove(done)
    await pilot.pause()


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_answer(pilot, text: str) -> None:
    box = pilot.app.screen.query_one(AnswerInput)
    box.focus()
    await pilot.pause()
    box.value = ""
    await pilot.press(*text, "enter")
    await pilot.pause()


# -- what the app tells the hub ------------------------------------------------------------------


async def test_hello_then_where_on_every_step_shown(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        hello = await hub.wait_for("hello")
        assert hello == {"t": "hello", "role": "attendee", "name": "alice", "via": "ssh"}
        first = await hub.wait_for("where")
        assert first == {
            "t": "where",
            "lesson": 1,
            "step": 1,
            "label": "1.1",
            "title": "One neuron",
            "steps": 3,
            "own": True,
        }
        await pilot.press("right")
        second = await hub.wait_for("where", count=2)
        assert (second["label"], second["title"], second["own"]) == ("1.2", "A question", True)
        assert hub.messages[0]["t"] == "hello"  # hello first, always


async def test_joining_the_room_starts_no_thread(build, hub):
    # A hundred sessions on two cores: the connect happens in the app's loop, not in a pool.
    before = set(threading.enumerate())
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)):
        await hub.wait_for("where")
        assert set(threading.enumerate()) - before == set()


async def test_a_guest_says_hello_without_a_name(build, hub):
    app = build(room_socket=hub.path, room_via="web")
    async with app.run_test(size=(80, 24)):
        hello = await hub.wait_for("hello")
        assert hello["name"] is None and hello["via"] == "web"


async def test_every_answer_goes_to_the_room_with_the_computed_right_value(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await settle(pilot)
        check = app.tutor.step.checks[0]
        expected = answer(check)
        await type_answer(pilot, "0.5")
        wrong = await hub.wait_for("answer")
        assert wrong == {
            "t": "answer",
            "check": "out",
            "lesson": 1,
            "step": 2,
            "question": "What is the output?",
            "given": "0.5",
            "number": 0.5,
            "right": False,
            "expected": expected,
            "tolerance": 0.001,
        }
        await type_answer(pilot, "0.9991")
        right = await hub.wait_for("answer", count=2)
        assert (right["given"], right["number"], right["right"]) == ("0.9991", 0.9991, True)


# -- "I'm stuck" ---------------------------------------------------------------------------------


async def test_stuck_key_asks_for_help_and_shows_where_the_request_is(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, StuckScreen)
        await pilot.press(*"lost", "enter")
        assert (await hub.wait_for("help"))["text"] == "lost"
        assert isinstance(app.screen, LessonScreen)

        await hub_says(pilot, hub, {"t": "help_state", "state": "queued", "place": 3})
        assert "you are number 3 in the help queue" in screen_text(app)
        await hub_says(pilot, hub, {"t": "help_state", "state": "coming", "place": None})
        assert "your instructor is on the way" in screen_text(app)

        # ! again offers to take the request back.
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, CancelStuckScreen)
        await pilot.press("y")
        await hub.wait_for("help_cancel")
        await hub_says(pilot, hub, {"t": "help_state", "state": "done", "place": None})  # the hub's echo
        assert "Help:" not in screen_text(app)
        assert toasts(app).count("Your instructor is on the way.") == 1
        assert "Help request cancelled." in toasts(app)
        assert "Your help request is done." not in toasts(app)


async def test_stuck_prompt_cancelled_with_escape_sends_nothing(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press(*"oops", "escape")
        await pilot.pause()
        await pilot.press("right")  # the next message shows what was sent before it
        await hub.wait_for("where", count=2)
        assert not hub.of("help")


async def test_done_ends_the_notice(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await hub_says(pilot, hub, {"t": "help_state", "state": "queued", "place": 1})
        assert "number 1 in the help queue" in screen_text(app)
        await hub_says(pilot, hub, {"t": "help_state", "state": "done", "place": None})
        assert "help queue" not in screen_text(app)
        assert app.room.help_state is None
        assert "Your help request is done." in toasts(app)


async def test_in_the_answer_box_the_stuck_key_is_typed(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await settle(pilot)
        box = app.screen.query_one(AnswerInput)
        box.focus()
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert box.value == "!"
        assert isinstance(app.screen, LessonScreen)


# -- follow me -----------------------------------------------------------------------------------


async def test_follow_moves_then_b_goes_back_then_asks_after_own_navigation(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 1, "label": "2.1"})
        await settle(pilot)
        assert app.tutor.position == Position(1, 0)
        assert "Your instructor moved the room to 2.1; b goes back to where you were" in screen_text(app)
        moved = await hub.wait_for("where", label="2.1")
        assert moved["own"] is False

        # A reconnection's follow (the hub tells it again) keeps the way back.
        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 1, "label": "2.1"})
        assert "b goes back to where you were" in screen_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert app.tutor.position == Position(0, 0)
        assert "Your instructor" not in screen_text(app)
        assert (await hub.wait_for("where", count=2, label="1.1"))["own"] is True

        # Navigated on their own since the move: asked, not moved. n stays (it is not "next" now).
        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 2, "label": "2.2"})
        assert app.tutor.position == Position(0, 0)
        assert "Your instructor is at 2.2 - go there? y/n" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.tutor.position == Position(0, 0)
        assert "Your instructor" not in screen_text(app)

        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 2, "label": "2.2"})
        await pilot.press("y")
        await settle(pilot)
        assert app.tutor.position == Position(1, 1)
        assert "moved the room to 2.2" in screen_text(app)

        await hub_says(pilot, hub, {"t": "follow_off"})
        assert "Your instructor" not in screen_text(app)
        await pilot.press("n")  # next again with no question asked (here: the end of the course)
        await pilot.press("left")
        await settle(pilot)
        assert app.tutor.position == Position(1, 0)


async def test_follow_turned_on_again_moves_even_after_own_navigation(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await hub_says(pilot, hub, {"t": "follow", "lesson": 1, "step": 3, "label": "1.3"})
        await settle(pilot)
        await pilot.press("left")  # their own move
        await settle(pilot)
        await hub_says(pilot, hub, {"t": "follow_off"})
        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 1, "label": "2.1"})
        await settle(pilot)
        assert app.tutor.position == Position(1, 0)
        # b goes back to where they were before this move, not before the earlier one.
        await pilot.press("b")
        await settle(pilot)
        assert app.tutor.position == Position(0, 1)


async def test_on_a_narrow_screen_the_banner_wraps_and_keeps_its_keys(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(60, 20)) as pilot:
        await hub.wait_for("where")
        await hub_says(pilot, hub, {"t": "follow", "lesson": 2, "step": 1, "label": "2.1"})
        await settle(pilot)
        lines = [line.strip() for line in screen_text(app).splitlines()]
        start = lines.index("Your instructor moved the room to 2.1; b goes back to")
        assert lines[start + 1] == "where you were"


# -- the shown poll and race ---------------------------------------------------------------------


def poll_message(expected: float, **changes) -> dict:
    poll = {
        "t": "poll",
        "check": "out",
        "lesson": 1,
        "step": 2,
        "question": "What is the output?",
        "numbers": [0.5, 0.9991, 0.999, 0.2, 0.99],
        "expected": expected,
        "tolerance": 0.001,
        "right": 2,
        "wrong": 3,
        "waiting": 4,
        "shown": True,
    }
    return poll | changes


async def test_a_shown_poll_appears_under_its_checkpoint_and_goes_when_hidden(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        expected = answer(app.tutor.course.lessons[0].steps[1].checks[0])
        await hub_says(pilot, hub, poll_message(expected))
        assert not app.screen.query(PollView)  # its checkpoint is on another step

        await pilot.press("right")
        await settle(pilot)
        view = app.screen.query_one(PollView)
        checks = list(app.screen.query_one("#checks").children)
        assert checks.index(view) == checks.index(app.screen.query_one(CheckpointWidget)) + 1
        summary = str(view.query_one(".room-poll-summary", Static).content)
        assert "2 right, 3 wrong, 4 not answered yet." in summary
        assert "The right answer is 0.999" in summary and "the bar marked right" in summary

        await hub_says(pilot, hub, poll_message(expected, numbers=[0.1], right=0, wrong=1))
        assert "0 right, 1 wrong" in str(view.query_one(".room-poll-summary", Static).content)

        await hub_says(pilot, hub, {"t": "poll_hide", "check": "out"})
        assert not app.screen.query(PollView)

        # The room shows one poll at a time: showing another checkpoint's takes this one away.
        await hub_says(pilot, hub, poll_message(expected))
        assert app.screen.query(PollView)
        await hub_says(pilot, hub, poll_message(expected, check="later", lesson=2, step=1))
        assert not app.screen.query(PollView)


async def test_ask_again_opens_the_checkpoint_again_with_its_value_hidden(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        await settle(pilot)
        pane = app.screen.query_one("#pane-column").children[0]
        await type_answer(pilot, "0.9991")
        await settle(pilot)
        assert not app.screen.query_one(CheckpointWidget).is_open
        assert "output" not in pane.masked
        expected = answer(app.tutor.step.checks[0])
        await hub_says(pilot, hub, poll_message(expected))
        assert app.screen.query(PollView)

        await hub_says(pilot, hub, {"t": "poll_again", "check": "out"})
        await settle(pilot)
        widget = app.screen.query_one(CheckpointWidget)
        assert widget.is_open and widget.wrong_tries == 0
        assert "output" in pane.masked  # hidden again until answered again
        assert not app.screen.query(PollView)
        await type_answer(pilot, "0.5")
        assert (await hub.wait_for("answer", count=2))["right"] is False

        # Away and back before answering right: still open (progress says passed from before).
        await pilot.press("escape", "left")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert app.screen.query_one(CheckpointWidget).is_open
        await type_answer(pilot, "0.9991")
        await pilot.press("escape", "left")
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert not app.screen.query_one(CheckpointWidget).is_open


RACE = {
    "t": "race",
    "lesson": 1,
    "step": 1,
    "shown": True,
    "runs": [
        {"rate": 0.5, "seed": 0, "final_loss": 0.01, "outcome": "falls", "curve": [0.3, 0.1, 0.01]},
        {"rate": 0.5, "seed": 1, "final_loss": 0.02, "outcome": "falls", "curve": [0.3, 0.2, 0.02]},
        {"rate": 0.001, "seed": 0, "final_loss": 0.29, "outcome": "stuck", "curve": [0.3, 0.3, 0.29]},
        {"rate": 80, "seed": 0, "final_loss": None, "outcome": "diverged", "curve": [0.3, 0.5, None]},
    ],
}


async def test_a_shown_race_opens_over_the_lesson_and_closes_when_hidden(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await hub_says(pilot, hub, RACE)
        await settle(pilot)
        assert isinstance(app.screen, RaceScreen)
        text = screen_text(app)
        assert "The room's learning-rate race, step 1.1: 4 runs" in text
        assert "Best  lr 0.5: final loss 0.015 (2 runs)" in text
        assert "Worst lr 80: diverged (1 run)" in text
        await hub_says(pilot, hub, {"t": "race_hide"})
        assert isinstance(app.screen, LessonScreen)

        await hub_says(pilot, hub, RACE)
        await pilot.press("escape")  # the attendee may close it too
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        # ... and the room's next run does not open it again; shown anew, it opens.
        await hub_says(pilot, hub, RACE | {"runs": RACE["runs"] * 2})
        assert isinstance(app.screen, LessonScreen)
        await hub_says(pilot, hub, {"t": "race_hide"})
        await hub_says(pilot, hub, RACE)
        assert isinstance(app.screen, RaceScreen)


# -- training runs -------------------------------------------------------------------------------

TRAINING_LESSON = """---
title: Training
summary: Runs for the room's race.
---

## Train

Watch the loss fall.

```pane training lr=0.5 epochs=300 seed=1
```

## Too fast

A learning rate far too large.

```pane training lr=100 epochs=60 seed=0
```
"""


async def test_a_finished_training_run_goes_to_the_room_once(build, hub, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-training.md").write_text(TRAINING_LESSON)
    app = room_app(build, hub, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        run = await hub.wait_for("run")
        pane = app.screen.query_one("#pane-column").children[0]
        losses = pane.run.losses
        assert (run["lesson"], run["step"], run["rate"], run["seed"], run["epochs"]) == (1, 1, 0.5, 1, 300)
        assert run["outcome"] == "falls"
        assert len(run["curve"]) == 100  # 300 losses, spread over 100 points
        assert run["curve"][0] == losses[0] and run["curve"][-1] == losses[-1]
        assert run["final_loss"] == losses[-1]

        await pilot.press("right")
        await settle(pilot)
        fast = await hub.wait_for("run", count=2)
        assert (fast["rate"], fast["outcome"]) == (100, "diverged")
        await pilot.press("left")  # the step's own run again: not a new run for the race
        await settle(pilot)
        await pilot.press("right")
        await hub.wait_for("where", count=4)
        assert len(hub.of("run")) == 2


# -- a hub that is gone or stuck -----------------------------------------------------------------


async def test_no_hub_at_first_keys_work_and_the_link_joins_when_it_comes(build, tmp_path):
    (tmp_path / "room").mkdir()
    path = tmp_path / "room" / "hub.sock"
    app = build(room_socket=path, room_via="ssh", attendee_name="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        await settle(pilot)
        assert app.tutor.position == Position(0, 2)
        hub = await FakeHub(path).start()
        try:
            await hub.wait_for("hello")
            assert (await hub.wait_for("where"))["label"] == "1.3"  # where they are now
        finally:
            await hub.stop()


async def test_a_hub_that_vanishes_and_comes_back_gets_hello_and_where_again(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(80, 24)) as pilot:
        await hub.wait_for("where")
        await hub.stop()
        await pilot.press("right")
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press(*"help", "enter")  # kept until the hub is back
        await pilot.pause()
        assert app.tutor.position == Position(0, 1)

        back = await FakeHub(hub.path).start()
        try:
            assert (await back.wait_for("hello"))["name"] == "alice"
            assert (await back.wait_for("where"))["label"] == "1.2"
            assert (await back.wait_for("help"))["text"] == "help"
            # Where first: the hub files the kept help request under the right step.
            assert [m["t"] for m in back.messages] == ["hello", "where", "help"]
        finally:
            await back.stop()


async def test_a_hub_that_never_reads_does_not_slow_the_app(build, tmp_path):
    (tmp_path / "room").mkdir()
    stuck = await FakeHub(tmp_path / "room" / "hub.sock", reading=False).start()
    app = build(room_socket=stuck.path, room_via="ssh", attendee_name="alice")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await stuck.wait_connections(1)
            for _ in range(3000):  # far more than the socket and the link's limit hold
                app.room.link.send({"t": "help", "text": "x" * 400})
            await pilot.press("right")
            await settle(pilot)
            assert app.tutor.position == Position(0, 1)
            assert app.screen.query_one(CheckpointWidget)
    finally:
        await stuck.stop()


# -- without a room ------------------------------------------------------------------------------


async def test_without_a_room_nothing_of_it_is_there(build):
    app = build(room_socket=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.room is None
        assert "exclamation_mark" not in app.screen.active_bindings
        assert not app.screen.query("#room-lines")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        keys = {key for key, _, _ in app.screen.rows}
        assert "!" not in keys and "b" not in keys


async def test_in_a_room_the_help_lists_stuck_and_back(build, hub):
    app = room_app(build, hub)
    async with app.run_test(size=(100, 40)) as pilot:
        await hub.wait_for("where")
        await settle(pilot)
        assert "step 1/3 · stuck? press !" in screen_text(app)  # in the header
        await pilot.press("question_mark")
        await pilot.pause()
        keys = {key: does for key, does, _ in app.screen.rows}
        assert keys["!"] == "I'm stuck: ask your instructor for help (in a field ! is typed: Esc first)"
        assert keys["b"] == "after your instructor moved the room: back to where you were"
        assert "I'm stuck" in screen_text(app)


# -- exercises -----------------------------------------------------------------------------------


async def test_an_exercise_check_result_goes_to_the_room(build, hub, tmp_path, monkeypatch):
    from nntui.exercises import DISABLE_ENV

    monkeypatch.delenv(DISABLE_ENV, raising=False)
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    shutil.copy(FIXTURE_LESSONS / "01-first.md", lessons / "01-neurons.md")
    app = room_app(build, hub, lessons_dir=lessons)
    async with app.run_test(size=(100, 30)) as pilot:
        await hub.wait_for("where")
        app.action_exercises("sigmoid")
        await settle(pilot)
        screen = app.screen
        (screen.state_dir / "exercises" / "ex01_sigmoid.py").write_text("def sigmoid(x):\n    return x\n")
        screen.check_now()
        result = await hub.wait_for("exercise")
        assert result["exercise"] == "sigmoid" and result["ok"] is False
        assert result["case"] and "expected" in result["detail"]
