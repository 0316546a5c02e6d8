"""Every ```python block in the course runs, and prints exactly the ```output block after it.

Convention (documented in lessons/README.md): the python blocks of ONE lesson run in order in a
shared namespace, as if typed into one Python session, so a later block may use a function an
earlier block defined. Each lesson starts from an empty namespace. A python block followed
directly by an ```output block must print exactly that text.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from lesson_text import all_lessons

LESSONS = all_lessons()


def _python_blocks(lesson):
    blocks = lesson.blocks
    for i, block in enumerate(blocks):
        if block.kind == "python":
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            expected = following.body if following is not None and following.kind == "output" else None
            yield block, expected


def test_there_are_lessons_with_code():
    assert len(LESSONS) >= 9
    assert sum(1 for lesson in LESSONS for _ in _python_blocks(lesson)) >= 9


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_python_blocks_print_their_output(lesson):
    namespace: dict = {"__name__": f"lesson_{lesson.slug.replace('-', '_')}"}
    # Lessons must not depend on NumPy's print options left over from another lesson.
    with np.printoptions():
        for block, expected in _python_blocks(lesson):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block.body, f"{lesson.path.name}:{block.line}", "exec"), namespace)
            if expected is not None:
                assert out.getvalue() == expected, f"{lesson.path.name} line {block.line}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_output_block_follows_a_python_block(lesson):
    blocks = lesson.blocks
    for i, block in enumerate(blocks):
        if block.kind == "output":
            assert i > 0 and blocks[i - 1].kind == "python", f"{lesson.path.name} line {block.line}"
