"""Exercise 5 (reference): feedforward through the 2-2-1 network."""

from nntui.exercises.given import sigmoid


def feedforward(params, x):
    """The network's prediction for x = [x1, x2]; params holds w1..w6 and b1..b3."""
    p = params
    x1, x2 = x
    h1 = sigmoid(p["w1"] * x1 + p["w2"] * x2 + p["b1"])
    h2 = sigmoid(p["w3"] * x1 + p["w4"] * x2 + p["b2"])
    return sigmoid(p["w5"] * h1 + p["w6"] * h2 + p["b3"])
