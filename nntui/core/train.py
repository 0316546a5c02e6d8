"""Stochastic gradient descent on the 2-2-1 network, exactly as the lessons describe it.

Each epoch visits the samples one at a time, in data order, and after each sample moves
every parameter against that sample's gradient. After each epoch the loss (MSE over the
whole data set) is measured. Training is a generator, so a UI can draw the curve while it
runs and stop it simply by not asking for more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator, NamedTuple

import numpy as np

from .activations import Activation, _sigmoid_scalar, get_activation
from .network import Params

__all__ = [
    "Epoch",
    "TrainResult",
    "DIVERGENCE_LIMIT",
    "PINNED_SLOPE",
    "GUESSING_LOSS",
    "DivergenceTracker",
    "DEFAULT_LEARNING_RATE",
    "DEFAULT_EPOCHS",
    "sgd_epochs",
    "train",
    "initial_params",
]

DEFAULT_LEARNING_RATE = 0.1
DEFAULT_EPOCHS = 1000
#: A parameter larger than this means training has blown up: every sigmoid it feeds is
#: pinned at 0 or 1, no gradient flows any more, and the next steps overflow.
DIVERGENCE_LIMIT = 1e6
#: With a sigmoid output the loss cannot grow without bound. A run that blows up instead
#: throws its weights so far that every output is pinned near 0 or 1: its slope f'(sum_o1)
#: is below PINNED_SLOPE for every sample while the loss is no better than always
#: answering 0.5 (GUESSING_LOSS). Such a run is *stalled*: it may still crawl out (at
#: learning rate 25 from seed 0 one does, after 318 epochs), so stalling alone does not end
#: training. When the slope is exactly 0.0 for every sample, though, every gradient is
#: exactly zero and nothing can ever change again: that run has provably diverged.
PINNED_SLOPE = 1e-4
GUESSING_LOSS = 0.25


class Epoch(NamedTuple):
    """The state after one epoch: its number (from 1), the data set's loss, the parameters.

    A named tuple because a run makes one per epoch and they must be cheap.
    """

    epoch: int
    loss: float
    values: tuple  # the nine parameters, w1..w6 then b1..b3
    diverged: bool  # provably broken: not finite, a weight beyond DIVERGENCE_LIMIT, or frozen
    stalled: bool  # every output pinned near 0 or 1 and the loss no better than guessing

    @property
    def params(self) -> Params:
        """The parameters after this epoch."""
        return Params(*self.values)


def initial_params(seed: int | None = None, params: Params | None = None) -> Params:
    """The starting point: ``params`` when given, else nine standard normals from ``seed``."""
    return params if params is not None else Params.random(seed)


def sgd_epochs(
    X,
    y,
    params: Params,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    epochs: int = DEFAULT_EPOCHS,
    activation: str | Activation = "sigmoid",
) -> Iterator[Epoch]:
    """Train from ``params``, yielding an :class:`Epoch` after every pass over the data.

    Stops early, after yielding it, at the first epoch that provably diverged. Stop iterating
    to cancel. Bad settings raise ValueError at once, before any epoch.
    """
    if not (learning_rate > 0 and math.isfinite(learning_rate)):
        raise ValueError(f"the learning rate must be a positive finite number, got {learning_rate!r}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs!r}")
    act = get_activation(activation)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}")
    rows = [(float(a), float(b), float(t)) for (a, b), t in zip(X, y, strict=True)]
    start = tuple(float(v) for v in params.as_array())
    general = _generic_epoch(act)
    if act.name == "sigmoid":
        return _sigmoid_epochs(start, rows, float(learning_rate), epochs, general)
    return _stepped_epochs(start, rows, learning_rate, epochs, general)


#: Below this sum of squares every parameter is finite and within DIVERGENCE_LIMIT, which
#: one multiply-add per parameter tells far faster than sum(), max() and min() of a tuple.
_SAFELY_BOUNDED = (0.99 * DIVERGENCE_LIMIT) ** 2


def _judge(values: tuple, loss: float, max_slope: float) -> tuple[bool, bool]:
    """(diverged, stalled) for an epoch that ended at ``values`` with ``loss``; see :class:`Epoch`."""
    stalled = max_slope < PINNED_SLOPE and loss >= GUESSING_LOSS
    # sum() is finite only when every value is; then bound the size.
    diverged = (
        not math.isfinite(loss)
        or not math.isfinite(sum(values))
        or max(values) > DIVERGENCE_LIMIT
        or min(values) < -DIVERGENCE_LIMIT
        or (stalled and max_slope == 0.0)
    )
    return diverged, stalled or diverged


def _stepped_epochs(start: tuple, rows, lr: float, epochs: int, step: Callable) -> Iterator[Epoch]:
    """The epochs of any activation, one ``step`` call (see :func:`_generic_epoch`) each."""
    state = list(start)
    for epoch in range(1, epochs + 1):
        try:
            loss, max_slope = step(state, rows, lr)
        except (OverflowError, ValueError):
            loss, max_slope = math.inf, 0.0
        values = tuple(state)
        diverged, stalled = _judge(values, loss, max_slope)
        yield Epoch(epoch, loss, values, diverged, stalled)
        if diverged:
            return


def _sigmoid_epochs(start: tuple, rows, lr: float, epochs: int, safe_step: Callable) -> Iterator[Epoch]:
    """Per-sample SGD with sigmoid units, written out in plain floats for speed.

    The arithmetic is the lessons' term by term (and :func:`_generic_epoch`'s, operation for
    operation), so the results equal a straightforward NumPy loop's; it just avoids NumPy's
    per-call overhead on single numbers, which is most of the time such a loop takes, and
    keeps the parameters in local variables across epochs. ``math.exp`` raises OverflowError
    where a sigmoid's input is below about -709; such an epoch is done again from its start
    by the overflow-safe ``safe_step``.
    """
    exp = math.exp
    inf = math.inf
    make_epoch = tuple.__new__  # what Epoch(...) does, without its Python-level __new__
    count = len(rows)
    values = start
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = start
    for epoch in range(1, epochs + 1):
        try:
            for x1, x2, y_true in rows:
                h1 = 1.0 / (1.0 + exp(-(w1 * x1 + w2 * x2 + b1)))
                h2 = 1.0 / (1.0 + exp(-(w3 * x1 + w4 * x2 + b2)))
                y_pred = 1.0 / (1.0 + exp(-(w5 * h1 + w6 * h2 + b3)))

                d_o1 = y_pred * (1.0 - y_pred)  # f'(sum_o1), from the output itself
                d_h1 = h1 * (1.0 - h1)
                d_h2 = h2 * (1.0 - h2)
                g = lr * (-2.0 * (y_true - y_pred))  # learning rate times d_L_d_ypred
                g1 = g * (w5 * d_o1)  # ... times d_ypred_d_h1
                g2 = g * (w6 * d_o1)  # ... times d_ypred_d_h2

                w1 -= g1 * (x1 * d_h1)
                w2 -= g1 * (x2 * d_h1)
                b1 -= g1 * d_h1
                w3 -= g2 * (x1 * d_h2)
                w4 -= g2 * (x2 * d_h2)
                b2 -= g2 * d_h2
                w5 -= g * (h1 * d_o1)
                w6 -= g * (h2 * d_o1)
                b3 -= g * d_o1
            # The loss after the epoch, and how steep the output neuron still is.
            total = 0.0
            max_slope = 0.0
            for x1, x2, y_true in rows:
                h1 = 1.0 / (1.0 + exp(-(w1 * x1 + w2 * x2 + b1)))
                h2 = 1.0 / (1.0 + exp(-(w3 * x1 + w4 * x2 + b2)))
                y_pred = 1.0 / (1.0 + exp(-(w5 * h1 + w6 * h2 + b3)))
                total += (y_true - y_pred) ** 2
                slope = y_pred * (1.0 - y_pred)
                if slope > max_slope:
                    max_slope = slope
            loss = total / count
        except OverflowError:
            state = list(values)  # the epoch's start
            try:
                loss, max_slope = safe_step(state, rows, lr)
            except (OverflowError, ValueError):
                loss, max_slope = inf, 0.0
            w1, w2, w3, w4, w5, w6, b1, b2, b3 = state
        values = (w1, w2, w3, w4, w5, w6, b1, b2, b3)
        stalled = max_slope < PINNED_SLOPE and loss >= GUESSING_LOSS
        if (
            w1 * w1 + w2 * w2 + w3 * w3 + w4 * w4 + w5 * w5 + w6 * w6 + b1 * b1 + b2 * b2 + b3 * b3
            < _SAFELY_BOUNDED
            and loss < inf
        ):
            diverged = stalled and max_slope == 0.0  # NaN fails the test above, so all is finite
        else:
            diverged, stalled = _judge(values, loss, max_slope)
        yield make_epoch(Epoch, (epoch, loss, values, diverged, stalled or diverged))
        if diverged:
            return


def _loss_and_slope(state, rows, hidden) -> tuple[float, float]:
    """The mean squared error over ``rows`` and the largest output slope f'(sum_o1)."""
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = state
    total = 0.0
    max_slope = 0.0
    for x1, x2, y_true in rows:
        h1 = hidden(w1 * x1 + w2 * x2 + b1)
        h2 = hidden(w3 * x1 + w4 * x2 + b2)
        y_pred = _sigmoid_scalar(w5 * h1 + w6 * h2 + b3)
        total += (y_true - y_pred) ** 2
        slope = y_pred * (1 - y_pred)
        if slope > max_slope:
            max_slope = slope
    return total / len(rows), max_slope


def _generic_epoch(act: Activation) -> Callable:
    """One epoch of per-sample SGD for any hidden activation (tanh, ReLU)."""
    f, df = act.function, act.derivative

    def epoch(state: list, rows, lr: float) -> tuple[float, float]:
        w1, w2, w3, w4, w5, w6, b1, b2, b3 = state
        for x1, x2, y_true in rows:
            sum_h1 = w1 * x1 + w2 * x2 + b1
            sum_h2 = w3 * x1 + w4 * x2 + b2
            h1, h2 = f(sum_h1), f(sum_h2)
            sum_o1 = w5 * h1 + w6 * h2 + b3
            y_pred = _sigmoid_scalar(sum_o1)
            d_o1 = y_pred * (1 - y_pred)
            d_h1, d_h2 = df(sum_h1), df(sum_h2)
            g = lr * (-2 * (y_true - y_pred))
            g1 = g * (w5 * d_o1)
            g2 = g * (w6 * d_o1)
            w1 -= g1 * (x1 * d_h1)
            w2 -= g1 * (x2 * d_h1)
            b1 -= g1 * d_h1
            w3 -= g2 * (x1 * d_h2)
            w4 -= g2 * (x2 * d_h2)
            b2 -= g2 * d_h2
            w5 -= g * (h1 * d_o1)
            w6 -= g * (h2 * d_o1)
            b3 -= g * d_o1
        state[:] = (w1, w2, w3, w4, w5, w6, b1, b2, b3)
        return _loss_and_slope(state, rows, f)

    return epoch


@dataclass(frozen=True)
class TrainResult:
    """What a finished (or stopped) training run produced."""

    initial: Params
    params: Params
    losses: np.ndarray  # one value per completed epoch
    learning_rate: float
    epochs_requested: int
    diverged_at: int | None  # the epoch at which training blew up, if it did (see DivergenceTracker)
    cancelled: bool
    stalled_since: int | None = None  # first epoch of the stall the run ended in, if it did

    @property
    def final_loss(self) -> float:
        """The loss after the last completed epoch."""
        return float(self.losses[-1]) if len(self.losses) else math.nan


def train(
    X,
    y,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    epochs: int = DEFAULT_EPOCHS,
    seed: int | None = 0,
    params: Params | None = None,
    activation: str | Activation = "sigmoid",
    on_epoch: Callable[[Epoch], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Run :func:`sgd_epochs` to the end, calling ``on_epoch`` after each epoch.

    ``should_stop`` is polled after every epoch; returning True cancels the run and the
    result holds what was done so far.
    """
    start = initial_params(seed, params)
    losses: list[float] = []
    add_loss = losses.append
    tracker = DivergenceTracker()
    cancelled = False
    epoch = None
    for epoch in sgd_epochs(X, y, start, learning_rate, epochs, activation):
        add_loss(epoch.loss)
        # The tracker only changes on a stalled (or broken) epoch or at the end of a stall.
        if epoch.stalled or tracker.stalled_since is not None:
            tracker.update(epoch)
        if on_epoch is not None:
            on_epoch(epoch)
        if should_stop is not None and not epoch.diverged and should_stop():
            cancelled = True
            break
    return TrainResult(
        start,
        start if epoch is None else epoch.params,
        np.asarray(losses, dtype=float),
        float(learning_rate),
        epochs,
        tracker.diverged_at(finished=not cancelled),
        cancelled,
        tracker.stalled_since,
    )


class DivergenceTracker:
    """Follows a run epoch by epoch and says, at the end, whether and when it diverged.

    A run diverged at epoch N when it provably broke there, or when it *ended* stalled and
    the stall began at N: the loss jumped to "no better than guessing" and never came back.
    A stall the run recovered from is not divergence.
    """

    def __init__(self) -> None:
        self.broken_at: int | None = None
        self.stalled_since: int | None = None

    def update(self, epoch: Epoch) -> None:
        """Take the next epoch into account."""
        if epoch.diverged and self.broken_at is None:
            self.broken_at = epoch.epoch
        if epoch.stalled:
            if self.stalled_since is None:
                self.stalled_since = epoch.epoch
        else:
            self.stalled_since = None

    def diverged_at(self, finished: bool = True) -> int | None:
        """The divergence epoch, if any; a stall only counts once the run has finished."""
        if self.broken_at is not None:
            return self.stalled_since or self.broken_at
        return self.stalled_since if finished else None
