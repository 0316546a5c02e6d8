"""Exercise 6 (reference): the local derivatives of backpropagation for one sample."""

from nntui.exercises.given import sigmoid, sigmoid_derivative


def backprop_terms(params, x, y_true):
    """Every local derivative the chain rule needs, for the loss (y_true - y_pred)^2."""
    p = params
    x1, x2 = x
    sum_h1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
    sum_h2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
    h1 = sigmoid(sum_h1)
    h2 = sigmoid(sum_h2)
    sum_o1 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
    y_pred = sigmoid(sum_o1)

    slope_o1 = sigmoid_derivative(sum_o1)
    slope_h1 = sigmoid_derivative(sum_h1)
    slope_h2 = sigmoid_derivative(sum_h2)
    return {
        "d_L_d_ypred": -2 * (y_true - y_pred),
        # how the output neuron's prediction moves with its inputs and parameters
        "d_ypred_d_w5": h1 * slope_o1,
        "d_ypred_d_w6": h2 * slope_o1,
        "d_ypred_d_b3": slope_o1,
        "d_ypred_d_h1": p["w5"] * slope_o1,
        "d_ypred_d_h2": p["w6"] * slope_o1,
        # hidden neuron h1
        "d_h1_d_w1": x1 * slope_h1,
        "d_h1_d_w2": x2 * slope_h1,
        "d_h1_d_b1": slope_h1,
        # hidden neuron h2
        "d_h2_d_w3": x1 * slope_h2,
        "d_h2_d_w4": x2 * slope_h2,
        "d_h2_d_b2": slope_h2,
    }
