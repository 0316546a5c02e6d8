"""What the instructor's views know of the course: every step by label, every checkpoint, the
training steps; and the short words they show (durations, cut titles).

The hub speaks of steps by lesson number, step number (both 1-based) and label ("4.2"); this
index turns those into titles and questions from the lessons the server serves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from nntui.course import Course
from nntui.printable import printable

__all__ = ["CheckRef", "CourseIndex", "StepRef", "TRAINING_PANES", "duration", "most_common_step", "short"]

#: Pane types that train a network (their runs make the room's learning-rate race).
TRAINING_PANES = ("training", "matrix", "activations")


@dataclass(frozen=True)
class StepRef:
    """One step of the course, as the room names it."""

    lesson: int
    step: int  # 1-based
    label: str  # "4.2"
    title: str
    training: bool

    @property
    def key(self) -> tuple[int, int]:
        """(lesson, step): the order of steps in the course."""
        return (self.lesson, self.step)


@dataclass(frozen=True)
class CheckRef:
    """One checkpoint of the course and the step it is on."""

    id: str
    question: str
    step: StepRef


class CourseIndex:
    """Every step and checkpoint of ``course``, found by (lesson, step), label or check id."""

    def __init__(self, course: Course) -> None:
        self.steps: list[StepRef] = []
        self.checks: list[CheckRef] = []
        self._steps: dict[tuple[int, int], StepRef] = {}
        self._labels: dict[str, StepRef] = {}
        self._checks: dict[str, CheckRef] = {}
        for lesson in course.lessons:
            for number, step in enumerate(lesson.steps, start=1):
                ref = StepRef(
                    lesson.number,
                    number,
                    f"{lesson.number}.{number}",
                    step.title,
                    any(pane.type in TRAINING_PANES for pane in step.panes),
                )
                self.steps.append(ref)
                self._steps[ref.key] = ref
                self._labels[ref.label] = ref
                for check in step.checks:
                    check_ref = CheckRef(check.id, check.question, ref)
                    self.checks.append(check_ref)
                    self._checks.setdefault(check.id, check_ref)

    def step(self, lesson: object, step: object) -> StepRef | None:
        """The step ``lesson``.``step`` (1-based numbers), or None if the course has none such."""
        return self._steps.get((lesson, step)) if isinstance(lesson, int) and isinstance(step, int) else None

    def by_label(self, label: object) -> StepRef | None:
        """The step labelled ``label`` ("4.2"), or None."""
        return self._labels.get(label) if isinstance(label, str) else None

    def check(self, check_id: object) -> CheckRef | None:
        """The checkpoint ``check_id``, or None."""
        return self._checks.get(check_id) if isinstance(check_id, str) else None

    @property
    def training_steps(self) -> list[StepRef]:
        """The steps whose panes train a network, in course order."""
        return [ref for ref in self.steps if ref.training]

    def first_at_or_after(self, refs: list, key: tuple[int, int] | None, of=lambda ref: ref.key):
        """The first of ``refs`` (in course order) at or after step ``key``; else the last before it."""
        if not refs:
            return None
        if key is None:
            return refs[0]
        later = [ref for ref in refs if of(ref) >= key]
        return later[0] if later else refs[-1]


def most_common_step(attendees: Iterable[dict]) -> tuple[int, int] | None:
    """The (lesson, step) most online attendees are on (the earliest of equals), or None."""
    counts = Counter(
        (a["lesson"], a["step"])
        for a in attendees
        if a.get("online") and isinstance(a.get("lesson"), int) and isinstance(a.get("step"), int)
    )
    if not counts:
        return None
    top = max(counts.values())
    return min(key for key, count in counts.items() if count == top)


def duration(seconds: float | None) -> str:
    """'45 s', '12 min', '2 h 05' for a length of time; '-' when unknown."""
    if seconds is None:
        return "-"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"


def short(text: object, width: int) -> str:
    """``text`` on one line without control characters (it comes from attendees), cut to
    ``width`` characters with an ellipsis when longer."""
    line = " ".join(printable(str(text or "")).split())
    return line if len(line) <= width else line[: max(0, width - 1)] + "…"
