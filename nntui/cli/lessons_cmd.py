"""`nntui lessons`: list the lessons; `nntui lessons check DIR`: validate a lessons folder."""

from __future__ import annotations

import argparse
import sys

from nntui.printable import printable

__all__ = ["register", "list_lessons", "check_lessons"]


def register(subparsers) -> None:
    """Add the `lessons` subcommand."""
    parser = subparsers.add_parser(
        "lessons",
        help="list the lessons, or check a folder of lesson files",
        description="List the lessons (slug, title and each step's panes), or check a lessons folder.",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        dest="lessons_dir",
        help="list this folder instead of the built-in course (or set NNTUI_LESSONS_DIR)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=list_lessons)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=type(parser))
    check = sub.add_parser(
        "check",
        help="report every problem in a folder of lesson files as file:line: message",
        description=(
            "Validate a lessons folder: its format, that no checkpoint's answer is on screen before "
            "its question, that every mistake's hint can show, and that every number a numbers block "
            "ties to a live value matches it. Exit status 1 if there is any problem, 0 if it is clean."
        ),
    )
    check.add_argument("dir", metavar="DIR", help="the folder of NN-slug.md lesson files")
    check.set_defaults(handler=check_lessons)


def list_lessons(args: argparse.Namespace) -> int:
    """Print every lesson with its steps and their panes; exit 1 if the folder has problems."""
    from nntui.course import load_course, resolve_lessons_dir

    directory = resolve_lessons_dir(getattr(args, "lessons_dir", None) or getattr(args, "lessons", None))
    course = load_course(directory)
    if args.json:
        import json

        data = {
            "directory": str(directory),
            "lessons": [lesson.to_dict() for lesson in course.lessons],
            "problems": [str(p) for p in course.problems],
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        for lesson in course.lessons:
            # Titles come from lesson files: escape sequences in them never reach the terminal.
            summary = f" - {printable(lesson.summary)}" if lesson.summary else ""
            sys.stdout.write(f"{lesson.slug}: {printable(lesson.title)}{summary}\n")
            for number, step in enumerate(lesson.steps, start=1):
                panes = f" [{', '.join(p.type for p in step.panes)}]" if step.panes else ""
                checks = (
                    f" ({len(step.checks)} check{'s' if len(step.checks) > 1 else ''})" if step.checks else ""
                )
                sys.stdout.write(f"  {number:>2}. {printable(step.title)}{panes}{checks}\n")
        for problem in course.problems:
            sys.stderr.write(f"{printable(str(problem))}\n")
    return 1 if course.problems else 0


def check_lessons(args: argparse.Namespace) -> int:
    """Print every problem of the folder as ``file:line: message``; 1 if any, else 0.

    Besides the format, each checkpoint's answer is computed and looked for in the text shown
    before its question (a learner must predict it, not read it), each mistake is computed (its
    value must differ from the answer), and each stated number is recomputed at its precision.
    """
    from nntui.course import load_course
    from nntui.course.answers import giveaway_problems
    from nntui.course.mistakes import mistake_problems
    from nntui.course.stated import stated_number_problems

    course = load_course(args.dir)
    course.problems.extend(giveaway_problems(course))
    course.problems.extend(mistake_problems(course))
    course.problems.extend(stated_number_problems(course))
    course.problems.sort(key=lambda p: (str(p.path), p.line))
    for problem in course.problems:
        sys.stdout.write(f"{printable(str(problem))}\n")
    if course.problems:
        sys.stderr.write(f"{len(course.problems)} problem(s) in {args.dir}\n")
        return 1
    steps = sum(len(lesson.steps) for lesson in course.lessons)
    sys.stdout.write(f"{args.dir}: {len(course.lessons)} lesson(s), {steps} step(s), no problems\n")
    return 0
