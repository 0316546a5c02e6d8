"""Exercise 2 (reference): the slope of the sigmoid."""

from nntui.exercises.given import sigmoid


def sigmoid_derivative(x):
    """f'(x) for the sigmoid f, written with f itself: f(x) * (1 - f(x))."""
    fx = sigmoid(x)
    return fx * (1.0 - fx)
