"""Train K copies of the 2-2-1 network, one per learning rate, in a single vectorised pass.

Every copy starts from the same parameters and sees the samples in the same order, so
copy k follows exactly the path a single run with ``learning_rates[k]`` would (to
rounding). The parameters of all copies live side by side in a few arrays, so that each
per-sample step is some two dozen whole-array operations instead of K Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params
from .train import DEFAULT_EPOCHS, DIVERGENCE_LIMIT, GUESSING_LOSS, PINNED_SLOPE, initial_params

__all__ = ["SweepResult", "sweep", "LEARNING_RATE_LADDER"]

#: The learning rates a learner steps through with + and -: roughly x3 apart.
LEARNING_RATE_LADDER = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass(frozen=True)
class SweepResult:
    """One row per learning rate."""

    learning_rates: np.ndarray  # (K,)
    losses: np.ndarray  # (K, epochs); NaN after a run diverged
    params: list[Params]  # final (or, for a diverged run, last) parameters of each run
    diverged_at: list[int | None]  # the epoch each run diverged at, if it did

    def final_losses(self) -> np.ndarray:
        """Each run's last finite loss."""
        out = []
        for row in self.losses:
            finite = row[np.isfinite(row)]
            out.append(finite[-1] if finite.size else np.nan)
        return np.asarray(out)


def sweep(
    X,
    y,
    learning_rates,
    epochs: int = DEFAULT_EPOCHS,
    seed: int | None = 0,
    params: Params | None = None,
) -> SweepResult:
    """Train one sigmoid 2-2-1 network per learning rate, all at once, from the same start."""
    rates = np.asarray(learning_rates, dtype=float).reshape(-1)
    if rates.size == 0 or not np.all(np.isfinite(rates) & (rates > 0)):
        raise ValueError("every learning rate must be a positive finite number")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}")
    k = rates.size
    start = initial_params(seed, params).as_array()
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = start

    # The cost of a step is the number of NumPy calls, not their size, so the layout keeps
    # that number small: both hidden units of all K copies side by side in 2K-long rows.
    #   hidden[0] = [w1 ... | w3 ...]   (weights of x1)
    #   hidden[1] = [w2 ... | w4 ...]   (weights of x2)
    #   hidden[2] = [b1 ... | b2 ...]   (biases)
    #   out_w     = [w5 ... | w6 ...],  out_b = [b3 ...]
    hidden = np.array([[w1] * k + [w3] * k, [w2] * k + [w4] * k, [b1] * k + [b2] * k])
    out_w = np.array([w5] * k + [w6] * k)
    out_b = np.full(k, b3)
    samples = [
        (np.array([x1, x2, 1.0]), np.full(2 * k, x1), np.full(2 * k, x2), np.full(k, t))
        for (x1, x2), t in zip(X, y, strict=True)
    ]
    twice_rates = 2.0 * rates  # lr * (-2 * (y - y_pred)) == (y_pred - y) * 2 lr, exactly
    one_k, one_2k = np.ones(k), np.ones(2 * k)
    h = np.empty(2 * k)
    y_pred = np.empty(k)

    # Parameters after every epoch, a chunk at a time; losses are computed per chunk in a
    # few large array operations instead of a dozen small ones per epoch.
    chunk = min(epochs, 256)
    hist_hidden = np.empty((chunk, 3, 2 * k))
    hist_out_w = np.empty((chunk, 2 * k))
    hist_out_b = np.empty((chunk, k))
    losses = np.full((k, epochs), np.nan)
    book = _Bookkeeping(k)

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for chunk_start in range(0, epochs, chunk):
            size = min(chunk, epochs - chunk_start)
            for i in range(size):
                for v, x1s, x2s, target in samples:
                    np.dot(v, hidden, out=h)  # both hidden sums of every copy
                    np.negative(h, out=h)
                    np.exp(h, out=h)
                    np.add(h, one_2k, out=h)
                    np.reciprocal(h, out=h)  # h = sigmoid(sum), [h1 | h2]
                    weighted = out_w * h
                    np.add(weighted[:k], weighted[k:], out=y_pred)
                    y_pred += out_b
                    np.negative(y_pred, out=y_pred)
                    np.exp(y_pred, out=y_pred)
                    np.add(y_pred, one_k, out=y_pred)
                    np.reciprocal(y_pred, out=y_pred)
                    # g_out = lr * dL/dy_pred * f'(sum_o1), per copy
                    g_out = (y_pred - target) * twice_rates
                    g_out *= (one_k - y_pred) * y_pred
                    g_out2 = np.concatenate((g_out, g_out))
                    # Hidden deltas use the output weights from before this sample's update.
                    delta = g_out2 * out_w
                    delta *= (one_2k - h) * h
                    out_w -= g_out2 * h
                    out_b -= g_out
                    hidden[0] -= delta * x1s
                    hidden[1] -= delta * x2s
                    hidden[2] -= delta
                hist_hidden[i] = hidden
                hist_out_w[i] = out_w
                hist_out_b[i] = out_b
            _record_chunk(
                hist_hidden[:size], hist_out_w[:size], hist_out_b[:size], X, y, chunk_start, losses, book
            )
            if book.broken.all():
                break
    for index in np.flatnonzero(~book.broken):
        book.final[index] = _params_row(hidden, out_w, out_b, index, k)
    diverged_at = [
        int(book.stalled_since[i] or book.broken_at[i]) if book.broken[i] or book.stalled_since[i] else None
        for i in range(k)
    ]
    return SweepResult(rates, losses, [Params.from_sequence(row) for row in book.final], diverged_at)


class _Bookkeeping:
    """Per copy: whether and when it provably broke, and the stall it is in (0 when none).

    The same rules as :class:`nntui.core.train.DivergenceTracker`.
    """

    def __init__(self, k: int) -> None:
        self.broken = np.zeros(k, dtype=bool)
        self.broken_at = np.zeros(k, dtype=int)
        self.stalled_since = np.zeros(k, dtype=int)
        self.final = np.empty((k, 9))


def _params_row(hidden, out_w, out_b, index: int, k: int) -> list[float]:
    """Copy ``index``'s nine parameters, w1..w6 then b1..b3, out of the side-by-side layout."""
    return [
        hidden[0, index],
        hidden[1, index],
        hidden[0, k + index],
        hidden[1, k + index],
        out_w[index],
        out_w[k + index],
        hidden[2, index],
        hidden[2, k + index],
        out_b[index],
    ]


def _record_chunk(hidden, out_w, out_b, X, y, first_epoch, losses, book: _Bookkeeping) -> None:
    """Losses of a chunk of epochs for every copy, and each copy's divergence bookkeeping.

    Same rules as :func:`nntui.core.train.sgd_epochs`: a copy provably breaks at a loss or
    parameter that is not finite, a parameter beyond DIVERGENCE_LIMIT, or a stall with an
    output slope of exactly zero; its later epochs are left as NaN.
    """
    size, k = out_b.shape
    total = np.zeros((size, k))
    max_slope = np.zeros((size, k))
    for (x1, x2), target in zip(X, y, strict=True):
        h = 1.0 / (1.0 + np.exp(-(x1 * hidden[:, 0] + x2 * hidden[:, 1] + hidden[:, 2])))  # (size, 2k)
        pred = 1.0 / (1.0 + np.exp(-(out_w[:, :k] * h[:, :k] + out_w[:, k:] * h[:, k:] + out_b)))
        total += (target - pred) ** 2
        np.maximum(max_slope, pred * (1 - pred), out=max_slope)
    epoch_loss = total / len(y)
    # Gather each copy's nine values, w1..w6 then b1..b3, out of the side-by-side layout.
    params = np.stack(
        [
            hidden[:, 0, :k],
            hidden[:, 1, :k],
            hidden[:, 0, k:],
            hidden[:, 1, k:],
            out_w[:, :k],
            out_w[:, k:],
            hidden[:, 2, :k],
            hidden[:, 2, k:],
            out_b,
        ],
        axis=2,
    )  # (size, k, 9)
    stalled = (max_slope < PINNED_SLOPE) & (epoch_loss >= GUESSING_LOSS)
    broken = (
        ~np.isfinite(epoch_loss)
        | ~np.all(np.isfinite(params), axis=2)
        | (np.nan_to_num(np.abs(params), nan=np.inf).max(axis=2) > DIVERGENCE_LIMIT)
        | (stalled & (max_slope == 0.0))
    )
    stalled |= broken
    for index in np.flatnonzero(~book.broken):
        hits = np.flatnonzero(broken[:, index])
        last = hits[0] if hits.size else size - 1
        losses[index, first_epoch : first_epoch + last + 1] = epoch_loss[: last + 1, index]
        for offset in range(last + 1):  # follow the stall, epoch by epoch, as a single run would
            if stalled[offset, index]:
                if not book.stalled_since[index]:
                    book.stalled_since[index] = first_epoch + offset + 1
            else:
                book.stalled_since[index] = 0
        if hits.size:
            book.broken[index] = True
            book.broken_at[index] = first_epoch + last + 1
            book.final[index] = params[last, index]
