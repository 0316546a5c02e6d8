"""A workshop room over real OpenSSH clients: the instructor's view and three attendees.

Everything goes through the real server, hub and lesson app: a poll counts exactly the
answers given, "follow me" moves exactly the attendees it should (and asks the one who went
her own way), the help queue keeps the order asked, the export says what happened, and
killing the hub mid-workshop neither stops the attendees nor loses the room.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest

from nntui.serve.hub import pid_path

from .harness import (
    INSTRUCTOR_PASSWORD,
    PASSWORD_LOGIN,
    instructor_options,
    process_state,
    run_nntui,
    wait_for,
)

pytestmark = pytest.mark.ssh

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
RIGHT, LEFT, SHIFT_TAB = "\x1b[C", "\x1b[D", "\x1b[Z"


def hub_pid(state_dir) -> int | None:
    """The pid in the hub's pid file, None while there is none: a starting hub truncates the file
    before writing its pid (and the server may create it empty), so it can be read empty."""
    try:
        text = pid_path(state_dir).read_text().strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def _lesson_one_check(step: int) -> str:
    """The first question of lesson 1's step ``step`` (the poll view lists it by its words)."""
    text = sorted(LESSONS.glob("01-*.md"))[0].read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    match = re.search(r"^question = (.+)$", sections[step - 1], re.MULTILINE)
    assert match, f"lesson 1 step {step} has no checkpoint"
    return match.group(1).strip()


@pytest.fixture
def room(start_server, clients, tmp_path):
    """A real server with an instructor (120x30) and attendees alice, bob and carol (80x24) on 1.1."""
    server = start_server("--lessons", str(LESSONS), *instructor_options(tmp_path), app_command="")
    teacher = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=120, rows=30)
    teacher.log_in(INSTRUCTOR_PASSWORD)
    teacher.wait_screen(r"NAME +STEP +TITLE")
    people = {name: clients(server.port, name) for name in ("alice", "bob", "carol")}
    for person in people.values():
        person.wait_screen(r"step 1/\d+ · stuck\? press !")
    teacher.wait_screen(r"3 on 1\.1")
    return server, teacher, people


def test_follow_poll_help_queue_and_export(room):
    server, teacher, people = room
    alice, bob, carol = people["alice"], people["bob"], people["carol"]

    # Follow me, from the poll view: its first checkpoint is on 1.3.
    teacher.press("2")
    teacher.wait_screen(re.escape(_lesson_one_check(3)[:40]))
    teacher.press("f")
    teacher.wait_screen(r"Following: 1\.3")
    for person in people.values():
        person.wait_screen(r"step 3/\d+")
        person.wait_screen(r"Your instructor moved the room to 1\.3")

    # Two answers, one right (9) and one wrong (7); carol does not answer.
    for person, answer in ((alice, "9"), (bob, "7")):
        person.press(SHIFT_TAB)
        person.wait_screen(r"Enter.*Answer")
        person.press(answer + "\r")
    alice.wait_screen(r"(?i)right")
    teacher.wait_screen(r"1\.3: right 1 · wrong 1 · not yet 1")

    # Carol goes her own way; the room moves on to 1.4: alice and bob are moved, carol is asked.
    carol.press("\x1b")  # leave any field: arrows move between steps
    carol.press(LEFT)
    carol.wait_screen(r"step 2/\d+")
    teacher.press("\x1b[B")  # the next checkpoint in the list: 1.4
    teacher.wait_screen(re.escape(_lesson_one_check(4)[:40]))
    teacher.press("f")
    teacher.wait_screen(r"Following: 1\.4")
    for person in (alice, bob):
        person.wait_screen(r"step 4/\d+")
    carol.wait_screen(r"Your instructor is at 1\.4 - go there\? y/n")
    assert re.search(r"step 2/\d+", carol.text())

    # Help: bob asks first (with a line), then alice; the queue keeps that order.
    for person, line in ((bob, "lost at the sigmoid"), (alice, "")):
        person.press("\x1b")
        person.press("!")
        person.wait_screen(r"I'm stuck")
        person.press(line + "\r")
        person.wait_screen(r"Help: you are")
    teacher.press("3")
    queue = teacher.wait_screen(r"(?s)bob.*lost at the sigmoid.*alice")
    assert queue
    teacher.press("o")  # the first request: bob's
    bob.wait_screen(r"Help: your instructor is on the way")
    assert "on the way" not in alice.text()

    # The export says what happened.
    export = run_nntui("serve", "export", "--state-dir", str(server.state_dir))
    assert export.returncode == 0, export.stderr
    data = json.loads(export.stdout)
    given = {
        person["name"]: [
            (check["check"], attempt["answer"], attempt["right"])
            for step in person["steps"]
            for check in step["checkpoints"]
            for attempt in check["given"]
        ]
        for person in data["attendees"]
    }
    assert given["alice"] == [("total", "9", True)]
    assert given["bob"] == [("total", "7", False)]
    assert given["carol"] == []
    helped = [
        (person["name"], asked.get("text"))
        for person in data["attendees"]
        for step in person["steps"]
        for asked in step["help"]
    ]
    assert sorted(helped) == [("alice", ""), ("bob", "lost at the sigmoid")]


def test_killing_the_hub_mid_workshop(room):
    server, teacher, people = room
    alice = people["alice"]
    killed = int(pid_path(server.state_dir).read_text())
    os.kill(killed, signal.SIGKILL)
    wait_for(lambda: process_state(killed) in (None, "Z"), 20, "the hub to die")

    # Attendees keep working while the hub is away.
    alice.press(RIGHT)
    alice.wait_screen(r"step 2/\d+")
    alice.press(RIGHT)
    alice.wait_screen(r"step 3/\d+")

    # The server starts a new hub; the attendees' apps reconnect and say where they are.
    wait_for(
        lambda: hub_pid(server.state_dir) not in (None, killed),
        30,
        "a new hub",
    )
    teacher.wait_screen(r"alice +1\.3 ", timeout=30)
    teacher.wait_screen(r"2 on 1\.1")
    alice.press("q")
    assert alice.wait_exit() == 0
