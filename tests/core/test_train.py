"""Training: the same numbers as a plain loop, useful predictions, honest divergence."""

import numpy as np
import pytest

from nntui.core.data import EMILY, FRANK, LESSON_SHIFT, dataset
from nntui.core.network import Params, predict
from nntui.core.train import sgd_epochs, train

from .reference_loop import ReferenceNetwork


@pytest.mark.parametrize("seed,lr", [(0, 0.1), (3, 0.5), (7, 0.01)])
def test_trainer_matches_a_plain_per_sample_loop(seed, lr):
    start = Params.random(seed)
    X, y = dataset()
    reference = ReferenceNetwork(list(start.as_array()))
    ref_losses = reference.train(X, y, learn_rate=lr, epochs=300)
    result = train(X, y, lr, 300, params=start)
    assert np.max(np.abs(result.params.as_array() - np.array(reference.values()))) < 1e-12
    assert np.max(np.abs(result.losses - np.array(ref_losses))) < 1e-12


def test_initial_parameters_are_nine_standard_normals_in_order():
    rng = np.random.default_rng(42)
    expected = [rng.standard_normal() for _ in range(9)]
    assert Params.random(42).as_array().tolist() == expected


def test_trained_network_tells_emily_from_frank():
    X, y = dataset()
    result = train(X, y, 0.1, 1000, seed=0)
    emily, frank = predict(
        result.params,
        LESSON_SHIFT.apply([EMILY.weight_lb, FRANK.weight_lb], [EMILY.height_in, FRANK.height_in]),
    )
    assert emily > 0.5 > frank
    assert result.losses[-1] < result.losses[0] / 10
    assert result.diverged_at is None and not result.cancelled


def test_same_seed_same_run_and_different_seed_different_run():
    X, y = dataset()
    a, b, c = (train(X, y, 0.1, 50, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


def test_training_streams_one_loss_per_epoch_and_can_be_cancelled():
    X, y = dataset()
    seen = []
    result = train(X, y, 0.1, 1000, seed=0, on_epoch=seen.append, should_stop=lambda: len(seen) >= 25)
    assert result.cancelled and len(result.losses) == 25
    assert [e.epoch for e in seen] == list(range(1, 26))
    generator = sgd_epochs(X, y, Params.random(0), 0.1, 1000)
    first = [next(generator) for _ in range(3)]
    generator.close()
    assert [e.epoch for e in first] == [1, 2, 3]


def test_a_huge_learning_rate_is_reported_as_divergence_without_nan():
    X, y = dataset()
    result = train(X, y, 100.0, 1000, seed=0)
    assert result.diverged_at == 1
    assert np.all(np.isfinite(result.losses))
    assert result.final_loss == pytest.approx(0.5, abs=1e-3)


def test_a_stall_the_run_recovers_from_is_not_divergence():
    # At learning rate 25 from seed 0 the first epoch pins every neuron, and the run crawls
    # out after about three hundred epochs; at 30 it never does.
    X, y = dataset()
    epochs = list(sgd_epochs(X, y, Params.random(0), 25.0, 1000))
    assert epochs[0].stalled and sum(e.stalled for e in epochs) > 100
    recovered = train(X, y, 25.0, 1000, seed=0)
    assert recovered.diverged_at is None and recovered.stalled_since is None
    assert recovered.final_loss < 0.01
    stuck = train(X, y, 30.0, 1000, seed=0)
    assert len(stuck.losses) == 1000  # a stall is not provably final, so the run goes on
    assert stuck.diverged_at == 1 and stuck.stalled_since == 1
    assert stuck.final_loss == pytest.approx(0.5, abs=1e-3)


def test_a_cancelled_stalled_run_is_not_judged():
    X, y = dataset()
    seen = []
    result = train(X, y, 30.0, 1000, seed=0, on_epoch=seen.append, should_stop=lambda: len(seen) >= 10)
    assert result.cancelled and result.diverged_at is None


@pytest.mark.parametrize("lr,epochs", [(0, 10), (-1, 10), (float("nan"), 10), (0.1, 0)])
def test_bad_settings_are_refused(lr, epochs):
    X, y = dataset()
    with pytest.raises(ValueError):
        train(X, y, lr, epochs)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_other_activations_train_too(activation):
    X, y = dataset()
    result = train(X, y, 0.05, 500, seed=1, activation=activation)
    assert result.losses[-1] < result.losses[0]


@pytest.mark.parametrize("lr", [0.3, 25.0, 100.0, 1e9])
def test_the_fast_sigmoid_epochs_and_the_general_ones_agree(lr):
    # The sigmoid epochs are written out by hand for speed (with a quick divergence test); the
    # general ones serve tanh and ReLU and the rare epoch that would overflow. They must stay
    # the same arithmetic and reach the same verdicts: learning rate 25 stalls and recovers,
    # 100 diverges at once, and 1e9 throws the weights past the limit and overflows math.exp.
    from nntui.core.activations import get_activation
    from nntui.core.train import _generic_epoch, _sigmoid_epochs, _stepped_epochs

    X, y = dataset()
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y, strict=True)]
    start = tuple(Params.random(0).as_array().tolist())
    general = _generic_epoch(get_activation("sigmoid"))
    fast = list(_sigmoid_epochs(start, rows, lr, 400, general))
    slow = list(_stepped_epochs(start, rows, lr, 400, general))
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert (a.epoch, a.diverged, a.stalled) == (b.epoch, b.diverged, b.stalled)
        assert a.loss == pytest.approx(b.loss, rel=1e-13)
        assert np.allclose(a.values, b.values, rtol=1e-12, atol=0)
