"""The neuron pane: two weights, a bias and two inputs you can change, and what the neuron makes of them."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from nntui.core.activations import ACTIVATIONS
from nntui.core.neuron import Neuron, NeuronOutput

from ..widgets.number_field import NumberField, format_number
from .base import Pane

__all__ = ["NeuronPane"]

_FIELDS = ("w1", "w2", "b", "x1", "x2")


class NeuronPane(Pane):
    """One neuron, computed by ``nntui.core.neuron.Neuron`` every time a number changes.

    Shows the three stages (weighted sum, plus bias, activation) with the numbers filled
    in, and the activation curve with the current point on it.
    """

    PANE_TYPE = "neuron"

    BINDINGS = [
        Binding("a", "cycle_activation", "Activation", tooltip="switch activation: sigmoid, tanh, relu"),
        Binding("r", "reset", "Reset", tooltip="put every number back to the lesson's values"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._initial = dict(self.settings)
        self._values = self._from_settings(self.settings)
        self._activation = self.settings.get("activation", "sigmoid")
        self._result: NeuronOutput = self._compute()

    @staticmethod
    def _from_settings(settings: dict[str, Any]) -> dict[str, float]:
        w, x = settings["w"], settings["x"]
        return {"w1": w[0], "w2": w[1], "b": settings["b"], "x1": x[0], "x2": x[1]}

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        self.border_title = "Neuron"
        with Horizontal(classes="neuron-row"):
            yield NumberField(self._values["w1"], label="w1", id="w1")
            yield NumberField(self._values["x1"], label="x1", id="x1")
        with Horizontal(classes="neuron-row"):
            yield NumberField(self._values["w2"], label="w2", id="w2")
            yield NumberField(self._values["x2"], label="x2", id="x2")
        with Horizontal(classes="neuron-row"):
            yield NumberField(self._values["b"], label="b ", id="b")
            yield Static("", id="activation-name")
        yield Static("", id="neuron-stages")
        yield PlotextPlot(id="neuron-plot")

    def on_mount(self) -> None:
        self._show()

    def _compute(self) -> NeuronOutput:
        v = self._values
        neuron = Neuron([v["w1"], v["w2"]], v["b"], self._activation)
        return neuron.explain([v["x1"], v["x2"]])

    def live_values(self) -> dict[str, float]:
        """weighted_sum (w . x), total (plus the bias) and output (after the activation)."""
        r = self._result
        return {"weighted_sum": r.weighted_sum, "total": r.total, "output": r.output}

    @on(NumberField.Changed)
    def _number_changed(self, event: NumberField.Changed) -> None:
        event.stop()
        if event.field.id in _FIELDS:
            self._values[event.field.id] = event.value
            self._update()

    def action_cycle_activation(self) -> None:
        """Switch to the next activation function (sigmoid, tanh, relu)."""
        names = list(ACTIVATIONS)
        self._activation = names[(names.index(self._activation) + 1) % len(names)]
        self._update()

    def action_reset(self) -> None:
        """Put every number back to the lesson's settings."""
        self._values = self._from_settings(self._initial)
        self._activation = self._initial.get("activation", "sigmoid")
        for name in _FIELDS:
            self.query_one(f"#{name}", NumberField).set_value(self._values[name], notify=False)
        self._update()

    def _update(self) -> None:
        self._result = self._compute()
        self._show()
        self.post_message(self.LiveValuesChanged(self))

    def _show(self) -> None:
        v, r, f = self._values, self._result, format_number
        name = self._activation
        self.query_one("#activation-name", Static).update(f"f = {name}")
        self.query_one("#neuron-stages", Static).update(
            f"weighted sum  {f(v['w1'])}·{f(v['x1'])} + {f(v['w2'])}·{f(v['x2'])}"
            f" = [b]{f(r.weighted_sum)}[/]\n"
            f"plus bias     {f(r.weighted_sum)} + {f(v['b'])} = [b]{f(r.total)}[/]\n"
            f"{name}({f(r.total)}) = [b]{r.output!r}[/]"
        )
        self._plot()

    def _plot(self) -> None:
        import numpy as np
        from textual_plotext import PlotextPlot

        activation = ACTIVATIONS[self._activation]
        total = self._result.total
        low, high = min(-8.0, total - 1.0), max(8.0, total + 1.0)
        xs = np.linspace(low, high, 121)
        ys = activation(xs)  # the core's function, evaluated along the axis
        plot = self.query_one("#neuron-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.plot(xs.tolist(), ys.tolist(), marker="braille")
        plt.scatter([total], [self._result.output], marker="●")
        plt.title(f"{activation.name}(t) at t = {format_number(total)}")
        plt.xlabel("t")
        plot.refresh()
