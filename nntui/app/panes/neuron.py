"""The neuron pane: two weights, a bias and two inputs you can change, and what the neuron makes of them."""

from __future__ import annotations

import functools
import math
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from nntui.core.activations import ACTIVATIONS
from nntui.core.neuron import Neuron, NeuronOutput
from nntui.numbers import EXACT, format_number

from ..messages import MyCodeAnswer
from ..widgets.number_field import NumberField
from .base import Pane
from .fields import FieldRules, RuledFields, value_rule
from .marks import highlight
from .mycode import MY_CODE_BINDING, UsesMyCode, compare
from .plots import Curve, CurvePlot

__all__ = ["NeuronPane", "approx", "operand"]

_FIELDS = ("w1", "w2", "b", "x1", "x2")


def operand(value: float) -> str:
    """``value`` as it reads after ``+`` or ``·``: negative numbers in brackets, ``3 + (-3)``."""
    text = format_number(value, EXACT)
    return f"({text})" if value < 0 else text


def approx(value: float) -> str:
    """The rounded form the lesson text uses (``≈ 0.999``), or "" when it reads the same as ``value``."""
    if not math.isfinite(value):
        return ""
    rounded = f"{value:.3g}"
    return "" if float(rounded) == value else f"≈ {rounded}"


class NeuronPane(RuledFields, UsesMyCode, Pane):
    """One neuron, computed by ``nntui.core.neuron.Neuron`` every time a number changes.

    Shows the three stages (weighted sum, plus bias, activation) with the numbers filled
    in, and the activation curve with the current point on it. Every number stays between
    -1e6 and 1e6 (``fields.value_rule``) so the sums stay finite.
    """

    PANE_TYPE = "neuron"
    MESSAGES_AT_FIELDS = True  # the pane has no status line

    BINDINGS = [
        Binding("a", "cycle_activation", "Activation", tooltip="switch activation: sigmoid, tanh, relu"),
        Binding("r", "reset", "Reset", tooltip="put every number back to the lesson's values"),
        MY_CODE_BINDING,
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._initial = dict(self.settings)
        self._rules = FieldRules()
        for name, value in self._from_settings(self.settings).items():
            self._rules.add(name, value_rule(name), value)
        self._activation = self.settings.get("activation", "sigmoid")
        self.recompute()
        self._asked = 0  # numbers each request, so a late answer for old numbers is dropped

    @property
    def _values(self) -> dict[str, float]:
        return self._rules.values

    @staticmethod
    def _from_settings(settings: dict[str, Any]) -> dict[str, float]:
        w, x = settings["w"], settings["x"]
        return {"w1": w[0], "w2": w[1], "b": settings["b"], "x1": x[0], "x2": x[1]}

    def compose(self) -> ComposeResult:
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
        yield Static("", id="neuron-mine")
        yield CurvePlot(xlabel="t", id="neuron-plot")

    def on_mount(self) -> None:
        """Draw the starting neuron; the small plot names nothing in a legend (the title says it)."""
        self.query_one("#neuron-plot", CurvePlot).compact = True
        self._show()

    def recompute(self) -> None:
        """Run the neuron on the values in force."""
        self._result = self._compute()

    def _compute(self) -> NeuronOutput:
        v = self._values
        neuron = Neuron([v["w1"], v["w2"]], v["b"], self._activation)
        return neuron.explain([v["x1"], v["x2"]])

    def live_values(self) -> dict[str, float]:
        """weighted_sum (w . x), total (plus the bias) and output (after the activation)."""
        r = self._result
        return {"weighted_sum": r.weighted_sum, "total": r.total, "output": r.output}

    def field_changed(self, field_id: str) -> None:
        """A weight, the bias or an input changed: compute the neuron again."""
        self.update_values()

    # -- use my code ---------------------------------------------------------------

    def action_toggle_my_code(self) -> None:
        """Run the learner's passing ``neuron_feedforward`` beside the built-in neuron (or stop)."""
        on, notice = self.switch_my_code("neuron")
        self.query_one("#neuron-mine", Static).update("yours: asking your code…" if on else notice)
        self._ask_my_code()

    def _ask_my_code(self) -> None:
        if not self.my_code_on:
            return
        if self._activation != "sigmoid":
            self.query_one("#neuron-mine", Static).update(
                f"yours: your neuron uses sigmoid, not {self._activation}"
            )
            return
        self._asked += 1
        v = self._values
        self._call_my_code(self._asked, [v["w1"], v["w2"]], v["b"], [v["x1"], v["x2"]])

    @work(thread=True, exclusive=True, group=UsesMyCode.MY_CODE_GROUP)
    def _call_my_code(self, tag: int, weights: list[float], bias: float, inputs: list[float]) -> None:
        import numpy as np

        value, error = self.my_code.call("neuron", np.array(weights), bias, np.array(inputs))
        self.post_message(MyCodeAnswer(tag, value, error))

    @on(MyCodeAnswer)
    def _my_code_answered(self, event: MyCodeAnswer) -> None:
        event.stop()
        if event.tag != self._asked or not self.my_code_on:
            return  # numbers changed since, or switched off
        mine = self.query_one("#neuron-mine", Static)
        if event.error:
            mine.update(f"yours: {event.error}")
            return
        try:
            value = float(event.value)
        except (TypeError, ValueError):
            mine.update(f"yours: gave {type(event.value).__name__}, not a number")
            return
        if "output" in self.masked:  # compare() would print the pane's output beside a wrong one
            mine.update("yours: ? (shown once the checkpoint is answered)")
            return
        mine.update(compare(value, self._result.output))

    def action_cycle_activation(self) -> None:
        """Switch to the next activation function (sigmoid, tanh, relu)."""
        names = list(ACTIVATIONS)
        self._activation = names[(names.index(self._activation) + 1) % len(names)]
        self.update_values()

    def apply_settings(self) -> None:
        """Show ``settings`` as a new neuron pane would: their numbers and activation, "my code" off."""
        self._initial = dict(self.settings)
        self.my_code_off()
        self.query_one("#neuron-mine", Static).update("")
        self.action_reset()

    def action_reset(self) -> None:
        """Put every number back to the lesson's settings."""
        self._values.update(self._from_settings(self._initial))
        self._activation = self._initial.get("activation", "sigmoid")
        for name in _FIELDS:
            self.query_one(f"#{name}", NumberField).set_value(self._values[name], notify=False)
        self.update_values()

    def show_values(self) -> None:
        """Draw the numbers, masked ones as ``?``, and the line comparing with the learner's code."""
        self._show()
        self._ask_my_code()

    def _show(self) -> None:
        v, r = self._values, self._result
        f = functools.partial(format_number, digits=EXACT)
        name = self._activation
        weighted = self.shown("weighted_sum", f(r.weighted_sum))
        total = self.shown("total", f(r.total))
        output = self.shown("output", self._said(r.output))
        rounded = "" if "output" in self.masked else approx(r.output)
        self.query_one("#activation-name", Static).update(f"f = {name}")
        focus = self.settings.get("focus", ())
        self.query_one("#neuron-stages", Static).update(
            highlight(
                f"weighted sum  {f(v['w1'])}·{operand(v['x1'])} + {operand(v['w2'])}·{operand(v['x2'])}"
                f" = [b]{weighted}[/b]",
                "weighted_sum" in focus,
            )
            + "\n"
            + highlight(f"plus bias     {weighted} + {operand(v['b'])} = [b]{total}[/b]", "total" in focus)
            + "\n"
            + highlight(f"{name}({total}) = [b]{output}[/b]", "output" in focus)
            # the lesson rounds (0.999): show that form under the exact one, lined up with it
            + (f"\n{'':{len(name) + len(total) + 5}}{rounded}" if rounded else "")
        )
        self._plot()

    @staticmethod
    def _said(value: float) -> str:
        return repr(value) if math.isfinite(value) else "not a finite number"

    def _plot(self) -> None:
        import numpy as np

        activation = ACTIVATIONS[self._activation]
        total, output = self._result.total, self._result.output
        plot = self.query_one("#neuron-plot", CurvePlot)
        if not (math.isfinite(total) and math.isfinite(output)):
            # The fields keep every number in range, so this is a safety net, said in words.
            plot.show([], title=f"{activation.name}: t is not a finite number, nothing to draw")
            return
        low, high = min(-8.0, total - 1.0), max(8.0, total + 1.0)
        xs = np.linspace(low, high, 121)
        ys = activation(xs)  # the core's function, evaluated along the axis
        plot.show(
            [
                Curve(activation.name, xs.tolist(), ys.tolist()),
                Curve("you", [total], [output], marker="●", points=True),
            ],
            title=f"{activation.name}(t) at t = {self.shown('total', format_number(total, EXACT))}",
        )
