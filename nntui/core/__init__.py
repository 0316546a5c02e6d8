"""The neural network itself, in plain NumPy: no user interface, no printing, no globals.

Everything the lessons compute lives here and returns data; the app, the command line and
the tests all call these functions. This package never imports Textual (a test checks).
"""

from .activations import ACTIVATIONS, Activation, get_activation, relu, sigmoid, sigmoid_derivative, tanh
from .data import EMILY, FRANK, LESSON_SHIFT, PEOPLE, TRAINING_PEOPLE, Person, dataset, get_person, mean_shift
from .gradcheck import numerical_gradient
from .landscape import dataset_gradient, dataset_loss, loss_slice
from .losses import mse, sum_of_squares
from .matrix import MATRIX_X, MATRIX_Y, MatrixNetwork, matrix_steps, train_matrix
from .network import PARAM_NAMES, Params, forward, predict
from .neuron import Neuron
from .sweep import LEARNING_RATE_LADDER, sweep
from .trace import Term, Trace, backprop_trace, sgd_step
from .train import Epoch, TrainResult, sgd_epochs, train

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "relu",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "EMILY",
    "FRANK",
    "LESSON_SHIFT",
    "PEOPLE",
    "TRAINING_PEOPLE",
    "Person",
    "dataset",
    "get_person",
    "mean_shift",
    "numerical_gradient",
    "dataset_gradient",
    "dataset_loss",
    "loss_slice",
    "mse",
    "sum_of_squares",
    "MATRIX_X",
    "MATRIX_Y",
    "MatrixNetwork",
    "matrix_steps",
    "train_matrix",
    "PARAM_NAMES",
    "Params",
    "forward",
    "predict",
    "Neuron",
    "LEARNING_RATE_LADDER",
    "sweep",
    "Term",
    "Trace",
    "backprop_trace",
    "sgd_step",
    "Epoch",
    "TrainResult",
    "sgd_epochs",
    "train",
]
