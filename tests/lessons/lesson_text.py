"""A small, independent reader for the lesson files, used only by the course's own tests.

It splits a lesson into front matter, steps (level-2 headings) and fenced blocks, and keeps
the prose (everything that is not a fenced block) so numbers quoted in it can be checked.
It deliberately does not import the app's parser: these tests check the lesson texts, and
must still catch a broken lesson if that parser has a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
LESSON_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.md$")


@dataclass
class Block:
    """One fenced block: its info string (``python``, ``pane neuron b=4``...) and body."""

    info: str
    body: str
    line: int  # 1-based line of the opening fence

    @property
    def kind(self) -> str:
        return self.info.split()[0] if self.info.split() else ""


@dataclass
class Step:
    """A level-2 heading and everything up to the next one."""

    title: str
    line: int
    prose: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Lesson:
    path: Path
    front: dict[str, str]
    steps: list[Step]
    preamble: list[tuple[int, str]]  # non-blank text between the front matter and the first step

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def blocks(self) -> list[Block]:
        return [b for s in self.steps for b in s.blocks]


def lesson_paths(directory: Path = LESSONS_DIR) -> list[Path]:
    """The numbered lesson files, in course order (README.md and other files are not lessons)."""
    return sorted(p for p in directory.glob("*.md") if LESSON_NAME.match(p.name))


def read_lesson(path: Path) -> Lesson:
    """Parse one lesson file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    front: dict[str, str] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            key, sep, value = lines[i].partition(":")
            if sep:
                front[key.strip()] = value.strip()
            i += 1
        i += 1
    steps: list[Step] = []
    preamble: list[tuple[int, str]] = []
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            info = line[3:].strip()
            start = i + 1
            i += 1
            body: list[str] = []
            while i < len(lines) and lines[i].rstrip() != "```":
                body.append(lines[i])
                i += 1
            block = Block(info, "\n".join(body) + ("\n" if body else ""), start)
            if steps:
                steps[-1].blocks.append(block)
            else:
                preamble.append((start, line))
        elif line.startswith("## "):
            steps.append(Step(line[3:].strip(), i + 1))
        elif steps:
            steps[-1].prose.append((i + 1, line))
        elif line.strip():
            preamble.append((i + 1, line))
        i += 1
    return Lesson(path, front, steps, preamble)


def all_lessons() -> list[Lesson]:
    return [read_lesson(p) for p in lesson_paths()]


def parse_settings(block: Block) -> tuple[str, dict[str, str]]:
    """``pane neuron w=[0,1] b=4`` -> ("neuron", {"w": "[0,1]", "b": "4"}); body lines add more."""
    parts = block.info.split()
    settings = {}
    for part in parts[2:]:
        key, _, value = part.partition("=")
        settings[key] = value
    for line in block.body.splitlines():
        if line.strip():
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return (parts[1] if len(parts) > 1 else ""), settings


def parse_check(body: str) -> dict[str, str]:
    """The ``key = value`` lines of a check block."""
    out = {}
    for line in body.splitlines():
        if line.strip():
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out
