"""What a learner meets at a checkpoint, on the shipped lessons at 80x24: graded against the
question's setup (named in the reply), the reply on screen, `s` shows the answer after a wrong
try, the text kept back until then, and the footer keeps its Enter/Esc keys while typing."""

from __future__ import annotations

import json

from nntui.app import AppConfig, make_app
from nntui.app.panes import Pane
from nntui.app.widgets.checkpoint import AnswerInput, CheckpointWidget
from nntui.app.widgets.number_field import NumberField
from nntui.course import default_lessons_dir, load_course
from nntui.progress import FILE_NAME

SIZE = (80, 24)


def step_asking(slug: str, check_id: str) -> int:
    """The step of lesson ``slug`` that asks checkpoint ``check_id`` (lessons gain steps)."""
    lesson = load_course(default_lessons_dir()).find(slug)
    return next(i for i, step in enumerate(lesson.steps) if any(c.id == check_id for c in step.checks))


def app_at(tmp_path, slug: str, check_id: str, passed: tuple[str, ...] = ()):
    """The app opened at the step of ``slug`` with the checkpoint ``check_id``."""
    step = step_asking(slug, check_id)
    state = tmp_path / "state"
    state.mkdir(parents=True, exist_ok=True)
    progress = {"lesson": slug, "step": step, "checkpoints": {slug: list(passed)} if passed else {}}
    (state / FILE_NAME).write_text(json.dumps(progress))
    return make_app(AppConfig(lessons_dir=default_lessons_dir(), state_dir=state))


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_answer(pilot, text: str) -> CheckpointWidget:
    widget = pilot.app.screen.query_one(CheckpointWidget)
    widget.query_one(AnswerInput).focus()
    await pilot.pause()
    await pilot.press(*text, "enter")
    await settle(pilot)
    return widget


def feedback(widget: CheckpointWidget) -> str:
    return str(widget.query_one(".check-feedback").render())


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey"))


def on_screen(app, widget) -> bool:
    return app.screen.region.contains_region(widget.region)


async def test_the_questions_setup_is_right_without_touching_the_pane(tmp_path):
    # Lesson 1 asks for the total with w1 = 1; the pane starts at w1 = 0 (total 7).
    app = app_at(tmp_path, "01-neurons", "total")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(Pane).live_values()["total"] == 7
        widget = await type_answer(pilot, "9")
        assert widget.passed
        reply = feedback(widget)
        assert reply.startswith("Right, for w = [1, 1], b = 4, x = [2, 3]: total = 9.")
        assert "press r" in reply  # the pane shows other numbers: the reply says so
        assert on_screen(app, widget.query_one(".check-feedback"))


async def test_a_wrong_answer_names_the_setup_keeps_the_hint_and_r_sets_the_pane_up(tmp_path):
    app = app_at(tmp_path, "01-neurons", "total")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        widget = await type_answer(pilot, "7")  # the pane's number, not the question's
        reply = feedback(widget)
        assert not widget.passed
        assert reply.startswith("Not quite (for w = [1, 1], b = 4, x = [2, 3]). Hint: ")
        assert "9" not in reply.replace("[", " ")  # the answer stays hidden after one try
        assert "it is not at the question's setup (press r to set it up)" in reply
        assert on_screen(app, widget.query_one(".check-feedback"))
        assert widget.border_title == "Check: not quite"
        await pilot.press("r")  # typed in the answer box: not a number, so the checkpoint's key
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        assert pane.live_values()["total"] == 9
        assert widget.query_one(AnswerInput).value == "7"  # "r" was not typed into the answer


async def test_two_wrong_answers_show_the_answer_with_its_setup(tmp_path):
    app = app_at(tmp_path, "01-neurons", "total")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_answer(pilot, "7")
        widget = app.screen.query_one(CheckpointWidget)
        widget.query_one(AnswerInput).value = ""
        await type_answer(pilot, "8")
        answer = "The answer for w = [1, 1], b = 4, x = [2, 3]: total = 9."
        assert feedback(widget).startswith(f"Not quite. {answer}")
        assert widget.shown and not widget.passed


async def test_show_me_after_a_wrong_try_reveals_the_text_and_the_panes_value(tmp_path):
    # Lesson 2 step 2: "f(3) = 0.9526" waits in a reveal block, and the pane hides h1.
    app = app_at(tmp_path, "02-networks", "h1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = app.screen.query_one("#step-text")
        pane = app.screen.query_one(Pane)
        assert "0.9526" not in text.source and "h1" in pane.masked
        widget = await type_answer(pilot, "0.5")
        await pilot.press("s")
        await settle(pilot)
        assert feedback(widget).startswith("The answer for weights = [0, 1, 0, 1, 0, 1]")
        assert "f(3) = 0.9526" in text.source
        assert pane.masked == {"output"}  # h1 shows; the next step's question stays hidden
        assert on_screen(app, widget.query_one(".check-feedback"))


async def test_the_checkpoints_keys_fit_the_footer_at_80_columns(tmp_path):
    app = app_at(tmp_path, "02-networks", "h1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_answer(pilot, "0.5")
        keys = footer_text(app)
        assert "Enter Answer" in keys and "r Set up pane" in keys and "s Show me" in keys
        assert "Esc Back to pane" in keys
        assert len(keys) <= SIZE[0], keys


async def test_other_letters_are_typed_not_taken_as_the_lessons_keys(tmp_path):
    app = app_at(tmp_path, "01-neurons", "total")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        widget = await type_answer(pilot, "nine")  # n is Next, q Quit, t Contents elsewhere
        assert (
            app.tutor.position.step == step_asking("01-neurons", "total")
            and app.screen.query_one(CheckpointWidget) is widget
        )
        assert widget.query_one(AnswerInput).value == "nine"
        assert feedback(widget) == "Please type a number, like 0.5 or -3."


async def test_show_me_needs_a_wrong_try_first(tmp_path):
    app = app_at(tmp_path, "02-networks", "h1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        widget = app.screen.query_one(CheckpointWidget)
        widget.query_one(AnswerInput).focus()
        await pilot.pause()
        assert "Show me" not in footer_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert not widget.shown and "h1" in app.screen.query_one(Pane).masked


async def test_a_checkpoint_passed_before_starts_revealed(tmp_path):
    app = app_at(tmp_path, "02-networks", "h1", passed=("h1",))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "f(3) = 0.9526" in app.screen.query_one("#step-text").source
        # h1 (and h2, equal to it) show; only what the next step asks (the output) stays hidden.
        assert app.screen.query_one(Pane).masked == {"output"}


async def test_the_footer_keeps_enter_and_esc_while_typing(tmp_path):
    app = app_at(tmp_path, "01-neurons", "total")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(CheckpointWidget).query_one(AnswerInput).focus()
        await settle(pilot)
        keys = footer_text(app)
        assert "Enter Answer" in keys and "Esc Back to pane" in keys and "r Set up pane" in keys
        app.screen.query_one(NumberField).input.focus()
        await settle(pilot)
        keys = footer_text(app)
        assert "Enter Set" in keys and "Esc Back to pane" in keys
        assert len(keys) <= SIZE[0]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen.focused, Pane)
        assert "Esc" not in footer_text(app)  # the pane's own keys are listed again
