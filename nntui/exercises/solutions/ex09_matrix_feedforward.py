"""Exercise 9 (reference): feedforward of the matrix-form network."""

import numpy as np

from nntui.exercises.given import sigmoid


def matrix_feedforward(X, W1, W2):
    """Every sample at once: the hidden layer's outputs and the network's outputs."""
    layer1 = sigmoid(np.dot(X, W1))
    output = sigmoid(np.dot(layer1, W2))
    return layer1, output
