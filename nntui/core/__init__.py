"""The neural network itself, in plain NumPy: no user interface, no printing, no globals.

Everything the lessons compute lives here and returns data; the app, the command line and
the tests all call these functions. This package never imports Textual (a test checks), and
its names load on first use.
"""

from importlib import import_module

#: Where each name of the package lives; a name is imported on first use (PEP 562), so that
#: ``nntui.core.names`` can be read without loading NumPy.
_HOMES = {
    "ACTIVATIONS": "activations",
    "Activation": "activations",
    "get_activation": "activations",
    "relu": "activations",
    "sigmoid": "activations",
    "sigmoid_derivative": "activations",
    "tanh": "activations",
    "EMILY": "data",
    "FRANK": "data",
    "LESSON_SHIFT": "data",
    "PEOPLE": "data",
    "TRAINING_PEOPLE": "data",
    "Person": "data",
    "dataset": "data",
    "get_person": "data",
    "mean_shift": "data",
    "numerical_gradient": "gradcheck",
    "dataset_gradient": "landscape",
    "dataset_loss": "landscape",
    "loss_slice": "landscape",
    "mse": "losses",
    "sum_of_squares": "losses",
    "MATRIX_X": "matrix",
    "MATRIX_Y": "matrix",
    "MatrixNetwork": "matrix",
    "matrix_steps": "matrix",
    "train_matrix": "matrix",
    "PARAM_NAMES": "network",
    "Params": "network",
    "forward": "network",
    "predict": "network",
    "Neuron": "neuron",
    "LEARNING_RATE_LADDER": "sweep",
    "sweep": "sweep",
    "Term": "trace",
    "Trace": "trace",
    "backprop_trace": "trace",
    "sgd_step": "trace",
    "Epoch": "train",
    "TrainResult": "train",
    "sgd_epochs": "train",
    "train": "train",
}

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


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
