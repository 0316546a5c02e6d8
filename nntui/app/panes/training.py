"""The training pane: train the network in a worker thread and watch the loss curve fall.

The core's ``sgd_epochs`` generator does the training. A new run's first few epochs are taken
at once, so the frame that shows a new learning rate already shows the start of its curve; a
thread worker then drives the rest and posts the losses so far about thirty times a second,
waiting each time until the pane has drawn them. Changing the learning rate (typed, or + and -
through a ladder) cancels the run at once and starts a new one; the previous few runs stay on
the plot, fainter and labelled, to compare.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Iterator

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import get_current_worker

from nntui.core.data import EMILY, FRANK, dataset, shift_for
from nntui.core.network import Params, predict
from nntui.core.train import DivergenceTracker, Epoch, sgd_epochs
from nntui.numbers import EXACT, format_number

from ..messages import MyCodeAnswer, TrainingProgress
from ..widgets.number_field import NumberField
from .base import Pane
from .choices import ladder_step
from .fields import FieldRules, RuledFields, add_run_settings, run_fields
from .looks import StatusLine, pane_css, update_static
from .marks import highlight
from .mycode import MY_CODE_BINDING, UsesMyCode, compare
from .plots import Curve, CurvePlot
from .training_run import (
    FIRST_SCREEN_WAIT,
    HEAD_START_BUDGET,
    HEAD_START_EPOCHS,
    KEPT_RUNS,
    MAX_EPOCHS,
    POST_INTERVAL,
    Run,
)
from .workers import FrameGate, LossReporter, read_only

__all__ = ["TrainingPane", "Run", "MAX_EPOCHS", "KEPT_RUNS"]


def _room_start_hold(app) -> float:
    """How much longer a workshop session's first run may wait: for the room's start (0 elsewhere)."""
    if getattr(app, "start_gate", None) is None:
        return 0.0
    from ..app import ROOM_START_HOLD_AT_MOST

    return ROOM_START_HOLD_AT_MOST


class TrainingPane(RuledFields, UsesMyCode, Pane):
    """Trains the 2-2-1 network on the four people with ``nntui.core.train.sgd_epochs``.

    The loss curve is redrawn while the run goes on; the final predictions for Emily and
    Frank (whom the network never saw) are shown when it ends, and the trained parameters
    are left in ``app.shared`` for the other panes' "trained" presets.
    """

    PANE_TYPE = "training"
    DEFAULT_CSS = pane_css("training")

    BINDINGS = [
        Binding("plus", "ladder(1)", "lr↑", key_display="+", tooltip="learning rate one step up the ladder"),
        # "=" shares the + key on many keyboards: the same step without Shift.
        Binding("equals_sign", "ladder(1)", "lr up (no Shift)", key_display="=", show=False),
        Binding(
            "minus", "ladder(-1)", "lr↓", key_display="-", tooltip="learning rate one step down the ladder"
        ),
        Binding("l", "toggle_log", "Log", tooltip="switch the loss axis between linear and log scale"),
        Binding("r", "restart", "Rerun", tooltip="train again with the same settings"),
        Binding("c", "clear_runs", "Clear", tooltip="clear the older runs from the plot"),
        MY_CODE_BINDING,
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._rules = FieldRules()
        self._first_message = add_run_settings(self._rules, "train", self.settings, MAX_EPOCHS)
        self._shift = shift_for(self.settings.get("shift", "lesson"))
        self._X, self._y = dataset(self._shift)
        self._run: Run | None = None
        self._history: deque[Run] = deque(maxlen=KEPT_RUNS)
        self._next_id = 0
        self._log = False
        #: perf_counter() times of the current run: "requested" (a key or field asked for it),
        #: "first_curve" (its first losses replotted), "full_curve" (its last). For the benchmark.
        self.timings: dict[str, float] = {}
        #: The learner's own training run (losses so far) for the current run id, and a one-line note.
        self._mine: list[float] = []
        self._mine_note = ""

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Training"
        self.border_subtitle = f"data shift: {self._shift.name}"
        with Horizontal(id="train-fields"):
            yield from run_fields(self._rules, "train")
        yield CurvePlot("loss (MSE) per epoch", xlabel="epoch", id="train-plot")
        yield Static("", id="train-summary")
        yield Static("", id="train-mine")
        yield StatusLine(self._first_message, classes="pane-status")

    def on_mount(self) -> None:
        """Start the first run."""
        self._start()

    # -- values ----------------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        """The learning rate in force."""
        return float(self._rules.values["train-lr"])

    @property
    def run(self) -> Run | None:
        """The current (or last) run."""
        return self._run

    @property
    def history(self) -> list[Run]:
        """The earlier runs still on the plot, oldest first."""
        return list(self._history)

    def live_values(self) -> dict[str, float]:
        """final_loss of the current run, and its predictions for Emily and Frank."""
        run = self._run
        if run is None or not len(run.losses):
            return {}
        values = {"final_loss": float(run.losses[-1])}
        if run.params is not None:
            emily, frank = self._predict_newcomers(run.params)
            values.update(emily=emily, frank=frank)
        return values

    def _predict_newcomers(self, params: Params) -> tuple[float, float]:
        X = self._shift.apply([EMILY.weight_lb, FRANK.weight_lb], [EMILY.height_in, FRANK.height_in])
        emily, frank = predict(params, X)
        return float(emily), float(frank)

    # -- actions -----------------------------------------------------------------------

    def action_ladder(self, direction: int) -> None:
        """Move the learning rate one rung up or down the ladder and restart training."""
        new = ladder_step(self.learning_rate, direction)
        self._rules.values["train-lr"] = new
        self.query_one("#train-lr", NumberField).set_value(new, notify=False)
        self._start()

    def action_toggle_log(self) -> None:
        """Switch the loss axis between linear and logarithmic."""
        self._log = not self._log
        self._redraw()

    def action_restart(self) -> None:
        """Train again with the same settings."""
        self._start()

    def action_clear_runs(self) -> None:
        """Forget the earlier runs drawn on the plot."""
        self._history.clear()
        self._redraw()

    def field_changed(self, field_id: str) -> None:
        """A new learning rate, number of epochs or seed: train again with it."""
        self._start()

    def apply_settings(self) -> None:
        """Become a new training pane for ``settings``: their fields and data, no earlier runs on the
        plot, linear scale, "use my code" off, and a new run started as a new pane starts one."""
        # Cancel the current run first: its worker stops at its next epoch, and its late reports
        # carry an old run id (ids keep counting up, never reset) so ``_progress`` drops them.
        if self._run is not None:
            self._run.gate.open()
        self.workers.cancel_group(self, "training")
        self._run = None  # not kept on the plot: a new pane has no earlier runs
        self._history.clear()
        self.my_code_off()
        self._mine, self._mine_note = [], ""
        self._rules = FieldRules()
        self._first_message = add_run_settings(self._rules, "train", self.settings, MAX_EPOCHS)
        for field_id, value in self._rules.values.items():
            self.query_one(f"#{field_id}", NumberField).set_value(value, notify=False)  # clears its error
        self._shift = shift_for(self.settings.get("shift", "lesson"))
        self._X, self._y = dataset(self._shift)
        self._log = False
        self.border_title = "Training"
        self.border_subtitle = f"data shift: {self._shift.name}"
        self.query_one(StatusLine).say(self._first_message)
        self._start()  # as on_mount; it also draws the plot and summary afresh

    # -- the run -----------------------------------------------------------------------

    def _start(self) -> None:
        """Cancel the run in progress (if any) and start a new one with the current settings.

        The old run's worker stops at its next epoch. The new run's first few epochs are taken
        here and drawn in the coming refresh; its worker waits for that refresh before training
        the rest, so the two do not compete for the processor while the first frame is drawn.
        """
        if self._run is not None:
            self._run.gate.open()  # its worker may be waiting: let it see that it is cancelled
            if len(self._run.losses):
                self._history.append(self._run)
        self._next_id += 1
        values = self._rules.values
        run = Run(self._next_id, self.learning_rate, int(values["train-epochs"]), int(values["train-seed"]))
        self._run = run
        self.timings = {"requested": time.perf_counter()}
        epochs = sgd_epochs(self._X, self._y, Params.random(run.seed), run.learning_rate, run.epochs)
        tracker = DivergenceTracker()  # the core decides when a run counts as diverged
        deadline = time.perf_counter() + HEAD_START_BUDGET
        head: list[float] = []
        last = None
        for last in epochs:
            tracker.update(last)
            head.append(last.loss)
            if len(head) >= HEAD_START_EPOCHS or time.perf_counter() > deadline:
                break
        run.losses = read_only(np.array(head, dtype=float))
        if last is None or len(head) == run.epochs or last.diverged:
            self.workers.cancel_group(self, "training")
            self._finish(run, tracker, last)  # a short run: done already
        else:
            # Starting it cancels the old run's worker (exclusive), which stops at its next epoch.
            run.gate.close()
            # A run that starts with the app waits for the first screen to be complete: training
            # meanwhile held up the rest of that screen (the interpreter lock, and in a workshop
            # the cores the whole room is starting on).
            screen_up = getattr(self.app, "first_screen_complete", True)
            # (In a workshop, the room's start too: see ``after_first_screen``.)
            first_wait = None if screen_up else FIRST_SCREEN_WAIT + _room_start_hold(self.app)
            self._train(run.run_id, run.losses, epochs, tracker, run.gate, first_wait)
            if screen_up:
                run.gate.open_after_refresh(self)
            else:
                self.app.after_first_screen(run.gate.open)
        self._start_mine()
        self._redraw()

    def _finish(self, run: Run, tracker: DivergenceTracker, last: Epoch | None) -> None:
        """Record how ``run`` ended: the epoch it diverged at (if any) and its parameters."""
        run.finished = True
        run.diverged_at = tracker.diverged_at(finished=True)
        if last is not None:
            run.params = last.params
        if run.diverged_at is None and run.params is not None and self.shared is not None:
            self.shared.trained_params = run.params
            self.shared.trained_shift = self._shift
        self.post_message(self.LiveValuesChanged(self))

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _train(
        self,
        run_id: int,
        losses: np.ndarray,
        epochs: Iterator[Epoch],
        tracker: DivergenceTracker,
        gate: FrameGate,
        first_wait: float | None = None,
    ) -> None:
        """Go on with the core's generator, reporting the losses so far; stop when cancelled.

        Each report waits until the pane has drawn it (``gate``), the head start's frame first
        (for up to ``first_wait`` seconds, the gate's own limit if None).
        """
        worker = get_current_worker()
        gate.wait(first_wait)
        reporter = LossReporter(
            lambda so_far: self.post_message(TrainingProgress(run_id, so_far, gate=gate)),
            gate,
            losses,
            POST_INTERVAL,
        )
        epoch = None
        for epoch in epochs:
            if worker.is_cancelled:
                return
            tracker.update(epoch)
            reporter.add(epoch.loss)
        if not worker.is_cancelled:
            self.post_message(TrainingProgress(run_id, reporter.losses, tracker=tracker, last=epoch))

    @on(TrainingProgress)
    def _progress(self, message: TrainingProgress) -> None:
        message.stop()
        run = self._run
        if run is None or not message.accept(self, run.run_id):
            return  # a cancelled run's last words
        run.losses = message.losses
        if message.tracker is not None:
            self._finish(run, message.tracker, message.last)
        self._redraw()

    # -- use my code -------------------------------------------------------------------

    def action_toggle_my_code(self) -> None:
        """Run the learner's passing ``train`` with the same settings and draw its curve too (or stop)."""
        on, notice = self.switch_my_code("train")
        if on:
            self._start_mine()
        else:
            self.workers.cancel_group(self, self.MY_CODE_GROUP)
            self._mine, self._mine_note = [], notice
        self._redraw()

    def _start_mine(self) -> None:
        if not self.my_code_on or self._run is None:
            return
        self._mine, self._mine_note = [], "yours: training with your train() ..."
        run = self._run
        self._train_mine(run.run_id, run.learning_rate, run.epochs, run.seed)

    @work(thread=True, exclusive=True, group=UsesMyCode.MY_CODE_GROUP, exit_on_error=False)
    def _train_mine(self, run_id: int, learning_rate: float, epochs: int, seed: int) -> None:
        """The learner's train loop in the sandboxed process, its losses posted as they come."""
        from nntui.exercises.bridge import BridgeError

        worker = get_current_worker()
        losses: list[float] = []
        last_post = [0.0]

        def on_epoch(epoch: int, loss: float) -> None:
            losses.append(loss)
            now = time.perf_counter()
            if now - last_post[0] >= POST_INTERVAL:
                last_post[0] = now
                self.post_message(MyCodeAnswer(run_id, (list(losses), False)))

        try:
            result = self.my_code.code.train(
                Params.random(seed).as_dict(),
                self._X,
                self._y,
                lr=learning_rate,
                epochs=epochs,
                on_epoch=on_epoch,
                should_stop=lambda: worker.is_cancelled,
            )
        except BridgeError as error:
            self.post_message(MyCodeAnswer(run_id, None, str(error)))
            return
        if not result.cancelled:
            self.post_message(MyCodeAnswer(run_id, (list(result.losses), True)))

    @on(MyCodeAnswer)
    def _mine_answered(self, event: MyCodeAnswer) -> None:
        event.stop()
        if self._run is None or event.tag != self._run.run_id or not self.my_code_on:
            return
        if event.error:
            self._mine_note = f"yours: {event.error}"
        else:
            self._mine, done = event.value
            self._mine_note = "" if done else f"yours: epoch {len(self._mine)} ..."
        self._redraw()

    def _mine_summary(self) -> str:
        run = self._run
        if self._mine_note or run is None or not self._mine:
            return self._mine_note
        if run.finished and len(run.losses) and len(self._mine) == len(run.losses):
            if "final_loss" in self.masked:  # compare() prints the pane's final loss
                return "yours: final loss ? (shown once the checkpoint is answered)"
            return compare(self._mine[-1], run.losses[-1]).replace("yours:", "yours: final loss", 1)
        return f"yours: epoch {len(self._mine)}"

    # -- drawing -----------------------------------------------------------------------

    def masked_changed(self) -> None:
        """Show the final loss and the newcomers' predictions again, or ``?`` while masked."""
        self._summarise()

    def _redraw(self) -> None:
        plot = self.query_one(CurvePlot)
        curves = [
            # An earlier run's losses never change again: the plot thins them once (key).
            Curve(
                old.label,
                range(1, len(old.losses) + 1),
                old.losses,
                color="gray",
                marker="dot",
                key=("run", old.run_id),
            )
            for old in self._history
        ]
        run = self._run
        if run is not None and len(run.losses):
            curves.append(
                Curve(run.label + " (now)", range(1, len(run.losses) + 1), run.losses, color="cyan")
            )
        if self._mine:
            curves.append(Curve("yours", range(1, len(self._mine) + 1), self._mine, color="magenta"))
        scale = "log scale" if self._log else "linear"
        # "stuck" only once the run is over: a slow run's first few epochs barely move either
        plot.flat_word = "stuck" if run is None or run.finished else ""
        plot.show(
            curves,
            log_y=self._log,
            title=f"loss (MSE) per epoch, {scale}",
            short_title=f"loss, {scale}",
        )
        now = time.perf_counter()
        if run is not None and len(run.losses):
            self.timings.setdefault("first_curve", now)
            if run.finished:
                self.timings.setdefault("full_curve", now)
        self._summarise()

    def _summarise(self) -> None:
        run = self._run
        summary = self.query_one("#train-summary", Static)
        status = self.query_one(StatusLine)
        mine = self.query_one("#train-mine", Static)
        update_static(mine, self._mine_summary())
        mine.display = bool(self._mine_summary())  # no blank line while "use my code" is off
        if run is not None and not run.finished:
            status.say(f"training at learning rate {format_number(run.learning_rate, EXACT)} ...")
        if run is None or not len(run.losses):
            update_static(summary, "")
            return
        # Two short lines at any point of a run, so the pane keeps its layout while it trains.
        focus = self.settings.get("focus", ())
        loss = self.shown("final_loss", format_number(run.losses[-1]))
        text = f"epoch {len(run.losses)}/{run.epochs}  {highlight(f'loss {loss}', 'final_loss' in focus)}\n"
        if run.finished and run.params is not None:
            emily, frank = self._predict_newcomers(run.params)
            emily_text = highlight(f"Emily {self.shown('emily', format_number(emily))}", "emily" in focus)
            frank_text = highlight(f"Frank {self.shown('frank', format_number(frank))}", "frank" in focus)
            text += f"female? {emily_text}  {frank_text}"
        else:
            text += "female? Emily ...  Frank ..."
        update_static(summary, text)
        if run.diverged_at is not None:
            status.say(
                f"stuck from epoch {run.diverged_at}: the learning rate is too large; "
                "every neuron is pinned at 0 or 1, so the loss stops moving"
            )
        elif run.finished:
            status.say(f"done: loss {format_number(run.losses[0])} -> {loss}")
