"""`nntui serve ssh` running the real lesson app for each attendee (the course in lessons/)."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest

from .harness import children_of, process_state, run_nntui, wait_for

pytestmark = pytest.mark.ssh

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
RIGHT = "\x1b[C"


@pytest.fixture
def real_server(start_server):
    """An SSH server whose sessions run `python -m nntui` on the repository's lessons."""
    return start_server("--lessons", str(LESSONS), app_command="")


def _first_lesson_title() -> str:
    """The title of lesson 1, read from its front matter (so a renamed lesson does not break this)."""
    first = sorted(LESSONS.glob("01-*.md"))[0]
    match = re.search(r"^title:\s*(.+)$", first.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{first} has no title"
    return match.group(1).strip()


def test_real_app_lesson_resize_steps_quit_resume(real_server, clients):
    """Lesson 1 at 80x24, re-laid out at 120x40, Right steps, q saves and exits 0, reconnect resumes."""
    title = re.escape(_first_lesson_title())
    alice = clients(real_server.port, "alice", cols=80, rows=24)
    header = alice.wait_screen(rf"1\. {title} — step 1/(\d+)")
    steps = int(header.group(1))
    assert steps >= 2

    def title_column() -> int:
        for line in alice.screen.display:
            if "— step" in line:
                return line.index("1. ")
        return -1

    narrow = title_column()
    alice.resize(120, 40)
    # The header is centred: at 120 columns it starts further right than at 80.
    alice.wait_screen(rf"(?m)^.{{{narrow + 10},}}1\. {title} — step 1/{steps}")

    alice.press(RIGHT)
    alice.wait_screen(rf"step 2/{steps}")
    alice.press("q")
    assert alice.wait_exit() == 0

    progress = json.loads((real_server.state_dir / "users" / "alice" / "progress.json").read_text())
    assert progress["name"] == "alice"
    assert progress["step"] == 1
    slug = progress["lesson"]
    assert slug.startswith("01-")

    status = run_nntui("serve", "status", "--state-dir", str(real_server.state_dir))
    assert status.returncode == 0, status.stderr
    row = next(line.split() for line in status.stdout.splitlines() if line.startswith("alice "))
    assert row[1:3] == [slug, "2"]  # not online any more; lesson; step shown counting from 1

    again = clients(real_server.port, "alice")
    again.wait_screen(rf"step 2/{steps}")
    again.press("q")
    assert again.wait_exit() == 0


def test_real_app_killed_client_leaves_no_child(real_server, clients):
    """Killing the client mid-lesson: the attendee's nntui is killed and reaped."""
    before = set(children_of(real_server.pid))
    bob = clients(real_server.port, "bob")
    bob.wait_screen(r"step 1/\d+")
    (child,) = set(children_of(real_server.pid)) - before
    bob.proc.kill(signal.SIGKILL)
    wait_for(lambda: process_state(child) is None, 20, f"nntui child {child} to be reaped")


def test_real_app_server_sigterm_says_goodbye(real_server, clients):
    """SIGTERM to the server mid-lesson: goodbye line, exit status 0, no nntui left behind."""
    carol = clients(real_server.port, "carol", cols=100)
    carol.wait_screen(r"step 1/\d+")
    (child,) = children_of(real_server.pid)
    assert real_server.stop() == 0
    assert carol.wait_exit() == 0
    assert "shutting down" in carol.all_output()
    assert process_state(child) is None
