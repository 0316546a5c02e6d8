"""The course is read once per process while its lesson files stay the same."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from nntui.app.run import read_course

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def copy_of_two_lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    for path in sorted(LESSONS.glob("0[12]-*.md")):
        shutil.copy(path, folder / path.name)
    return folder


def test_a_second_read_of_an_unchanged_folder_is_the_same_course(tmp_path):
    folder = copy_of_two_lessons(tmp_path)
    first = read_course(folder)
    assert [lesson.slug for lesson in first.lessons] == ["01-neurons", "02-networks"]
    assert read_course(folder) is first


def test_a_changed_lesson_file_is_read_anew(tmp_path):
    folder = copy_of_two_lessons(tmp_path)
    first = read_course(folder)
    path = next(folder.glob("01-*.md"))
    text = path.read_text().replace("A neuron does three small things", "A neuron does three things", 1)
    path.write_text(text)
    os.utime(path, ns=(1, 1))  # a different time even on a coarse clock
    again = read_course(folder)
    assert again is not first
    assert "A neuron does three things" in again.lessons[0].steps[0].visible_markdown()


def test_a_removed_lesson_file_is_read_anew(tmp_path):
    folder = copy_of_two_lessons(tmp_path)
    read_course(folder)
    next(folder.glob("02-*.md")).unlink()
    assert [lesson.slug for lesson in read_course(folder).lessons] == ["01-neurons"]
