"""The exercises, in the order a learner does them.

Each exercise is one Python file in the learner's workspace. This module holds only text
(stubs and hints) and names, so listing the exercises never loads NumPy; the check cases,
which need NumPy, live in :mod:`nntui.exercises.cases` and only run in the sandboxed child.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

__all__ = [
    "Exercise",
    "EXERCISES",
    "get_exercise",
    "exercise_names",
    "exercises_for_lesson",
    "UnknownExercise",
]


class UnknownExercise(ValueError):
    """A name that matches no exercise; the message lists the known names."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: its file, what the learner writes, and hints from vague to concrete."""

    name: str  # short id used on the command line: "sigmoid"
    number: int  # 1-based position in the course
    title: str
    functions: tuple[str, ...]  # the functions the learner writes, main one first
    stub: str  # the file the workspace starts with
    hints: tuple[str, ...]
    lesson: str = ""  # slug of the lesson that teaches this piece ("Your turn")

    @property
    def filename(self) -> str:
        """The workspace file, e.g. ``ex01_sigmoid.py`` (a module name, so files can import each other)."""
        return f"ex{self.number:02d}_{self.name}.py"

    @property
    def module(self) -> str:
        """The file's module name, e.g. ``ex01_sigmoid``."""
        return self.filename[:-3]

    def solution(self) -> str:
        """The reference solution's source; show it only after the exercise passes."""
        return (
            resources.files("nntui.exercises.solutions").joinpath(self.filename).read_text(encoding="utf-8")
        )


_HEADER = '''"""Exercise {number}: {title}

{body}

Save the file: nntui checks it at once (or run `nntui exercises check {name}`).
Stuck? Press h in the app, or run `nntui exercises hint {name}`.
"""
'''


def _stub(number: int, name: str, title: str, body: str, code: str) -> str:
    return _HEADER.format(number=number, name=name, title=title, body=body.strip()) + "\n" + code.lstrip()


def _todo(function: str) -> str:
    todo = f"    # TODO: write {function}, then delete the next line.\n"
    return todo + f'    raise NotImplementedError("{function}")\n'


_SPECS = [
    dict(
        name="sigmoid",
        title="The sigmoid activation",
        lesson="01-neurons",
        body="""
A neuron passes its total through an activation function. Write the sigmoid: it takes any
real number and returns a number strictly between 0 and 1. Large negative inputs come out
close to 0, large positive inputs close to 1, and 0 comes out as exactly 0.5.

It must work on a single number and, element by element, on a NumPy array.
""",
        code='''
import numpy as np


def sigmoid(x):
    """The sigmoid of x (a number or a NumPy array of numbers)."""
'''
        + _todo("sigmoid"),
        hints=(
            "The sigmoid is 1 divided by (1 plus something that grows as x gets more negative).",
            "That something is e to the power -x. In NumPy, e to the power z is np.exp(z).",
            "Return 1 / (1 + np.exp(-x)). np.exp works on numbers and on whole arrays.",
        ),
    ),
    dict(
        name="sigmoid_derivative",
        title="The slope of the sigmoid",
        lesson="04-backpropagation",
        body="""
Backpropagation needs the slope of the activation: how much the sigmoid's output moves
when its input moves a tiny bit. Write sigmoid_derivative(x), the derivative of the
sigmoid at x. The slope is largest at x = 0 and shrinks towards 0 far out on either side.

A working sigmoid is imported for you.
""",
        code='''
from nntui.exercises.given import sigmoid


def sigmoid_derivative(x):
    """The derivative of the sigmoid at x (a number or a NumPy array)."""
'''
        + _todo("sigmoid_derivative"),
        hints=(
            "The sigmoid's derivative can be written using the sigmoid itself, no new exp needed.",
            "Call the sigmoid's output at x fx. The slope is fx times (one minus something).",
            "Compute fx = sigmoid(x) and return fx * (1 - fx). At x = 0 that is 0.5 * 0.5 = 0.25.",
        ),
    ),
    dict(
        name="mse_loss",
        title="Mean squared error",
        lesson="03-data-and-loss",
        body="""
A loss turns "how wrong is the network?" into one number. Write mse_loss(y_true, y_pred):
for each sample take the difference between the true answer and the prediction, square it,
and average over all samples. Both arguments are NumPy arrays of the same length.

If every answer is right, the loss is 0; the worse the predictions, the larger it gets.
""",
        code='''
import numpy as np


def mse_loss(y_true, y_pred):
    """The mean squared error between the true answers and the predictions."""
'''
        + _todo("mse_loss"),
        hints=(
            "Work with whole arrays: y_true - y_pred gives every sample's error at once.",
            "Square the errors with ** 2, then take their mean (not their sum).",
            "Return ((y_true - y_pred) ** 2).mean(), or np.mean((y_true - y_pred) ** 2).",
        ),
    ),
    dict(
        name="neuron",
        title="A neuron's feedforward",
        lesson="01-neurons",
        body="""
Write what one neuron computes. It multiplies each input by its own weight, adds those
products up together with the bias, and passes the total through the sigmoid.

weights and inputs are NumPy arrays of the same length; bias is a number. For example the
neuron with weights [0, 1] and bias 4 turns the inputs [2, 3] into about 0.999.
""",
        code='''
import numpy as np

from nntui.exercises.given import sigmoid


def neuron_feedforward(weights, bias, inputs):
    """The neuron's output for these inputs."""
'''
        + _todo("neuron_feedforward"),
        hints=(
            "First the total: every input times its weight, all added up, plus the bias.",
            "The sum of products of two arrays is their dot product: np.dot(weights, inputs).",
            "Return sigmoid(np.dot(weights, inputs) + bias).",
        ),
    ),
    dict(
        name="feedforward",
        title="Feedforward through the network",
        lesson="02-networks",
        body="""
The network has two inputs x = [x1, x2], a hidden layer of two sigmoid neurons h1 and h2,
and one sigmoid output neuron o1 whose inputs are h1 and h2.

params is a dict with the nine numbers "w1" .. "w6" and "b1", "b2", "b3":
  h1 uses w1 (for x1), w2 (for x2) and b1;
  h2 uses w3 (for x1), w4 (for x2) and b2;
  o1 uses w5 (for h1), w6 (for h2) and b3.

Return the output of o1, the network's prediction (a number).
""",
        code='''
from nntui.exercises.given import sigmoid


def feedforward(params, x):
    """The network's prediction for the input x = [x1, x2]."""
'''
        + _todo("feedforward"),
        hints=(
            "Work from left to right: compute h1 and h2 first, then feed them into o1.",
            "Each neuron is sigmoid(weight * input + weight * input + bias); unpack with x1, x2 = x.",
            'h1 = sigmoid(params["w1"] * x1 + params["w2"] * x2 + params["b1"]); h2 is the same with '
            'w3, w4, b2; return sigmoid(params["w5"] * h1 + params["w6"] * h2 + params["b3"]).',
        ),
    ),
    dict(
        name="backprop",
        title="Backpropagation for one sample",
        lesson="04-backpropagation",
        body="""
For one sample (x, y_true) the loss is L = (y_true - y_pred) ** 2. Backpropagation splits
dL/dw into small local derivatives that the chain rule multiplies together. Return them in
a dict with exactly these keys (read d_a_d_b as "partial a over partial b"):

  "d_L_d_ypred"                                    how L moves with the prediction
  "d_ypred_d_w5", "d_ypred_d_w6", "d_ypred_d_b3"   o1's parameters
  "d_ypred_d_h1", "d_ypred_d_h2"                   o1's inputs
  "d_h1_d_w1", "d_h1_d_w2", "d_h1_d_b1"            h1's parameters
  "d_h2_d_w3", "d_h2_d_w4", "d_h2_d_b2"            h2's parameters

params, x and the network are as in the feedforward exercise. A working sigmoid and its
derivative are imported for you.
""",
        code='''
from nntui.exercises.given import sigmoid, sigmoid_derivative


def backprop_terms(params, x, y_true):
    """The twelve local derivatives for one sample, as a dict."""
'''
        + _todo("backprop_terms"),
        hints=(
            "Redo the feedforward but keep every total before its sigmoid: sum_h1, sum_h2, sum_o1.",
            "Differentiate (y_true - y_pred) ** 2 with respect to y_pred. Each neuron's local "
            "derivatives are 'what multiplies the parameter' times the sigmoid's slope at its total.",
            "d_L_d_ypred = -2 * (y_true - y_pred); d_ypred_d_w5 = h1 * sigmoid_derivative(sum_o1); "
            "d_ypred_d_h1 = w5 * sigmoid_derivative(sum_o1); d_h1_d_w1 = x1 * sigmoid_derivative(sum_h1); "
            "d_h1_d_b1 = sigmoid_derivative(sum_h1). The rest follow the same pattern.",
        ),
    ),
    dict(
        name="sgd_step",
        title="One gradient descent step",
        lesson="05-gradient-descent",
        body="""
Use the local derivatives to take one step of stochastic gradient descent on one sample.
For each of the nine parameters, multiply the local derivatives along the path from the
loss back to that parameter to get dL/dparameter, then move the parameter a little in the
direction that makes the loss smaller: lr times the gradient.

Return a new dict with all nine updated parameters (do not rely on changing params in place).
A working backprop_terms is imported for you.
""",
        code='''
from nntui.exercises.given import backprop_terms


def sgd_step(params, x, y_true, lr=0.1):
    """The nine parameters after one update on the sample (x, y_true)."""
'''
        + _todo("sgd_step"),
        hints=(
            "The path from L to w5 is L -> y_pred -> w5; the path to w1 is L -> y_pred -> h1 -> w1.",
            "So dL/dw1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1 and dL/dw5 = d_L_d_ypred * d_ypred_d_w5. "
            "A positive gradient means that increasing the parameter increases the loss.",
            "For every parameter: new[name] = params[name] - lr * gradient. Subtract: adding moves "
            "uphill and makes the loss grow.",
        ),
    ),
    dict(
        name="train",
        title="The training loop",
        lesson="06-training",
        body="""
Train the network with stochastic gradient descent. data is an (n x 2) array of inputs and
y_trues the n right answers. Repeat for `epochs` passes: in each pass, go through the
samples in order, one at a time, and update the parameters with one SGD step per sample.

After each pass, compute the mean squared error of the network over all of data, append it
to a list of losses, and, if on_epoch is given, call on_epoch(epoch, loss) (epoch counts
from 0). Return (params, losses): the trained parameters and the list of epochs' losses.

Working feedforward, mse_loss and sgd_step are imported for you; swap in your own from
earlier exercises if you like (for example `from ex07_sgd_step import sgd_step`).
""",
        code='''
import numpy as np

from nntui.exercises.given import feedforward, mse_loss, sgd_step


def train(params, data, y_trues, lr=0.1, epochs=1000, on_epoch=None):
    """Train with SGD; return (trained params, list of the loss after each epoch)."""
'''
        + _todo("train"),
        hints=(
            "Two loops: an outer one over the epochs, an inner one over the samples.",
            "zip(data, y_trues) gives each sample with its answer; replace params with sgd_step's result. "
            "The loss at the end of an epoch compares y_trues with feedforward of every row of data.",
            "Inside the epoch loop, after the sample loop: predictions = np.array([feedforward(params, x) "
            "for x in data]); loss = mse_loss(y_trues, predictions); losses.append(loss); then call "
            "on_epoch(epoch, loss) if it is not None.",
        ),
    ),
    dict(
        name="matrix_feedforward",
        title="The network as matrices",
        lesson="08-matrix-form",
        body="""
A bigger network is easier to write with matrices. Here X holds one sample per row
(4 samples of 3 inputs), W1 is the (3 x 4) weight matrix into a hidden layer of 4 sigmoid
units, and W2 the (4 x 1) weight matrix into one sigmoid output. There are no biases.

Return (layer1, output): the hidden layer's outputs for every sample (4 x 4) and the
network's outputs (4 x 1), all samples at once, with no Python loop.
""",
        code='''
import numpy as np

from nntui.exercises.given import sigmoid


def matrix_feedforward(X, W1, W2):
    """(hidden layer outputs, network outputs) for every row of X."""
'''
        + _todo("matrix_feedforward"),
        hints=(
            "Multiplying the samples by a weight matrix computes every neuron's total for every sample.",
            "np.dot(X, W1) has one row per sample and one column per hidden unit; squash it with sigmoid.",
            "layer1 = sigmoid(np.dot(X, W1)); output = sigmoid(np.dot(layer1, W2)); return layer1, output.",
        ),
    ),
    dict(
        name="matrix_training",
        title="Training the matrix network",
        lesson="08-matrix-form",
        body="""
Train the matrix network on all samples at once (full-batch gradient descent) with the
sum-of-squares loss L = sum((y - output) ** 2), where y is a (4 x 1) array of answers.

1. matrix_gradients(X, y, W1, W2) returns (d_W1, d_W2): the gradients dL/dW1 and dL/dW2,
   arrays shaped like W1 and W2.
2. matrix_train(X, y, W1, W2, iterations, lr) repeats: feedforward, record the loss of this
   feedforward, then W1 = W1 - lr * d_W1 and W2 = W2 - lr * d_W2. Return (W1, W2, losses),
   where losses[i] is the loss before update i. Do not change the arrays you were given.

A working matrix_feedforward is imported for you.
""",
        code='''
import numpy as np

from nntui.exercises.given import matrix_feedforward


def matrix_gradients(X, y, W1, W2):
    """(dL/dW1, dL/dW2) for the sum-of-squares loss."""
'''
        + _todo("matrix_gradients")
        + '''

def matrix_train(X, y, W1, W2, iterations=1500, lr=1.0):
    """Full-batch gradient descent; return (W1, W2, losses)."""
'''
        + _todo("matrix_train"),
        hints=(
            "Go backwards: first how L moves with the output, then with the output's total, then with W2; "
            "then carry that signal back through W2 to the hidden layer and on to W1.",
            "The sigmoid's slope can be written with its output: output * (1 - output). "
            "dL/doutput = -2 * (y - output). Transposes (.T) line up the shapes for np.dot.",
            "delta2 = -2 * (y - output) * output * (1 - output); d_W2 = np.dot(layer1.T, delta2); "
            "delta1 = np.dot(delta2, W2.T) * layer1 * (1 - layer1); d_W1 = np.dot(X.T, delta1).",
        ),
    ),
]


def _build() -> tuple[Exercise, ...]:
    built = []
    for number, spec in enumerate(_SPECS, start=1):
        code = spec["code"]
        stub = _stub(number, spec["name"], spec["title"], spec["body"], code)
        functions = tuple(
            line.split("(")[0].removeprefix("def ").strip()
            for line in code.splitlines()
            if line.startswith("def ")
        )
        built.append(
            Exercise(
                name=spec["name"],
                number=number,
                title=spec["title"],
                functions=functions,
                stub=stub,
                hints=tuple(spec["hints"]),
                lesson=spec.get("lesson", ""),
            )
        )
    return tuple(built)


#: Every exercise, in order.
EXERCISES: tuple[Exercise, ...] = _build()


def exercise_names() -> list[str]:
    """The exercises' names in order."""
    return [ex.name for ex in EXERCISES]


def get_exercise(name: str) -> Exercise:
    """Find an exercise by name, number ("3") or file name ("ex03_mse_loss.py")."""
    key = name.strip().lower()
    for ex in EXERCISES:
        if key in (ex.name, ex.filename, ex.module, str(ex.number), f"{ex.number:02d}"):
            return ex
    raise UnknownExercise(f"no exercise called {name!r} (choose one of: {', '.join(exercise_names())})")


def exercises_for_lesson(slug: str) -> list[Exercise]:
    """The exercises that practise what lesson ``slug`` teaches (for a "Your turn" link)."""
    return [ex for ex in EXERCISES if ex.lesson and ex.lesson == slug]
