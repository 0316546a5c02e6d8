"""The training pane: train the network in a worker thread and watch the loss curve fall.

The core's ``sgd_epochs`` generator does the training; a thread worker drives it and
posts the losses so far, at most about thirty times a second, to the pane, which redraws
the curve. Changing the learning rate (typed, or + and - through a ladder) cancels the
run at once and starts a new one; the previous few runs stay on the plot, fainter and
labelled, to compare.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from nntui.core.data import EMILY, FRANK, dataset, shift_for
from nntui.core.network import Params, predict
from nntui.core.train import DivergenceTracker, sgd_epochs

from ..widgets.number_field import NumberField, format_number
from .base import Pane
from .common import FieldRules, GilYielder, Rule, StatusLine, ladder_step, pane_css, short
from .mycode import MY_CODE_BINDING, MyCode, MyCodeAnswer, compare
from .plots import Curve, CurvePlot

__all__ = ["TrainingPane", "Run", "MAX_EPOCHS", "KEPT_RUNS"]

#: Epochs beyond this are capped (with a message) so a run stays interactive.
MAX_EPOCHS = 20_000
#: How many earlier runs stay on the plot.
KEPT_RUNS = 3
#: The worker posts progress at most this often (seconds); the first epoch is posted at once.
POST_INTERVAL = 1 / 30


@dataclass
class Run:
    """One training run: its settings and what it produced so far."""

    run_id: int
    learning_rate: float
    epochs: int
    seed: int
    losses: list[float] = field(default_factory=list)
    diverged_at: int | None = None
    params: Params | None = None
    finished: bool = False

    @property
    def label(self) -> str:
        """How the run is named on the plot."""
        text = f"lr {format_number(self.learning_rate)}"
        if self.diverged_at is not None:
            return f"{text} diverged"
        if not self.finished:
            return f"{text} stopped"
        return text


class TrainingPane(Pane):
    """Trains the 2-2-1 network on the four people with ``nntui.core.train.sgd_epochs``.

    The loss curve is redrawn while the run goes on; the final predictions for Emily and
    Frank (whom the network never saw) are shown when it ends, and the trained parameters
    are left in ``app.session`` for the other panes' "trained" presets.
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

    class Progress(Message):
        """The losses of run ``run_id`` so far (a newer one replaces a pending older one)."""

        def __init__(
            self,
            run_id: int,
            losses: list[float],
            done: bool = False,
            diverged_at: int | None = None,
            values: tuple | None = None,
        ) -> None:
            super().__init__()
            self.run_id = run_id
            self.losses = losses
            self.done = done
            self.diverged_at = diverged_at
            self.values = values

        def can_replace(self, message: Message) -> bool:
            """Merge a flood: a pending, unfinished progress report of the same run is out of date."""
            return (
                isinstance(message, TrainingPane.Progress)
                and message.run_id == self.run_id
                and not message.done
            )

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._rules = FieldRules()
        epochs, self._first_message = Rule("epochs", low=1, integer=True, cap=MAX_EPOCHS).check(
            int(self.settings["epochs"])
        )
        self._rules.add(
            "train-lr", Rule("the learning rate", low=0, low_open=True, high=100), float(self.settings["lr"])
        )
        self._rules.add("train-epochs", Rule("epochs", low=1, integer=True, cap=MAX_EPOCHS), epochs or 1)
        self._rules.add(
            "train-seed", Rule("the seed", low=0, integer=True, high=2**32 - 1), int(self.settings["seed"])
        )
        self._shift = shift_for(self.settings.get("shift", "lesson"))
        self._X, self._y = dataset(self._shift)
        self._run: Run | None = None
        self._history: deque[Run] = deque(maxlen=KEPT_RUNS)
        self._next_id = 0
        self._log = False
        #: perf_counter() times of the current run: "requested" (a key or field asked for it),
        #: "first_curve" (its first losses replotted), "full_curve" (its last). For the benchmark.
        self.timings: dict[str, float] = {}
        self._my_code: MyCode | None = None
        #: The learner's own training run (losses so far) for the current run id, and a one-line note.
        self._mine: list[float] = []
        self._mine_note = ""

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Training"
        values = self._rules.values
        with Horizontal(id="train-fields"):
            yield NumberField(values["train-lr"], label="lr", step=0.1, id="train-lr")
            yield NumberField(values["train-epochs"], label="epochs", step=100, id="train-epochs")
            yield NumberField(values["train-seed"], label="seed", step=1, id="train-seed")
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
        if run is None or not run.losses:
            return {}
        values = {"final_loss": run.losses[-1]}
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

    # -- the run -----------------------------------------------------------------------

    def _start(self) -> None:
        """Cancel the run in progress (if any) and start a new one with the current settings."""
        if self._run is not None and self._run.losses:
            self._history.append(self._run)
        self._next_id += 1
        values = self._rules.values
        self._run = Run(
            self._next_id, self.learning_rate, int(values["train-epochs"]), int(values["train-seed"])
        )
        self.timings = {"requested": time.perf_counter()}
        self.query_one(StatusLine).say(
            f"training with learning rate {format_number(self._run.learning_rate)} ..."
        )
        self._train(self._run.run_id, self._run.learning_rate, self._run.epochs, self._run.seed)
        self._start_mine()
        self._redraw()

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _train(self, run_id: int, learning_rate: float, epochs: int, seed: int) -> None:
        """Drive the core's generator; post the losses so far every so often; stop when cancelled."""
        worker = get_current_worker()
        breather = GilYielder()
        tracker = DivergenceTracker()  # the core decides when a run counts as diverged
        losses: list[float] = []
        last_post = 0.0
        epoch = None
        for epoch in sgd_epochs(self._X, self._y, Params.random(seed), learning_rate, epochs):
            if worker.is_cancelled:
                return
            tracker.update(epoch)
            losses.append(epoch.loss)
            breather.maybe_yield()
            now = time.perf_counter()
            if len(losses) == 1 or now - last_post >= POST_INTERVAL:
                last_post = now
                self.post_message(self.Progress(run_id, list(losses)))
        if epoch is None or worker.is_cancelled:
            return
        self.post_message(
            self.Progress(
                run_id,
                losses,
                done=True,
                diverged_at=tracker.diverged_at(finished=True),
                values=epoch.values,
            )
        )

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        message.stop()
        run = self._run
        if run is None or message.run_id != run.run_id:
            return  # a cancelled run's last words
        run.losses = message.losses
        if message.done:
            run.finished = True
            run.diverged_at = message.diverged_at
            run.params = Params(*message.values)
            if run.diverged_at is None and self.session is not None:
                self.session.trained_params = run.params
                self.session.trained_shift = self._shift
            self.post_message(self.LiveValuesChanged(self))
        self._redraw()

    # -- use my code -------------------------------------------------------------------

    def action_toggle_my_code(self) -> None:
        """Run the learner's passing ``train`` with the same settings and draw its curve too (or stop)."""
        if self._my_code is None:
            config = getattr(self.app, "config", None)
            self._my_code = MyCode(getattr(config, "state_dir", None))
        if self._my_code.on:
            self._my_code.on = False
            self.workers.cancel_group(self, "my-train")
            self._mine, self._mine_note = [], ""
            self._redraw()
            return
        notice = self._my_code.notice("train")
        if notice:
            self._mine_note = notice
            self._summarise()
            return
        self._my_code.on = True
        self._start_mine()
        self._redraw()

    def _start_mine(self) -> None:
        if self._my_code is None or not self._my_code.on or self._run is None:
            return
        self._mine, self._mine_note = [], "yours: training with your train() ..."
        run = self._run
        self._train_mine(run.run_id, run.learning_rate, run.epochs, run.seed)

    @work(thread=True, exclusive=True, group="my-train", exit_on_error=False)
    def _train_mine(self, run_id: int, learning_rate: float, epochs: int, seed: int) -> None:
        """The learner's train loop in the sandboxed process, its losses posted as they come."""
        from nntui.exercises.bridge import BridgeError

        worker = get_current_worker()
        assert self._my_code is not None
        losses: list[float] = []
        last_post = [0.0]

        def on_epoch(epoch: int, loss: float) -> None:
            losses.append(loss)
            now = time.perf_counter()
            if now - last_post[0] >= POST_INTERVAL:
                last_post[0] = now
                self.post_message(MyCodeAnswer(run_id, (list(losses), False)))

        try:
            result = self._my_code.code.train(
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
        if (
            self._run is None
            or event.tag != self._run.run_id
            or self._my_code is None
            or not self._my_code.on
        ):
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
        if run.finished and run.losses and len(self._mine) == len(run.losses):
            return compare(self._mine[-1], run.losses[-1]).replace("yours:", "yours: final loss", 1)
        return f"yours: epoch {len(self._mine)}"

    def on_unmount(self) -> None:
        """Stop the learner's worker process with the pane."""
        self.workers.cancel_group(self, "my-train")
        my_code = getattr(self, "_my_code", None)  # absent if the pane failed to build
        if my_code is not None:
            my_code.close()

    # -- drawing -----------------------------------------------------------------------

    def _redraw(self) -> None:
        plot = self.query_one(CurvePlot)
        curves = [
            Curve(old.label, range(1, len(old.losses) + 1), old.losses, color="gray", marker="dot")
            for old in self._history
        ]
        run = self._run
        if run is not None and run.losses:
            curves.append(
                Curve(run.label + " (now)", range(1, len(run.losses) + 1), run.losses, color="cyan")
            )
        if self._mine:
            curves.append(Curve("yours", range(1, len(self._mine) + 1), self._mine, color="magenta"))
        scale = "log scale" if self._log else "linear"
        plot.show(curves, log_y=self._log, title=f"loss (MSE) per epoch, {scale}")
        now = time.perf_counter()
        if run is not None and run.losses:
            self.timings.setdefault("first_curve", now)
            if run.finished:
                self.timings.setdefault("full_curve", now)
        self._summarise()

    def _summarise(self) -> None:
        run = self._run
        summary = self.query_one("#train-summary", Static)
        status = self.query_one(StatusLine)
        self.query_one("#train-mine", Static).update(self._mine_summary())
        if run is None or not run.losses:
            summary.update("")
            return
        done = len(run.losses)
        text = (
            f"lr {format_number(run.learning_rate)}  epoch {done}/{run.epochs}  "
            f"loss {short(run.losses[-1])}  shift {self._shift.name}"
        )
        if run.finished and run.params is not None:
            emily, frank = self._predict_newcomers(run.params)
            text += f"\nEmily (F) {short(emily)}   Frank (M) {short(frank)}   (1 = female)"
        summary.update(text)
        if run.diverged_at is not None:
            status.say(
                f"diverged at epoch {run.diverged_at}: the learning rate is too large; "
                "every neuron is pinned at 0 or 1, so the loss is stuck"
            )
        elif run.finished:
            status.say(
                f"done: loss {short(run.losses[0])} -> {short(run.losses[-1])}   (+/- change lr, l log scale)"
            )
