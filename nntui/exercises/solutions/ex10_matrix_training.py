"""Exercise 10 (reference): gradients and full-batch training of the matrix-form network."""

import numpy as np

from nntui.exercises.given import matrix_feedforward


def matrix_gradients(X, y, W1, W2):
    """dL/dW1 and dL/dW2 for the sum-of-squares loss L = sum((y - output)^2)."""
    layer1, output = matrix_feedforward(X, W1, W2)
    # error signal at the output neuron's input: dL/doutput * sigmoid slope
    delta2 = -2.0 * (y - output) * output * (1.0 - output)
    # pushed back through W2 and the hidden layer's sigmoid slope
    delta1 = np.dot(delta2, W2.T) * layer1 * (1.0 - layer1)
    return np.dot(X.T, delta1), np.dot(layer1.T, delta2)


def matrix_train(X, y, W1, W2, iterations=1500, lr=1.0):
    """Full-batch gradient descent; losses[i] is the loss before update i."""
    W1 = np.array(W1, dtype=float)
    W2 = np.array(W2, dtype=float)
    losses = []
    for _ in range(iterations):
        _, output = matrix_feedforward(X, W1, W2)
        losses.append(float(np.sum((y - output) ** 2)))
        d_W1, d_W2 = matrix_gradients(X, y, W1, W2)
        W1 = W1 - lr * d_W1
        W2 = W2 - lr * d_W2
    return W1, W2, losses
