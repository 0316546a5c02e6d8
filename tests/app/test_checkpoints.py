"""Predict first, then see: for every checkpoint of the shipped course, on the real app.

The checkpoints are read from the course (computed, not listed by hand): before the learner
answers, the answer (at the precision its tolerance implies) is nowhere on the screen at 80x24
or 120x40, the pane's own value included; a learner who has pressed every pane key and nudged
every field, then types the answer to the question's stated setup, is marked right; the answer
is then on screen; `r` in the answer box puts the pane in the question's setup.
"""

from __future__ import annotations

import json

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.panes import Pane
from nntui.app.widgets.checkpoint import AnswerInput, CheckpointWidget
from nntui.app.widgets.number_field import NumberField
from nntui.course import default_lessons_dir, load_course
from nntui.course.answers import answer, answer_given_away, answer_text
from nntui.progress import FILE_NAME

COURSE = load_course(default_lessons_dir())
CASES = [
    pytest.param(lesson.slug, index, check, id=f"{lesson.slug}-{check.id}")
    for lesson in COURSE.lessons
    for index, step in enumerate(lesson.steps)
    for check in step.checks
]
SIZES = ((80, 24), (120, 40))


def screen_text(app) -> str:
    """Every character on the screen, line by line (what a person sees)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def split_screen(app) -> tuple[str, str]:
    """(the screen without the pane column, the pane column): where a number is shown."""
    region = app.screen.query_one("#pane-column").region
    rest, pane = [], []
    for y, line in enumerate(screen_text(app).split("\n")):
        inside = region.y <= y < region.bottom
        left, middle, right = line[: region.x], line[region.x : region.right], line[region.right :]
        rest.append(left + " " * len(middle) + right if inside else line)
        pane.append(middle if inside else "")
    return "\n".join(rest), "\n".join(pane)


def app_at(tmp_path, slug: str, step: int):
    """The app on the shipped course, opened at ``step`` of lesson ``slug``."""
    state = tmp_path / "state"
    state.mkdir(parents=True, exist_ok=True)
    (state / FILE_NAME).write_text(json.dumps({"lesson": slug, "step": step}))
    return make_app(AppConfig(lessons_dir=default_lessons_dir(), state_dir=state))


async def settle(pilot) -> None:
    """Let messages land and every worker (training runs) finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def checkpoint(app, check_id: str) -> CheckpointWidget:
    return next(w for w in app.screen.query(CheckpointWidget) if w.check.id == check_id)


def pane_of(app, check) -> Pane:
    return list(app.screen.query_one("#pane-column").children)[check.pane_index]


async def change_everything(pilot, pane: Pane) -> None:
    """Press every key the pane lists and nudge every field it has: the pane is far from the step's."""
    for binding in type(pane).BINDINGS:
        pane.focus()
        await pilot.pause()
        await pilot.press(binding.key.split(",")[0])
        await settle(pilot)
    for field in pane.query(NumberField):
        field.input.focus()
        await pilot.pause()
        await pilot.press("shift+up")
        await settle(pilot)


@pytest.mark.parametrize(("slug", "step", "check"), CASES)
async def test_the_answer_is_hidden_until_answered_whatever_the_pane_shows(tmp_path, slug, step, check):
    app = app_at(tmp_path, slug, step)
    async with app.run_test(size=SIZES[1]) as pilot:
        await settle(pilot)
        expected = answer(check, app.shared.seed)
        typed = answer_text(expected, check.tolerance)
        pane_leaks = []
        for size in reversed(SIZES):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            text, pane = split_screen(app)
            shown = answer_given_away(text, expected, check.tolerance)
            where = f"{check.id} ({typed}) at {size} before answering"
            assert shown is None, f"{where}: in the text as {shown}"
            shown = answer_given_away(pane, expected, check.tolerance)
            if shown:
                pane_leaks.append(f"{where}: in the pane as {shown}\n{pane}")

        await change_everything(pilot, pane_of(app, check))
        widget = checkpoint(app, check.id)
        widget.query_one(AnswerInput).focus()
        await pilot.pause()
        await pilot.press(*typed, "enter")
        await settle(pilot)
        assert widget.passed, str(widget.query_one(".check-feedback").render())

        # The reply is on screen at 80x24, not below it.
        feedback = widget.query_one(".check-feedback")
        assert app.screen.region.contains_region(feedback.region), feedback.region
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert answer_given_away(screen_text(app), expected, check.tolerance), (
                f"{check.id} ({typed}) is not on screen at {size} after the right answer"
            )

        await pilot.press("r")  # in the answer box: the pane takes the question's setup
        await settle(pilot)
        live = pane_of(app, check).live_values()[check.value]
        assert live == pytest.approx(expected, abs=check.tolerance)

    assert not pane_leaks, "\n".join(pane_leaks)
