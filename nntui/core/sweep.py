"""Train K copies of the 2-2-1 network, one per learning rate, in a single vectorised pass.

Every copy starts from the same parameters and sees the samples in the same order, so
copy k follows the path a single run with ``learning_rates[k]`` would, to rounding. The
parameters of all copies live side by side in one array, so that each per-sample step is
sixteen whole-array NumPy calls whatever K is.

What a step costs is the number of NumPy calls, not their size, hence this layout.

*Columns*, 5K: [h1 of every copy | h2 of every copy | w5 ... | w6 ... | b3 ...].

*Rows*: rows 0-2 hold the parameters at the start of the epoch (the hidden units' weights
of x1, of x2, and their biases; row 2 also holds the output unit's w5, w6, b3), then two
rows per sample: the sum of its hidden-unit changes this epoch, and of its output-unit
changes. The hidden weights of every copy see the same inputs, so a step's change to them
is an outer product, input vector v_r times the step's deltas. Rather than apply that to
rows 0-2 (a broadcast multiply and an add), the step adds its deltas to its sample's row,
and the hidden sums come out of the one vector-matrix product that reads the parameters
anyway: ``v_r . (A + sum_q v_q delta_q) = v_r . A + sum_q (v_r . v_q) delta_q``. The same
product adds the output unit's changes to its starting values, so the whole step's update
is one add. At the end of every epoch one matrix product folds the sums into rows 0-2 and
clears them (which keeps the rounding as close to a single run's as updating in place),
writing the epoch's slot of the history that the losses are then computed from.

Everything is stored negated (the bias row's output part too), so the product gives
-sum and the sigmoid is exp, add 1, divide, with no negation.

The subtractions that cancel, 1 - y and y - t, are done exactly as a single run does them:
near a pinned output they decide the result, and a mathematically equal form (e/z for
1 - y) drifts from the single run by far more than rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Params
from .train import DEFAULT_EPOCHS, DIVERGENCE_LIMIT, GUESSING_LOSS, PINNED_SLOPE, initial_params

__all__ = ["SweepResult", "sweep", "LEARNING_RATE_LADDER", "CALLS_PER_STEP"]

#: The learning rates a learner steps through with + and -: roughly x3 apart.
LEARNING_RATE_LADDER = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

#: NumPy calls in the body of one per-sample step (the benchmark reports it).
CALLS_PER_STEP = 16

#: Epochs whose losses are computed together, in a few large array operations.
_CHUNK = 128
_HISTORY_BYTES = 8_000_000


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
    """Train one sigmoid 2-2-1 network per learning rate, all at once, from the same start.

    Divergence is judged as :func:`nntui.core.train.train` judges it; a copy's losses after
    the epoch it provably broke at are NaN.
    """
    rates = np.asarray(learning_rates, dtype=float).reshape(-1)
    if rates.size == 0 or not np.all(np.isfinite(rates) & (rates > 0)):
        raise ValueError("every learning rate must be a positive finite number")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}")
    k, n = rates.size, y.size
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = initial_params(seed, params).as_array()
    inputs = np.column_stack([X, np.ones(n)])  # v_r = (x1, x2, 1)
    gram = inputs @ inputs.T  # v_r . v_q
    rows, hid = 3 + 2 * n, 2 * k

    # A chunk's history stays within a few megabytes, however many rates there are.
    chunk = min(epochs, _CHUNK, max(8, _HISTORY_BYTES // (rows * 5 * k * 8)))
    # Slot i holds the state during epoch i of the chunk; the fold at its end writes slot
    # i + 1 (its sums cleared), whose rows 0-2 no step touches: the parameters after epoch i.
    history = np.zeros((chunk + 1, rows, 5 * k))
    first = history[0]
    first[0, :hid] = np.repeat([-w1, -w3], k)
    first[1, :hid] = np.repeat([-w2, -w4], k)
    first[2, :hid] = np.repeat([-b1, -b2], k)
    first[2, hid:] = np.repeat([-w5, -w6, -b3], k)
    # The fold: rows 0-2 minus v_q times sample q's hidden deltas (zero in the output columns)
    # plus sample q's output changes (zero in the hidden columns); rows 3.. back to zero.
    # Folding all rows in one product also agrees best with a single run's rounding: at
    # learning rate 25 the gap after 1000 epochs is 2e-13 this way, 1e-10 folding rows 0-2
    # alone (a different BLAS kernel, summing in another order).
    fold = np.zeros((rows, rows))
    fold[:3, :3] = np.eye(3)
    fold[:3, 3::2] = -inputs.T
    fold[2, 4::2] = 1.0

    # Buffers, and the views of them the step uses (made once: slicing costs a call too).
    forward = np.empty(5 * k)  # [-sum_h of h1, h2 | -(w5, w6, b3)] as of this step
    neg_sum_h, out_w = forward[:hid], forward[hid:]
    out_w_2k = out_w[:hid]
    z_hidden = np.ones(3 * k)  # [1 + e^-sum_h | 1]: dividing by it multiplies by [h | 1]
    z_h = z_hidden[:hid]
    weighted = np.empty(3 * k)  # -(w5 h1), -(w6 h2), -b3
    weighted_2k, weighted_rows = weighted[:hid], weighted.reshape(3, k)
    tile = np.ones((3, 3))  # sums the three rows and repeats the sum in each
    neg_sum_o = np.empty((3, k))
    neg_sum_o_flat = neg_sum_o.reshape(-1)
    z_out = np.empty(3 * k)
    ones = np.ones(3 * k)
    ones_2k = ones[:hid]
    twice_rates = np.tile(2.0 * rates, 3)
    errors = np.empty(6 * k)  # [y - t | 1 - y]
    error, slope = errors[: 3 * k], errors[3 * k :]
    grad = np.empty(3 * k)  # 2 lr (y - t) y (1 - y), three times
    update = np.zeros((2, 5 * k))  # [hidden deltas | 0] over [0 | output changes]
    update_hidden, update_out = update[0, :hid], update[1, hid:]
    update_out_2k = update_out[:hid]
    w_not_h = np.empty(hid)
    samples = []
    for r in range(n):
        coefficients = np.zeros(rows)
        coefficients[:3] = inputs[r]
        coefficients[3::2] = -gram[r]
        coefficients[4::2] = 1.0
        # [t | y | 1]: y - t and 1 - y in one subtraction of two overlapping views.
        target_y_one = np.empty(9 * k)
        target_y_one[: 3 * k] = y[r]
        target_y_one[6 * k :] = 1.0
        y_pred = target_y_one[3 * k : 6 * k]
        # Sample r reads only the rows that can be non-zero by its step: 0-2 and the samples before it.
        samples.append((coefficients[: 3 + 2 * r], y_pred, target_y_one[3 * k :], target_y_one[: 6 * k]))

    # Each slot's views, made once rather than at every step.
    slots = [
        (
            history[i],
            history[i + 1],
            [(history[i, : 3 + 2 * r], history[i, 3 + 2 * r : 5 + 2 * r]) for r in range(n)],
        )
        for i in range(chunk)
    ]
    dot, exp, add, subtract, multiply, divide, reciprocal = (
        np.dot,
        np.exp,
        np.add,
        np.subtract,
        np.multiply,
        np.divide,
        np.reciprocal,
    )
    losses = np.full((k, epochs), np.nan)
    book = _Bookkeeping(k)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for chunk_start in range(0, epochs, chunk):
            size = min(chunk, epochs - chunk_start)
            for i in range(size):
                state, next_state, views = slots[i]
                for (coefficients, y_pred, y_one, target_y), (rows_in_use, change) in zip(
                    samples, views, strict=True
                ):
                    # CALLS_PER_STEP counts these.
                    dot(coefficients, rows_in_use, forward)
                    exp(neg_sum_h, z_h)
                    add(z_h, ones_2k, z_h)
                    divide(out_w, z_hidden, weighted)
                    dot(tile, weighted_rows, neg_sum_o)
                    exp(neg_sum_o_flat, z_out)
                    add(z_out, ones, z_out)
                    reciprocal(z_out, y_pred)
                    subtract(y_one, target_y, errors)
                    multiply(slope, y_pred, slope)
                    multiply(error, slope, grad)
                    multiply(grad, twice_rates, grad)
                    divide(grad, z_hidden, update_out)  # G h1, G h2, G: the output unit's changes
                    subtract(out_w_2k, weighted_2k, w_not_h)  # -w5 (1 - h1), -w6 (1 - h2)
                    multiply(update_out_2k, w_not_h, update_hidden)  # the hidden units' deltas
                    add(change, update, change)
                dot(fold, state, next_state)
            _record_chunk(history[1 : size + 1, :3], X, y, k, chunk_start, losses, book)
            if book.broken.all():
                break
            history[0] = history[size]
    running = np.flatnonzero(~book.broken)
    book.final[running] = _params_of(history[size, :3], k)[running]
    diverged_at = [int(v) if v else None for v in book.stalled_since]
    return SweepResult(rates, losses, [Params.from_sequence(row) for row in book.final], diverged_at)


class _Bookkeeping:
    """Per copy: whether it provably broke, and the epoch its current stall began (0: none).

    The same rules as :class:`nntui.core.train.DivergenceTracker`. A broken epoch counts
    as stalled and ends the run, so a run's divergence epoch is always where its last
    stall began.
    """

    def __init__(self, k: int) -> None:
        self.broken = np.zeros(k, dtype=bool)
        self.stalled_since = np.zeros(k, dtype=int)
        self.final = np.empty((k, 9))


def _params_of(base, k: int) -> np.ndarray:
    """Every copy's nine parameters, w1..w6 then b1..b3, from base rows (..., 3, 5K): (..., K, 9)."""
    hid = 2 * k
    blocks = [
        base[..., 0, :k],
        base[..., 1, :k],
        base[..., 0, k:hid],
        base[..., 1, k:hid],
        base[..., 2, hid : hid + k],
        base[..., 2, hid + k : hid + 2 * k],
        base[..., 2, :k],
        base[..., 2, k:hid],
        base[..., 2, hid + 2 * k :],
    ]
    return -np.stack(blocks, axis=-1)


def _record_chunk(base, X, y, k: int, first_epoch: int, losses, book: _Bookkeeping) -> None:
    """Losses of a chunk of epochs for every copy, and each copy's divergence bookkeeping.

    ``base`` (epochs, 3, 5K) holds the parameters after each epoch of the chunk. Same rules
    as :func:`nntui.core.train.sgd_epochs`: a copy provably breaks at a loss or parameter
    that is not finite, a parameter beyond DIVERGENCE_LIMIT, or a stall with an output slope
    of exactly zero; its later epochs are left as NaN.
    """
    size = base.shape[0]
    hid = 2 * k
    # Rows 0-2 hold negated parameters, so x1 * row0 + x2 * row1 + row2 is exactly minus a
    # single run's w1 * x1 + w2 * x2 + b1: the same roundings, in the same order.
    row0, row1, row2 = base[:, 0, :hid], base[:, 1, :hid], base[:, 2, :hid]
    neg_w5, neg_w6, neg_b3 = (base[:, 2, hid + j * k : hid + (j + 1) * k] for j in range(3))
    h = np.empty((size, hid))
    h1, h2 = h[:, :k], h[:, k:]
    scratch = np.empty((size, hid))
    pred = np.empty((size, k))
    miss = np.empty((size, k))
    total = np.zeros((size, k))
    max_slope = np.zeros((size, k))
    for (x1, x2), target in zip(X, y, strict=True):  # in data order, as a single run adds them
        np.multiply(row0, x1, out=h)
        np.multiply(row1, x2, out=scratch)
        h += scratch
        h += row2
        np.exp(h, out=h)
        h += 1.0
        np.reciprocal(h, out=h)
        np.multiply(neg_w5, h1, out=pred)
        np.multiply(neg_w6, h2, out=miss)
        pred += miss
        pred += neg_b3
        np.exp(pred, out=pred)
        pred += 1.0
        np.reciprocal(pred, out=pred)
        np.subtract(target, pred, out=miss)
        miss *= miss
        total += miss
        np.subtract(1.0, pred, out=miss)
        miss *= pred
        np.maximum(max_slope, miss, out=max_slope)
    epoch_loss = total / len(y)

    stalled = (max_slope < PINNED_SLOPE) & (epoch_loss >= GUESSING_LOSS)
    broken = ~np.isfinite(epoch_loss) | (stalled & (max_slope == 0.0))
    # Every parameter finite and within the limit, tested on the whole chunk at once (NaN
    # fails both comparisons); the unused output columns of rows 0-1 are zeros.
    if not (base.max() <= DIVERGENCE_LIMIT and base.min() >= -DIVERGENCE_LIMIT):
        bad = ~(np.abs(base) <= DIVERGENCE_LIMIT)  # rare: find the copies that broke
        broken |= bad[:, :, :hid].reshape(size, 3 * 2, k).any(axis=1)
        broken |= bad[:, 2, hid:].reshape(size, 3, k).any(axis=1)
    stalled |= broken

    alive = ~book.broken
    epochs_in = np.arange(size)[:, None]
    hit = broken & alive
    ends_here = hit.any(axis=0)
    last = np.where(ends_here, hit.argmax(axis=0), size - 1)  # each copy's last epoch here
    counted = (epochs_in <= last) & alive
    losses[:, first_epoch : first_epoch + size] = np.where(counted, epoch_loss, np.nan).T
    # The stall each copy is in at its last epoch: it began after the last calm epoch.
    calm = ~stalled & counted
    any_calm = calm.any(axis=0)
    last_calm = size - 1 - calm[::-1].argmax(axis=0)
    columns = np.arange(k)
    stalled_at_end = stalled[last, columns]
    began = np.where(
        any_calm,
        first_epoch + last_calm + 2,
        np.where(book.stalled_since > 0, book.stalled_since, first_epoch + 1),
    )
    book.stalled_since = np.where(alive, np.where(stalled_at_end, began, 0), book.stalled_since)
    newly = np.flatnonzero(ends_here)
    if newly.size:
        book.broken[newly] = True
        book.final[newly] = _params_of(base[last[newly], :, :], k)[np.arange(newly.size), newly]
