"""Walk every step of every lesson in the real app, in a pseudo-terminal of 80x24.

The real ``python -m nntui`` runs under pexpect; its output is fed to a pyte screen, and at
every step the test waits (with timeouts, never fixed sleeps) until the header names that
lesson and step and the step's title is on screen, lets the pane settle (its training
workers finish), and then fails on any of:

* the app exiting, or "Traceback" anywhere on the screen;
* an error notification: Textual draws a toast's left edge as "▌" in the severity's colour,
  and an error's is the red one (information is green, warnings yellow);
* a pane that could not be shown (the lesson screen's "pane: ..." placeholder), or a step
  whose pane border never appears.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest
from lesson_text import LESSONS_DIR, all_lessons

pytestmark = pytest.mark.e2e

COLUMNS, ROWS = 80, 24
# "n" is the lesson screen's other Next key. The arrow is not used because a focused scrollable
# (the text column, a wide table) binds Right to scroll sideways, which hides the screen's Next.
NEXT = "n"
BAD_PHRASES = ("Traceback", "cannot load", "unknown pane type", "has no Pane subclass")


class Terminal:
    """A pexpect child whose output is rendered on an 80x24 pyte screen."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        env.pop("NNTUI_STATE_DIR", None)
        env.pop("NNTUI_LESSONS_DIR", None)
        self.child = pexpect.spawn(args[0], args[1:], dimensions=(ROWS, COLUMNS), env=env, cwd=str(cwd))

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _read(self, timeout: float) -> bool:
        """Feed whatever arrives within ``timeout``; False if nothing did."""
        try:
            self.stream.feed(self.child.read_nonblocking(1 << 16, timeout=timeout))
            return True
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            pytest.fail(f"the app exited; last screen:\n{self.text}")

    def wait_for(self, condition, what: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.text):
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; screen:\n{self.text}")
            self._read(0.1)

    def settle(self, quiet: float = 0.4, limit: float = 15.0) -> None:
        """Read until the app has drawn nothing for ``quiet`` seconds (its workers are done)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self._read(quiet):
            pass

    def error_toasts(self) -> list[str]:
        found = []
        for y in range(ROWS):
            for x in range(COLUMNS):
                cell = self.screen.buffer[y][x]
                if cell.data == "▌" and _is_red(cell.fg):
                    found.append(self.screen.display[y])
        return found

    def close(self) -> None:
        if self.child.isalive():
            self.child.sendcontrol("q")
            try:
                self.child.expect(pexpect.EOF, timeout=10)
            except pexpect.TIMEOUT:
                pass
        self.child.close(force=True)


def _is_red(colour: str) -> bool:
    if len(colour) != 6:
        return colour == "red"
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return r >= 0x80 and r > g + 0x30 and r > b + 0x30


def _check(term: Terminal, where: str) -> None:
    text = term.text
    for phrase in BAD_PHRASES:
        assert phrase not in text, f"{where}: {phrase!r} on screen:\n{text}"
    toasts = term.error_toasts()
    assert not toasts, f"{where}: error notice:\n" + "\n".join(toasts) + f"\nscreen:\n{text}"


def test_walk_the_whole_course_at_80x24(tmp_path):
    lessons = all_lessons()
    term = Terminal(
        [
            sys.executable,
            "-m",
            "nntui",
            "--state-dir",
            str(tmp_path / "state"),
            "--lessons",
            str(LESSONS_DIR),
            "--name",
            "e2e",
            "--no-mouse",
        ],
        cwd=LESSONS_DIR.parent,
    )
    try:
        for lesson in lessons:
            number = int(lesson.slug[:2])
            total = len(lesson.steps)
            for index, step in enumerate(lesson.steps, start=1):
                header = f"{number}. {lesson.front['title']}"
                where = f"{lesson.slug} step {index} ({step.title})"
                title_start = step.title[:20]
                term.wait_for(
                    lambda s, h=header, k=f"step {index}/{total}", t=title_start: (
                        h in s and k in s and t in s
                    ),
                    where,
                )
                # Every step has a pane: wait for its border, then for its workers to finish.
                term.wait_for(lambda s: "╭─" in s, f"{where}: the pane")
                term.settle()
                _check(term, where)
                term.child.send(NEXT)
        term.wait_for(lambda s: "Well done" in s or "The end" in s, "the end-of-course notice")
        _check(term, "after the last step")
    finally:
        term.close()
    # Walking through marked every step done and saved it.
    progress = (tmp_path / "state" / "progress.json").read_text(encoding="utf-8")
    assert lessons[-1].slug in progress
