"""The learning-rate sweep gives every run the numbers a single run would."""

import numpy as np
import pytest

from nntui.core.data import PEOPLE, dataset
from nntui.core.sweep import LEARNING_RATE_LADDER, sweep
from nntui.core.train import train


def _relative_gap(ours, theirs) -> float:
    return float(np.max(np.abs(ours - theirs) / np.abs(theirs)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_rate_of_the_ladder_equals_a_single_run_to_rounding(seed):
    # The sweep reorders a few multiplications, so it is not bit for bit the single run;
    # over 400 epochs every loss and parameter still agrees to 1e-12 relative (measured:
    # about 1e-13 at worst), far below anything a learner could see.
    X, y = dataset()
    result = sweep(X, y, LEARNING_RATE_LADDER, epochs=400, seed=seed)
    for k, rate in enumerate(LEARNING_RATE_LADDER):
        single = train(X, y, rate, 400, seed=seed)
        assert result.diverged_at[k] is None and single.diverged_at is None
        assert _relative_gap(result.losses[k], single.losses) < 1e-12
        assert _relative_gap(result.params[k].as_array(), single.params.as_array()) < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stalling_and_diverging_rates_end_as_a_single_run_does(seed):
    # 25 stalls at once and (from seed 0) crawls out after about 318 epochs, across the
    # sweep's chunks of epochs; 30 stays stalled; 100 and up break at once, some beyond the
    # parameter limit or overflowing. Near a pinned output one rounding difference is
    # amplified, so the losses get a looser tolerance here (measured: 1e-11 at worst).
    X, y = dataset()
    rates = [25.0, 30.0, 100.0, 1e3, 1e9]
    result = sweep(X, y, rates, epochs=1000, seed=seed)
    for k, rate in enumerate(rates):
        single = train(X, y, rate, 1000, seed=seed)
        n = len(single.losses)
        assert result.diverged_at[k] == single.diverged_at
        assert np.all(np.isnan(result.losses[k, n:])) and not np.any(np.isnan(result.losses[k, :n]))
        assert _relative_gap(result.losses[k, :n], single.losses) < 1e-9
        assert np.allclose(result.params[k].as_array(), single.params.as_array(), rtol=1e-9, atol=0)
    if seed == 0:
        assert result.diverged_at[:3] == [None, 1, 1]  # the seed-0 story told in test_train.py


@pytest.mark.parametrize("seed,rate", [(4, 81.48), (2, 116.69)])
def test_a_run_that_stalls_for_good_after_calm_epochs_diverged_where_the_stall_began(seed, rate):
    # These runs learn for a while, then pin every output and never recover (from seed 4 the
    # stall begins past the sweep's first chunk of epochs). Rates beside them keep the
    # copies of one sweep independent.
    X, y = dataset()
    result = sweep(X, y, [0.1, rate, 30.0], epochs=400, seed=seed)
    single = train(X, y, rate, 400, seed=seed)
    assert single.diverged_at is not None and single.diverged_at > 1
    assert result.diverged_at[1] == single.diverged_at
    assert result.diverged_at[0] == train(X, y, 0.1, 400, seed=seed).diverged_at
    assert result.diverged_at[2] == train(X, y, 30.0, 400, seed=seed).diverged_at


def test_other_data_and_another_number_of_samples():
    # Mean-shifted data and five people (Emily included) instead of the lessons' four.
    X, y = dataset("mean", people=PEOPLE[:5])
    rates = [0.05, 0.5, 5.0]
    result = sweep(X, y, rates, epochs=300, seed=7)
    for k, rate in enumerate(rates):
        single = train(X, y, rate, 300, seed=7)
        assert result.diverged_at[k] == single.diverged_at
        assert _relative_gap(result.losses[k], single.losses) < 1e-12


def test_final_losses_skip_the_gap_after_divergence():
    X, y = dataset()
    result = sweep(X, y, [0.1, 100.0], epochs=20, seed=0)
    assert np.isnan(result.losses[1, -1])
    assert np.all(np.isfinite(result.final_losses()))


@pytest.mark.parametrize("rates", [[], [0.1, 0.0], [0.1, float("nan")], [-1.0]])
def test_bad_rates_are_refused(rates):
    X, y = dataset()
    with pytest.raises(ValueError):
        sweep(X, y, rates, epochs=5)


def test_the_reported_number_of_calls_per_step_is_the_kernels():
    # The core benchmark explains the sweep's speed with CALLS_PER_STEP; keep it true.
    import importlib
    import inspect

    module = importlib.import_module("nntui.core.sweep")  # the package re-exports sweep()
    source = inspect.getsource(module.sweep)
    body = source.split("# CALLS_PER_STEP counts these.")[1].split("dot(fold")[0]
    calls = [line for line in body.splitlines() if line.strip()]
    assert all("(" in line for line in calls)
    assert len(calls) == module.CALLS_PER_STEP
