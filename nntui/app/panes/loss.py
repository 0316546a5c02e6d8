"""The loss pane: the four people raw and shifted, a predictor's guesses, and the MSE.

The data come from ``nntui.core.data``, the network's guesses from
``nntui.core.network.predict`` and the errors from ``nntui.core.losses``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Select, Static

from nntui.core.data import TRAINING_PEOPLE, dataset, shift_for
from nntui.core.losses import mse, squared_errors
from nntui.core.network import Params, predict
from nntui.numbers import format_number

from ..widgets.number_field import NumberField
from .base import Pane
from .choices import choice_select, next_choice
from .fields import SEED_RULE, FieldRules, RuledFields
from .looks import StatusLine, pane_css

__all__ = ["LossPane", "PREDICTORS", "SHIFTS"]

PREDICTORS = ("zeros", "ones", "network", "trained")
SHIFTS = ("lesson", "mean", "none")
_PREDICTOR_NAMES = {
    "zeros": "always 0",
    "ones": "always 1",
    "network": "random network",
    "trained": "trained network",
}


def render_people(people, X, y, pred, errors, masked: frozenset[str] = frozenset()) -> str:
    """The four people as two narrow text tables: raw and shifted inputs; label, guess, squared error.

    A person's squared error named in ``masked`` (``error_alice``, ...) is shown as ``?``.
    """
    lines = ["name      lb  in      x1     x2"]
    for person, (x1, x2) in zip(people, X, strict=True):
        lines.append(
            f"{person.name:<7} {format_number(person.weight_lb):>4} {format_number(person.height_in):>3} "
            f"{format_number(x1, 4):>7} {format_number(x2, 4):>6}"
        )
    lines.append("name    y_true  y_pred  sq. error")
    for person, y_true, y_pred, error in zip(people, y, pred, errors, strict=True):
        shown = "?" if f"error_{person.name.lower()}" in masked else format_number(error, 4)
        lines.append(f"{person.name:<7} {format_number(y_true):>6}  {format_number(y_pred, 4):<6}  {shown}")
    return "\n".join(lines)


class LossPane(RuledFields, Pane):
    """Scores a predictor on the four people with the mean squared error.

    Live values: ``mse`` and ``error_<name>`` (each person's squared error, e.g. ``error_alice``).
    """

    PANE_TYPE = "loss"
    DEFAULT_CSS = pane_css("loss")

    BINDINGS = [
        Binding("c", "cycle_predictor", "Predictor"),
        Binding("s", "cycle_shift", "Shift"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._predictor = self.settings["predictor"]
        self._shift = self.settings["shift"]
        self._rules = FieldRules()
        self._rules.add("loss-seed", SEED_RULE, int(self.settings["seed"]))
        self._note = ""
        self.recompute()

    # -- values ----------------------------------------------------------------------

    def _predictions(self, X: np.ndarray) -> np.ndarray:
        self._note = ""
        if self._predictor == "zeros":
            return np.zeros(len(X))
        if self._predictor == "ones":
            return np.ones(len(X))
        params = None
        if self._predictor == "trained":
            params = self.shared.trained_params if self.shared is not None else None
            if params is None:
                self._note = "no trained network yet (run the training pane); showing the random network"
            else:
                # the trained network reads inputs shifted the way it was trained, whatever is shown
                trained_shift = self.shared.shift_of_trained()
                if trained_shift.name != self._shift:
                    self._note = f"the trained network is fed the {trained_shift.name} shift it learned with"
                return predict(params, dataset(trained_shift)[0])
        if params is None:
            params = Params.random(int(self._rules.values["loss-seed"]))
        return predict(params, X)

    def recompute(self) -> None:
        self._X, self._y = dataset(shift_for(self._shift))
        self._pred = self._predictions(self._X)
        self._errors = squared_errors(self._y, self._pred)
        self._mse = mse(self._y, self._pred)

    def live_values(self) -> dict[str, float]:
        """mse, and each person's squared error as error_<name>."""
        values = {"mse": float(self._mse)}
        for person, error in zip(TRAINING_PEOPLE, self._errors, strict=True):
            values[f"error_{person.name.lower()}"] = float(error)
        return values

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Data and loss"
        with Horizontal(classes="loss-controls"):
            yield choice_select(
                [(_PREDICTOR_NAMES[p], p) for p in PREDICTORS], self._predictor, "loss-predictor"
            )
            yield NumberField(self._rules.values["loss-seed"], label="seed", step=1, id="loss-seed")
        with Horizontal(classes="loss-controls"):
            yield choice_select([(f"shift: {s}", s) for s in SHIFTS], self._shift, "loss-shift")
        yield Static("", id="loss-table")
        yield Static("", id="loss-mse")
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Fill the table."""
        self.show_values()

    # -- actions ---------------------------------------------------------------------

    def action_cycle_predictor(self) -> None:
        """Score the next predictor: always 0, always 1, a random network, the trained one."""
        self.query_one("#loss-predictor", Select).value = next_choice(PREDICTORS, self._predictor)

    def action_cycle_shift(self) -> None:
        """Shift the inputs the next way: the lesson's 135/66, the mean, or not at all."""
        self.query_one("#loss-shift", Select).value = next_choice(SHIFTS, self._shift)

    def apply_settings(self) -> None:
        """Show ``settings`` as a new loss pane would: their predictor, shift and seed, scored afresh.

        The trained predictor reads the session's trained network now, as a new pane would.
        """
        self._predictor = self.settings["predictor"]
        self._shift = self.settings["shift"]
        self._rules.values["loss-seed"] = int(self.settings["seed"])
        # The selects' Changed messages then carry the values in force, and change nothing.
        for select_id, value in (("loss-predictor", self._predictor), ("loss-shift", self._shift)):
            select = self.query_one(f"#{select_id}", Select)
            select.expanded = False
            select.value = value
        # set_value also clears a "not a number" message under the field
        self.query_one("#loss-seed", NumberField).set_value(self._rules.values["loss-seed"], notify=False)
        self.update_values()  # scores, table, MSE and the status line (a refusal there is replaced)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str) or event.value != event.select.value:
            return  # not a choice, or a stale one (the select was set again since, e.g. by a new step)
        if event.select.id == "loss-predictor" and event.value != self._predictor:
            self._predictor = event.value
        elif event.select.id == "loss-shift" and event.value != self._shift:
            self._shift = event.value
        else:
            return  # already in force (set by ``reconfigure``)
        self.update_values()

    def field_changed(self, field_id: str) -> None:
        """A new seed: score the random network it makes."""
        self.update_values()

    # -- drawing ---------------------------------------------------------------------

    def show_values(self) -> None:
        shift = shift_for(self._shift)
        table = render_people(TRAINING_PEOPLE, self._X, self._y, self._pred, self._errors, self.masked)
        note = f"x1 = lb - {format_number(shift.weight, 5)}, x2 = in - {format_number(shift.height, 5)}"
        self.query_one("#loss-table", Static).update(f"{note}\n{table}")
        terms = " + ".join(
            self.shown(f"error_{person.name.lower()}", format_number(error))
            for person, error in zip(TRAINING_PEOPLE, self._errors, strict=True)
        )
        mse = self.shown("mse", format_number(self._mse, 6))
        self.query_one("#loss-mse", Static).update(
            f"MSE = ({terms}) / 4\n    = {mse}   ({_PREDICTOR_NAMES[self._predictor]})"
        )
        self.query_one(StatusLine).say(
            self._note or "y: 1 = female, 0 = male\nc: next predictor   s: next shift"
        )
