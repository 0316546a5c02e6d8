"""Exercise 1 (reference): the sigmoid activation."""

import numpy as np


def sigmoid(x):
    """Squash x (a number or an array) into (0, 1) with 1 / (1 + e^-x)."""
    return 1.0 / (1.0 + np.exp(-x))
