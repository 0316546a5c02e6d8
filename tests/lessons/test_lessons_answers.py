"""Every checkpoint's right answer is computed by the course (``nntui.course.answers``) from the
setup its check block states; here it is checked against the core independently, and against the
numbers the lesson gives the learner.

The course's computed answers are the source. INDEPENDENT maps (lesson slug, checkpoint id) to the
same answer worked out here another way, straight from ``nntui.core`` and the question's words;
WORKED to what a learner gets by following the lesson's own rounded numbers and hints. Entries
that name no checkpoint fail (a renamed or removed question), and so does a question whose
worked answer misses the tolerance.
"""

from __future__ import annotations

import math

import pytest
from lesson_text import all_lessons, parse_check

from nntui.core import data, landscape, matrix, network
from nntui.core.activations import sigmoid
from nntui.core.neuron import Neuron
from nntui.core.trace import backprop_trace
from nntui.core.train import train
from nntui.course import default_lessons_dir, load_course
from nntui.course.answers import answer

X, Y = data.dataset("lesson")


def _net(weights):
    return network.forward(network.Params.from_weights_biases(weights, [0, 0, 0]), [2, 3])


def _alice(name):
    return backprop_trace(network.Params.ones(), X[0], 1.0).value(name)


def _emily():
    params = train(X, Y, seed=0).params
    return float(network.predict(params, data.LESSON_SHIFT.apply(128, 63))[0])


INDEPENDENT = {
    ("01-neurons", "total"): lambda: Neuron([1, 1], 4).explain([2, 3]).total,
    ("01-neurons", "output"): lambda: Neuron([0, 1], 0).feedforward([2, 3]),
    ("02-networks", "h1"): lambda: _net([0, 1, 0, 1, 0, 1]).h1,
    ("02-networks", "o1"): lambda: _net([0, 1, 0, 1, 0, 1]).y_pred,
    ("02-networks", "sum_o1"): lambda: _net([0, 1, 0, 1, 1, 1]).sum_o1,
    ("03-data-and-loss", "zeros"): lambda: float(((Y - 0) ** 2).mean()),
    ("03-data-and-loss", "ones"): lambda: float(((Y - 1) ** 2).mean()),
    ("04-backpropagation", "ypred"): lambda: _alice("y_pred"),
    ("04-backpropagation", "dldy"): lambda: _alice("d_L_d_ypred"),
    ("04-backpropagation", "dldw1"): lambda: _alice("d_L_d_w1"),
    ("05-gradient-descent", "dldb3"): lambda: _alice("d_L_d_b3"),
    ("06-training", "final"): lambda: train(X, Y, seed=0).final_loss,
    ("06-training", "slow"): lambda: train(X, Y, learning_rate=0.001, seed=0).final_loss,
    ("06-training", "stuck"): lambda: train(X, Y, learning_rate=30, seed=0).final_loss,
    ("06-training", "emily"): _emily,
    ("07-downhill", "slope"): lambda: landscape.dataset_gradient(network.Params.random(0), X, Y).w1,
    ("08-matrix-form", "sse"): lambda: matrix.train_matrix().losses[-1],
    ("08-matrix-form", "pred1"): lambda: list(matrix.matrix_steps())[-1].output[1, 0],
    ("09-what-next", "tanh"): lambda: train(X, Y, seed=0, activation="tanh").final_loss,
    ("09-what-next", "relu"): lambda: list(matrix.matrix_steps(activation="relu"))[-1].output[1, 0],
    ("07-downhill", "overshoot"): lambda: _overshoot(),
}


def _overshoot():
    """The loss after one gradient step of b3 alone at lr 50, from seed 0's parameters."""
    params = network.Params.random(0)
    b3 = params.b3 - 50 * landscape.dataset_gradient(params, X, Y).b3
    return landscape.dataset_loss(params.with_value("b3", b3), X, Y)


# What a learner computes from the lesson's own (rounded) numbers and hints.
WORKED = {
    ("01-neurons", "total"): 1 * 2 + 1 * 3 + 4,
    ("01-neurons", "output"): 1 / (1 + 2.718281828**-3),
    ("02-networks", "h1"): 0.9526,
    ("02-networks", "o1"): float(sigmoid(0.9526)),
    ("02-networks", "sum_o1"): 0.9526 + 0.9526,
    ("03-data-and-loss", "zeros"): (1 + 0 + 0 + 1) / 4,
    ("03-data-and-loss", "ones"): (0 + 1 + 1 + 0) / 4,
    ("04-backpropagation", "ypred"): 0.5237,
    ("04-backpropagation", "dldy"): -2 * (1 - 0.5237),
    ("04-backpropagation", "dldw1"): -0.9526 * 0.2494 * -0.0904,
    ("05-gradient-descent", "dldb3"): -0.9526 * 0.2494,
    ("06-training", "final"): 0.0024,
    ("06-training", "slow"): 0.2492,
    ("06-training", "stuck"): 0.5,
    ("06-training", "emily"): 0.949,
    ("07-downhill", "slope"): -0.1808,
    ("08-matrix-form", "sse"): 0.0026,
    ("08-matrix-form", "pred1"): 0.971,
    ("09-what-next", "tanh"): 0.0003,
    ("09-what-next", "relu"): 0.5,
}

CHECKS = [
    (lesson.slug, parse_check(block.body))
    for lesson in all_lessons()
    for block in lesson.blocks
    if block.kind == "check"
]
COMPUTED = {
    (lesson.slug, check.id): check
    for lesson in load_course(default_lessons_dir()).lessons
    for step in lesson.steps
    for check in step.checks
}


def test_the_course_computes_an_answer_for_every_checkpoint():
    keys = {(slug, fields["id"]) for slug, fields in CHECKS}
    assert set(COMPUTED) == keys
    for key, check in COMPUTED.items():
        assert math.isfinite(answer(check)), key


def test_no_hand_entry_names_a_checkpoint_that_is_gone():
    assert set(INDEPENDENT) <= set(COMPUTED)
    assert set(WORKED) <= set(COMPUTED)


@pytest.mark.parametrize("key", sorted(INDEPENDENT), ids="-".join)
def test_the_computed_answer_is_the_cores_answer_to_the_question(key):
    assert answer(COMPUTED[key]) == pytest.approx(float(INDEPENDENT[key]()), abs=1e-9)


@pytest.mark.parametrize("key", sorted(WORKED), ids="-".join)
def test_the_lessons_numbers_lead_to_the_answer(key):
    check = COMPUTED[key]
    computed = answer(check)
    assert abs(WORKED[key] - computed) <= check.tolerance, f"{key}: worked {WORKED[key]} vs {computed}"


@pytest.mark.parametrize("slug,fields", CHECKS, ids=lambda v: v if isinstance(v, str) else v["id"])
def test_every_check_block_states_its_setup(slug, fields):
    assert fields.get("setup"), f"{slug}: check {fields['id']} has no setup line"
