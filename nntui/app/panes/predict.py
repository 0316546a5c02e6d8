"""The predict pane: the learner's own weight and height, fed to the trained network.

Units are converted by ``nntui.core.data``, the numbers shifted like the training data,
and the probability comes from ``nntui.core.network.predict`` with the parameters the
training pane left in ``app.shared`` (or, before any training, a network the pane trains
once with the core's ``train`` and the lessons' settings).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from nntui.core.data import LESSON_SHIFT, cm_to_inches, dataset, inches_to_cm, kg_to_lb, lb_to_kg
from nntui.core.network import Params, predict
from nntui.core.train import train
from nntui.numbers import EXACT, format_number

from ..widgets.number_field import NumberField
from .base import Pane
from .fields import FieldRules, Rule, RuledFields
from .looks import StatusLine, pane_css

__all__ = ["PredictPane", "CAVEAT"]

CAVEAT = (
    "A caveat: this network learned from four people. It has seen almost nothing, so its "
    "answer says more about Alice, Bob, Charlie and Diana than about you."
)

_UNITS = {"metric": ("kg", "cm"), "imperial": ("lb", "in")}


class PredictPane(RuledFields, Pane):
    """Asks the trained 2-2-1 network about a new person (live value ``probability``)."""

    PANE_TYPE = "predict"
    DEFAULT_CSS = pane_css("predict")

    BINDINGS = [
        Binding("u", "toggle_units", "Units", tooltip="switch between kg/cm and lb/in"),
        Binding("r", "refresh_network", "Trained", tooltip="use the latest trained network"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._units = self.settings["units"]
        self._rules = FieldRules()
        self._rules.add(
            "predict-weight", Rule("weight", low=0, low_open=True, high=1000), float(self.settings["weight"])
        )
        self._rules.add(
            "predict-height", Rule("height", low=0, low_open=True, high=1000), float(self.settings["height"])
        )
        self._params: Params | None = None
        self._shift = LESSON_SHIFT  # how inputs are shifted for the network asked (see _network)
        self._source = ""
        self._probability = float("nan")

    # -- values ----------------------------------------------------------------------

    def _network(self) -> tuple[Params, str]:
        trained = self.shared.trained_params if self.shared is not None else None
        if trained is not None:
            self._shift = self.shared.shift_of_trained()
            return trained, "the training pane's network"
        self._shift = LESSON_SHIFT
        seed = int(self.settings["seed"])
        X, y = dataset(LESSON_SHIFT)
        result = train(X, y, learning_rate=0.1, epochs=1000, seed=seed)
        return result.params, f"a network trained here\n(lr 0.1, 1000 epochs, seed {seed})"

    def _in_lessons_units(self) -> tuple[float, float]:
        weight = self._rules.values["predict-weight"]
        height = self._rules.values["predict-height"]
        if self._units == "metric":
            return kg_to_lb(weight), cm_to_inches(height)
        return weight, height

    def recompute(self) -> None:
        if self._params is None:
            self._params, self._source = self._network()
        weight_lb, height_in = self._in_lessons_units()
        x = self._shift.apply(weight_lb, height_in)
        self._x = x
        self._probability = float(predict(self._params, x)[0])

    def live_values(self) -> dict[str, float]:
        """probability: the network's output for the learner (1 = female)."""
        return {"probability": self._probability}

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Ask the network"
        w_unit, h_unit = _UNITS[self._units]
        with Horizontal(id="predict-fields"):
            yield NumberField(
                self._rules.values["predict-weight"], label=f"weight {w_unit}", step=1, id="predict-weight"
            )
            yield NumberField(
                self._rules.values["predict-height"], label=f"height {h_unit}", step=1, id="predict-height"
            )
        yield Static("", id="predict-steps")
        yield Static("", id="predict-answer")
        yield Static(CAVEAT, id="predict-caveat")
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Find a network and answer for the starting numbers."""
        self.update_values()

    # -- actions ---------------------------------------------------------------------

    def action_toggle_units(self) -> None:
        """Switch between kg/cm and lb/in, converting the numbers shown."""
        weight, height = self._rules.values["predict-weight"], self._rules.values["predict-height"]
        if self._units == "metric":
            self._units, weight, height = "imperial", kg_to_lb(weight), cm_to_inches(height)
        else:
            self._units, weight, height = "metric", lb_to_kg(weight), inches_to_cm(height)
        weight, height = round(weight, 1), round(height, 1)
        self._rules.values["predict-weight"], self._rules.values["predict-height"] = weight, height
        w_unit, h_unit = _UNITS[self._units]
        for field_id, value, label in (
            ("predict-weight", weight, f"weight {w_unit}"),
            ("predict-height", height, f"height {h_unit}"),
        ):
            field = self.query_one(f"#{field_id}", NumberField)
            field.set_value(value, notify=False)
            field.query_one(".nf-label", Static).update(label)
        self.update_values()

    def action_refresh_network(self) -> None:
        """Use the newest trained parameters (after another training run)."""
        self._params = None
        self.update_values()

    def apply_settings(self) -> None:
        """Show ``settings`` as a new predict pane would: their units and numbers, and the network a
        new pane would ask (the session's newest trained one, or one trained here with their seed)."""
        self._units = self.settings["units"]
        w_unit, h_unit = _UNITS[self._units]
        for field_id, key, label in (
            ("predict-weight", "weight", f"weight {w_unit}"),
            ("predict-height", "height", f"height {h_unit}"),
        ):
            value = float(self.settings[key])
            self._rules.values[field_id] = value  # the rules themselves do not depend on settings
            field = self.query_one(f"#{field_id}", NumberField)
            field.set_value(value, notify=False)  # also clears a message under it
            field.label = label
            field.query_one(".nf-label", Static).update(label)
        self.border_title = "Ask the network"
        self._params, self._source = None, ""  # found again, as on a new pane's mount
        self.update_values()

    def field_changed(self, field_id: str) -> None:
        """A new weight or height: ask the network again."""
        self.update_values()

    # -- drawing ---------------------------------------------------------------------

    def show_values(self) -> None:
        weight, height = self._rules.values["predict-weight"], self._rules.values["predict-height"]
        w_unit, h_unit = _UNITS[self._units]
        weight_lb, height_in = self._in_lessons_units()
        x1, x2 = (float(v) for v in self._x)
        lines = []
        if self._units == "metric":
            lines.append(
                f"{format_number(weight, EXACT)} kg = {format_number(weight_lb)} lb, "
                f"{format_number(height, EXACT)} cm = {format_number(height_in)} in"
            )
        else:
            lines.append(f"{format_number(weight, EXACT)} {w_unit}, {format_number(height, EXACT)} {h_unit}")
        shift = self._shift
        lines.append(f"shifted by {format_number(shift.weight)} lb / {format_number(shift.height)} in:")
        lines.append(f"x = ({format_number(x1)}, {format_number(x2)})")
        lines.append(f"asked: {self._source}")
        self.query_one("#predict-steps", Static).update("\n".join(lines))
        p = self._probability
        guess = self.shown("probability", "female" if p >= 0.5 else "male")
        self.query_one("#predict-answer", Static).update(
            f"probability female: {self.shown('probability', format_number(p))}\n"
            f"(so the network says {guess})"
        )
        self.query_one(StatusLine).say("u: units   r: newest trained network")
