"""Every checkpoint has a known right answer, computed by ``nntui.core`` for the situation the
question describes, and the numbers the lesson gives the learner lead to it within the tolerance.

ANSWERS maps (lesson slug, checkpoint id) to the core's answer; WORKED maps the same key to what
a learner gets by following the lesson's own rounded numbers and hints. A new checkpoint
without an entry fails, and so does a question whose worked answer misses the tolerance.
"""

from __future__ import annotations

import pytest
from lesson_text import all_lessons, parse_check

from nntui.core import data, landscape, matrix, network
from nntui.core.activations import sigmoid
from nntui.core.neuron import Neuron
from nntui.core.trace import backprop_trace
from nntui.core.train import train

X, Y = data.dataset("lesson")


def _net(weights):
    return network.forward(network.Params.from_weights_biases(weights, [0, 0, 0]), [2, 3])


def _alice(name):
    return backprop_trace(network.Params.ones(), X[0], 1.0).value(name)


def _emily():
    params = train(X, Y, seed=0).params
    return float(network.predict(params, data.LESSON_SHIFT.apply(128, 63))[0])


ANSWERS = {
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
    ("08-matrix-form", "pred1"): lambda: matrix.train_matrix().output[1, 0],
    ("09-what-next", "tanh"): lambda: train(X, Y, seed=0, activation="tanh").final_loss,
    ("09-what-next", "relu"): lambda: matrix.train_matrix(activation="relu").output[1, 0],
}

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


def test_every_checkpoint_has_an_answer_and_no_answer_is_stale():
    keys = {(slug, fields["id"]) for slug, fields in CHECKS}
    assert keys == set(ANSWERS) == set(WORKED)


@pytest.mark.parametrize("slug,fields", CHECKS, ids=lambda v: v if isinstance(v, str) else v["id"])
def test_the_lessons_numbers_lead_to_the_answer(slug, fields):
    key = (slug, fields["id"])
    answer = float(ANSWERS[key]())
    tolerance = float(fields["tolerance"])
    assert abs(WORKED[key] - answer) <= tolerance, f"{key}: worked {WORKED[key]} vs core {answer}"
