"""The course's shape: the lesson format of the team contract, and the course's own rules.

* `nntui lessons check lessons/` (the app's validator) reports no problems.
* Independently of that validator: front matter, nine-ish lessons of 4-8 steps, every step
  with one or two panes whose type and settings the pane schema accepts, and checkpoints
  with every field, unique ids, and a ``value`` that the step's pane type really exposes.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from lesson_text import LESSONS_DIR, all_lessons, parse_check, parse_settings

from nntui.core.data import TRAINING_PEOPLE
from nntui.core.network import Params
from nntui.core.trace import backprop_trace
from nntui.course.panes import PANE_TYPES, SettingError, parse_value, validate_settings

LESSONS = all_lessons()
CHECK_KEYS = {"id", "question", "value", "setup", "tolerance", "hint"}
# The schema describes two panes' live values by a pattern; the exact names come from the core.
EXACT_LIVE_VALUES = {
    "ledger": set(backprop_trace(Params.ones(), [-2, -1], 1.0).values()),
    "loss": {"mse"} | {f"error_{person.name.lower()}" for person in TRAINING_PEOPLE},
}


def _exposes(pane_type: str, value: str) -> bool:
    if pane_type in EXACT_LIVE_VALUES:
        return value in EXACT_LIVE_VALUES[pane_type]
    return PANE_TYPES[pane_type].has_live_value(value)


def test_nntui_lessons_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "nntui", "lessons", "check", str(LESSONS_DIR)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_the_course_has_nine_lessons_in_order():
    slugs = [lesson.slug for lesson in LESSONS]
    assert len(slugs) == 9
    assert [int(slug[:2]) for slug in slugs] == list(range(1, 10))
    # The app developer's placeholder name is kept for the first lesson.
    assert slugs[0] == "01-neurons"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_front_matter_and_step_count(lesson):
    assert lesson.front.get("title"), "title is required"
    assert lesson.front.get("summary"), "every lesson has a one-line summary"
    assert not lesson.preamble, f"text before the first step: {lesson.preamble[:1]}"
    assert 4 <= len(lesson.steps) <= 8, f"{len(lesson.steps)} steps"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_step_has_one_or_two_valid_panes(lesson):
    for step in lesson.steps:
        panes = [block for block in step.blocks if block.kind == "pane"]
        assert 1 <= len(panes) <= 2, f"{lesson.slug} step {step.title!r} has {len(panes)} panes"
        for block in panes:
            pane_type, raw = parse_settings(block)
            assert pane_type in PANE_TYPES, f"{lesson.slug}:{block.line}: unknown pane {pane_type!r}"
            try:
                values = {key: parse_value(text) for key, text in raw.items()}
            except SettingError as error:
                pytest.fail(f"{lesson.slug}:{block.line}: {error}")
            _, problems = validate_settings(pane_type, values)
            assert not problems, f"{lesson.slug}:{block.line}: {problems}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_checkpoints_are_complete_and_ask_for_a_live_value_of_their_pane(lesson):
    ids = set()
    for step in lesson.steps:
        checks = [block for block in step.blocks if block.kind == "check"]
        panes = [parse_settings(block)[0] for block in step.blocks if block.kind == "pane"]
        for block in checks:
            fields = parse_check(block.body)
            assert CHECK_KEYS <= set(fields) <= CHECK_KEYS | {"steps", "mistake"}, (
                f"{lesson.slug}:{block.line}: fields {sorted(fields)}"
            )
            assert fields["id"] not in ids, f"{lesson.slug}: duplicate checkpoint id {fields['id']}"
            ids.add(fields["id"])
            assert float(fields["tolerance"]) > 0
            assert fields["question"].endswith("?"), "a checkpoint asks a question"
            # design.md: value names a live value of the step's pane (pane.live_values()[value]).
            assert any(_exposes(p, fields["value"]) for p in panes), (
                f"{lesson.slug}:{block.line}: {fields['value']!r} is not a live value of {panes}"
            )


def test_most_lessons_have_checkpoints():
    with_checks = [lesson.slug for lesson in LESSONS if any(b.kind == "check" for b in lesson.blocks)]
    assert len(with_checks) >= 8, with_checks


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_no_unknown_fenced_blocks(lesson):
    # Only the kinds the app knows or shows: panes, checks, numbers, python and its output.
    for block in lesson.blocks:
        assert block.kind in {"pane", "check", "numbers", "python", "output"}, (
            f"{lesson.slug}:{block.line}: {block.info}"
        )
