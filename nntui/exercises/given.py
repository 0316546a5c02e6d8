"""Working versions of the earlier pieces, for exercises that build on them.

A later exercise imports what it needs from here, so a slip in an earlier file cannot make
a later check fail. Learners who want to run entirely on their own code can replace the
import with one from their own file, for example ``from ex07_sgd_step import sgd_step``
(the workspace folder is on ``sys.path`` when nntui runs their code).

Names are looked up lazily (PEP 562), because the reference solutions that provide them
import earlier names from this module themselves.
"""

from __future__ import annotations

from importlib import import_module

_SOURCES = {
    "sigmoid": ("nntui.core.activations", "sigmoid"),
    "sigmoid_derivative": ("nntui.core.activations", "sigmoid_derivative"),
    "mse_loss": ("nntui.core.losses", "mse"),
    "neuron_feedforward": ("nntui.exercises.solutions.ex04_neuron", "neuron_feedforward"),
    "feedforward": ("nntui.exercises.solutions.ex05_feedforward", "feedforward"),
    "backprop_terms": ("nntui.exercises.solutions.ex06_backprop", "backprop_terms"),
    "sgd_step": ("nntui.exercises.solutions.ex07_sgd_step", "sgd_step"),
    "matrix_feedforward": ("nntui.exercises.solutions.ex09_matrix_feedforward", "matrix_feedforward"),
}

__all__ = sorted(_SOURCES)


def __getattr__(name: str):
    """Import ``name`` from where it lives on first use."""
    try:
        module, attribute = _SOURCES[name]
    except KeyError:
        raise AttributeError(f"nntui.exercises.given has no {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
