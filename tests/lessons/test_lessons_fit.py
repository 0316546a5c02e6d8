"""Every code block of the course fits the text column of an 80x24 terminal.

The usual SSH terminal is 80x24; there the step's text shares the width with its pane and a
code block gets about 38 columns. A longer line is cut off (a code block never wraps), and the
learner sees code cut off mid-expression with nothing to say so. This walks the real app at
80x24 through every step and asserts that every line of every code block on screen (fenced or
indented) fits.
"""

from __future__ import annotations

import pytest
from lesson_text import LESSONS_DIR, all_lessons

from nntui.app import AppConfig, make_app
from nntui.app.widgets.step_text import CODE_INDENT, StepText, code_blocks


@pytest.mark.parametrize("lesson", all_lessons(), ids=lambda lesson: lesson.path.stem)
async def test_code_blocks_fit_at_80x24(lesson, tmp_path):
    app = make_app(AppConfig(lessons_dir=LESSONS_DIR, start_lesson=lesson.path.stem, state_dir=tmp_path))
    too_wide = []
    async with app.run_test(size=(80, 24)) as pilot:
        for index, step in enumerate(lesson.steps):
            if index:
                await pilot.press("right")
            await pilot.pause()
            # The step on screen is the one whose blocks we are about to judge.
            assert app.sub_title == f"step {index + 1}/{len(lesson.steps)}"
            text = app.screen.query_one(StepText)
            # A block is indented on the left; only its right padding may be given up.
            room = text.content_region.width - CODE_INDENT
            for code in code_blocks(text.source):
                widest = max(code.splitlines(), key=len)
                if len(widest) > room:
                    too_wide.append(
                        f"{lesson.path.name}, step {index + 1} ({step.title}): {len(widest)} columns "
                        f"in {room}: {widest.strip()!r}"
                    )
    assert not too_wide, "\n".join(too_wide)
