"""The activations pane: sigmoid, tanh and ReLU side by side, and the network trained with each.

The curves are the core's own functions (``nntui.core.activations``) evaluated along an
axis; the three trainings are ``nntui.core.train.train`` with each hidden activation, run
one after another in a thread worker.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import get_current_worker

from nntui.core.activations import ACTIVATIONS
from nntui.core.data import LESSON_SHIFT, dataset
from nntui.core.train import TrainResult, train
from nntui.numbers import EXACT, format_number

from ..messages import ActivationTrained
from ..widgets.number_field import NumberField
from .base import Pane
from .fields import FieldRules, RuledFields, add_run_settings, run_fields
from .looks import StatusLine, pane_css, set_narrow
from .plots import Curve, CurvePlot
from .workers import GilYielder

__all__ = ["ActivationsPane", "MAX_EPOCHS"]

MAX_EPOCHS = 20_000
#: How each activation is drawn, so the plots read without colour too.
_STYLE = {"sigmoid": ("cyan", "braille"), "tanh": ("magenta", "dot"), "relu": ("yellow", "+")}
#: The markers in words, for the summary under the plots.
_MARKER_WORDS = {"sigmoid": "line", "tanh": "•", "relu": "+"}
#: A pane shorter than this (rows) shows one plot at a time (g switches): two stacked plots of a
#: few rows each cannot tell three curves apart.
SHORT = 30


class ActivationsPane(RuledFields, Pane):
    """Live values ``final_loss_sigmoid``, ``final_loss_tanh`` and ``final_loss_relu``."""

    PANE_TYPE = "activations"
    DEFAULT_CSS = pane_css("activations")

    BINDINGS = [
        Binding("r", "restart", "Retrain", tooltip="retrain with all three activations"),
        Binding("l", "toggle_log", "Log", tooltip="switch the loss axis between linear and log scale"),
        Binding("g", "switch_plot", "Plot", tooltip="show the other plot (a short pane shows one at a time)"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._X, self._y = dataset(LESSON_SHIFT)
        self._results: dict[str, TrainResult] = {}
        self._run_id = 0
        self._load_settings()

    def _load_settings(self) -> None:
        """The fields' values and the modes ``self.settings`` start with."""
        self._rules = FieldRules()
        self._first_message = add_run_settings(self._rules, "act", self.settings, MAX_EPOCHS)
        self._log = False
        #: Which plot a short pane shows: "losses" or "functions".
        self._showing = "losses"

    def apply_settings(self) -> None:
        """Show ``settings`` as a new activations pane would: their fields, linear scale, the loss
        plot in front, three new runs."""
        self._load_settings()
        for field in self.query(NumberField):
            field.set_value(self._rules.values[field.id or ""], notify=False)  # also clears its error
        self.query_one(StatusLine).say(self._first_message)
        self._start()  # a new run id: the old batch's late results are dropped; its worker is cancelled

    @property
    def results(self) -> dict[str, TrainResult]:
        """The finished runs of the current batch, by activation name."""
        return dict(self._results)

    def live_values(self) -> dict[str, float]:
        """Each activation's final loss (once its run has finished)."""
        return {f"final_loss_{name}": result.final_loss for name, result in self._results.items()}

    def compose(self) -> ComposeResult:
        self.border_title = "Activation functions"
        with Horizontal(id="act-fields"):
            yield from run_fields(self._rules, "act")
        with Horizontal(id="act-plots"):
            yield CurvePlot("f(x)", xlabel="x", id="act-functions")
            yield CurvePlot("", xlabel="epoch", id="act-losses")
        yield Static("", id="act-summary")
        yield StatusLine(self._first_message, classes="pane-status")

    def on_mount(self) -> None:
        """Draw the functions and start the three trainings."""
        xs = np.linspace(-3, 3, 61)
        curves = []
        for name, activation in ACTIVATIONS.items():
            color, marker = _STYLE[name]
            curves.append(Curve(name, xs, activation(xs), color=color, marker=marker))
        plot = self.query_one("#act-functions", CurvePlot)
        plot.y_limits = (-1.1, 3.1)
        plot.show(curves)
        self._start()

    def on_resize(self, event: events.Resize) -> None:
        """Stack the two plots on a narrow pane, without legends (the summary names the markers);
        on a short pane show one of them at a time."""
        set_narrow(self, event.size.width)
        for plot in self.query(CurvePlot):
            if plot.compact != self.has_class("-narrow"):
                plot.compact = self.has_class("-narrow")
                plot.replot()
        self.set_class(event.size.height < SHORT, "-short")
        self._show_plots()

    def _show_plots(self) -> None:
        """Both plots, or on a short pane the chosen one; each title says what g does then."""
        short_pane = self.has_class("-short")
        functions = self.query_one("#act-functions", CurvePlot)
        losses = self.query_one("#act-losses", CurvePlot)
        functions.display = not short_pane or self._showing == "functions"
        losses.display = not short_pane or self._showing == "losses"
        scale = "log" if self._log else "linear"
        if short_pane:  # a title longer than the plot is not drawn at all: keep these short
            functions.title, losses.title = "activations   g: losses", f"losses ({scale})   g: functions"
        else:
            functions.title, losses.title = "the three activations", f"loss per epoch ({scale})"
        functions.replot()
        losses.replot()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """g only matters (and only shows in the footer) on a short pane."""
        if action == "switch_plot":
            return self.has_class("-short") or None
        return True

    def action_switch_plot(self) -> None:
        """On a short pane, show the other plot: the functions or the loss curves."""
        self._showing = "functions" if self._showing == "losses" else "losses"
        self._show_plots()

    def action_restart(self) -> None:
        """Train the three networks again."""
        self._start()

    def action_toggle_log(self) -> None:
        """Switch the loss axis between linear and logarithmic."""
        self._log = not self._log
        self._redraw()

    def field_changed(self, field_id: str) -> None:
        """New settings: train the three networks again."""
        self._start()

    def _start(self) -> None:
        self._run_id += 1
        self._results = {}
        v = self._rules.values
        self.query_one(StatusLine).say("training with sigmoid, tanh and relu ...")
        self._train(self._run_id, float(v["act-lr"]), int(v["act-epochs"]), int(v["act-seed"]))
        self._redraw()

    @work(thread=True, exclusive=True, group="activations", exit_on_error=False)
    def _train(self, run_id: int, lr: float, epochs: int, seed: int) -> None:
        """Train once per activation, from the same seed; stop as soon as the batch is cancelled."""
        worker = get_current_worker()
        breather = GilYielder()

        def should_stop() -> bool:
            breather.maybe_yield()
            return worker.is_cancelled

        for name in ACTIVATIONS:
            result = train(self._X, self._y, lr, epochs, seed, activation=name, should_stop=should_stop)
            if worker.is_cancelled:
                return
            self.post_message(ActivationTrained(run_id, name, result))

    @on(ActivationTrained)
    def _trained(self, message: ActivationTrained) -> None:
        message.stop()
        if message.run_id != self._run_id:
            return
        self._results[message.activation] = message.result
        self.post_message(self.LiveValuesChanged(self))
        self._redraw()

    def masked_changed(self) -> None:
        """Show the final losses again, the masked ones as ``?``."""
        self._redraw()

    def _redraw(self) -> None:
        curves = []
        parts = []
        for name in ACTIVATIONS:
            result = self._results.get(name)
            if result is None:
                parts.append(f"{name} ...")
                continue
            color, marker = _STYLE[name]
            curves.append(
                Curve(name, range(1, len(result.losses) + 1), result.losses, color=color, marker=marker)
            )
            final = self.shown(f"final_loss_{name}", format_number(result.final_loss, 3))
            text = f"{name} ({_MARKER_WORDS[name]})".ljust(15) + final
            if result.diverged_at is not None:
                text += f" (stuck from epoch {result.diverged_at})"
            parts.append(text)
        losses = self.query_one("#act-losses", CurvePlot)
        losses.flat_word = "stuck" if len(self._results) == len(ACTIVATIONS) else ""  # once all are over
        losses.show(curves, log_y=self._log)
        self._show_plots()
        # One activation a line, the losses lined up under each other.
        self.query_one("#act-summary", Static).update(
            "\n".join(f"{'final loss' if i == 0 else '':12}{part}" for i, part in enumerate(parts))
        )
        if len(self._results) == len(ACTIVATIONS):
            v = self._rules.values
            self.query_one(StatusLine).say(
                f"seed {int(v['act-seed'])}, lr {format_number(v['act-lr'], EXACT)}, "
                f"{int(v['act-epochs'])} epochs"
            )
