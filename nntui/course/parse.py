"""Read lesson files and report every problem in them as ``file:line: message``.

The format (documented for authors in lessons/README.md):

* front matter between ``---`` lines at the top, with ``title:`` (required) and ``summary:``;
* each ``## Heading`` starts a step; nothing but blank lines may come before the first one;
* fenced blocks ```` ```pane TYPE key=value ... ```` put a pane beside the step (body lines
  ``key = value`` add settings), ```` ```check ```` blocks ask a question about a live value.
  Both kinds of block are taken out of the text the learner reads. A check block may state
  the pane's ``setup`` (settings as in a pane block) and ``steps`` (presses of the pane's
  update key): the answer is computed from them (``nntui.course.answers``);
* text between a ``::: reveal`` line and a ``:::`` line is hidden until the step's checkpoints
  (or those named: ``::: reveal total``) are answered.
* a check block's ``mistake = <change> -> <hint>`` lines (``nntui.course.mistakes``) aim a
  hint at a usual wrong answer; a ```` ```numbers ```` block (``nntui.course.stated``, never
  shown) ties each number the step's text states to the live value that computes it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from nntui.printable import printable

from .answers import unanswerable
from .mistakes import parse_mistake, resolve_mistake
from .model import Checkpoint, Course, Lesson, PaneSpec, Problem, Step, TextPart
from .pairs import read_pairs
from .panes import PANE_TYPES, validate_settings
from .stated import read_numbers, unwritten_numbers

__all__ = ["LESSON_NAME", "MAX_LESSON_BYTES", "MAX_PANES", "load_course", "parse_lesson", "parse_lesson_text"]

#: A lesson file name: a number, a dash, a slug of lowercase words.
LESSON_NAME = re.compile(r"(?P<number>\d+)-(?P<rest>[a-z0-9][a-z0-9-]*)\.md")
#: Panes one step may show side by side.
MAX_PANES = 2
#: The longest lesson file read; the real ones are under 10 KB, and a 10 MB one takes half a minute.
MAX_LESSON_BYTES = 256 * 1024

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_FRONT_KEYS = ("title", "summary")
_CHECK_KEYS = ("id", "question", "value", "tolerance", "hint", "setup", "steps", "mistake")
_REVEAL_OPEN = re.compile(r"^:::\s*reveal\b(?P<ids>.*)$")
_REVEAL_CLOSE = re.compile(r"^:::\s*$")
#: Updates a check may ask the pane to have made (its update key pressed that often).
MAX_CHECK_STEPS = 1000
#: Pane types with an update key a check's ``steps`` counts.
STEPPING_PANES = ("ledger", "descent", "regression")


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
    reveal: dict[str, Any] | None = None  # the open reveal block, if any

    def close_reveal(at: int) -> None:
        nonlocal reveal
        if reveal is not None:
            problem(reveal["line"], f"reveal block is never closed (add a ':::' line before line {at})")
            reveal = None

    i = body_start
    while i < len(lines):
        line = lines[i]
        opening, closing = _REVEAL_OPEN.match(line), _REVEAL_CLOSE.match(line)
        if (opening or closing) and current is not None:
            if opening and reveal is not None:
                problem(i + 1, f"reveal block inside the reveal block of line {reveal['line']}")
            elif opening:
                reveal = {"ids": tuple(opening["ids"].split()), "line": i + 1}
                current["reveals"].append(reveal)
            elif reveal is None:
                problem(i + 1, "':::' closes no reveal block")
            else:
                reveal = None
            i += 1
            continue
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
                if reveal is not None:
                    problem(i + 1, "a check block cannot be inside a reveal block (put it after the ':::')")
                current["checks"].append(_check(body, i + 1, problem))
            elif kind == "numbers":
                current["numbers"].extend(read_numbers(body, i + 1, problem))
            else:
                current["text"].extend((i + 1 + k, text, reveal) for k, text in enumerate(lines[i : end + 1]))
            i = end + 1
            continue
        if line.startswith("## "):
            close_reveal(i + 1)
            heading = line[3:].strip().strip("#").strip()
            if not heading:
                problem(i + 1, "step heading has no title")
            current = _new_step(heading or "(untitled)", i + 1)
            current["text"].append((i + 1, line, None))
            steps.append(current)
        elif current is None:
            if line.strip():
                problem(i + 1, "text before the first '## ' step heading")
                current = _new_step("(untitled)", i + 1)
                current["text"].append((i + 1, line, None))  # so it is not also reported as an empty step
                steps.append(current)
        else:
            current["text"].append((i + 1, line, reveal))
        i += 1
    close_reveal(len(lines) + 1)

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
    return {"title": title, "line": line, "text": [], "panes": [], "checks": [], "reveals": [], "numbers": []}


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
    read_pairs(rest, line, raw, problem)
    for offset, body_line in enumerate(body, start=1):
        stripped = body_line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        read_pairs(stripped, line + offset, raw, problem)
    settings, found = validate_settings(pane_type, raw)
    for message in found:
        problem(line, message)
    return PaneSpec(pane_type, settings, line, tuple(key for key in raw if key in settings))


def _check(body: list[str], line: int, problem) -> Checkpoint | None:
    fields: dict[str, str] = {}
    mistakes = []
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
        elif key == "mistake":  # the one key written several times
            mistakes.append(parse_mistake(value.strip(), line + offset, problem))
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
            if not tolerance > 0 or tolerance == float("inf"):
                raise ValueError
        except ValueError:
            problem(line, f"check tolerance must be a number > 0, got {fields['tolerance']!r}")
            tolerance = 0.001
    setup: dict[str, Any] = {}
    if fields.get("setup"):
        read_pairs(fields["setup"], line, setup, problem)
    steps = 0
    if "steps" in fields:
        text = fields["steps"]
        if text.isdigit() and int(text) <= MAX_CHECK_STEPS:
            steps = int(text)
        else:
            problem(line, f"check steps must be a whole number from 0 to {MAX_CHECK_STEPS}, got {text!r}")
    hint = fields.get("hint", "")
    check = Checkpoint(fields["id"], fields["question"], fields["value"], tolerance, hint, line, setup, steps)
    check.mistakes = [mistake for mistake in mistakes if mistake is not None]
    return check


def _resolve_check(check: Checkpoint, panes: list[PaneSpec], problem) -> None:
    """Find the pane ``check`` asks about and fill in the setup its answer is computed from."""
    if not panes:
        problem(check.line, f"check {check.id!r} needs a pane in its step to read {check.value!r} from")
        return
    having = [i for i, pane in enumerate(panes) if PANE_TYPES[pane.type].has_live_value(check.value)]
    index = having[0] if having else None
    if index is None:
        names = "; ".join(
            PANE_TYPES[p.type].live_values_help or ", ".join(PANE_TYPES[p.type].live_values) for p in panes
        )
        problem(
            check.line,
            f"check {check.id!r}: {check.value!r} is not a live value of this step's pane (known: {names})",
        )
        return
    pane = panes[index]
    settings, found = validate_settings(pane.type, {**pane.settings, **check.setup})
    for message in found:
        problem(check.line, f"check {check.id!r}: setup: {message}")
    if check.steps and pane.type not in STEPPING_PANES:
        problem(
            check.line,
            f"check {check.id!r}: steps needs a pane with an update key ({', '.join(STEPPING_PANES)}), "
            f"not {pane.type}",
        )
    reason = unanswerable(pane.type, settings, check.value)
    if reason:
        problem(check.line, f"check {check.id!r}: {reason}")
    check.pane, check.pane_index, check.settings = pane.type, index, settings
    check.given = tuple(dict.fromkeys((*pane.given, *(key for key in check.setup if key in settings))))
    for mistake in check.mistakes:
        resolve_mistake(check, mistake, pane, problem)


def _text_parts(text: list[tuple[int, str, dict | None]]) -> list[TextPart]:
    """Group the step's lines into pieces: runs outside reveal blocks, and each reveal block."""
    parts: list[TextPart] = []
    group: list[tuple[int, str]] = []
    owner: dict | None = None

    def flush() -> None:
        if group and any(t.strip() for _, t in group):
            ids = tuple(owner["resolved"]) if owner is not None else ()
            parts.append(TextPart("\n".join(t for _, t in group), tuple(n for n, _ in group), ids))

    for number, line, reveal in text:
        if reveal is not owner:
            flush()
            group, owner = [], reveal
        group.append((number, line))
    flush()
    return parts


def _finish_step(raw: dict[str, Any], problem) -> Step:
    panes = [pane for pane in raw["panes"] if pane is not None]
    checks = [check for check in raw["checks"] if check is not None]
    if len(raw["panes"]) > MAX_PANES:
        problem(raw["line"], f"step {raw['title']!r} has {len(raw['panes'])} panes; at most {MAX_PANES}")
        panes = panes[:MAX_PANES]
    text_lines = [text for _, text, _ in raw["text"]]
    has_text = (
        any(line.strip() for line in text_lines[1:])
        if text_lines[:1] and text_lines[0].startswith("## ")
        else any(line.strip() for line in text_lines)
    )
    if not has_text and not raw["panes"] and not raw["checks"]:
        problem(raw["line"], f"step {raw['title']!r} is empty")
    if raw["panes"] and len(panes) == len(raw["panes"]):  # a broken pane block is reported already
        for check in checks:
            _resolve_check(check, panes, problem)
    elif not raw["panes"]:
        for check in checks:
            _resolve_check(check, [], problem)
    ids = [check.id for check in checks]
    for reveal in raw["reveals"]:
        unknown = [name for name in reveal["ids"] if name not in ids]
        if not raw["checks"]:
            problem(reveal["line"], "reveal block in a step without a check (nothing would reveal it)")
        elif unknown:
            problem(reveal["line"], f"reveal block names no check of this step: {', '.join(unknown)}")
        reveal["resolved"] = reveal["ids"] or tuple(ids)
    parts = _text_parts(raw["text"])
    markdown = "\n".join(text_lines).strip() + "\n"
    step = Step(raw["title"], markdown, panes, checks, raw["line"], parts, raw["numbers"])
    unwritten_numbers(step, problem)
    return step
