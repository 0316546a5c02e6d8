"""Every decimal number quoted in the lessons' prose is what ``nntui.core`` computes.

Most numbers are tied to a pane's live value by the step's ```` ```numbers ```` block, and
`nntui lessons check` recomputes them (test_lessons_stated.py). The tables here hold the rest:
numbers that need a computation beyond a pane's live values (a mean shift, the sigmoid's
slope at 0, the parameters after an update, a count of rising iterations).

How it works, so that a wrong number fails:

* The scan: every number with two or more decimal places in a lesson's prose (the text the
  learner reads, including indented formulas and the question/hint lines of checkpoints, but
  not python/output blocks, which test_lessons_code.py runs) must be listed in its step's
  numbers block, or have an entry in QUOTED below for that lesson (or every lesson, "*").
* The table: each entry names the quoted text and a core expression. The core value, rounded
  to as many decimals as the quote shows, must equal the quote. Writing 0.9527 where the core
  says 0.95257 fails, and so does a number with no entry.
* No stale entries: every entry must still be quoted somewhere in its lesson.
* Whole numbers and one-decimal numbers that are results (a total of 7, the epoch 503, a
  factor of -1.2) cannot be told from inputs (4 people, 1000 epochs, rate 0.1) by a scan, so
  they are listed by hand in STATED, with the same two checks: written in the lesson, and
  equal to the core at the precision written (a whole number within 0.5).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from lesson_text import all_lessons

from nntui.core import activations, data, losses, matrix, network, regression, trace
from nntui.core.train import train as core_train

f = activations.sigmoid
df = activations.sigmoid_derivative
X_LESSON, Y = data.dataset("lesson")
ALICE_X = X_LESSON[0]


def _alice_step(lr=0.1):
    return trace.sgd_step(network.Params.ones(), ALICE_X, 1.0, lr)


def _shared(w5=0.0, w6=1.0):
    p = network.Params.from_weights_biases([0, 1, 0, 1, w5, w6], [0, 0, 0])
    return network.forward(p, [2, 3])


def _trained(lr=0.1, epochs=1000, seed=0, shift="lesson"):
    X, y = data.dataset(shift)
    return core_train(X, y, learning_rate=lr, epochs=epochs, seed=seed)


def _predict(person, shift="lesson", **kw):
    result = _trained(shift=shift, **kw)
    s = data.shift_for(shift)
    return float(network.predict(result.params, s.apply(person.weight_lb, person.height_in))[0])


def _matrix(**kw):
    return matrix.train_matrix(**kw)


def _predict_metric(kg, cm):
    return _predict(data.Person("you", data.kg_to_lb(kg), data.cm_to_inches(cm), 0))


# (lesson slug or "*", the text as quoted, the core expression that must round to it)
QUOTED: list[tuple[str, str, object]] = [
    # 01 neurons
    ("01-neurons", "0.25", lambda: df(0.0)),
    # 03 data and loss
    ("03-data-and-loss", "141.25", lambda: data.mean_shift().weight),
    ("03-data-and-loss", "66.75", lambda: data.mean_shift().height),
    ("03-data-and-loss", "0.25", lambda: losses.mse(Y, np.full(4, 0.5))),
    # 04 backpropagation (Alice, every weight 1, every bias 0)
    ("04-backpropagation", "0.25", lambda: df(0.0)),
    # 05 stochastic gradient descent (one update for Alice, learning rate 0.1): the ledger
    # shows the gradients, not the parameters after the update
    ("05-gradient-descent", "0.9979", lambda: _alice_step().after.w1),
    ("05-gradient-descent", "0.0238", lambda: _alice_step().after.b3),
    # 06 training (seed 0, lesson shift; learning rate 0.1 and 1000 epochs unless said)
    ("06-training", "0.25", lambda: losses.mse(Y, np.full(4, 0.5))),
    # the predict pane asks the learner's own network: no live value to tie these to
    ("06-training", "0.040", lambda: _predict_metric(73, 182)),
    ("06-training", "0.040", lambda: _predict_metric(182, 73)),
    # 09 what next
    ("09-what-next", "0.25", lambda: df(0.0)),
]


def _first_epoch_below(limit, **kw):
    return int(np.argmax(_trained(**kw).losses < limit)) + 1


def _rent_fit():
    return regression.least_squares(regression.FLOOR_AREA, regression.RENT)


# Results written as whole numbers or with one decimal: (lesson slug, the text, the core expression).
STATED: list[tuple[str, str, object]] = [
    ("03-data-and-loss", "198", lambda: data.ALICE.weight_lb + data.ALICE.height_in),
    ("03-data-and-loss", "-15", lambda: X_LESSON[3][0]),
    ("03-data-and-loss", "-6", lambda: X_LESSON[3][1]),
    ("03-data-and-loss", "25", lambda: X_LESSON[1][0]),
    ("03-data-and-loss", "17", lambda: X_LESSON[2][0]),
    # lr 25: the first epoch whose loss is clearly below the stuck 0.4999...
    ("06-training", "503", lambda: _first_epoch_below(0.495, lr=25)),
    # each step multiplies the distance from the best line by 1 - 2 * lr
    ("07-downhill", "0.8", lambda: 1 - 2 * 0.1),
    ("07-downhill", "-0.8", lambda: 1 - 2 * 0.9),
    ("07-downhill", "-1.2", lambda: 1 - 2 * 1.1),
    ("08-matrix-form", "35", lambda: int(np.sum(np.diff(_matrix(learning_rate=2).losses) > 0))),
]

# Numbers that are inputs the lesson chooses (a learning rate, a tolerance), not results:
# they need no core expression, but are listed here explicitly, per lesson.
INPUTS: dict[str, set[str]] = {
    "06-training": {"0.001"},
    "09-what-next": {"0.001", "0.003", "0.01", "0.03"},
}

DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d{2,}(?!\w|\.\d)")
LESSONS = all_lessons()


def _step_text(step):
    """(line, text) of everything the learner reads in ``step``: prose, checkpoint questions and hints."""
    yield step.line, step.title
    yield from step.prose
    for block in step.blocks:
        if block.kind == "check":
            for offset, line in enumerate(block.body.splitlines(), start=1):
                if line.split("=")[0].strip() in ("question", "hint", "mistake"):
                    yield block.line + offset, line


def _quoted_text(lesson):
    """(line, text) of everything the learner reads in ``lesson``."""
    for step in lesson.steps:
        yield from _step_text(step)


def _tied(step):
    """The numbers the step's numbers blocks tie to a live value (the left side of each line)."""
    return {
        line.split("=")[0].strip()
        for block in step.blocks
        if block.kind == "numbers"
        for line in block.body.splitlines()
        if "=" in line and not line.strip().startswith("#")
    }


def _entries(slug, text):
    return [entry for entry in QUOTED if entry[1] == text and entry[0] in (slug, "*")]


def _is_input(slug, text):
    return text in INPUTS.get(slug, set()) | INPUTS.get("*", set())


def _matches(quoted: str, value: float) -> bool:
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    return math.isfinite(value) and abs(value - float(quoted)) <= 0.5 * 10**-decimals + 1e-15


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_quoted_decimal_has_a_core_expression(lesson):
    missing = []
    for step in lesson.steps:
        tied = _tied(step)
        for line, text in _step_text(step):
            for number in DECIMAL.findall(text):
                # A minus sign used as an operator ("1 - 0.5237") is not part of the number.
                candidates = [number, number.lstrip("-")]
                if not any(
                    c in tied or _entries(lesson.slug, c) or _is_input(lesson.slug, c) for c in candidates
                ):
                    missing.append(f"{lesson.path.name}:{line}: {number}")
    assert not missing, (
        "numbers quoted without a numbers-block line or a core expression in QUOTED:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("entry", QUOTED, ids=lambda e: f"{e[0]}:{e[1]}")
def test_quoted_number_matches_the_core(entry):
    slug, quoted, expression = entry
    value = float(expression())
    assert _matches(quoted, value), f"{slug} quotes {quoted} but the core computes {value!r}"


@pytest.mark.parametrize("entry", QUOTED, ids=lambda e: f"{e[0]}:{e[1]}")
def test_table_entry_is_still_quoted(entry):
    slug, quoted, _ = entry
    lessons = [lesson for lesson in LESSONS if slug in ("*", lesson.slug)]
    assert lessons, f"no lesson {slug}"
    found = any(
        quoted in DECIMAL.findall(text) or quoted in [n.lstrip("-") for n in DECIMAL.findall(text)]
        for lesson in lessons
        for _, text in _quoted_text(lesson)
    )
    assert found, f"{quoted} is in the table but no longer quoted in {slug}"


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w]|\.\d)")


def _written(lesson, text):
    return any(text in NUMBER.findall(line) for _, line in _quoted_text(lesson))


@pytest.mark.parametrize("entry", STATED, ids=lambda e: f"{e[0]}:{e[1]}")
def test_stated_number_matches_the_core_and_is_still_written(entry):
    slug, stated, expression = entry
    value = float(expression())
    assert _matches(stated, value), f"{slug} states {stated} but the core computes {value!r}"
    lesson = next((lesson for lesson in LESSONS if lesson.slug == slug), None)
    assert lesson is not None and _written(lesson, stated), f"{stated} is in STATED but not written in {slug}"


def test_a_wrong_number_is_caught():
    # The mechanism itself: a quote one digit off must not match its core value.
    assert not _matches("0.9527", _shared().h1)
    assert _matches("0.9526", _shared().h1)
    assert DECIMAL.findall("h1 = f(3) = 0.9526 and 1.5 and w1") == ["0.9526"]
    assert not _matches("504", 503) and _matches("503", 503.2) and not _matches("-0.8", 0.8)
    assert NUMBER.findall("epoch 503, 0.3458 after 504; w1 and x = [2, 3]") == [
        "503",
        "0.3458",
        "504",
        "2",
        "3",
    ]
