"""The matrix pane: the second seed's vectorised network learning its four rows.

``nntui.core.matrix.matrix_steps`` trains full batch (all rows at once, weights as
matrices, no biases, sum-of-squares loss); a thread worker drives it and reports the losses
so far (``workers.LossReporter``, as the training pane does), and the pane redraws the curve
and shows the predictions beside the targets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Select, Static
from textual.worker import get_current_worker

from nntui.core.activations import ACTIVATIONS
from nntui.core.matrix import MATRIX_X, MATRIX_Y, matrix_steps
from nntui.numbers import EXACT, format_number

from ..messages import MatrixProgress
from ..widgets.number_field import NumberField
from .base import Pane
from .choices import choice_select, next_choice
from .fields import LR_RULE, SEED_RULE, FieldRules, Rule, RuledFields, epochs_rule
from .looks import StatusLine, pane_css, set_narrow
from .plots import Curve, CurvePlot
from .workers import FrameGate, LossReporter

__all__ = ["MatrixPane", "MAX_ITERATIONS"]

MAX_ITERATIONS = 20_000
POST_INTERVAL = 1 / 30


class MatrixPane(RuledFields, Pane):
    """Trains the matrix-form network; live values ``final_loss`` and ``pred_0`` .. ``pred_3``."""

    PANE_TYPE = "matrix"
    DEFAULT_CSS = pane_css("matrix")

    BINDINGS = [
        Binding("r", "restart", "Rerun"),
        Binding("a", "cycle_activation", "Activation", tooltip="next hidden activation: sigmoid, tanh, relu"),
        Binding("l", "toggle_log", "Log", tooltip="switch the loss axis between linear and log scale"),
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._run_id = 0
        self._gate = FrameGate()
        self._losses: np.ndarray = np.empty(0)
        self._output: list[float] | None = None
        self._load_settings()

    def _load_settings(self) -> None:
        """The fields' values, the activation and the modes ``self.settings`` start with."""
        self._rules = FieldRules()
        self._rules.add(
            "matrix-hidden", Rule("hidden units", low=1, integer=True, high=64), int(self.settings["hidden"])
        )
        self._first_message = self._rules.add_checked(
            "matrix-iterations", epochs_rule(MAX_ITERATIONS, "iterations"), int(self.settings["iterations"])
        )
        self._rules.add("matrix-lr", LR_RULE, float(self.settings["lr"]))
        self._rules.add("matrix-seed", SEED_RULE, int(self.settings["seed"]))
        self._activation = self.settings["activation"]
        self._log = False

    def apply_settings(self) -> None:
        """Show ``settings`` as a new matrix pane would: their fields, activation, linear scale, a new run."""
        self._load_settings()
        for field in self.query(NumberField):
            field.set_value(self._rules.values[field.id or ""], notify=False)  # also clears its error
        select = self.query_one("#matrix-activation", Select)
        select.expanded = False
        # _activation is already the new one, so the Changed this posts starts no run of its own.
        select.value = self._activation
        self.query_one(StatusLine).say(self._first_message)
        self._start()  # cancels the old run (its late reports carry an old run id) and trains anew

    def live_values(self) -> dict[str, float]:
        """final_loss and pred_0..pred_3 of the finished run (empty while it runs)."""
        if self._output is None or not len(self._losses):
            return {}
        values = {"final_loss": float(self._losses[-1])}
        values.update({f"pred_{i}": value for i, value in enumerate(self._output)})
        return values

    @property
    def losses(self) -> np.ndarray:
        """The losses of the current run so far (read-only)."""
        return self._losses

    def compose(self) -> ComposeResult:
        self.border_title = "Matrix form"
        values = self._rules.values
        with Horizontal(classes="matrix-fields"):
            yield NumberField(values["matrix-hidden"], label="hidden", step=1, id="matrix-hidden")
            yield NumberField(values["matrix-iterations"], label="iters", step=100, id="matrix-iterations")
        with Horizontal(classes="matrix-fields"):
            yield NumberField(values["matrix-lr"], label="lr", step=0.1, id="matrix-lr")
            yield NumberField(values["matrix-seed"], label="seed", step=1, id="matrix-seed")
            yield choice_select([(name, name) for name in ACTIVATIONS], self._activation, "matrix-activation")
        with Horizontal(id="matrix-body"):
            yield CurvePlot("", xlabel="iteration", id="matrix-plot")
            yield Static("", id="matrix-table")
        yield StatusLine(self._first_message, classes="pane-status")

    def on_mount(self) -> None:
        """Start the first run."""
        self._start()

    def on_resize(self, event: events.Resize) -> None:
        """Stack the curve and the predictions on a narrow pane."""
        set_narrow(self, event.size.width)

    def action_restart(self) -> None:
        """Train again from the seed's weights."""
        self._start()

    def action_cycle_activation(self) -> None:
        """Use the next hidden activation (sigmoid, tanh, relu) and retrain."""
        self.query_one("#matrix-activation", Select).value = next_choice(list(ACTIVATIONS), self._activation)

    def action_toggle_log(self) -> None:
        """Switch the loss axis between linear and logarithmic."""
        self._log = not self._log
        self._redraw()

    @on(Select.Changed, "#matrix-activation")
    def _activation_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self._activation:
            self._activation = event.value
            self._start()

    def field_changed(self, field_id: str) -> None:
        """New settings: train again with them."""
        self._start()

    def _start(self) -> None:
        self._gate.open()  # the old run's worker may be waiting for a frame: let it see it is cancelled
        self._gate = FrameGate()
        self._run_id += 1
        self._losses, self._output = np.empty(0), None
        v = self._rules.values
        self._train(
            self._run_id,
            int(v["matrix-hidden"]),
            int(v["matrix-iterations"]),
            float(v["matrix-lr"]),
            self._activation,
            int(v["matrix-seed"]),
            self._gate,
        )
        self._redraw()

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def _train(
        self,
        run_id: int,
        hidden: int,
        iterations: int,
        lr: float,
        activation: str,
        seed: int,
        gate: FrameGate,
    ) -> None:
        """Drive the core's generator, reporting the losses so far; stop when cancelled."""
        worker = get_current_worker()
        reporter = LossReporter(
            lambda so_far: self.post_message(MatrixProgress(run_id, so_far, gate=gate)),
            gate,
            (),
            POST_INTERVAL,
        )
        step = None
        for step in matrix_steps(MATRIX_X, MATRIX_Y, hidden, iterations, lr, activation, seed):
            if worker.is_cancelled:
                return
            reporter.add(float(step.loss))
        if step is not None and not worker.is_cancelled:
            output = [float(v) for v in step.output.reshape(-1)]
            self.post_message(MatrixProgress(run_id, reporter.losses, output=output))

    @on(MatrixProgress)
    def _progress(self, message: MatrixProgress) -> None:
        message.stop()
        if not message.accept(self, self._run_id):
            return
        self._losses = message.losses
        if message.output is not None:
            self._output = message.output
            self.post_message(self.LiveValuesChanged(self))
        self._redraw()

    def masked_changed(self) -> None:
        """Show the predictions and the final loss again, the masked ones as ``?``."""
        self._redraw()

    def _redraw(self) -> None:
        losses = self._losses
        curves = (
            [Curve("sum of squared errors", range(1, len(losses) + 1), losses, color="blue")]
            if len(losses)
            else []
        )
        scale = "log scale" if self._log else "linear"
        plot = self.query_one(CurvePlot)
        plot.flat_word = "stuck" if self._output is not None else ""  # once the run is over
        plot.show(curves, log_y=self._log, title=f"loss per iteration, {scale}", short_title=f"loss, {scale}")
        rows = ["x1 x2 x3  target  output"]
        outputs = [format_number(value, 3) for value in self._output] if self._output is not None else []
        # a masked prediction is hidden wherever the same number shows (a dead network says 0.5 four times)
        hidden = {outputs[i] for i in range(len(outputs)) if f"pred_{i}" in self.masked}
        for i, (x, target) in enumerate(zip(MATRIX_X, MATRIX_Y, strict=True)):
            out = ("?" if outputs[i] in hidden else outputs[i]) if outputs else "..."
            rows.append(f"{int(x[0])}  {int(x[1])}  {int(x[2])}   {int(target[0])}       {out}")
        self.query_one("#matrix-table", Static).update("\n".join(rows))
        total = int(self._rules.values["matrix-iterations"])
        if self._output is not None:
            iterations = f"{len(losses)} iteration{'' if len(losses) == 1 else 's'}"
            self.query_one(StatusLine).say(
                f"done: loss {format_number(losses[0])} -> "
                f"{self.shown('final_loss', format_number(losses[-1]))}\n"
                f"{iterations}, lr {format_number(self._rules.values['matrix-lr'], EXACT)}, "
                f"{self._activation}"
            )
        elif len(losses):
            self.query_one(StatusLine).say(
                f"iteration {len(losses)}/{total}  loss {format_number(losses[-1])}"
            )
