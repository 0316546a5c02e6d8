"""What a lesson folder holds once read: lessons, their steps, panes, checkpoints and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Problem",
    "PaneSpec",
    "Mistake",
    "Checkpoint",
    "StatedNumber",
    "TextPart",
    "Step",
    "Lesson",
    "Course",
]

#: What a hidden reveal block shows in its place until its checkpoints are answered.
HIDDEN_TEXT = "*(More here once you have answered the check below.)*"


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
class Mistake:
    """A usual wrong answer to a checkpoint and the hint aimed at it.

    The wrong answer is computed like the right one: the checkpoint's pane and setup with
    ``setup`` applied on top, its live value ``value`` (the checkpoint's when empty) after
    ``steps`` updates (the checkpoint's when None). ``settings`` is that whole setup, filled in
    when the parser resolves the checkpoint.
    """

    hint: str
    line: int = 0
    value: str = ""
    setup: dict[str, Any] = field(default_factory=dict)
    steps: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    #: The mistake as written, before ``->`` (for messages).
    text: str = ""


@dataclass
class Checkpoint:
    """A question about one of the step's panes, graded against the setup the question states.

    ``setup`` holds the settings the check block overrides (as written); ``settings`` the whole
    setup of the pane the question is about (that pane's settings with ``setup`` applied,
    validated), ``pane`` its type and ``pane_index`` its place in the step. ``steps`` is how
    many times the pane's update key (ledger: one SGD update; descent: one gradient step) has
    been pressed in the situation the question describes.
    """

    id: str
    question: str
    value: str
    tolerance: float = 0.001
    hint: str = ""
    line: int = 0
    setup: dict[str, Any] = field(default_factory=dict)
    steps: int = 0
    pane: str = ""
    pane_index: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    #: Settings the lesson wrote itself (in the pane block or the setup); others are defaults.
    given: tuple[str, ...] = ()
    #: Usual wrong answers, each with the hint aimed at it (``mistake = ... -> hint``).
    mistakes: list[Mistake] = field(default_factory=list)


@dataclass
class StatedNumber:
    """A number a step's text states, tied to the live value that computes it (a numbers block).

    ``text`` is the number as written (``0.5237``); the live value ``value`` of a ``pane`` pane
    built with ``settings`` (the pane type's defaults with ``setup`` applied) after ``steps``
    updates must round to it at the decimals written.
    """

    text: str
    pane: str
    value: str
    line: int = 0
    setup: dict[str, Any] = field(default_factory=dict)
    steps: int = 0
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class TextPart:
    """A piece of a step's text; ``reveal_after`` names the checks that must be answered first."""

    markdown: str
    #: The file's line number of each line of ``markdown``.
    line_numbers: tuple[int, ...] = ()
    #: Empty: always shown. Otherwise a reveal block, hidden until these checks are answered.
    reveal_after: tuple[str, ...] = ()


@dataclass
class Step:
    """One screenful of a lesson: a title, markdown text, up to two panes and any checkpoints.

    ``markdown`` is the whole text (reveal blocks included); ``parts`` the same text in pieces,
    so that the lesson screen can hide the reveal blocks until their checks are answered.
    """

    title: str
    markdown: str
    panes: list[PaneSpec] = field(default_factory=list)
    checks: list[Checkpoint] = field(default_factory=list)
    line: int = 0
    parts: list[TextPart] = field(default_factory=list)
    #: The numbers its text states, from its ``numbers`` blocks (never shown).
    numbers: list[StatedNumber] = field(default_factory=list)

    def visible_markdown(self, answered: set[str] | frozenset[str] = frozenset()) -> str:
        """The text a learner sees once the checks ``answered`` are answered (or shown).

        Each reveal block still waiting for a check is replaced by one line saying so.
        """
        if not self.parts:
            return self.markdown
        pieces = []
        for part in self.parts:
            if not part.reveal_after or set(part.reveal_after) <= set(answered):
                pieces.append(part.markdown.strip("\n"))
            elif not pieces or pieces[-1] != HIDDEN_TEXT:
                pieces.append(HIDDEN_TEXT)
        return "\n\n".join(piece for piece in pieces if piece) + "\n"

    def text_before(self, check: Checkpoint) -> list[tuple[int, str]]:
        """(line, text) of every line a learner sees before answering ``check``: the text
        outside reveal blocks that wait for it (the question comes after the whole text)."""
        lines: list[tuple[int, str]] = []
        for part in self.parts:
            if check.id in part.reveal_after:
                continue
            lines.extend(zip(part.line_numbers, part.markdown.split("\n"), strict=True))
        return lines


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
