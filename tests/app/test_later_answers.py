"""A step never shows the answer to a later step's checkpoint before the learner gets there.

A pane often shows, one step early, the number the next step asks to predict (lesson 2 draws
the network's output before its output neuron is explained; lesson 6 shows Emily's probability
while training is taught). Found from the course, not listed by hand: every earlier step of the
same lesson whose pane, as built, shows a later checkpoint's value at its answer.
"""

from __future__ import annotations

import pytest
from test_checkpoints import COURSE, SIZES, app_at, settle, split_screen

from nntui.app.panes import Pane, pane_settings
from nntui.course.answers import answer, answer_text, compute_values


def _early_views():
    for lesson in COURSE.lessons:
        for later, step in enumerate(lesson.steps):
            for check in step.checks:
                expected = answer(check)
                for earlier in range(later):
                    for spec in lesson.steps[earlier].panes:
                        if spec.type != check.pane:
                            continue
                        shown = compute_values(spec.type, pane_settings(spec), 0).get(check.value)
                        if shown is not None and abs(shown - expected) <= check.tolerance:
                            yield pytest.param(
                                lesson.slug, earlier, check, id=f"{lesson.slug}-{earlier + 1}-{check.id}"
                            )


EARLY_VIEWS = list(_early_views())


def test_the_course_has_such_steps():
    # The cases below are found, not listed: this keeps the search honest.
    assert len(EARLY_VIEWS) >= 3


@pytest.mark.parametrize("slug, step, check", EARLY_VIEWS)
async def test_a_later_answer_is_hidden_on_an_earlier_step(tmp_path, slug, step, check):
    text = answer_text(answer(check), check.tolerance)
    app = app_at(tmp_path, slug, step)
    async with app.run_test(size=SIZES[0]) as pilot:
        await settle(pilot)
        pane = next(p for p in app.screen.query(Pane) if p.PANE_TYPE == check.pane)
        assert check.value in pane.masked
        _, pane_text = split_screen(app)
        assert text not in pane_text, f"{check.id}'s answer {text} is on step {step + 1}'s pane"
