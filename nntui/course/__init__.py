"""Lesson files: find them, read them, check them. Pure Python: never imports Textual."""

from __future__ import annotations

from .locate import LESSONS_ENV, default_lessons_dir, resolve_lessons_dir
from .model import Checkpoint, Course, Lesson, Mistake, PaneSpec, Problem, StatedNumber, Step, TextPart
from .panes import PANE_TYPES
from .parse import load_course, parse_lesson, parse_lesson_text

__all__ = [
    "LESSONS_ENV",
    "PANE_TYPES",
    "Checkpoint",
    "Course",
    "Lesson",
    "Mistake",
    "PaneSpec",
    "Problem",
    "StatedNumber",
    "Step",
    "TextPart",
    "default_lessons_dir",
    "load_course",
    "parse_lesson",
    "parse_lesson_text",
    "resolve_lessons_dir",
]
