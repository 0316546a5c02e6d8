"""Train K copies of the 2-2-1 network, one per learning rate, in a single vectorised pass.

Every copy starts from the same parameters and sees the samples in the same order, so
copy k follows exactly the path a single run with ``learning_rates[k]`` would (to
rounding). The nine parameters of all copies live in one (K, 9) array, laid out so that
each per-sample step is a handful of whole-array operations instead of K Python loops.
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
    k = rates.size
    start = initial_params(seed, params).as_array()

    # Hidden weights as (K, 2, 3): row j holds [weight of x1, weight of x2, bias] of unit j,
    # so a sample [x1, x2, 1] gives both hidden sums in one matrix product. Output weights
    # as (K, 3): [w5, w6, b3], applied to [h1, h2, 1].
    hidden = np.empty((k, 2, 3))
    hidden[:, 0] = start[[0, 1, 6]]  # w1, w2, b1
    hidden[:, 1] = start[[2, 3, 7]]  # w3, w4, b2
    output = np.tile(start[[4, 5, 8]], (k, 1))  # w5, w6, b3
    inputs = np.hstack([X, np.ones((len(X), 1))])  # (n, 3)
    h_ext = np.ones((k, 3))  # [h1, h2, 1] for every copy
    twice_rates = 2.0 * rates  # lr * (-2 * (y - y_pred)) == (y_pred - y) * 2 lr, exactly

    losses = np.full((k, epochs), np.nan)
    diverged_at: list[int | None] = [None] * k
    active = np.ones(k, dtype=bool)
    frozen_hidden, frozen_output = hidden.copy(), output.copy()

    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            for v, target in zip(inputs, y, strict=True):
                h = 1.0 / (1.0 + np.exp(-(hidden @ v)))  # (K, 2)
                h_ext[:, :2] = h
                y_pred = 1.0 / (1.0 + np.exp(-np.einsum("kj,kj->k", output, h_ext)))
                g = (y_pred - target) * twice_rates  # learning rate times dL/dy_pred
                g_out = g * (y_pred * (1 - y_pred))  # ... times f'(sum_o1)
                # Hidden deltas use the output weights from before this sample's update.
                delta_h = g_out[:, None] * output[:, :2] * (h * (1 - h))  # (K, 2)
                output -= g_out[:, None] * h_ext
                hidden -= delta_h[:, :, None] * v
            # Loss over the data set for every copy, and how steep each output still is.
            h_all = 1.0 / (1.0 + np.exp(-np.einsum("kjc,nc->knj", hidden, inputs)))  # (K, n, 2)
            sums = np.einsum("knj,kj->kn", h_all, output[:, :2]) + output[:, 2:3]
            preds = 1.0 / (1.0 + np.exp(-sums))  # (K, n)
            epoch_loss = ((y - preds) ** 2).mean(axis=1)
            max_slope = (preds * (1 - preds)).max(axis=1)
            losses[active, epoch] = epoch_loss[active]
            flat = np.concatenate([hidden.reshape(k, -1), output], axis=1)
            bad = (
                ~np.isfinite(epoch_loss)
                | ~np.all(np.isfinite(flat), axis=1)
                | (np.abs(np.nan_to_num(flat, nan=np.inf)).max(axis=1) > DIVERGENCE_LIMIT)
                | ((max_slope < PINNED_SLOPE) & (epoch_loss >= GUESSING_LOSS))
            )
            for index in np.flatnonzero(bad & active):
                diverged_at[index] = epoch + 1
                frozen_hidden[index], frozen_output[index] = hidden[index], output[index]
            active &= ~bad
            if not active.any():
                break
    hidden = np.where(active[:, None, None], hidden, frozen_hidden)
    output = np.where(active[:, None], output, frozen_output)
    final = [
        Params(
            hidden[i, 0, 0],
            hidden[i, 0, 1],
            hidden[i, 1, 0],
            hidden[i, 1, 1],
            output[i, 0],
            output[i, 1],
            hidden[i, 0, 2],
            hidden[i, 1, 2],
            output[i, 2],
        )
        for i in range(k)
    ]
    return SweepResult(rates, losses, final, diverged_at)
