"""Loss functions: how far a network's predictions are from the truth."""

from __future__ import annotations

import numpy as np

__all__ = ["mse", "sum_of_squares", "squared_errors"]


def squared_errors(y_true, y_pred) -> np.ndarray:
    """Each sample's squared error (y_true - y_pred)^2."""
    t = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    if t.shape != p.shape:
        raise ValueError(f"y_true has shape {t.shape} but y_pred has shape {p.shape}")
    return (t - p) ** 2


def mse(y_true, y_pred) -> float:
    """Mean squared error: the average of the squared errors."""
    return float(squared_errors(y_true, y_pred).mean())


def sum_of_squares(y_true, y_pred) -> float:
    """Sum of squared errors, the loss of the matrix-form network."""
    return float(squared_errors(y_true, y_pred).sum())
