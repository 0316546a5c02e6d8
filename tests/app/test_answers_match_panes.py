"""A checkpoint's answer is computed by the course, not read off the pane; so the two cannot drift,
a pane freshly built with the question's setup (and its update key pressed ``steps`` times) must
show the same live value as the computed answer. Every checkpoint of the course, plus setups
that reach the branches the course does not use, on every pane type that can be asked about.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.app import AppConfig, make_app
from nntui.app.panes import Pane
from nntui.course import PANE_TYPES, default_lessons_dir, load_course
from nntui.course.answers import answer_for, question_settings, unanswerable

COURSE_CASES = [
    (check.pane, question_settings(check), check.value, check.steps)
    for lesson in load_course(default_lessons_dir()).lessons
    for step in lesson.steps
    for check in step.checks
]
EXTRA_CASES = [
    ("neuron", {"w": [-1.5, 2.0], "b": -0.5, "x": [1.0, 0.25], "activation": "tanh"}, "output", 0),
    ("loss", {"predictor": "network", "shift": "mean", "seed": 3}, "error_diana", 0),
    ("ledger", {"person": "bob", "preset": "seed", "seed": 7, "lr": 0.5}, "d_L_d_w4", 2),
    ("descent", {"param": "b1", "preset": "ones", "seed": 0, "lr": 0.3}, "param_value", 3),
    ("training", {"lr": 0.5, "epochs": 200, "seed": 2, "shift": "mean"}, "frank", 0),
    ("matrix", {"hidden": 3, "iterations": 300, "lr": 0.5, "seed": 4, "activation": "tanh"}, "pred_2", 0),
    ("activations", {"lr": 0.2, "epochs": 100, "seed": 1}, "final_loss_relu", 0),
]
CASES = [
    pytest.param(pane, settings, value, steps, id=f"{pane}-{value}-{index}")
    for index, (pane, settings, value, steps) in enumerate(COURSE_CASES + EXTRA_CASES)
]


def test_every_pane_type_a_check_can_ask_about_is_compared():
    answerable = {name for name, spec in PANE_TYPES.items() if not unanswerable(name, spec.defaults(), "")}
    assert {pane for pane, *_ in COURSE_CASES + EXTRA_CASES} == answerable


def _written(value) -> str:
    if isinstance(value, list):
        return "[" + ",".join(repr(item) for item in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _lesson(folder: Path, pane: str, settings: dict) -> Path:
    folder.mkdir(parents=True)
    written = " ".join(f"{key}={_written(value)}" for key, value in settings.items())
    text = f"---\ntitle: T\n---\n\n## Step\n\nThe pane.\n\n```pane {pane} {written}\n```\n"
    (folder / "01-t.md").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("pane_type", "settings", "value", "steps"), CASES)
async def test_a_fresh_pane_with_the_questions_setup_shows_the_computed_answer(
    tmp_path, pane_type, settings, value, steps
):
    lessons = _lesson(tmp_path / "lessons", pane_type, settings)
    app = make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.screen.query_one(Pane)
        assert pane.settings == settings
        for _ in range(steps):
            await pane.run_action("update" if pane_type == "ledger" else "step")
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        live = pane.live_values()[value]
    assert live == pytest.approx(answer_for(pane_type, settings, value, steps), rel=1e-9, abs=1e-12)
