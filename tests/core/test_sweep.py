"""The learning-rate sweep gives every run the numbers a single run would."""

import numpy as np

from nntui.core.data import dataset
from nntui.core.sweep import LEARNING_RATE_LADDER, sweep
from nntui.core.train import train


def test_each_rate_of_the_sweep_equals_a_single_run():
    X, y = dataset()
    rates = list(LEARNING_RATE_LADDER) + [25.0, 30.0, 100.0]
    result = sweep(X, y, rates, epochs=400, seed=0)
    for k, rate in enumerate(rates):
        single = train(X, y, rate, 400, seed=0)
        n = len(single.losses)
        assert result.diverged_at[k] == single.diverged_at
        assert np.max(np.abs(result.losses[k, :n] - single.losses)) < 1e-12
        assert np.all(np.isnan(result.losses[k, n:]))
        assert np.max(np.abs(result.params[k].as_array() - single.params.as_array())) < 1e-10


def test_final_losses_skip_the_gap_after_divergence():
    X, y = dataset()
    result = sweep(X, y, [0.1, 100.0], epochs=20, seed=0)
    assert np.all(np.isfinite(result.final_losses()))
