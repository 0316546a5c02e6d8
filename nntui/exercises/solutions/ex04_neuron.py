"""Exercise 4 (reference): one neuron's feedforward."""

import numpy as np

from nntui.exercises.given import sigmoid


def neuron_feedforward(weights, bias, inputs):
    """Weigh each input, add them up with the bias, and squash the total."""
    total = np.dot(weights, inputs) + bias
    return sigmoid(total)
