"""The network pane: the lessons' 2-2-1 network drawn with its live values, every number editable."""

from __future__ import annotations

import re
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Static

from nntui.core.network import Forward, Params, forward
from nntui.course.answers import network_values
from nntui.numbers import format_number

from ..widgets.number_field import NumberField
from .base import Pane
from .fields import FieldRules, RuledFields, value_rule
from .looks import StatusLine, pane_css
from .marks import hide_numbers, highlight

__all__ = ["NetworkPane", "draw_network", "highlight_terms"]

_WEIGHTS = ("w1", "w2", "w3", "w4", "w5", "w6")
_BIASES = ("b1", "b2", "b3")
_INPUTS = ("x1", "x2")
#: The order of the fields (and of Tab through them).
_FIELDS = _WEIGHTS + _BIASES + _INPUTS


def highlight_terms(drawing: str, focus) -> str:
    """``drawing`` with each focused node or edge (``h1 0.88``, ``w5 1``, ``o1``) in reverse video."""
    for name in focus:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?: [^\s─┐┘┴│├▶]+)?")
        drawing = pattern.sub(lambda match: highlight(match[0]), drawing)
    return drawing


def draw_network(v: dict[str, float], fw: Forward, masked: frozenset[str] = frozenset()) -> str:
    """The network in box-drawing characters: each edge with its weight, each node with its value.

    ``v`` holds w1..w6, b1..b3, x1, x2; ``fw`` is the core's forward pass for them. Edges are
    grouped by the neuron they feed, so no lines cross and the drawing fits a narrow pane.
    The live values named in ``masked`` (sum_h1, h1, ..., output) are drawn as ``?``.
    """
    n = {key: format_number(value, 3) for key, value in v.items()}
    live = {
        "sum_h1": format_number(fw.sum_h1),
        "h1": format_number(fw.h1),
        "sum_h2": format_number(fw.sum_h2),
        "h2": format_number(fw.h2),
        "sum_o1": format_number(fw.sum_o1),
        "output": format_number(fw.y_pred),
    }
    # A masked number is hidden under every name that shows it (equal weights make h2 = h1).
    hidden = {live[name] for name in masked if name in live}
    live = {name: "?" if text in hidden else text for name, text in live.items()}
    edges = [
        f"x1 {n['x1']}─w1 {n['w1']}─",
        f"x2 {n['x2']}─w2 {n['w2']}─",
        f"x1 {n['x1']}─w3 {n['w3']}─",
        f"x2 {n['x2']}─w4 {n['w4']}─",
    ]
    width = max(len(edge) for edge in edges)
    edges = [edge.ljust(width, "─") for edge in edges]
    hidden = [f"h1 {live['h1']}─w5 {n['w5']}─", f"h2 {live['h2']}─w6 {n['w6']}─"]
    hidden_width = max(len(line) for line in hidden)
    hidden = [line.ljust(hidden_width, "─") for line in hidden]
    gap = " " * (width + 2 + hidden_width)
    lines = [
        f"{edges[0]}┐",
        f"{edges[1]}┴▶{hidden[0]}┐",
        f"{gap}├▶ o1",
        f"{edges[2]}┐ {' ' * hidden_width}│  {live['output']}",
        f"{edges[3]}┴▶{hidden[1]}┘",
        f"sum_h1 {live['sum_h1']}  sum_h2 {live['sum_h2']}  sum_o1 {live['sum_o1']}",
        f"b1 {n['b1']}  b2 {n['b2']}  b3 {n['b3']}   f = sigmoid",
    ]
    return "\n".join(lines)


class NetworkPane(RuledFields, Pane):
    """The 2-2-1 network, recomputed by ``nntui.core.network.forward`` whenever a number changes.

    Weights, biases and inputs are number fields (type a number, or Up/Down to nudge).
    """

    PANE_TYPE = "network"
    MESSAGES_AT_FIELDS = True  # the status line shows the output
    DEFAULT_CSS = pane_css("network")

    BINDINGS = [Binding("r", "reset", "Reset", tooltip="put every number back to the lesson's values")]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._rules = FieldRules()
        for key, value in self._from_settings(self.settings).items():
            self._rules.add(key, value_rule(key), value)
        self.recompute()

    @property
    def _values(self) -> dict[str, float]:
        return self._rules.values

    @staticmethod
    def _from_settings(settings: dict[str, Any]) -> dict[str, float]:
        values = dict(zip(_WEIGHTS, settings["weights"], strict=True))
        values.update(zip(_BIASES, settings["biases"], strict=True))
        values.update(zip(_INPUTS, settings["x"], strict=True))
        return {key: float(value) for key, value in values.items()}

    def recompute(self) -> None:
        """Run the network forward on the values in force."""
        v = self._values
        params = Params.from_weights_biases([v[w] for w in _WEIGHTS], [v[b] for b in _BIASES])
        self._forward: Forward = forward(params, (v["x1"], v["x2"]))

    def compose(self) -> ComposeResult:
        self.border_title = "Network 2-2-1"
        yield Static("", id="net-diagram")
        with Container(id="net-fields"):
            for key in _FIELDS:
                step = 0.5 if key in _INPUTS else 0.1
                yield NumberField(self._values[key], label=key, step=step, id=key)
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Draw the starting network."""
        self.show_values()

    def live_values(self) -> dict[str, float]:
        """sum_h1, h1, sum_h2, h2, sum_o1 and output, as the core computes them."""
        return network_values(self._forward)

    def field_changed(self, field_id: str) -> None:
        """A weight, bias or input changed: run the network forward again."""
        self.update_values()

    def apply_settings(self) -> None:
        """Show ``settings`` as a new network pane would: their numbers, no messages under fields."""
        self.border_title = "Network 2-2-1"
        self.action_reset()  # sets every field (clearing its message) and draws the network again

    def action_reset(self) -> None:
        """Put every number back to the lesson's settings."""
        self._values.update(self._from_settings(self.settings))
        for key in _FIELDS:
            self.query_one(f"#{key}", NumberField).set_value(self._values[key], notify=False)
        self.update_values()

    def show_values(self) -> None:
        drawing = draw_network(self._values, self._forward, self.masked)
        focus = self.settings.get("focus", ())
        self.query_one("#net-diagram", Static).update(highlight_terms(drawing, focus))
        output = repr(self._forward.y_pred)
        if self.masked & {"output", "h1", "h2", "sum_o1"}:  # one of them may equal the output
            output = hide_numbers(output, [self.live_values()[name] for name in self.masked])
        self.query_one(StatusLine).say(f"output {output}\nUp/Down nudge a field; r resets")
