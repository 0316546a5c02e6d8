"""Check-block ``mistake`` lines and ``numbers`` blocks: how they are read, what the parser
refuses (as file:line problems), and what the core computes for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.course import parse_lesson_text
from nntui.course.answers import answer
from nntui.course.mistakes import SIGN_HINT, aimed_hint, mistake_problems, mistake_value
from nntui.course.model import Course
from nntui.course.stated import stated_number_problems

PATH = Path("lessons/01-test.md")

LESSON = """\
---
title: T
---

## A neuron

With w = [1, 1] the total is 9 and the output 0.9999.
A sigmoid of 0.5 is the output when the total is 0.

```pane neuron w=[0,1] b=4 x=[2,3]
```

```numbers
# comments and blank lines are skipped

9 = neuron total w=[1,1]
0.9999 = neuron output w=[1,1]
0.5 = neuron output w=[0,1] b=-3
```

```check
id = out
question = With w = [1, 1], what is the output (4 decimals)?
value = output
setup = w=[1,1]
tolerance = 0.0001
mistake = value=total -> That is the total; the output is the sigmoid of it.
mistake = setup b=0 -> You left out the bias.
mistake = w=[0,1] steps=0 -> That is the pane's start.
hint = General.
```
"""


def parse(text: str):
    lesson, problems = parse_lesson_text(text, PATH, 1)
    return lesson, [f"{p.line}: {p.message}" for p in problems]


def test_a_numbers_block_is_read_and_never_shown():
    lesson, problems = parse(LESSON)
    assert problems == []
    step = lesson.steps[0]
    assert [(n.text, n.pane, n.value, n.line) for n in step.numbers] == [
        ("9", "neuron", "total", 16),
        ("0.9999", "neuron", "output", 17),
        ("0.5", "neuron", "output", 18),
    ]
    assert step.numbers[2].settings["b"] == -3 and step.numbers[2].settings["w"] == [0, 1]
    assert "neuron total" not in step.markdown and "numbers" not in step.visible_markdown()


def test_mistake_lines_are_read_in_order_with_their_changes():
    lesson, _ = parse(LESSON)
    check = lesson.steps[0].checks[0]
    total, bias, start = check.mistakes
    assert (total.value, total.setup, total.hint, total.line) == (
        "total",
        {},
        "That is the total; the output is the sigmoid of it.",
        27,
    )
    assert bias.setup == {"b": 0} and bias.value == "" and bias.settings["w"] == [1, 1]  # on top of the setup
    assert start.setup == {"w": [0, 1]} and start.steps == 0


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("mistake = b=0", "mistake must be 'mistake = <what was got wrong> -> <hint>'"),
        ("mistake = b=0 ->", "mistake must be 'mistake = <what was got wrong> -> <hint>'"),
        ("mistake = -> Hint.", "mistake changes nothing"),
        (
            "mistake = value=nosuch -> Hint.",
            "check 'out': mistake: 'nosuch' is not a live value of the neuron pane",
        ),
        ("mistake = b=abc -> Hint.", "pane neuron: b: expected a number"),
        ("mistake = steps=2 -> Hint.", "check 'out': mistake: steps needs a pane with an update key"),
        ("mistake = q=1 -> Hint.", "unknown setting 'q'"),
    ],
)
def test_a_bad_mistake_line_is_a_problem_at_its_line(line, problem):
    _, problems = parse(LESSON.replace("hint = General.", f"{line}\nhint = General."))
    assert any(p.startswith("30: ") and problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("0.9999 neuron output", "numbers line must be 'NUMBER = PANE VALUE key=value ...'"),
        ("about = neuron output", "numbers line must be 'NUMBER = PANE VALUE key=value ...'"),
        ("0.9999 = neuron", "numbers line must be 'NUMBER = PANE VALUE key=value ...'"),
        ("0.9999 = nosuch output", "numbers: unknown pane type 'nosuch'"),
        ("0.9999 = neuron nosuch", "'nosuch' is not a live value of the neuron pane"),
        ("0.9999 = neuron output b=abc", "b: expected a number"),
        ("0.9999 = neuron output steps=1", "steps needs a pane with an update key"),
        ("0.5 = predict probability", "the predict pane asks the network the learner trained"),
        ("0.1234 = neuron output", "numbers: 0.1234 is not written in the step's text"),
    ],
)
def test_a_bad_numbers_line_is_a_problem_at_its_line(line, problem):
    _, problems = parse(LESSON.replace("9 = neuron total w=[1,1]\n", f"{line}\n"))
    assert any(p.startswith("16: ") and problem in p for p in problems), problems


def test_a_number_is_written_when_a_check_question_or_hint_states_it():
    text = LESSON.replace("```numbers\n", "```numbers\n6 = neuron total w=[1,0]\n")  # not in the text
    _, problems = parse(text)
    assert problems == ["14: numbers: 6 is not written in the step's text"]
    _, problems = parse(text.replace("hint = General.", "hint = Without w2 it is 6."))
    assert problems == []


def test_mistake_values_are_computed_from_the_checks_setup_with_the_change():
    lesson, _ = parse(LESSON)
    check = lesson.steps[0].checks[0]
    total, bias, start = check.mistakes
    assert answer(check) == pytest.approx(0.99988, abs=1e-5)  # sigmoid(1*2 + 1*3 + 4)
    assert mistake_value(check, total) == 9
    assert mistake_value(check, bias) == pytest.approx(0.99331, abs=1e-5)  # sigmoid(5)
    assert mistake_value(check, start) == pytest.approx(0.99909, abs=1e-5)  # sigmoid(7)


def test_the_aimed_hint_is_the_matching_mistakes_then_the_signs_then_the_general_one():
    lesson, _ = parse(LESSON)
    check = lesson.steps[0].checks[0]
    expected = answer(check)
    assert aimed_hint(check, 9.00004, expected) == "That is the total; the output is the sigmoid of it."
    assert aimed_hint(check, 0.9933, expected) == "You left out the bias."
    assert aimed_hint(check, -expected, expected) == SIGN_HINT
    assert aimed_hint(check, 0.5, expected) == "General."


def test_a_mistake_that_gives_the_right_answer_is_reported():
    text = LESSON.replace("hint = General.", "mistake = b=4 -> Never shown.\nhint = General.")
    lesson, problems = parse(text)
    assert problems == []
    found = [str(p) for p in mistake_problems(Course(PATH.parent, [lesson]))]
    assert found == [
        f"{PATH}:30: check 'out': mistake 'b=4' gives the right answer (0.999877): its hint would never show"
    ]


def test_a_mistake_hint_that_states_the_answer_is_reported():
    text = LESSON.replace("hint = General.", "mistake = b=0 -> It is 0.9999, not that.\nhint = General.")
    lesson, _ = parse(text)
    found = [str(p) for p in mistake_problems(Course(PATH.parent, [lesson]))]
    assert found == [f"{PATH}:30: check 'out': mistake's hint gives the answer away (0.9999)"]


def test_stated_numbers_are_compared_at_the_precision_written():
    lesson, _ = parse(LESSON)
    assert stated_number_problems(Course(PATH.parent, [lesson])) == []
    # 0.99988 rounds to 0.9999 but not to 0.9998; a whole number must be within 0.5.
    wrong = LESSON.replace("0.9999", "0.9998").replace("9 = neuron total", "9 = neuron weighted_sum")
    lesson, problems = parse(wrong)
    assert problems == []
    found = [str(p) for p in stated_number_problems(Course(PATH.parent, [lesson]))]
    assert found == [
        f"{PATH}:7: stated number 9 does not match: neuron weighted_sum w=[1,1] is 5.00 (numbers line 16)",
        f"{PATH}:7: stated number 0.9998 does not match: neuron output w=[1,1] is 0.999877 (numbers line 17)",
    ]
