"""Every decimal number quoted in the lessons' prose is what ``nntui.core`` computes.

How it works, so that a wrong number fails:

* The scan: every number with two or more decimal places in a lesson's prose (the text the
  learner reads, including indented formulas and the question/hint lines of checkpoints, but
  not python/output blocks, which test_lessons_code.py runs) must have an entry in QUOTED
  below for that lesson (or for every lesson, "*").
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

from nntui.core import activations, data, landscape, losses, matrix, network, regression, trace
from nntui.core.neuron import Neuron
from nntui.core.train import train as core_train

f = activations.sigmoid
df = activations.sigmoid_derivative
X_LESSON, Y = data.dataset("lesson")
ALICE_X = X_LESSON[0]


def _alice(name):
    return trace.backprop_trace(network.Params.ones(), ALICE_X, 1.0).value(name)


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


def _slope(name, params=None):
    params = params or network.Params.random(0)
    return getattr(landscape.dataset_gradient(params, X_LESSON, Y), name)


def _matrix(**kw):
    return matrix.train_matrix(**kw)


def _trained_with(activation):
    return core_train(X_LESSON, Y, learning_rate=0.1, epochs=1000, seed=0, activation=activation).final_loss


def _predict_metric(kg, cm):
    return _predict(data.Person("you", data.kg_to_lb(kg), data.cm_to_inches(cm), 0))


# (lesson slug or "*", the text as quoted, the core expression that must round to it)
QUOTED: list[tuple[str, str, object]] = [
    # 01 neurons
    ("01-neurons", "0.9990889488055994", lambda: Neuron([0, 1], 4).feedforward([2, 3])),
    ("01-neurons", "0.999", lambda: Neuron([0, 1], 4).feedforward([2, 3])),
    ("01-neurons", "0.25", lambda: df(0.0)),
    ("01-neurons", "0.525", lambda: Neuron([0, 1], -2.9).feedforward([2, 3])),
    ("01-neurons", "0.475", lambda: Neuron([0, 1], -3.1).feedforward([2, 3])),
    # 02 networks
    ("02-networks", "0.9526", lambda: _shared().h1),
    ("02-networks", "0.73", lambda: f(1.0)),
    # 03 data and loss
    ("03-data-and-loss", "141.25", lambda: data.mean_shift().weight),
    ("03-data-and-loss", "66.75", lambda: data.mean_shift().height),
    ("03-data-and-loss", "0.25", lambda: losses.mse(Y, np.full(4, 0.5))),
    # 04 backpropagation (Alice, every weight 1, every bias 0)
    ("04-backpropagation", "0.0474", lambda: _alice("h1")),
    ("04-backpropagation", "0.0949", lambda: _alice("sum_o1")),
    ("04-backpropagation", "0.095", lambda: _alice("sum_o1")),
    ("04-backpropagation", "0.5237", lambda: _alice("y_pred")),
    ("04-backpropagation", "0.2269", lambda: _alice("loss")),
    ("04-backpropagation", "-0.9526", lambda: _alice("d_L_d_ypred")),
    ("04-backpropagation", "0.25", lambda: df(0.0)),
    ("04-backpropagation", "0.2494", lambda: _alice("d_ypred_d_h1")),
    ("04-backpropagation", "0.0452", lambda: _alice("f_prime_sum_h1")),
    ("04-backpropagation", "-0.0904", lambda: _alice("d_h1_d_w1")),
    ("04-backpropagation", "0.0215", lambda: _alice("d_L_d_w1")),
    # 05 stochastic gradient descent (one update for Alice, learning rate 0.1)
    ("05-gradient-descent", "-0.9526", lambda: _alice("d_L_d_ypred")),
    ("05-gradient-descent", "0.2494", lambda: _alice("f_prime_sum_o1")),
    ("05-gradient-descent", "0.0215", lambda: _alice("d_L_d_w1")),
    ("05-gradient-descent", "-0.2376", lambda: _alice("d_L_d_b3")),
    ("05-gradient-descent", "0.0474", lambda: _alice("h1")),
    ("05-gradient-descent", "0.0474", lambda: _alice("h2")),
    ("05-gradient-descent", "0.0452", lambda: _alice("f_prime_sum_h1")),
    ("05-gradient-descent", "0.9979", lambda: _alice_step().after.w1),
    ("05-gradient-descent", "0.0238", lambda: _alice_step().after.b3),
    ("05-gradient-descent", "0.2269", lambda: _alice_step().loss_before),
    ("05-gradient-descent", "0.2211", lambda: _alice_step().loss_after),
    # 06 training (seed 0, lesson shift; learning rate 0.1 and 1000 epochs unless said)
    ("06-training", "0.29", lambda: _trained().losses[0]),
    ("06-training", "0.0024", lambda: _trained().final_loss),
    ("06-training", "0.2492", lambda: _trained().losses[9]),
    ("06-training", "0.2492", lambda: _trained(lr=0.001).final_loss),
    ("06-training", "0.25", lambda: losses.mse(Y, np.full(4, 0.5))),
    ("06-training", "0.0536", lambda: _trained().losses[99]),
    ("06-training", "0.0002", lambda: _trained(lr=1).final_loss),
    ("06-training", "0.949", lambda: _predict(data.EMILY)),
    ("06-training", "0.040", lambda: _predict(data.FRANK)),
    ("06-training", "0.040", lambda: _predict_metric(73, 182)),
    ("06-training", "0.040", lambda: _predict_metric(182, 73)),
    # lr 25: stuck just below 0.5, then out in epochs 503-505 (losses[k] is after epoch k + 1)
    ("06-training", "0.49999", lambda: _trained(lr=25).losses[0]),
    ("06-training", "0.4990", lambda: _trained(lr=25).losses[497]),
    ("06-training", "0.4908", lambda: _trained(lr=25).losses[502]),
    ("06-training", "0.3458", lambda: _trained(lr=25).losses[503]),
    ("06-training", "0.0014", lambda: _trained(lr=25).losses[504]),
    # 07 downhill (the descent pane's start: seed 0 parameters, loss over all four people)
    ("07-downhill", "-0.1808", lambda: _slope("w1")),
    ("07-downhill", "0.1257", lambda: network.Params.random(0).w1),
    ("07-downhill", "0.1438", lambda: network.Params.random(0).w1 - 0.1 * _slope("w1")),
    ("07-downhill", "12.88", lambda: _rent_fit().slope),
    ("07-downhill", "0.310", lambda: landscape.dataset_loss(network.Params.random(0), X_LESSON, Y)),
    # 08 matrix form (core.matrix: seed 1, 4 hidden units, 1500 iterations, learning rate 1)
    ("08-matrix-form", "1.3285", lambda: _matrix().losses[0]),
    ("08-matrix-form", "0.0026", lambda: _matrix().losses[-1]),
    ("08-matrix-form", "0.0008", lambda: _matrix(learning_rate=2).losses[-1]),
    ("08-matrix-form", "0.010", lambda: _matrix().output[0, 0]),
    ("08-matrix-form", "0.971", lambda: _matrix().output[1, 0]),
    ("08-matrix-form", "0.974", lambda: _matrix().output[2, 0]),
    ("08-matrix-form", "0.032", lambda: _matrix().output[3, 0]),
    # one hidden unit drifts (losses[k] is the loss at iteration k + 1, before its update)
    ("08-matrix-form", "1.0932", lambda: _matrix(hidden=1).losses[0]),
    ("08-matrix-form", "0.9997", lambda: _matrix(hidden=1).losses[99]),
    ("08-matrix-form", "0.93", lambda: _matrix(hidden=1).losses[-1]),
    ("08-matrix-form", "0.0015", lambda: _matrix(hidden=8).losses[-1]),
    ("08-matrix-form", "0.0024", lambda: _matrix(hidden=16).losses[-1]),
    ("08-matrix-form", "2.0000", lambda: _matrix(hidden=64).losses[-1]),
    ("08-matrix-form", "0.0139", lambda: _matrix(hidden=2).losses[-1]),
    # 09 what next (hidden activations compared; the learning-rate ladder)
    ("09-what-next", "0.25", lambda: df(0.0)),
    ("09-what-next", "0.0024", lambda: _trained().final_loss),
    ("09-what-next", "0.0024", lambda: _trained_with("sigmoid")),
    ("09-what-next", "0.0007", lambda: _trained_with("relu")),
    ("09-what-next", "0.0003", lambda: _trained_with("tanh")),
    ("09-what-next", "0.2492", lambda: _trained(lr=0.001).final_loss),
    ("09-what-next", "0.0107", lambda: _trained(lr=0.03).final_loss),
    ("09-what-next", "0.00006", lambda: _trained(lr=3).final_loss),
    ("09-what-next", "0.731", lambda: Neuron([-1, 1], 0).feedforward([0, 1])),
]


def _first_epoch_below(limit, **kw):
    return int(np.argmax(_trained(**kw).losses < limit)) + 1


def _rent_fit():
    return regression.least_squares(regression.FLOOR_AREA, regression.RENT)


def _rent_sse():
    return regression.sum_of_squares(_rent_fit(), regression.FLOOR_AREA, regression.RENT)


# Results written as whole numbers or with one decimal: (lesson slug, the text, the core expression).
STATED: list[tuple[str, str, object]] = [
    ("01-neurons", "7", lambda: Neuron([0, 1], 4).explain([2, 3]).total),
    ("03-data-and-loss", "198", lambda: data.ALICE.weight_lb + data.ALICE.height_in),
    ("03-data-and-loss", "-15", lambda: X_LESSON[3][0]),
    ("03-data-and-loss", "-6", lambda: X_LESSON[3][1]),
    ("03-data-and-loss", "25", lambda: X_LESSON[1][0]),
    ("03-data-and-loss", "17", lambda: X_LESSON[2][0]),
    ("04-backpropagation", "-3", lambda: _alice("sum_h1")),
    # lr 25: the first epoch whose loss is clearly below the stuck 0.4999...
    ("06-training", "503", lambda: _first_epoch_below(0.495, lr=25)),
    ("07-downhill", "2233", _rent_sse),
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


def _quoted_text(lesson):
    """(line, text) of everything the learner reads as prose, plus checkpoint questions and hints."""
    for step in lesson.steps:
        yield step.line, step.title
        yield from step.prose
        for block in step.blocks:
            if block.kind == "check":
                for offset, line in enumerate(block.body.splitlines(), start=1):
                    if line.split("=")[0].strip() in ("question", "hint"):
                        yield block.line + offset, line


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
    for line, text in _quoted_text(lesson):
        for number in DECIMAL.findall(text):
            # A minus sign used as an operator ("1 - 0.5237") is not part of the number.
            candidates = [number, number.lstrip("-")]
            if not any(_entries(lesson.slug, c) or _is_input(lesson.slug, c) for c in candidates):
                missing.append(f"{lesson.path.name}:{line}: {number}")
    assert not missing, "numbers quoted without a core expression in QUOTED:\n" + "\n".join(missing)


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
