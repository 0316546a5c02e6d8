"""The room's record as CSV a workshop organiser opens in a spreadsheet (`serve export --csv`).

Two tables: one row per attendee per step (time, checkpoint answers, help requests), and one
row per checkpoint (the spread of the room's answers). Text people typed (answers, help lines)
is made printable and never starts a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from nntui.printable import printable

from .export import Summary, as_json

__all__ = ["CHECK_HEADERS", "STEP_HEADERS", "as_csv_tables"]

STEP_HEADERS = [
    "name", "step", "lesson", "step_in_lesson", "title", "seconds", "checkpoints", "attempts",
    "wrong", "checkpoints_right", "answers", "help_requests", "help_texts", "help_came_after_s",
    "runs", "exercise_checks",
]  # fmt: skip
CHECK_HEADERS = [
    "checkpoint", "step", "question", "expected", "attendees", "answers", "right_share",
    "right_first_try", "right_in_the_end", "min", "median", "max", "distinct_answers",
]  # fmt: skip


def _cell(value) -> str | int | float:
    """A CSV cell: text people typed is made printable and never read as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = printable(str(value))
    if text[:1] in ("=", "+", "-", "@"):
        try:
            float(text)
        except ValueError:
            return "'" + text  # a spreadsheet would run "=HYPERLINK(...)" typed as an answer
    return text


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def as_csv_tables(summary: Summary) -> tuple[str, str]:
    """Two CSV tables: one row per attendee per step, and one row per checkpoint."""
    data = as_json(summary, Path())
    steps = io.StringIO()
    writer = csv.writer(steps, lineterminator="\n")
    writer.writerow(STEP_HEADERS)
    for person in data["attendees"]:
        for row in person["steps"]:
            attempts = [a for check in row["checkpoints"] for a in check["given"]]
            answers = "; ".join(
                f"{check['check']}: "
                + ", ".join(f"{a['answer']} ({'right' if a['right'] else 'wrong'})" for a in check["given"])
                for check in row["checkpoints"]
            )
            came = [
                h["coming_after"] if h["coming_after"] is not None else h["closed_after"] for h in row["help"]
            ]
            cells = [
                person["name"], row["label"], row["lesson"], row["step"], row["title"], row["seconds"],
                len(row["checkpoints"]), len(attempts), sum(not a["right"] for a in attempts),
                sum(check["right"] for check in row["checkpoints"]), answers, len(row["help"]),
                " | ".join(h["text"] for h in row["help"]), " | ".join(_seconds(c) for c in came),
                len(row["runs"]), len(row["exercise_checks"]),
            ]  # fmt: skip
            writer.writerow([_cell(cell) for cell in cells])
    checks = io.StringIO()
    writer = csv.writer(checks, lineterminator="\n")
    writer.writerow(CHECK_HEADERS)
    for check in data["checkpoints"]:
        numbers = check["numbers"] or {}
        distinct = "; ".join(f"{d['answer']} ({d['count']})" for d in check["distinct"])
        cells = [
            check["check"], check["label"], check.get("question"), check.get("expected"), check["attendees"],
            check["answers"], check["right_share"], check["right_first_try"], check["right_in_the_end"],
            numbers.get("min"), numbers.get("median"), numbers.get("max"), distinct,
        ]  # fmt: skip
        writer.writerow([_cell(cell) for cell in cells])
    return steps.getvalue(), checks.getvalue()
