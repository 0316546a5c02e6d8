"""Exercise 8 (reference): the training loop."""

import numpy as np

from nntui.exercises.given import feedforward, mse_loss, sgd_step


def train(params, data, y_trues, lr=0.1, epochs=1000, on_epoch=None):
    """Stochastic gradient descent: one sample at a time, in order, for ``epochs`` passes."""
    params = dict(params)
    losses = []
    for epoch in range(epochs):
        for x, y_true in zip(data, y_trues, strict=True):
            params = sgd_step(params, x, y_true, lr)
        predictions = np.array([feedforward(params, x) for x in data])
        loss = mse_loss(y_trues, predictions)
        losses.append(loss)
        if on_epoch is not None:
            on_epoch(epoch, loss)
    return params, losses
