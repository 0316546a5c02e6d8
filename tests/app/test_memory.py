"""Memory stays flat: walking the course again keeps nothing more than the first walk did.

A workshop session walks through every step, back and forth, for an hour: whatever Textual or
nntui keeps per visited step adds up in every one of a hundred sessions on one host. The walk
here is the shipped course's first three lessons (three kinds of pane, checkpoints, plots), at
80x24 like a workshop terminal: forth, back and forth again. The first walk may fill bounded
caches and import the panes; the second has nothing new to see, so what it adds is a leak.
"""

from __future__ import annotations

import gc
import os
import sys
import weakref
from pathlib import Path

import pytest
from rich.cells import cached_cell_len
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region

from nntui.app import AppConfig, make_app
from nntui.app.upkeep import trim_render_caches, unpin_styles_caches

COURSE = Path(__file__).resolve().parents[2] / "lessons"
#: Lessons walked: enough to visit three kinds of pane (neuron, network, loss) and checkpoints.
LESSONS = 3

#: Bound on the Python memory blocks the second walk may add (pymalloc blocks are objects of
#: up to 512 bytes: strips, segments, styles). Textual's bounded caches still take new entries
#: on a second walk (2 000 to 2 300 blocks measured); when Textual's colour cache kept every removed
#: widget's drawn lines (``unpin_styles_caches``), the second walk kept 63 000 more.
MAX_NEW_BLOCKS = 8_000
#: The issue's bound on what a second walk may add to the resident size (1.6 MB measured on
#: this walk, 5.2 MB with the colour cache keeping the lines).
MAX_RSS_GROWTH_MB = 3.0


def resident_mb() -> float:
    """This process's resident set size in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_now() -> tuple[int, float]:
    """(Python memory blocks in use, resident MB), after a full collection."""
    gc.collect()
    return sys.getallocatedblocks(), resident_mb()


async def walk(app, pilot, key: str, changes: int) -> None:
    """Press ``key`` ``changes`` times, each time until the step and its pane's work are done."""
    for _ in range(changes):
        await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()  # a step's training run, say, before the next key
        await pilot.pause()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident size from /proc")
async def test_a_second_walk_through_the_course_keeps_no_more_memory(tmp_path):
    app = make_app(AppConfig(lessons_dir=COURSE, state_dir=tmp_path / "state"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        changes = sum(len(lesson.steps) for lesson in app.tutor.course.lessons[:LESSONS]) - 1
        await walk(app, pilot, "right", changes)
        assert app.tutor.position.lesson == LESSONS - 1  # the walk reached the last lesson walked
        blocks_first, rss_first = memory_now()
        await walk(app, pilot, "left", changes)
        assert app.tutor.at_start
        await walk(app, pilot, "right", changes)
        blocks_second, rss_second = memory_now()

    new_blocks = blocks_second - blocks_first
    rss_growth = rss_second - rss_first
    assert new_blocks <= MAX_NEW_BLOCKS, f"the second walk kept {new_blocks} more Python blocks"
    assert rss_growth < MAX_RSS_GROWTH_MB, f"the second walk grew the process by {rss_growth:.1f} MB"


def test_textuals_colour_cache_keeps_no_widgets_drawn_lines():
    unpin_styles_caches()
    unpin_styles_caches()  # twice is once
    lines = StylesCache()  # a widget's drawn lines
    base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
    inner, outer = lines.get_inner_outer(base, background)
    assert (inner.background, outer.background) == (base + background, base)
    assert lines.get_inner_outer(base, background) == (inner, outer)  # still cached
    gone = weakref.ref(lines)
    del lines
    gc.collect()
    assert gone() is None, "the colour cache kept a widget's drawn lines"


def test_a_step_change_empties_render_caches_only_once_they_are_large():
    cached_cell_len.cache_clear()
    Region.intersection.cache_clear()
    for width in range(20):
        cached_cell_len("x" * width)
    Region(0, 0, 5, 5).intersection(Region(1, 1, 5, 5))
    assert trim_render_caches(limit=10) >= 1
    assert cached_cell_len.cache_info().currsize == 0  # 20 entries: emptied
    assert Region.intersection.cache_info().currsize == 1  # 1 entry: kept
