"""A plain per-sample SGD loop in the style of the lessons, as an independent reference.

Written the way a learner would write it from the lesson, with NumPy scalars and a
separate derivative call for every chain-rule term, no shortcuts. Tests compare
``nntui.core.train`` with it; the core benchmark times both side by side.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_slope(z):
    s = sigmoid(z)
    return s * (1 - s)


def mse_loss(y_true, y_pred):
    return ((y_true - y_pred) ** 2).mean()


class ReferenceNetwork:
    """The 2-2-1 network with nine named parameters, trained one sample at a time."""

    def __init__(self, values):
        (self.w1, self.w2, self.w3, self.w4, self.w5, self.w6, self.b1, self.b2, self.b3) = values

    def feedforward(self, x):
        h1 = sigmoid(self.w1 * x[0] + self.w2 * x[1] + self.b1)
        h2 = sigmoid(self.w3 * x[0] + self.w4 * x[1] + self.b2)
        return sigmoid(self.w5 * h1 + self.w6 * h2 + self.b3)

    def train(self, data, labels, learn_rate=0.1, epochs=1000):
        """Return the loss after every epoch."""
        losses = []
        for _ in range(epochs):
            for x, y_true in zip(data, labels, strict=True):
                sum_h1 = self.w1 * x[0] + self.w2 * x[1] + self.b1
                h1 = sigmoid(sum_h1)
                sum_h2 = self.w3 * x[0] + self.w4 * x[1] + self.b2
                h2 = sigmoid(sum_h2)
                sum_o1 = self.w5 * h1 + self.w6 * h2 + self.b3
                y_pred = sigmoid(sum_o1)

                d_L_d_ypred = -2 * (y_true - y_pred)
                d_ypred_d_w5 = h1 * sigmoid_slope(sum_o1)
                d_ypred_d_w6 = h2 * sigmoid_slope(sum_o1)
                d_ypred_d_b3 = sigmoid_slope(sum_o1)
                d_ypred_d_h1 = self.w5 * sigmoid_slope(sum_o1)
                d_ypred_d_h2 = self.w6 * sigmoid_slope(sum_o1)
                d_h1_d_w1 = x[0] * sigmoid_slope(sum_h1)
                d_h1_d_w2 = x[1] * sigmoid_slope(sum_h1)
                d_h1_d_b1 = sigmoid_slope(sum_h1)
                d_h2_d_w3 = x[0] * sigmoid_slope(sum_h2)
                d_h2_d_w4 = x[1] * sigmoid_slope(sum_h2)
                d_h2_d_b2 = sigmoid_slope(sum_h2)

                self.w1 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1
                self.w2 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w2
                self.b1 -= learn_rate * d_L_d_ypred * d_ypred_d_h1 * d_h1_d_b1
                self.w3 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w3
                self.w4 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_w4
                self.b2 -= learn_rate * d_L_d_ypred * d_ypred_d_h2 * d_h2_d_b2
                self.w5 -= learn_rate * d_L_d_ypred * d_ypred_d_w5
                self.w6 -= learn_rate * d_L_d_ypred * d_ypred_d_w6
                self.b3 -= learn_rate * d_L_d_ypred * d_ypred_d_b3
            predictions = np.apply_along_axis(self.feedforward, 1, data)
            losses.append(mse_loss(labels, predictions))
        return losses

    def values(self):
        """The nine parameters, w1..w6 then b1..b3."""
        return [self.w1, self.w2, self.w3, self.w4, self.w5, self.w6, self.b1, self.b2, self.b3]
