"""Exercise 7 (reference): one stochastic gradient descent update."""

from nntui.exercises.given import backprop_terms


def sgd_step(params, x, y_true, lr=0.1):
    """New parameters after one step downhill on the loss of the single sample (x, y_true)."""
    t = backprop_terms(params, x, y_true)
    dl = t["d_L_d_ypred"]
    gradients = {
        "w1": dl * t["d_ypred_d_h1"] * t["d_h1_d_w1"],
        "w2": dl * t["d_ypred_d_h1"] * t["d_h1_d_w2"],
        "b1": dl * t["d_ypred_d_h1"] * t["d_h1_d_b1"],
        "w3": dl * t["d_ypred_d_h2"] * t["d_h2_d_w3"],
        "w4": dl * t["d_ypred_d_h2"] * t["d_h2_d_w4"],
        "b2": dl * t["d_ypred_d_h2"] * t["d_h2_d_b2"],
        "w5": dl * t["d_ypred_d_w5"],
        "w6": dl * t["d_ypred_d_w6"],
        "b3": dl * t["d_ypred_d_b3"],
    }
    return {name: params[name] - lr * gradients[name] for name in params}
