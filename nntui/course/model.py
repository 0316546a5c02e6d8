"""What a lesson folder holds once read: lessons, their steps, panes, checkpoints and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Problem", "PaneSpec", "Checkpoint", "Step", "Lesson", "Course"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a lesson file, printed as ``file:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class PaneSpec:
    """A pane a step shows: its type and its settings (validated, defaults filled in)."""

    type: str
    settings: dict[str, Any]
    line: int = 0
    #: The settings the lesson wrote itself (the others are defaults).
    given: tuple[str, ...] = ()


@dataclass
class Checkpoint:
    """A question whose answer is a live value of the step's pane."""

    id: str
    question: str
    value: str
    tolerance: float = 0.001
    hint: str = ""
    line: int = 0


@dataclass
class Step:
    """One screenful of a lesson: a title, markdown text, up to two panes and any checkpoints."""

    title: str
    markdown: str
    panes: list[PaneSpec] = field(default_factory=list)
    checks: list[Checkpoint] = field(default_factory=list)
    line: int = 0


@dataclass
class Lesson:
    """One lesson file."""

    number: int
    slug: str
    title: str
    summary: str
    steps: list[Step]
    path: Path

    @property
    def short_slug(self) -> str:
        """The slug without its number, e.g. ``neurons`` for ``01-neurons``."""
        return self.slug.split("-", 1)[1] if "-" in self.slug else self.slug

    def to_dict(self) -> dict[str, Any]:
        """A plain summary for `nntui lessons --json`."""
        return {
            "number": self.number,
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "steps": [
                {
                    "title": step.title,
                    "panes": [pane.type for pane in step.panes],
                    "checks": [check.id for check in step.checks],
                }
                for step in self.steps
            ],
        }


@dataclass
class Course:
    """Every lesson of a folder, in order, plus whatever was wrong with the files."""

    directory: Path
    lessons: list[Lesson]
    problems: list[Problem] = field(default_factory=list)

    def find(self, ref: str | int) -> Lesson | None:
        """A lesson by number (``1``), full slug (``01-neurons``) or short slug (``neurons``)."""
        text = str(ref).strip()
        if text.isascii() and text.isdigit():
            # No lesson number has 10 digits; int() of thousands of them is itself an error.
            number = int(text) if len(text.lstrip("0")) < 10 else -1
            for lesson in self.lessons:
                if lesson.number == number:
                    return lesson
            return None
        for lesson in self.lessons:
            if text in (lesson.slug, lesson.short_slug):
                return lesson
        return None

    def index(self, slug: str) -> int | None:
        """The position of the lesson ``slug`` in the course, or None."""
        for i, lesson in enumerate(self.lessons):
            if lesson.slug == slug:
                return i
        return None
