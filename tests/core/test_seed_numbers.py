"""Every number the lessons quote from the original tutorials is reproduced exactly."""

import math

from nntui.core.losses import mse
from nntui.core.network import Params, forward
from nntui.core.neuron import Neuron


def test_single_neuron_worked_example():
    # w = [0, 1], b = 4, x = [2, 3]: the weighted sum is 3, plus the bias 7, sigmoid(7).
    out = Neuron([0, 1], 4).explain([2, 3])
    assert out.weighted_sum == 3
    assert out.total == 7
    assert out.output == 0.9990889488055994


def test_network_with_every_neuron_w01_b0():
    fw = forward(Params.shared_neuron((0, 1), 0), [2, 3])
    assert fw.h1 == fw.h2 == 1 / (1 + math.exp(-3))
    assert round(fw.h1, 4) == 0.9526
    assert fw.y_pred == 0.7216325609518421


def test_always_predicting_zero_gives_mse_half():
    assert mse([1, 0, 0, 1], [0, 0, 0, 0]) == 0.5
