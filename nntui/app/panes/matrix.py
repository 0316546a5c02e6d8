"""The matrix pane: the second seed's vectorised network learning its four rows.

``nntui.core.matrix.matrix_steps`` trains full batch (all rows at once, weights as
matrices, no biases, sum-of-squares loss); a thread worker drives it and posts the losses
so far, and the pane redraws the curve and shows the predictions beside the targets.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Select, Static
from textual.worker import get_current_worker

from nntui.core.activations import ACTIVATIONS
from nntui.core.matrix import MATRIX_X, MATRIX_Y, matrix_steps

from ..widgets.number_field import NumberField, format_number
from .base import Pane
from .common import FieldRules, GilYielder, Rule, StatusLine, pane_css, set_narrow, short
from .plots import Curve, CurvePlot

__all__ = ["MatrixPane", "MAX_ITERATIONS"]

MAX_ITERATIONS = 20_000
POST_INTERVAL = 1 / 30


class MatrixPane(Pane):
    """Trains the matrix-form network; live values ``final_loss`` and ``pred_0`` .. ``pred_3``."""

    PANE_TYPE = "matrix"
    DEFAULT_CSS = pane_css("matrix")

    BINDINGS = [
        Binding("r", "restart", "Rerun"),
        Binding("a", "cycle_activation", "Activation", tooltip="next hidden activation: sigmoid, tanh, relu"),
        Binding("l", "toggle_log", "Log", tooltip="switch the loss axis between linear and log scale"),
    ]

    class Progress(Message):
        """Losses of run ``run_id`` so far; ``output`` (the predictions) when it is done."""

        def __init__(self, run_id: int, losses: list[float], output: list[float] | None = None) -> None:
            super().__init__()
            self.run_id = run_id
            self.losses = losses
            self.output = output

        def can_replace(self, message: Message) -> bool:
            """A pending, unfinished report of the same run is out of date."""
            return (
                isinstance(message, MatrixPane.Progress)
                and message.run_id == self.run_id
                and message.output is None
            )

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._rules = FieldRules()
        iterations, self._first_message = Rule("iterations", low=1, integer=True, cap=MAX_ITERATIONS).check(
            int(self.settings["iterations"])
        )
        self._rules.add(
            "matrix-hidden", Rule("hidden units", low=1, integer=True, high=64), int(self.settings["hidden"])
        )
        self._rules.add(
            "matrix-iterations", Rule("iterations", low=1, integer=True, cap=MAX_ITERATIONS), iterations or 1
        )
        self._rules.add(
            "matrix-lr", Rule("the learning rate", low=0, low_open=True, high=100), float(self.settings["lr"])
        )
        self._rules.add(
            "matrix-seed", Rule("the seed", low=0, integer=True, high=2**32 - 1), int(self.settings["seed"])
        )
        self._activation = self.settings["activation"]
        self._run_id = 0
        self._losses: list[float] = []
        self._output: list[float] | None = None
        self._log = False

    def live_values(self) -> dict[str, float]:
        """final_loss and pred_0..pred_3 of the finished run (empty while it runs)."""
        if self._output is None or not self._losses:
            return {}
        values = {"final_loss": self._losses[-1]}
        values.update({f"pred_{i}": value for i, value in enumerate(self._output)})
        return values

    @property
    def losses(self) -> list[float]:
        """The losses of the current run so far."""
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
            yield Select(
                [(name, name) for name in ACTIVATIONS],
                value=self._activation,
                allow_blank=False,
                compact=True,
                id="matrix-activation",
            )
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
        names = list(ACTIVATIONS)
        self.query_one("#matrix-activation", Select).value = names[
            (names.index(self._activation) + 1) % len(names)
        ]

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

    @on(NumberField.Changed)
    def _number_changed(self, event: NumberField.Changed) -> None:
        event.stop()
        changed, message = self._rules.accept(event.field, event.value)
        self.query_one(StatusLine).say(message)
        if changed:
            self._start()

    def on_descendant_blur(self) -> None:
        """Show the values in force again when leaving a refused or capped entry."""
        self._rules.restore(self.query(NumberField))

    def _start(self) -> None:
        self._run_id += 1
        self._losses, self._output = [], None
        v = self._rules.values
        self._train(
            self._run_id,
            int(v["matrix-hidden"]),
            int(v["matrix-iterations"]),
            float(v["matrix-lr"]),
            self._activation,
            int(v["matrix-seed"]),
        )
        self._redraw()

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def _train(
        self, run_id: int, hidden: int, iterations: int, lr: float, activation: str, seed: int
    ) -> None:
        """Drive the core's generator, posting the losses every so often; stop when cancelled."""
        worker = get_current_worker()
        breather = GilYielder()
        losses: list[float] = []
        last_post = 0.0
        step = None
        for step in matrix_steps(MATRIX_X, MATRIX_Y, hidden, iterations, lr, activation, seed):
            if worker.is_cancelled:
                return
            losses.append(float(step.loss))
            breather.maybe_yield()
            now = time.perf_counter()
            if len(losses) == 1 or now - last_post >= POST_INTERVAL:
                last_post = now
                self.post_message(self.Progress(run_id, list(losses)))
        if step is not None and not worker.is_cancelled:
            self.post_message(self.Progress(run_id, losses, [float(v) for v in step.output.reshape(-1)]))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        message.stop()
        if message.run_id != self._run_id:
            return
        self._losses = message.losses
        if message.output is not None:
            self._output = message.output
            self.post_message(self.LiveValuesChanged(self))
        self._redraw()

    def _redraw(self) -> None:
        losses = self._losses
        curves = (
            [Curve("sum of squared errors", range(1, len(losses) + 1), losses, color="blue")]
            if losses
            else []
        )
        scale = "log scale" if self._log else "linear"
        self.query_one(CurvePlot).show(curves, log_y=self._log, title=f"loss per iteration, {scale}")
        rows = ["x1 x2 x3  target  output"]
        for i, (x, target) in enumerate(zip(MATRIX_X, MATRIX_Y, strict=True)):
            out = short(self._output[i], 3) if self._output is not None else "..."
            rows.append(f"{int(x[0])}  {int(x[1])}  {int(x[2])}   {int(target[0])}       {out}")
        self.query_one("#matrix-table", Static).update("\n".join(rows))
        total = int(self._rules.values["matrix-iterations"])
        if self._output is not None:
            self.query_one(StatusLine).say(
                f"done: loss {short(losses[0])} -> {short(losses[-1])} after {len(losses)} iterations "
                f"(lr {format_number(self._rules.values['matrix-lr'])}, {self._activation})"
            )
        elif losses:
            self.query_one(StatusLine).say(
                f"training: iteration {len(losses)}/{total}, loss {short(losses[-1])}"
            )
