"""Read lesson files and report every problem in them as ``file:line: message``.

The format (documented for authors in lessons/README.md):

* front matter between ``---`` lines at the top, with ``title:`` (required) and ``summary:``;
* each ``## Heading`` starts a step; nothing but blank lines may come before the first one;
* fenced blocks ```` ```pane TYPE key=value ... ```` put a pane beside the step (body lines
  ``key = value`` add settings), ```` ```check ```` blocks ask a question about a live value.
  Both kinds of block are taken out of the text the learner reads.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from nntui.printable import printable

from .model import Checkpoint, Course, Lesson, PaneSpec, Problem, Step
from .panes import PANE_TYPES, SettingError, parse_value, validate_settings

__all__ = ["LESSON_NAME", "MAX_LESSON_BYTES", "MAX_PANES", "load_course", "parse_lesson", "parse_lesson_text"]

#: A lesson file name: a number, a dash, a slug of lowercase words.
LESSON_NAME = re.compile(r"(?P<number>\d+)-(?P<rest>[a-z0-9][a-z0-9-]*)\.md")
#: Panes one step may show side by side.
MAX_PANES = 2
#: The longest lesson file read; the real ones are under 10 KB, and a 10 MB one takes half a minute.
MAX_LESSON_BYTES = 256 * 1024

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[[^\]]*\]?|[^\s\[\]]+)")
_FRONT_KEYS = ("title", "summary")
_CHECK_KEYS = ("id", "question", "value", "tolerance", "hint")


def load_course(directory: Path | str) -> Course:
    """Read every ``NN-slug.md`` file of ``directory`` in number order, collecting problems."""
    directory = Path(directory)
    problems: list[Problem] = []
    if not directory.is_dir():
        return Course(directory, [], [Problem(directory, 0, "not a folder of lessons")])
    lessons: list[Lesson] = []
    seen_numbers: dict[int, Path] = {}
    files = sorted(p for p in directory.iterdir() if p.suffix == ".md" and p.name != "README.md")
    named = []
    for path in files:
        match = LESSON_NAME.fullmatch(path.name)
        if not match:
            problems.append(Problem(path, 0, "file name must look like NN-slug.md (e.g. 01-neurons.md)"))
            continue
        named.append((int(match["number"]), path))
    for number, path in sorted(named, key=lambda item: (item[0], item[1].name)):
        duplicate = number in seen_numbers
        if duplicate:
            problems.append(
                Problem(path, 1, f"duplicate lesson number {number}: {seen_numbers[number].name} has it too")
            )
        else:
            seen_numbers[number] = path
        lesson, found = parse_lesson(path, number)
        problems.extend(found)  # a duplicate's own problems too: every problem is reported at once
        if lesson is not None and not duplicate:
            lessons.append(lesson)
    if not named and not problems:
        problems.append(Problem(directory, 0, "no lesson files (NN-slug.md) in this folder"))
    return Course(directory, lessons, problems)


def parse_lesson(path: Path, number: int | None = None) -> tuple[Lesson | None, list[Problem]]:
    """Read one lesson file; the lesson is None only if the file cannot be read at all."""
    try:
        text = _read_lesson_file(path)
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(path, 1, f"cannot read the file: {error}")]
    except ValueError as error:
        return None, [Problem(path, 1, str(error))]
    if number is None:
        match = LESSON_NAME.fullmatch(path.name)
        number = int(match["number"]) if match else 0
    # Titles and text go to terminals (the app, `nntui lessons`): no escape sequence survives.
    return parse_lesson_text(printable(text, keep_lines=True), path, number)


def _read_lesson_file(path: Path) -> str:
    """The text of a regular lesson file of at most MAX_LESSON_BYTES; ValueError otherwise."""
    with open(path, "rb", opener=_nonblocking) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ValueError("not a regular file")
        data = handle.read(MAX_LESSON_BYTES + 1)
    if len(data) > MAX_LESSON_BYTES:
        raise ValueError(f"the file is larger than {MAX_LESSON_BYTES // 1024} KB: split it into lessons")
    return data.decode("utf-8")


def _nonblocking(name: str, flags: int) -> int:
    # A FIFO opened without O_NONBLOCK waits for a writer, for ever.
    return os.open(name, flags | os.O_NONBLOCK)


def parse_lesson_text(text: str, path: Path, number: int = 0) -> tuple[Lesson, list[Problem]]:
    """Parse lesson ``text`` (from ``path``, used in messages); return the lesson and its problems."""
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    lines = text.splitlines()
    meta, body_start = _front_matter(lines, problem)
    title = meta.get("title", "").strip()
    if not title and body_start >= 0:
        problem(1, "missing 'title:' in the front matter")
    body_start = max(body_start, 0)

    steps: list[Step] = []
    current: dict[str, Any] | None = None
    i = body_start
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            end = _closing_fence(lines, i, fence["fence"])
            if end is None:
                problem(i + 1, "code block is never closed (add a line with " + fence["fence"] + ")")
                end = len(lines)
            info = fence["info"].strip()
            body = lines[i + 1 : end]
            kind = info.split(None, 1)[0] if info else ""
            if current is None:
                problem(i + 1, "text before the first '## ' step heading")
                current = _new_step("(untitled)", i + 1)
                steps.append(current)  # keep parsing so later problems are reported too
            if kind == "pane":
                current["panes"].append(_pane(info, body, i + 1, problem))
            elif kind == "check":
                current["checks"].append(_check(body, i + 1, problem))
            else:
                current["text"].extend(lines[i : end + 1])
            i = end + 1
            continue
        if line.startswith("## "):
            heading = line[3:].strip().strip("#").strip()
            if not heading:
                problem(i + 1, "step heading has no title")
            current = _new_step(heading or "(untitled)", i + 1)
            current["text"].append(line)
            steps.append(current)
        elif current is None:
            if line.strip():
                problem(i + 1, "text before the first '## ' step heading")
                current = _new_step("(untitled)", i + 1)
                current["text"].append(line)  # so it is not also reported as an empty step
                steps.append(current)
        else:
            current["text"].append(line)
        i += 1

    result_steps = []
    for raw in steps:
        step = _finish_step(raw, problem)
        result_steps.append(step)
    seen_ids: dict[str, int] = {}
    for step in result_steps:
        for check in step.checks:
            if check.id in seen_ids:
                problem(check.line, f"check id {check.id!r} is already used on line {seen_ids[check.id]}")
            else:
                seen_ids[check.id] = check.line
    if not result_steps and body_start >= 0:
        problem(len(lines) or 1, "the lesson has no steps (start one with '## Title')")

    slug = path.stem
    lesson = Lesson(number, slug, title or slug, meta.get("summary", "").strip(), result_steps, path)
    problems.sort(key=lambda p: p.line)
    return lesson, problems


def _front_matter(lines: list[str], problem) -> tuple[dict[str, str], int]:
    """The front matter's keys and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        problem(1, "missing front matter: start the file with '---', a 'title: ...' line and '---'")
        return {}, 0
    meta: dict[str, str] = {}
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() == "---":
            return meta, index + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep:
            problem(index + 1, f"front matter line must be 'key: value', got {line.strip()!r}")
        elif key not in _FRONT_KEYS:
            problem(index + 1, f"unknown front matter key {key!r} (known: {', '.join(_FRONT_KEYS)})")
        elif key in meta:
            problem(index + 1, f"front matter key {key!r} given twice")
        else:
            meta[key] = value.strip()
    problem(1, "front matter is never closed (add a '---' line after it)")
    return meta, len(lines)


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    char, size = fence[0], len(fence)
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {char} and len(stripped) >= size:
            return index
    return None


def _new_step(title: str, line: int) -> dict[str, Any]:
    return {"title": title, "line": line, "text": [], "panes": [], "checks": []}


def _pane(info: str, body: list[str], line: int, problem) -> PaneSpec | None:
    parts = info.split(None, 2)
    if len(parts) < 2:
        known = ", ".join(PANE_TYPES)
        problem(line, f"pane block needs a type: ```pane TYPE ... (one of {known})")
        return None
    pane_type = parts[1]
    if pane_type not in PANE_TYPES:
        known = ", ".join(PANE_TYPES)
        problem(line, f"unknown pane type {pane_type!r} (known: {known})")
        return None
    raw: dict[str, Any] = {}
    rest = parts[2] if len(parts) > 2 else ""
    _read_pairs(rest, line, raw, problem)
    for offset, body_line in enumerate(body, start=1):
        stripped = body_line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        _read_pairs(stripped, line + offset, raw, problem, whole_line=True)
    settings, found = validate_settings(pane_type, raw)
    for message in found:
        problem(line, message)
    return PaneSpec(pane_type, settings, line, tuple(key for key in raw if key in settings))


def _read_pairs(text: str, line: int, raw: dict[str, Any], problem, whole_line: bool = False) -> None:
    position = 0
    text = text.rstrip()
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        match = _PAIR.match(text, position)
        if not match:
            junk = text[position:].split(None, 1)[0]
            problem(line, f"cannot read {junk!r}: write settings as key=value")
            return
        key, value_text = match[1], match[2]
        if key in raw:
            problem(line, f"setting {key!r} given twice")
        try:
            raw[key] = parse_value(value_text)
        except SettingError as error:
            problem(line, f"{key}: {error}")
        position = match.end()


def _check(body: list[str], line: int, problem) -> Checkpoint | None:
    fields: dict[str, str] = {}
    for offset, body_line in enumerate(body, start=1):
        stripped = body_line.strip()
        if not stripped:
            continue
        key, sep, value = stripped.partition("=")
        key = key.strip()
        if not sep:
            problem(line + offset, f"check line must be 'key = value', got {stripped!r}")
        elif key not in _CHECK_KEYS:
            problem(line + offset, f"unknown check key {key!r} (known: {', '.join(_CHECK_KEYS)})")
        else:
            fields[key] = value.strip()
    missing = [key for key in ("id", "question", "value") if not fields.get(key)]
    if missing:
        problem(line, f"check needs {', '.join(missing)}")
        return None
    tolerance = 0.001
    if "tolerance" in fields:
        try:
            tolerance = float(fields["tolerance"])
            if not tolerance >= 0 or tolerance == float("inf"):
                raise ValueError
        except ValueError:
            problem(line, f"check tolerance must be a number >= 0, got {fields['tolerance']!r}")
    return Checkpoint(
        fields["id"], fields["question"], fields["value"], tolerance, fields.get("hint", ""), line
    )


def _finish_step(raw: dict[str, Any], problem) -> Step:
    panes = [pane for pane in raw["panes"] if pane is not None]
    checks = [check for check in raw["checks"] if check is not None]
    if len(raw["panes"]) > MAX_PANES:
        problem(raw["line"], f"step {raw['title']!r} has {len(raw['panes'])} panes; at most {MAX_PANES}")
        panes = panes[:MAX_PANES]
    text_lines = raw["text"]
    has_text = (
        any(line.strip() for line in text_lines[1:])
        if text_lines[:1] and text_lines[0].startswith("## ")
        else any(line.strip() for line in text_lines)
    )
    if not has_text and not raw["panes"] and not raw["checks"]:
        problem(raw["line"], f"step {raw['title']!r} is empty")
    for check in checks:
        if not raw["panes"]:
            problem(check.line, f"check {check.id!r} needs a pane in its step to read {check.value!r} from")
        elif panes and not any(PANE_TYPES[pane.type].has_live_value(check.value) for pane in panes):
            names = "; ".join(
                PANE_TYPES[p.type].live_values_help or ", ".join(PANE_TYPES[p.type].live_values)
                for p in panes
            )
            problem(
                check.line,
                f"check {check.id!r}: {check.value!r} is not a live value of this step's "
                f"pane (known: {names})",
            )
    return Step(raw["title"], "\n".join(text_lines).strip() + "\n", panes, checks, raw["line"])
