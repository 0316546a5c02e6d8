"""The numbers the lessons state are tied to the live values that compute them (numbers blocks),
and `nntui lessons check` reports one that no longer matches, at the line that states it.
The usual mistakes of the checkpoints are computed too: each differs from the right answer."""

from __future__ import annotations

import shutil

from lesson_text import LESSONS_DIR

from nntui.cli import main
from nntui.course import load_course
from nntui.course.mistakes import mistake_problems
from nntui.course.stated import stated_number_problems

COURSE = load_course(LESSONS_DIR)


def test_every_stated_number_of_the_course_matches_its_live_value():
    numbers = [n for lesson in COURSE.lessons for step in lesson.steps for n in step.numbers]
    assert len(numbers) >= 60
    assert {n.pane for n in numbers} >= {"neuron", "network", "ledger", "training", "descent", "matrix"}
    assert stated_number_problems(COURSE) == []


def test_the_course_aims_hints_at_usual_mistakes():
    checks = [check for lesson in COURSE.lessons for step in lesson.steps for check in step.checks]
    mistakes = [mistake for check in checks for mistake in check.mistakes]
    assert len(mistakes) >= 12 and sum(1 for check in checks if check.mistakes) >= 12
    assert all(mistake.settings for mistake in mistakes)  # each one resolved against its pane
    assert mistake_problems(COURSE) == []


def _copy(tmp_path):
    course = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, course, ignore=shutil.ignore_patterns("README.md"))
    return course / "04-backpropagation.md"


def test_a_stated_number_that_does_not_match_is_reported_at_its_line(tmp_path, capsys):
    path = _copy(tmp_path)
    lines = path.read_text().split("\n")
    # Alice's y_pred is 0.5237; an author who writes 0.5238 (in the text and its numbers line)
    stated = [i + 1 for i, line in enumerate(lines) if "0.5237" in line and "= ledger" not in line]
    assert stated
    path.write_text("\n".join(line.replace("0.5237", "0.5238") for line in lines))
    assert main(["lessons", "check", str(path.parent)]) == 1
    out = capsys.readouterr().out.splitlines()
    mismatches = [line for line in out if "stated number 0.5238 does not match" in line]
    assert mismatches, out
    reported = {int(line.split(":")[1]) for line in mismatches}
    assert reported and reported <= set(stated)
    assert all("ledger y_pred person=alice preset=ones is 0.523695" in line for line in mismatches)


def test_a_number_changed_in_the_text_alone_is_reported_at_its_numbers_line(tmp_path, capsys):
    path = _copy(tmp_path)
    lines = path.read_text().split("\n")
    listed = [i + 1 for i, line in enumerate(lines) if line.startswith("-0.0904 = ledger")]
    assert listed
    path.write_text(
        "\n".join(line if "= ledger" in line else line.replace("-0.0904", "-0.0905") for line in lines)
    )
    assert main(["lessons", "check", str(path.parent)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [f"{path}:{n}: numbers: -0.0904 is not written in the step's text" for n in listed] == [
        line for line in out if "-0.0904" in line
    ]
