"""The instructor's live view of the room: a thin start of ``nntui.app.room.instructor``.

Runs for the ``--instructor`` SSH login (in a session, or as its own process,
``python -m nntui.serve.dashboard --state-dir DIR``) and for ``nntui serve dashboard`` on the
host. It connects to the server's room hub with the instructor's token; while the hub cannot
be reached, the room table shows what the attendees' progress files say (``serve status``).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, hub_socket_path, room_dir

from .status import Attendee, read_attendees

__all__ = ["dashboard_app", "instructor_token", "main", "offline_attendees", "run_dashboard"]

#: The instructor's token in a server's room folder (made by the server at start, mode 0600).
TOKEN_FILE = "instructor.token"


def instructor_token(state_dir: Path) -> str | None:
    """The instructor's token: from the session's environment, else the server's token file."""
    token = os.environ.get(INSTRUCTOR_TOKEN_ENV)
    if token:
        return token
    try:
        return (room_dir(state_dir) / TOKEN_FILE).read_text(encoding="ascii").strip() or None
    except (OSError, ValueError):
        return None


def _as_room_attendee(attendee: Attendee, course) -> dict:
    """A row of `serve status` in the shape of the hub's room attendees (see the room contract).

    The progress file knows the step and the checkpoints answered; its last change stands in
    for the time the attendee reached the step; a damaged file is the row's "stuck" word.
    """
    lesson = course.find(attendee.lesson) if attendee.lesson else None
    step = attendee.step + 1 if attendee.step is not None else None
    title = ""
    if lesson is not None and step is not None and 0 < step <= len(lesson.steps):
        title = lesson.steps[step - 1].title
    label = f"{lesson.number}.{step}" if lesson is not None and step is not None else "-"
    if lesson is None and attendee.lesson:  # a lesson this course does not have: its name says where
        title = f"{attendee.lesson} step {step}" if step is not None else attendee.lesson
    return {
        "name": attendee.name,
        "online": bool(attendee.online),
        "lesson": lesson.number if lesson is not None else None,
        "step": step,
        "label": label,
        "title": title,
        "since": attendee.updated.timestamp() if isinstance(attendee.updated, datetime) else None,
        "passed": attendee.checkpoints,
        "stuck": attendee.problem and "unreadable",
    }


def offline_attendees(state_dir: Path, course) -> list[dict]:
    """Every attendee of ``state_dir`` from their progress files, as room attendee dicts."""
    return [_as_room_attendee(attendee, course) for attendee in read_attendees(state_dir)]


def dashboard_app(state_dir: Path, course):
    """The instructor's view of the room of the server whose state folder is ``state_dir``."""
    from nntui.app.room.instructor import InstructorApp

    state_dir = Path(state_dir)
    return InstructorApp(
        course,
        hub_socket_path(state_dir),
        instructor_token(state_dir),
        offline=lambda: offline_attendees(state_dir, course),
    )


def run_dashboard(state_dir: Path, mouse: bool, lessons: Path | None = None) -> int:
    """Run the instructor's view of the room of the server whose state folder is ``state_dir``.

    ``lessons`` is the server's lessons folder (None: the default one); a folder with no lesson
    to read is said on stderr (status 1). Returns the exit status.
    """
    from nntui.course import load_course, resolve_lessons_dir

    course = load_course(resolve_lessons_dir(lessons))
    if not course.lessons:
        for problem in course.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(f"nntui: error: no lessons to show the room's steps from in {course.directory}\n")
        return 1
    app = dashboard_app(state_dir, course)
    app.run(mouse=mouse)
    return int(app.return_code or 0)


def main(argv: list[str] | None = None) -> int:
    """Start the instructor's view for the state directory given on the command line."""
    parser = argparse.ArgumentParser(
        prog="nntui-dashboard", description="The instructor's live view of the room."
    )
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--lessons", type=Path, default=None, help="the server's lessons folder")
    parser.add_argument("--no-mouse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return run_dashboard(args.state_dir, mouse=not args.no_mouse, lessons=args.lessons)


if __name__ == "__main__":
    sys.exit(main())
