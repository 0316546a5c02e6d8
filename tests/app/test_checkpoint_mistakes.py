"""A wrong answer gets the hint aimed at the mistake the learner most likely made (the check
block's ``mistake`` lines), a sign flip gets the sign hint, anything else the general hint."""

from __future__ import annotations

import json

from nntui.app import AppConfig, make_app
from nntui.app.widgets.checkpoint import AnswerInput, CheckpointWidget
from nntui.course import default_lessons_dir
from nntui.course.mistakes import SIGN_HINT
from nntui.progress import FILE_NAME

SIZE = (80, 24)


def app_at(tmp_path, slug: str, check_id: str):
    """The app on the shipped course, opened at the step of ``slug`` that asks ``check_id``."""
    from nntui.course import load_course

    lesson = load_course(default_lessons_dir()).find(slug)
    step = next(i for i, s in enumerate(lesson.steps) if any(c.id == check_id for c in s.checks))
    state = tmp_path / "state"
    state.mkdir(parents=True, exist_ok=True)
    (state / FILE_NAME).write_text(json.dumps({"lesson": slug, "step": step, "checkpoints": {}}))
    return make_app(AppConfig(lessons_dir=default_lessons_dir(), state_dir=state))


async def answer_with(pilot, text: str) -> str:
    """Type ``text`` into the (only) checkpoint and return its reply."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    widget = pilot.app.screen.query_one(CheckpointWidget)
    box = widget.query_one(AnswerInput)
    box.value = ""
    box.focus()
    await pilot.pause()
    await pilot.press(*text, "enter")
    await pilot.pause()
    return str(widget.query_one(".check-feedback").render())


async def test_forgetting_the_bias_gets_the_bias_hint(tmp_path):
    # 01: the total for w = [1, 1], b = 4, x = [2, 3] is 9; without the bias it is 5.
    async with app_at(tmp_path, "01-neurons", "total").run_test(size=SIZE) as pilot:
        reply = await answer_with(pilot, "5")
        assert "Hint: You left out the bias" in reply
        assert "9" not in reply.replace("[", " ")  # the aimed hint does not give the answer away


async def test_keeping_the_panes_starting_weights_gets_that_hint(tmp_path):
    # 01: the pane starts at w1 = 0 (total 7); the question sets w1 = 1.
    async with app_at(tmp_path, "01-neurons", "total").run_test(size=SIZE) as pilot:
        reply = await answer_with(pilot, "7")
        assert "Hint: That is the total with w1 = 0, where the pane starts" in reply


async def test_giving_the_total_instead_of_the_sigmoid_gets_the_total_hint(tmp_path):
    # 02: h1 is the sigmoid of its total 3; a learner who stops at the total types 3.
    async with app_at(tmp_path, "02-networks", "h1").run_test(size=SIZE) as pilot:
        reply = await answer_with(pilot, "3")
        assert "Hint: That is h1's total; h1 is the sigmoid of it." in reply


async def test_a_flipped_sign_gets_the_sign_hint_and_anything_else_the_general_hint(tmp_path):
    # 04: d_L_d_ypred for Alice is -0.9526; its check has no mistake line for the sign.
    async with app_at(tmp_path, "04-backpropagation", "dldy").run_test(size=SIZE) as pilot:
        reply = await answer_with(pilot, "0.9526")
        assert f"Hint: {SIGN_HINT}" in reply
        widget = pilot.app.screen.query_one(CheckpointWidget)
        assert reply.count("Hint:") == 1 and widget.is_open
        assert widget.hint_for(0.3) == widget.check.hint  # no usual mistake: the general hint
