"""Reading lesson files, and reporting every problem with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.course import load_course, parse_lesson_text
from nntui.course.panes import PANE_TYPES

GOOD = """\
---
title: Neurons
summary: One neuron.
---

## First step

Some *text*.

```pane neuron w=[0, 1] b=4
x = [2, 3]
activation = tanh
```

```check
id = h1
question = What is the total?
value = total
tolerance = 0.01
hint = Add the bias.
```

## Second step

```python
print("hi")
```

```output
hi
```
"""


def messages(text: str) -> list[str]:
    _, problems = parse_lesson_text(text, Path("01-x.md"), 1)
    return [f"{p.line}: {p.message}" for p in problems]


def test_a_good_lesson_is_read_into_steps_panes_and_checks():
    lesson, problems = parse_lesson_text(GOOD, Path("lessons/01-neurons.md"), 1)
    assert problems == []
    assert (lesson.slug, lesson.short_slug, lesson.title, lesson.summary) == (
        "01-neurons",
        "neurons",
        "Neurons",
        "One neuron.",
    )
    assert [s.title for s in lesson.steps] == ["First step", "Second step"]
    pane = lesson.steps[0].panes[0]
    assert pane.type == "neuron" and pane.line == 10
    assert pane.settings == {"w": [0.0, 1.0], "b": 4.0, "x": [2.0, 3.0], "activation": "tanh"}
    check = lesson.steps[0].checks[0]
    assert (check.id, check.value, check.tolerance, check.hint) == ("h1", "total", 0.01, "Add the bias.")
    # Pane and check blocks leave the text; other code blocks stay.
    assert "pane" not in lesson.steps[0].markdown and "question" not in lesson.steps[0].markdown
    assert lesson.steps[0].markdown.startswith("## First step")
    assert '```python\nprint("hi")\n```' in lesson.steps[1].markdown


def test_settings_are_filled_with_defaults():
    lesson, problems = parse_lesson_text("---\ntitle: T\n---\n## S\n```pane neuron\n```\n", Path("01-t.md"))
    assert problems == []
    assert lesson.steps[0].panes[0].settings == PANE_TYPES["neuron"].defaults()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## S\ntext\n", "1: missing front matter"),
        ("---\nsummary: s\n---\n## S\ntext\n", "1: missing 'title:'"),
        ("---\ntitle: T\nauthor: me\n---\n## S\ntext\n", "3: unknown front matter key 'author'"),
        ("---\ntitle: T\n", "1: front matter is never closed"),
        ("---\ntitle: T\n---\nintro\n## S\ntext\n", "4: text before the first '## ' step heading"),
        ("---\ntitle: T\n---\n## S\n\n## U\ntext\n", "4: step 'S' is empty"),
        ("---\ntitle: T\n---\n", "3: the lesson has no steps"),
        ("---\ntitle: T\n---\n## S\n```pane nosuch\n```\n", "5: unknown pane type 'nosuch'"),
        ("---\ntitle: T\n---\n## S\n```pane\n```\n", "5: pane block needs a type"),
        ("---\ntitle: T\n---\n## S\n```pane neuron b=x1\n```\n", "5: pane neuron: b: expected a number"),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron w=[1]\n```\n",
            "5: pane neuron: w: expected 2 numbers, got 1",
        ),
        ("---\ntitle: T\n---\n## S\n```pane neuron zz=1\n```\n", "5: pane neuron: unknown setting 'zz'"),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron activation=step\n```\n",
            "5: pane neuron: activation: expected one of sigmoid|tanh|relu",
        ),
        ("---\ntitle: T\n---\n## S\n```pane neuron\nb 4\n```\n", "6: cannot read 'b'"),
        ("---\ntitle: T\n---\n## S\n```pane neuron w=[1,a]\n```\n", "5: w: 'a' in '[1,a]' is not a number"),
        (
            "---\ntitle: T\n---\n## S\n```pane training epochs=1.5\n```\n",
            "5: pane training: epochs: expected a whole",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane training lr=0\n```\n",
            "5: pane training: lr: must be greater than 0",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron\n```\n```pane neuron\n```\n```pane neuron\n```\n",
            "4: step 'S' has 3 panes; at most 2",
        ),
        ("---\ntitle: T\n---\n## S\n```pane neuron\n", "5: code block is never closed"),
        ("---\ntitle: T\n---\n## S\ntext\n```check\nid = a\nvalue = total\n```\n", "6: check needs question"),
        (
            "---\ntitle: T\n---\n## S\ntext\n```check\nid = a\nquestion = q\nvalue = total\n```\n",
            "6: check 'a' needs a pane",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron\n```\n"
            "```check\nid = a\nquestion = q\nvalue = h9\n```\n",
            "7: check 'a': 'h9' is not a live value",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron\n```\n```check\nid = a\nquestion = q\nvalue = total\n"
            "tolerance = big\n```\n",
            "7: check tolerance must be a number",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron\n```\n```check\nid = a\nquestion = q\nvalue = total\n"
            "color = red\n```\n",
            "11: unknown check key 'color'",
        ),
        (
            "---\ntitle: T\n---\n## S\n```pane neuron\n```\n"
            "```check\nid = a\nquestion = q\nvalue = total\n```\n"
            "```check\nid = a\nquestion = q\nvalue = output\n```\n",
            "12: check id 'a' is already used on line 7",
        ),
    ],
)
def test_each_problem_is_reported_with_its_line(text, expected):
    found = messages(text)
    assert any(m.startswith(expected) for m in found), found


def test_every_problem_of_a_file_is_reported_not_just_the_first():
    text = "---\ntitle: T\n---\n## S\n```pane nosuch\n```\n## U\n```pane neuron b=oops zz=1\n```\n"
    found = messages(text)
    assert len(found) == 3, found


def test_live_value_patterns_accept_named_errors_and_trace_terms():
    text = (
        "---\ntitle: T\n---\n## S\n```pane loss\n```\n"
        "```check\nid = a\nquestion = q\nvalue = error_alice\n```\n"
        "## U\n```pane ledger\n```\n```check\nid = b\nquestion = q\nvalue = d_L_d_w1\n```\n"
    )
    assert messages(text) == []


def test_text_before_the_first_step_is_one_problem_not_also_an_empty_step():
    assert messages("---\ntitle: T\n---\nintro\n## S\ntext\n") == [
        "4: text before the first '## ' step heading"
    ]


def test_folder_problems_duplicate_numbers_and_bad_names(tmp_path):
    (tmp_path / "01-a.md").write_text("---\ntitle: A\n---\n## S\ntext\n")
    (tmp_path / "01-b.md").write_text("---\ntitle: B\n---\n## S\ntext\n```pane nope\n```\n")
    (tmp_path / "notes.md").write_text("hello")
    (tmp_path / "README.md").write_text("# not a lesson")
    course = load_course(tmp_path)
    lines = [str(p) for p in course.problems]
    assert f"{tmp_path / '01-b.md'}:1: duplicate lesson number 1: 01-a.md has it too" in lines
    # The duplicate's own problems are reported as well (every problem at once).
    assert any(line.startswith(f"{tmp_path / '01-b.md'}:6: unknown pane type 'nope'") for line in lines)
    assert any(
        line.startswith(f"{tmp_path / 'notes.md'}: file name must look like NN-slug.md") for line in lines
    )
    assert [lesson.slug for lesson in course.lessons] == ["01-a"]


def test_lessons_are_ordered_by_number_not_by_name(tmp_path):
    for name in ("10-ten.md", "2-two.md", "01-one.md"):
        (tmp_path / name).write_text("---\ntitle: X\n---\n## S\ntext\n")
    course = load_course(tmp_path)
    assert [lesson.slug for lesson in course.lessons] == ["01-one", "2-two", "10-ten"]
    assert course.find(10).slug == "10-ten" and course.find("two").slug == "2-two"
    assert course.find("01-one").slug == "01-one" and course.find("nine") is None


def test_an_empty_or_missing_folder_is_a_problem(tmp_path):
    assert "no lesson files" in str(load_course(tmp_path).problems[0])
    assert "not a folder" in str(load_course(tmp_path / "nope").problems[0])


def test_the_shipped_lessons_are_clean():
    from nntui.course import default_lessons_dir

    course = load_course(default_lessons_dir())
    assert [str(p) for p in course.problems] == []
    assert course.lessons and course.lessons[0].slug.startswith("01-")


def test_the_authoring_guide_names_every_pane_type_and_setting():
    from nntui.course import default_lessons_dir

    guide = (default_lessons_dir() / "README.md").read_text()
    for name, spec in PANE_TYPES.items():
        assert f"### `{name}`" in guide, name
        for setting in spec.settings:
            assert f"| `{setting}` |" in guide, (name, setting)


REVEALING = """\
---
title: T
---

## Step

The total is 0*2 + 1*3 + 4 = 7, and then

::: reveal
with w1 = 1 it becomes 9.0 exactly.
:::

```pane neuron
```

```check
id = total
question = With w1 = 1, what is the total?
value = total
setup = w=[1,1]
```

## Next

Plain text.
"""


def test_a_check_states_its_setup_and_its_answer_is_computed_from_it():
    from nntui.course.answers import answer, describe_setup

    lesson, problems = parse_lesson_text(REVEALING, Path("01-t.md"))
    assert problems == []
    check = lesson.steps[0].checks[0]
    assert check.setup == {"w": [1.0, 1.0]} and check.pane == "neuron"
    assert check.settings == {"w": [1.0, 1.0], "b": 4.0, "x": [2.0, 3.0], "activation": "sigmoid"}
    assert answer(check) == 9.0  # not the pane's 7
    assert describe_setup(check) == "w = [1, 1], b = 4, x = [2, 3]"


def test_a_reveal_block_is_hidden_until_its_check_is_answered():
    lesson, _ = parse_lesson_text(REVEALING, Path("01-t.md"))
    step = lesson.steps[0]
    hidden = step.visible_markdown()
    assert "9.0" not in hidden and "0*2 + 1*3 + 4 = 7" in hidden and "answered the check below" in hidden
    shown = step.visible_markdown({"total"})
    assert "with w1 = 1 it becomes 9.0 exactly." in shown and "answered the check below" not in shown
    assert ":::" not in step.markdown and "9.0" in step.markdown
    assert [number for number, _ in step.text_before(step.checks[0])] == [5, 6, 7, 8]


def test_lessons_check_reports_an_answer_written_before_its_question_at_its_line(tmp_path):
    from nntui.course.answers import giveaway_problems

    (tmp_path / "01-t.md").write_text(REVEALING.replace("::: reveal\n", "").replace(":::\n", ""))
    problems = [str(p) for p in giveaway_problems(load_course(tmp_path))]
    assert problems == [
        f"{tmp_path / '01-t.md'}:9: check 'total': its answer (9) is on screen before the question, "
        "as 9.0: put it in a '::: reveal' block"
    ]
    (tmp_path / "01-t.md").write_text(REVEALING)
    assert giveaway_problems(load_course(tmp_path)) == []


def test_the_shipped_lessons_never_show_an_answer_before_its_question():
    from nntui.course import default_lessons_dir
    from nntui.course.answers import giveaway_problems

    assert [str(p) for p in giveaway_problems(load_course(default_lessons_dir()))] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("::: reveal\nx\n", "5: reveal block is never closed"),
        (":::\n", "5: ':::' closes no reveal block"),
        ("::: reveal\n::: reveal\n:::\n", "6: reveal block inside the reveal block of line 5"),
        ("::: reveal\nx\n:::\n", "5: reveal block in a step without a check"),
        (
            "::: reveal nosuch\nx\n:::\n```pane neuron\n```\n```check\nid=a\nquestion=q\nvalue=total\n```\n",
            "5: reveal block names no check of this step: nosuch",
        ),
        (
            "::: reveal\n```check\nid=a\nquestion=q\nvalue=total\n```\n:::\n```pane neuron\n```\n",
            "6: a check block cannot be inside a reveal block",
        ),
        (
            "```pane neuron\n```\n```check\nid=a\nquestion=q\nvalue=total\nsetup=w=[1]\n```\n",
            "7: check 'a': setup: pane neuron: w: expected 2 numbers",
        ),
        (
            "```pane neuron\n```\n```check\nid=a\nquestion=q\nvalue=total\nsteps=1\n```\n",
            "7: check 'a': steps needs a pane with an update key",
        ),
        (
            "```pane ledger preset=trained\n```\n```check\nid=a\nquestion=q\nvalue=y_pred\n```\n",
            "7: check 'a': preset=trained is the learner's own training",
        ),
    ],
)
def test_reveal_and_setup_problems_are_reported_at_their_line(text, expected):
    found = messages("---\ntitle: T\n---\n## S\n" + text)
    assert any(message.startswith(expected) for message in found), found


def test_nntui_lessons_check_reports_the_answer_before_its_question(tmp_path, capsys):
    from nntui.cli import main

    lesson = tmp_path / "01-t.md"
    lesson.write_text(REVEALING.replace("::: reveal\n", "").replace(":::\n", ""))
    assert main(["lessons", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{lesson}:9: check 'total': its answer (9) is on screen before the question" in out
    lesson.write_text(REVEALING)
    assert main(["lessons", "check", str(tmp_path)]) == 0
