"""The right answer of a checkpoint, computed by ``nntui.core`` from the setup its question states.

A checkpoint is graded against the numbers its question is about, never against what the pane
happens to show when the learner presses Enter (they may have changed it, or not yet set it up).
The setup is the step's pane settings with the check block's ``setup`` applied, a seed the
lesson left out taken from the app's ``--seed`` (as the pane does), and ``steps`` presses of the
pane's update key. Each pane type's computation here mirrors what that pane shows; a test builds
every pane with a checkpoint's setup and compares.

Pure Python at import (NumPy and the core are imported when an answer is computed), so the
lesson parser can use ``unanswerable`` without slowing the app's start.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from .model import Checkpoint

__all__ = [
    "answer",
    "answer_for",
    "answer_given_away",
    "answer_text",
    "compute_values",
    "decimals",
    "describe_setup",
    "giveaway_problems",
    "network_values",
    "question_settings",
    "unanswerable",
]


def unanswerable(pane_type: str, settings: dict[str, Any], value: str) -> str:
    """Why a question about ``value`` of this pane cannot have one right answer, or ""."""
    if pane_type == "predict":
        return "the predict pane asks the network the learner trained (if any): no fixed answer"
    if pane_type == "ledger" and settings.get("preset") == "trained":
        return "preset=trained is the learner's own training: no fixed answer (use ones or seed)"
    if pane_type == "loss" and settings.get("predictor") == "trained":
        return "predictor=trained is the learner's own training: no fixed answer (use network)"
    return ""


def question_settings(check: Checkpoint, seed: int | None = None) -> dict[str, Any]:
    """The pane settings the question is about; the app's ``seed`` fills a seed the lesson left out."""
    settings = dict(check.settings)
    if seed is not None and "seed" in settings and "seed" not in check.given:
        settings["seed"] = seed
    return settings


def answer(check: Checkpoint, seed: int | None = None) -> float:
    """The right answer to ``check`` (with the app's ``seed``, see ``question_settings``)."""
    return answer_for(check.pane, question_settings(check, seed), check.value, check.steps)


def answer_for(pane_type: str, settings: dict[str, Any], value: str, steps: int = 0) -> float:
    """The live value ``value`` a ``pane_type`` pane built with ``settings`` shows after ``steps`` updates.

    Raises ValueError (one line) when that pane has no such value.
    """
    values = compute_values(pane_type, settings, steps)
    if value not in values:
        raise ValueError(f"the {pane_type} pane has no value {value!r} for this setup")
    return float(values[value])


def compute_values(pane_type: str, settings: dict[str, Any], steps: int = 0) -> dict[str, float]:
    """Every live value a ``pane_type`` pane built with ``settings`` shows after ``steps`` updates."""
    return _COMPUTE[pane_type](settings, steps)


def decimals(tolerance: float) -> int:
    """How many decimals an answer needs to be right within ``tolerance`` (0.001 -> 3, 0.0005 -> 4)."""
    if not tolerance > 0:
        return 6
    return max(0, math.ceil(-math.log10(tolerance) - 1e-9))


def answer_text(value: float, tolerance: float) -> str:
    """``value`` at the precision ``tolerance`` implies, trailing zeros dropped (9, 0.5, 0.5237)."""
    text = f"{value:.{decimals(tolerance)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


def answer_given_away(text: str, expected: float, tolerance: float) -> str | None:
    """The first number written in ``text`` that states ``expected`` (within ``tolerance``), or None.

    A number counts when it has at least the decimals the answer needs to be written (``0.52``
    does not give away 0.5237 at tolerance 0.001; ``0.5237`` and ``0.52373`` do).
    """
    needed = len(answer_text(expected, tolerance).partition(".")[2])
    for match in _NUMBER.finditer(text):
        token = match.group(0).replace("−", "-")
        try:
            number = float(token)
        except ValueError:
            continue
        mantissa = token.split("e")[0].split("E")[0]
        written = len(mantissa.partition(".")[2])
        if written >= needed and abs(number - expected) <= tolerance:
            return match.group(0)
    return None


# -- what each pane type shows --------------------------------------------------------------


def describe_setup(check: Checkpoint, seed: int | None = None) -> str:
    """The setup in words, for feedback: ``w = [1, 1], b = 4, x = [2, 3]``."""
    settings = question_settings(check, seed)
    shown = [key for key in settings if _matters(check.pane, settings, key, check.steps)]
    words = ", ".join(f"{key} = {_show(settings[key])}" for key in shown)
    if check.steps:
        key = "update" if check.pane == "ledger" else "step"
        words += f", after {check.steps} {key}{'s' if check.steps > 1 else ''}"
    return words


#: Settings that change where the pane points the learner, never its numbers.
PRESENTATION_SETTINGS = frozenset({"focus", "collapse"})


def _matters(pane_type: str, settings: dict[str, Any], key: str, steps: int) -> bool:
    """Whether setting ``key`` changes the pane's numbers (so the feedback names it)."""
    if key in PRESENTATION_SETTINGS:
        return False
    if key == "activation" and pane_type == "neuron":
        return settings[key] != "sigmoid"
    if key == "seed" and pane_type in ("ledger", "descent"):
        return settings.get("preset") == "seed"
    if key == "seed" and pane_type == "loss":
        return settings.get("predictor") == "network"
    if key == "shift" and pane_type == "loss":
        return settings.get("predictor") not in ("zeros", "ones")
    if key == "lr" and pane_type in ("ledger", "descent"):
        return steps > 0
    return True


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _neuron(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.neuron import Neuron

    result = Neuron(settings["w"], settings["b"], settings["activation"]).explain(settings["x"])
    return {"weighted_sum": result.weighted_sum, "total": result.total, "output": result.output}


def _network(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.network import Params, forward

    fw = forward(Params.from_weights_biases(settings["weights"], settings["biases"]), settings["x"])
    return network_values(fw)


def network_values(fw) -> dict[str, float]:
    """The network pane's live values from one forward pass (``nntui.core.network.Forward``)."""
    return {
        "sum_h1": fw.sum_h1,
        "h1": fw.h1,
        "sum_h2": fw.sum_h2,
        "h2": fw.h2,
        "sum_o1": fw.sum_o1,
        "output": fw.y_pred,
    }


def _loss(settings: dict[str, Any], steps: int) -> dict[str, float]:
    import numpy as np

    from nntui.core.data import TRAINING_PEOPLE, dataset, shift_for
    from nntui.core.losses import mse, squared_errors
    from nntui.core.network import Params, predict

    X, y = dataset(shift_for(settings["shift"]))
    predictor = settings["predictor"]
    if predictor == "zeros":
        pred = np.zeros(len(X))
    elif predictor == "ones":
        pred = np.ones(len(X))
    else:
        pred = predict(Params.random(int(settings["seed"])), X)
    values = {"mse": float(mse(y, pred))}
    for person, error in zip(TRAINING_PEOPLE, squared_errors(y, pred), strict=True):
        values[f"error_{person.name.lower()}"] = float(error)
    return values


def _ledger(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.data import LESSON_SHIFT, get_person
    from nntui.core.network import Params
    from nntui.core.trace import backprop_trace, sgd_step

    person = get_person(settings["person"])
    x, y_true = LESSON_SHIFT.apply(person.weight_lb, person.height_in), float(person.label)
    params = Params.ones() if settings["preset"] == "ones" else Params.random(int(settings["seed"]))
    for _ in range(steps):
        params = sgd_step(params, x, y_true, settings["lr"], person=settings["person"]).after
    return backprop_trace(params, x, y_true, person=settings["person"]).values()


def _descent(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.data import LESSON_SHIFT, dataset
    from nntui.core.landscape import dataset_gradient, dataset_loss, gradient_step
    from nntui.core.network import Params

    X, y = dataset(LESSON_SHIFT)
    name = settings["param"]
    params = Params.ones() if settings["preset"] == "ones" else Params.random(int(settings["seed"]))
    for _ in range(steps):  # the pane's step moves only the chosen parameter
        params = params.with_value(name, getattr(gradient_step(params, X, y, settings["lr"]), name))
    slope = getattr(dataset_gradient(params, X, y), name)
    return {"param_value": getattr(params, name), "loss": dataset_loss(params, X, y), "slope": slope}


def _training(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.data import EMILY, FRANK, dataset, shift_for
    from nntui.core.network import predict
    from nntui.core.train import train

    shift = shift_for(settings["shift"])
    X, y = dataset(shift)
    result = train(X, y, settings["lr"], settings["epochs"], settings["seed"])
    values = {"final_loss": float(result.final_loss)}
    if result.params is not None:
        newcomers = shift.apply([EMILY.weight_lb, FRANK.weight_lb], [EMILY.height_in, FRANK.height_in])
        emily, frank = predict(result.params, newcomers)
        values.update(emily=float(emily), frank=float(frank))
    return values


def _matrix(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from collections import deque

    from nntui.core.matrix import matrix_steps

    # The pane shows the last iteration's loss and the outputs that loss was measured on.
    run = matrix_steps(
        hidden=settings["hidden"],
        iterations=settings["iterations"],
        learning_rate=settings["lr"],
        activation=settings["activation"],
        seed=settings["seed"],
    )
    (last,) = deque(run, maxlen=1)
    values = {"final_loss": float(last.loss)}
    values.update({f"pred_{i}": float(v) for i, v in enumerate(last.output.reshape(-1))})
    return values


def _activations(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.activations import ACTIVATIONS
    from nntui.core.data import LESSON_SHIFT, dataset
    from nntui.core.train import train

    X, y = dataset(LESSON_SHIFT)
    return {
        f"final_loss_{name}": float(
            train(X, y, settings["lr"], settings["epochs"], settings["seed"], activation=name).final_loss
        )
        for name in ACTIVATIONS
    }


def _regression(settings: dict[str, Any], steps: int) -> dict[str, float]:
    from nntui.core.regression import FLOOR_AREA, RENT, LineDescent, least_squares, sum_of_squares

    fit = least_squares(FLOOR_AREA, RENT)
    walk = LineDescent(FLOOR_AREA, RENT, settings["lr"])
    for _ in range(int(settings["walked"]) + steps):  # the pane's s key takes one step
        walk.step()
    point = walk.point
    return {
        "slope": fit.slope,
        "intercept": fit.intercept,
        "sse": sum_of_squares(fit, FLOOR_AREA, RENT),
        "walk_slope": point.line.slope,
        "walk_intercept": point.line.intercept,
        "walk_sse": point.sum_of_squares,
    }


_COMPUTE: dict[str, Callable[[dict[str, Any], int], dict[str, float]]] = {
    "neuron": _neuron,
    "network": _network,
    "loss": _loss,
    "ledger": _ledger,
    "descent": _descent,
    "training": _training,
    "matrix": _matrix,
    "activations": _activations,
    "regression": _regression,
}


def giveaway_problems(course) -> list:
    """Every checkpoint whose answer (at its tolerance's precision) is written in the text a
    learner sees before the question, as problems at that line; also checks without an answer."""
    from .model import Problem

    problems = []
    for lesson in course.lessons:
        for step in lesson.steps:
            for check in step.checks:
                if not check.pane:
                    continue  # its step's pane is missing or wrong: reported by the parser
                try:
                    expected = answer(check)
                except (ValueError, KeyError) as error:
                    problems.append(Problem(lesson.path, check.line, f"check {check.id!r}: {error}"))
                    continue
                for line, text in step.text_before(check):
                    token = answer_given_away(text, expected, check.tolerance)
                    if token:
                        message = (
                            f"check {check.id!r}: its answer ({answer_text(expected, check.tolerance)}) "
                            f"is on screen before the question, as {token}: put it in a '::: reveal' block"
                        )
                        problems.append(Problem(lesson.path, line, message))
    return problems
