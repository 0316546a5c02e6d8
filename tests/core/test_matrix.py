"""The matrix-form network learns its four rows, close to the targets but never exactly."""

import numpy as np
import pytest

from nntui.core.activations import sigmoid
from nntui.core.matrix import MATRIX_X, MATRIX_Y, initial_matrix_weights, matrix_steps, train_matrix


def reference_matrix_training(X, y, w1, w2, iterations):
    """A plain full-batch loop, written independently of the core."""
    for _ in range(iterations):
        layer1 = sigmoid(X @ w1)
        out = sigmoid(layer1 @ w2)
        d_w2 = layer1.T @ (2 * (y - out) * out * (1 - out))
        d_w1 = X.T @ (((2 * (y - out) * out * (1 - out)) @ w2.T) * layer1 * (1 - layer1))
        w1, w2 = w1 + d_w1, w2 + d_w2
    return w1, w2, sigmoid(sigmoid(X @ w1) @ w2)


def test_1500_iterations_get_close_to_the_targets_but_not_onto_them():
    result = train_matrix()
    assert result.losses.shape == (1500,)
    assert result.losses[-1] < result.losses[0] / 100
    gaps = np.abs(result.output - MATRIX_Y)
    assert np.all(gaps < 0.1)
    assert np.all(gaps > 0)  # a sigmoid only reaches 0 or 1 in the limit


def test_matches_an_independent_full_batch_loop():
    w1, w2 = initial_matrix_weights(3, 4, seed=1)
    ref_w1, ref_w2, ref_out = reference_matrix_training(MATRIX_X, MATRIX_Y, w1, w2, 1500)
    result = train_matrix(seed=1)
    assert np.allclose(result.weights1, ref_w1, atol=1e-12)
    assert np.allclose(result.output, ref_out, atol=1e-12)


def test_hidden_size_and_streaming():
    result = train_matrix(hidden=7, iterations=10)
    assert result.weights1.shape == (3, 7) and result.weights2.shape == (7, 1)
    steps = list(matrix_steps(iterations=5))
    assert [s.iteration for s in steps] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("kwargs", [{"hidden": 0}, {"iterations": 0}, {"learning_rate": -1}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        train_matrix(**kwargs)
