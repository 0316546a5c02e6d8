"""Every exercise: the stub fails helpfully, the reference passes, a typical mistake fails and names its case.

Each check runs in the real sandboxed child process, as it does for learners.
"""

from __future__ import annotations

import pytest

from nntui.exercises.cases import cases_for
from nntui.exercises.catalogue import EXERCISES, get_exercise
from nntui.exercises.sandbox import run_check

# A typical wrong answer for each exercise, as an edit of the reference solution.
MISTAKES = {
    "sigmoid": ("np.exp(-x)", "np.exp(x)"),  # lost the minus sign
    "sigmoid_derivative": ("fx * (1.0 - fx)", "fx * (1.0 + fx)"),  # f(x)(1 + f(x))
    "mse_loss": ("np.mean(errors**2)", "np.sum(errors**2)"),  # summed instead of averaged
    "neuron": ("np.dot(weights, inputs) + bias", "np.dot(weights, inputs)"),  # forgot the bias
    "feedforward": ('p["w3"] * x1 + p["w4"] * x2', 'p["w1"] * x1 + p["w2"] * x2'),  # h2 with h1's weights
    "backprop": ('"d_L_d_ypred": -2 * (y_true - y_pred)', '"d_L_d_ypred": 2 * (y_true - y_pred)'),  # sign
    "sgd_step": ("params[name] - lr * gradients[name]", "params[name] + lr * gradients[name]"),  # uphill
    "train": ("params = sgd_step(params, x, y_true, lr)", "sgd_step(params, x, y_true, lr)"),  # result lost
    "matrix_feedforward": ("output = sigmoid(np.dot(layer1, W2))", "output = np.dot(layer1, W2)"),
    "matrix_training": ("delta2 = -2.0 * (y - output)", "delta2 = 2.0 * (y - output)"),  # sign flipped
}


def test_every_exercise_has_a_mistake_to_test():
    assert set(MISTAKES) == {ex.name for ex in EXERCISES}


@pytest.mark.parametrize("name", [ex.name for ex in EXERCISES])
def test_untouched_stub_fails_with_a_helpful_message(workspace, name):
    ex = get_exercise(name)
    result = run_check(name, workspace.path(ex))
    assert result.status == "todo"
    assert not result.passed
    assert ex.functions[0] in result.summary
    assert "NotImplementedError" in result.summary
    assert "line" in result.summary


@pytest.mark.parametrize("name", [ex.name for ex in EXERCISES])
def test_reference_solution_passes(workspace, name):
    ex = get_exercise(name)
    workspace.path(ex).write_text(ex.solution())
    result = run_check(name, workspace.path(ex))
    assert result.passed, result.text()
    assert result.summary == f"passed all {len(cases_for(name))} cases"


@pytest.mark.parametrize("name", [ex.name for ex in EXERCISES])
def test_typical_mistake_fails_and_names_the_case(workspace, name):
    ex = get_exercise(name)
    old, new = MISTAKES[name]
    solution = ex.solution()
    assert old in solution
    workspace.path(ex).write_text(solution.replace(old, new))
    result = run_check(name, workspace.path(ex))
    assert result.status == "failed", result.text()
    labels = [case.label for case in cases_for(name)]
    assert result.case in labels
    assert f"case '{result.case}'" in result.summary
    assert result.input and result.expected and result.got
    assert result.expected != result.got


def test_stubs_do_not_contain_their_solutions():
    for ex in EXERCISES:
        body = ex.stub.split('"""', 2)[2]  # the code after the module docstring
        for line in ex.solution().splitlines():
            stripped = line.strip()
            if stripped.startswith("return ") and len(stripped) > 12:
                assert stripped not in body, f"{ex.name}'s stub gives away {stripped!r}"


def test_hints_come_in_order_and_end_with_code():
    for ex in EXERCISES:
        assert len(ex.hints) >= 3, ex.name
        assert len(set(ex.hints)) == len(ex.hints), ex.name
        # the first hint is a nudge in words; the last one spells out code
        assert "=" not in ex.hints[0] or "(" not in ex.hints[0], ex.name
        assert "(" in ex.hints[-1] or "=" in ex.hints[-1], ex.name
