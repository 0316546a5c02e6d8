"""The descent pane: the loss along one parameter, where you stand, and one step downhill per key.

Eight parameters stay fixed and one moves, so the data set's loss becomes a curve
(``nntui.core.landscape.loss_slice``); its slope where you stand is that parameter's
gradient (``dataset_gradient``), and a step moves the parameter by minus the learning rate
times the slope (the chosen parameter's part of ``gradient_step``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Select, Static

from nntui.core.data import LESSON_SHIFT, dataset
from nntui.core.landscape import dataset_gradient, dataset_loss, gradient_step, loss_slice
from nntui.core.network import PARAM_NAMES, Params
from nntui.numbers import EXACT, format_number

from ..widgets.number_field import NumberField
from .base import Pane
from .choices import choice_select, next_choice
from .fields import LR_RULE, SEED_RULE, FieldRules, RuledFields
from .looks import StatusLine, pane_css
from .marks import highlight
from .plots import Curve, CurvePlot

__all__ = ["DescentPane"]

PRESETS = ("ones", "seed")
#: Points on the drawn slice.
SLICE_POINTS = 81


class DescentPane(RuledFields, Pane):
    """Gradient descent along one parameter: live values ``param_value``, ``loss`` and ``slope``."""

    PANE_TYPE = "descent"
    DEFAULT_CSS = pane_css("descent")

    BINDINGS = [
        Binding("s", "step", "Step", tooltip="take one gradient step downhill"),
        Binding("c", "cycle_param", "Param", tooltip="slice along the next parameter"),
        Binding("r", "reset", "Reset"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._param = self.settings["param"]
        self._preset = self.settings["preset"]
        self._rules = FieldRules()
        self._rules.add("descent-lr", LR_RULE, float(self.settings["lr"]))
        self._rules.add("descent-seed", SEED_RULE, int(self.settings["seed"]))
        self._X, self._y = dataset(LESSON_SHIFT)
        self._params = self._preset_params()
        self._steps = 0
        self._last: tuple[float, float, float, float] | None = (
            None  # old value, new value, old loss, new loss
        )
        self._compute()

    # -- values ----------------------------------------------------------------------

    def _preset_params(self) -> Params:
        if self._preset == "ones":
            return Params.ones()
        return Params.random(int(self._rules.values["descent-seed"]))

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next step."""
        return float(self._rules.values["descent-lr"])

    @property
    def params(self) -> Params:
        """Where you stand now."""
        return self._params

    def _compute(self) -> None:
        self._loss = dataset_loss(self._params, self._X, self._y)
        self._slope = getattr(dataset_gradient(self._params, self._X, self._y), self._param)
        stepped = gradient_step(self._params, self._X, self._y, self.learning_rate)
        self._next_value = getattr(stepped, self._param)

    def live_values(self) -> dict[str, float]:
        """param_value (where you stand), loss (over the four people) and slope (the gradient)."""
        return {"param_value": getattr(self._params, self._param), "loss": self._loss, "slope": self._slope}

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Downhill in the fog"
        with Horizontal(classes="descent-controls"):
            yield choice_select(
                [(f"move {name}", name) for name in PARAM_NAMES], self._param, "descent-param"
            )
            yield choice_select(
                [(f"start: {name}", name) for name in PRESETS], self._preset, "descent-preset"
            )
        with Horizontal(classes="descent-controls"):
            yield NumberField(self.learning_rate, label="lr", step=0.1, id="descent-lr")
            yield NumberField(self._rules.values["descent-seed"], label="seed", step=1, id="descent-seed")
        plot = CurvePlot("", xlabel=self._param, id="descent-plot")
        plot.compact = True  # the legend would hide the curve; the line under the plot names the marks
        yield plot
        yield Static("", id="descent-info")
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Draw the starting slice."""
        self.show_values()

    # -- actions ---------------------------------------------------------------------

    def action_step(self) -> None:
        """Move the chosen parameter one step against its slope."""
        old_value, old_loss = getattr(self._params, self._param), self._loss
        self._params = self._params.with_value(self._param, self._next_value)
        self._steps += 1
        self._compute()
        self._last = (old_value, getattr(self._params, self._param), old_loss, self._loss)
        self.update_values()

    def action_cycle_param(self) -> None:
        """Look along the next parameter instead."""
        self.query_one("#descent-param", Select).value = next_choice(PARAM_NAMES, self._param)

    def apply_settings(self) -> None:
        """Show ``settings`` as a new descent pane would: their parameter, start, lr and seed, no step."""
        self._param = self.settings["param"]
        self._preset = self.settings["preset"]
        self._rules.values.update(
            {"descent-lr": float(self.settings["lr"]), "descent-seed": int(self.settings["seed"])}
        )
        # The selects' Changed messages then carry the values in force, and change nothing.
        for select_id, value in (("descent-param", self._param), ("descent-preset", self._preset)):
            select = self.query_one(f"#{select_id}", Select)
            select.expanded = False
            select.value = value
        # set_value also clears a "not a number" message under the field
        for field in self.query(NumberField):
            field.set_value(self._rules.values[field.id or ""], notify=False)
        self.action_reset()  # the preset's parameters, no steps, the plot and the status line

    def action_reset(self) -> None:
        """Go back to the preset's parameters."""
        self._params = self._preset_params()
        self._steps = 0
        self._last = None
        self._compute()
        self.update_values()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str) or event.value != event.select.value:
            return  # not a choice, or a stale one (the select was set again since, e.g. by a new step)
        if event.select.id == "descent-param" and event.value != self._param:
            self._param = event.value
            self._last = None
            self._compute()
            self.update_values()
        elif event.select.id == "descent-preset" and event.value != self._preset:
            self._preset = event.value
            self.action_reset()

    def field_changed(self, field_id: str) -> None:
        """A new seed starts again from its parameters; a new learning rate changes the next step."""
        if field_id == "descent-seed" and self._preset == "seed":
            self.action_reset()
        else:
            self._compute()
            self.update_values()

    # -- drawing ---------------------------------------------------------------------

    def show_values(self) -> None:
        name = self._param
        value = getattr(self._params, name)
        low = min(value - 3.0, self._next_value - 1.0)
        high = max(value + 3.0, self._next_value + 1.0)
        xs = np.linspace(low, high, SLICE_POINTS)
        ys = loss_slice(self._params, name, xs, self._X, self._y)
        next_loss = dataset_loss(self._params.with_value(name, self._next_value), self._X, self._y)
        plot = self.query_one(CurvePlot)
        plot.xlabel = name
        plot.show(
            [
                Curve(f"loss as {name} moves", xs, ys, color="blue"),
                Curve(
                    "after one step", [self._next_value], [next_loss], marker="○", points=True, color="green"
                ),
                Curve("you are here", [value], [self._loss], marker="●", points=True, color="red"),
            ],
            title=f"loss over the four people, only {name} moves",
        )
        lr = format_number(self.learning_rate, EXACT)
        direction = "right" if self._slope < 0 else "left" if self._slope > 0 else "nowhere"
        here, loss = (
            self.shown("param_value", format_number(value)),
            self.shown("loss", format_number(self._loss)),
        )
        slope = self.shown("slope", format_number(self._slope))
        if {"param_value", "slope"} & self.masked:
            # the step's result and direction would give a masked value away
            after = "?"
        else:
            after = f"{format_number(self._next_value)} ({direction})"
        focus = self.settings.get("focus", ())
        lines = [
            "● you: "
            + highlight(f"{name} = {here}", "param_value" in focus)
            + ", "
            + highlight(f"loss {loss}", "loss" in focus),
            highlight(f"slope d_L_d_{name} = {slope}", "slope" in focus),
            highlight(f"○ next: {name} - {lr} * ({slope})", "next" in focus),
            "        " + highlight(f"= {after}", "next" in focus),
        ]
        self.query_one("#descent-info", Static).update("\n".join(lines))
        if self._last is not None:
            old, new, old_loss, new_loss = self._last
            verdict = "the loss fell" if new_loss < old_loss else "it ROSE: the step overshot"
            message = (
                f"step {self._steps}: {name} {format_number(old)} -> {here}\n"
                f"loss {format_number(old_loss)} -> {loss}\n{verdict}"
            )
        else:
            message = "s: take one step downhill"
        self.query_one(StatusLine).say(message)
