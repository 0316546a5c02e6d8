"""Claims the lessons make in words rather than numbers, checked against ``nntui.core``.

Each test names the lesson and quotes the gist of the sentence it guards, so if the core
changes (or a lesson is edited) the sentence that became false is easy to find.
"""

from __future__ import annotations

import numpy as np
import pytest

from nntui.core import data, landscape, matrix, network, regression
from nntui.core.activations import sigmoid, sigmoid_derivative
from nntui.core.gradcheck import numerical_gradient
from nntui.core.trace import backprop_trace, sgd_step
from nntui.core.train import sgd_epochs, train

X, Y = data.dataset("lesson")


def _final(**kw):
    return train(X, Y, **{"seed": 0, "learning_rate": 0.1, "epochs": 1000, **kw})


# -- 01 neurons -----------------------------------------------------------------------


def test_01_the_step_function_has_no_slope_to_follow_and_the_sigmoid_does():
    # "A step would jump from 1 to 0; the sigmoid only moves from 0.525 to 0.475."
    step = lambda t: np.where(t >= 0, 1.0, 0.0)  # noqa: E731
    totals = np.array([-0.1, 0.1])
    assert list(step(totals)) == [0.0, 1.0]
    eps = 1e-3
    assert np.all((step(totals + eps) - step(totals - eps)) == 0)  # flat on either side of the jump
    assert np.all(sigmoid_derivative(totals) > 0.24)
    # "b = -threshold": firing at sum >= 3 is the neuron with bias -3 at total >= 0
    sums = np.linspace(-10, 10, 201)
    assert np.array_equal(sums >= 3, sums + -3 >= 0)


# -- 03 data and loss ------------------------------------------------------------------


def test_03_raw_inputs_saturate_and_training_on_them_stalls():
    # "The sigmoid of 198 is 1 to the last digit ... learning stalls."
    assert sigmoid(133.0 + 65.0) == 1.0
    raw_x, raw_y = data.dataset("none")
    raw = train(raw_x, raw_y, seed=0).final_loss
    assert raw > 0.2 and raw > 50 * _final().final_loss


def test_03_always_one_scores_the_same_as_always_zero():
    assert np.mean((Y - 1) ** 2) == np.mean(Y**2) == 0.5


# -- 04 backpropagation ----------------------------------------------------------------


def test_04_backprop_agrees_with_nudging():
    # "We can check the whole chain without calculus: nudge w1 both ways."
    params = network.Params.ones()
    exact = backprop_trace(params, X[0], 1.0).gradient.as_array()
    nudged = numerical_gradient(params, X[0], 1.0).as_array()
    assert np.allclose(exact, nudged, atol=1e-8)


def test_04_sigmoid_slope_is_largest_at_zero():
    t = np.linspace(-10, 10, 2001)
    assert t[np.argmax(sigmoid_derivative(t))] == pytest.approx(0.0)


# -- 05 stochastic gradient descent ----------------------------------------------------


def test_05_b3_has_the_largest_gradient_and_bob_pulls_the_other_way():
    alice = backprop_trace(network.Params.ones(), X[0], 1.0).gradient.as_dict()
    assert max(alice, key=lambda name: abs(alice[name])) == "b3"
    bob = backprop_trace(network.Params.ones(), X[1], 0.0).gradient.as_dict()
    assert alice["b3"] < 0 < bob["b3"]


def test_05_every_other_gradient_is_b3s_times_a_small_factor():
    # "w5's is b3's times h1, w6's is b3's times h2 ... hidden weights pass through f'(sum_h1)."
    t = backprop_trace(network.Params.ones(), X[0], 1.0)
    g = t.gradient.as_dict()
    assert g["w5"] == pytest.approx(g["b3"] * t.value("h1"))
    assert g["w6"] == pytest.approx(g["b3"] * t.value("h2"))
    assert t.value("h1") < 0.05 and t.value("f_prime_sum_h1") < 0.05
    for name in ("w1", "w2", "w3", "w4", "b1", "b2"):
        assert abs(g[name]) <= abs(g["b3"]) * 0.1


def test_05_one_update_lowers_alices_loss():
    step = sgd_step(network.Params.ones(), X[0], 1.0, 0.1)
    assert step.loss_after < step.loss_before


# -- 06 training -----------------------------------------------------------------------


def test_06_loss_falls_every_epoch_at_learning_rate_0_1():
    assert np.all(np.diff(_final().losses) < 0)


def test_06_a_hundred_times_smaller_rate_needs_a_hundred_times_the_epochs():
    slow = _final(learning_rate=0.001, epochs=100_000).final_loss
    assert slow == pytest.approx(_final().final_loss, rel=0.05)


def test_06_rates_up_to_20_train_and_30_is_stopped_stuck_at_one_for_everyone():
    for rate in (1, 10, 20):
        result = _final(learning_rate=rate)
        assert result.diverged_at is None and result.final_loss < _final().final_loss
    stuck = _final(learning_rate=30)
    assert stuck.diverged_at == 1
    assert stuck.final_loss == pytest.approx(0.5, abs=1e-3)
    assert np.all(network.predict(stuck.params, X) > 0.99)


def test_06_the_seeds_epoch_10_line_comes_after_11_passes():
    # The seeds: "for epoch in range(epochs): <one pass> ... if epoch % 10 == 0: print(epoch, loss)".
    printed = {}
    for epoch, done in zip(range(21), sgd_epochs(X, Y, network.Params.random(0), 0.1, 21), strict=True):
        if epoch % 10 == 0:
            printed[epoch] = (done.epoch, done.loss)  # done.epoch counts passes from 1
    assert printed[10][0] == 11
    assert printed[10][1] == _final(epochs=11).final_loss != _final(epochs=10).final_loss


def test_06_at_25_the_run_is_stuck_for_500_epochs_then_gets_out_in_503_to_505():
    losses = _final(learning_rate=25).losses
    assert np.all(losses[:498] > 0.499)  # drawn flat: "stuck just below 0.5"
    assert losses[502] > 0.49 and losses[503] < 0.35 and losses[504] < 0.002
    assert _final(learning_rate=25).diverged_at is None  # it got out, so it is not called stuck


def test_06_other_starts_give_the_same_verdicts_for_emily_and_frank():
    shift = data.LESSON_SHIFT
    emily = shift.apply(data.EMILY.weight_lb, data.EMILY.height_in)
    frank = shift.apply(data.FRANK.weight_lb, data.FRANK.height_in)
    for seed in range(5):
        params = _final(seed=seed).params
        assert network.predict(params, emily)[0] > 0.9 and network.predict(params, frank)[0] < 0.1


# -- 07 downhill -----------------------------------------------------------------------


def test_07_a_step_of_50_on_b3_jumps_over_the_valley_and_lands_higher():
    params = network.Params.random(0)
    slope = landscape.dataset_gradient(params, X, Y).b3
    after = params.b3 - 50 * slope
    assert landscape.dataset_loss(params.with_value("b3", after), X, Y) > landscape.dataset_loss(params, X, Y)
    grid = np.linspace(-3, 5, 161)
    valley = grid[np.argmin(landscape.loss_slice(params, "b3", grid, X, Y))]
    assert min(params.b3, after) < valley < max(params.b3, after)
    # ... and a small step would have gone down.
    small = params.with_value("b3", params.b3 - 0.1 * slope)
    assert landscape.dataset_loss(small, X, Y) < landscape.dataset_loss(params, X, Y)


def _descend_line(lr, steps):
    # lesson 7's walk: normalised floor areas, a = b = 0 at the start
    area = np.array([30, 45, 60, 80, 100.0])
    rent = np.array([610, 790, 960, 1280, 1490.0])
    x = (area - area.mean()) / area.std()
    a = b = 0.0
    for _ in range(steps):
        err = a * x + b - rent
        a, b = a - lr * 2 * np.mean(err * x), b - lr * 2 * np.mean(err)
    return np.mean((a * x + b - rent) ** 2)


def test_07_rates_with_the_same_size_of_1_minus_2lr_give_the_same_losses():
    # "each step multiplies the distance from the best a and b by 1 - 2*lr: 0.8 and -0.8"
    for steps in (1, 5, 20):
        assert _descend_line(0.1, steps) == pytest.approx(_descend_line(0.9, steps), rel=1e-9)
        assert _descend_line(0.2, steps) == pytest.approx(_descend_line(0.8, steps), rel=1e-9)
    # "it starts at any rate above 1": at 1 the loss neither falls nor grows
    assert _descend_line(1.0, 5) == pytest.approx(_descend_line(1.0, 50))
    assert _descend_line(1.01, 200) > _descend_line(1.01, 100) > _descend_line(1.0, 100)


def test_07_the_regression_panes_walk_swings_out_above_1_in_at_0_9_and_between_two_lines_at_1():
    x, y = regression.FLOOR_AREA, regression.RENT
    fit = regression.least_squares(x, y)
    slopes = {
        lr: [p.line.slope - fit.slope for p in regression.descend(x, y, lr, 6)] for lr in (0.9, 1.0, 1.1)
    }
    for lr in (0.9, 1.1):  # "swings from side to side"
        d = np.array(slopes[lr])
        assert np.all(np.sign(d[1:]) == -np.sign(d[:-1]))
    assert np.all(np.diff(np.abs(slopes[0.9])) < 0) and np.all(np.diff(np.abs(slopes[1.1])) > 0)
    # at 1: the flat line, then one twice as steep as the best, and back, for ever
    lines = [p.line for p in regression.descend(x, y, 1.0, 4)]
    assert [line.slope for line in lines] == pytest.approx([0, 2 * fit.slope, 0, 2 * fit.slope, 0], abs=1e-9)


def test_07_no_straight_line_has_a_smaller_sum_of_squares_than_the_formulas():
    x, y = regression.FLOOR_AREA, regression.RENT
    fit = regression.least_squares(x, y)
    best = regression.sum_of_squares(fit, x, y)
    rng = np.random.default_rng(0)
    for ds, dc in rng.normal(size=(200, 2)) * [1, 50]:
        assert regression.sum_of_squares(regression.Line(fit.slope + ds, fit.intercept + dc), x, y) > best


# -- 08 matrix form --------------------------------------------------------------------


def test_08_loss_falls_every_iteration_at_rate_1_but_not_at_rate_2():
    assert np.all(np.diff(matrix.train_matrix().losses) < 0)
    fast = matrix.train_matrix(learning_rate=2)
    assert int(np.sum(np.diff(fast.losses) > 0)) == 35
    assert fast.losses[-1] < matrix.train_matrix().losses[-1]


def test_08_outputs_never_reach_the_targets_and_more_iterations_shrink_the_gap():
    short = matrix.train_matrix()
    long = matrix.train_matrix(iterations=15000)
    gap = np.abs(short.output - matrix.MATRIX_Y)
    assert np.all(gap > 0)
    assert np.all(np.abs(long.output - matrix.MATRIX_Y) < gap)


def test_08_applying_the_slope_formula_to_the_output_twice_is_wrong():
    # "one that recomputes f of what you pass it would give f'(s), which is wrong."
    t = 3.0
    s = sigmoid(t)
    assert s * (1 - s) == pytest.approx(sigmoid_derivative(t))
    assert abs(sigmoid_derivative(s) - sigmoid_derivative(t)) > 0.1


def test_08_one_hidden_unit_cannot_learn_xor_but_two_can():
    one = matrix.train_matrix(hidden=1)
    assert np.all((one.output > 0.5) & (one.output < 0.7))
    assert matrix.train_matrix(hidden=2).losses[-1] < 0.05
    assert matrix.train_matrix(hidden=8).losses[-1] < matrix.train_matrix(hidden=4).losses[-1]


def test_08_more_hidden_units_are_not_always_better():
    # "8 end at 0.0015, but 16 at 0.0024, worse than 8. And 64 get stuck ..."
    assert matrix.train_matrix(hidden=16).losses[-1] > matrix.train_matrix(hidden=8).losses[-1]
    stuck = matrix.train_matrix(hidden=64)
    assert np.all(stuck.output > 0.999) and abs(stuck.losses[0] - stuck.losses[-1]) < 1e-6


def test_08_one_hidden_unit_drifts_down_rather_than_staying_put():
    losses = matrix.train_matrix(hidden=1).losses
    assert losses[0] - losses[-1] > 0.1 and np.all(np.diff(losses) < 0)


# -- 09 what next ----------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.1, 0.01])
def test_09_tanh_beats_relu_beats_sigmoid_on_our_data(rate):
    finals = {a: _final(learning_rate=rate, activation=a).final_loss for a in ("sigmoid", "tanh", "relu")}
    assert finals["tanh"] < finals["relu"] < finals["sigmoid"]


def test_09_relu_with_positive_weights_is_linear_and_fails_xor_while_tanh_learns_it():
    relu = matrix.train_matrix(activation="relu")
    assert np.all(matrix.MATRIX_X @ matrix.initial_matrix_weights(3, 4, 1)[0] > 0)
    # "One total dips below 0 in iterations 2 to 4 only; from iteration 5 on all are positive."
    net = matrix.MatrixNetwork(*matrix.initial_matrix_weights(3, 4, 1), activation="relu")
    negative = {}
    for iteration in range(1, 1501):
        totals = matrix.MATRIX_X @ net.weights1
        if np.any(totals <= 0):
            negative[iteration] = int(np.sum(totals <= 0))
        net.step(matrix.MATRIX_X, matrix.MATRIX_Y, iteration)
    assert negative == {2: 1, 3: 1, 4: 1}
    assert np.allclose(relu.output, 0.5, atol=0.01)
    assert matrix.train_matrix(activation="tanh").losses[-1] < 0.01
