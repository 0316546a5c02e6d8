""" "Use my code": call the learner's own, passing functions from the app's panes.

The learner's code runs in a separate worker process (:mod:`.child` in "serve" mode, in
the same sandbox as the checks, see :mod:`.confine`) with the same memory limit, and every
call has a wall-clock time limit; a call that takes too long kills the worker (the next call
starts a new one).
Values cross the pipe as JSON (:mod:`nntui.exercises.wire`): numbers, lists, dicts,
tuples and NumPy arrays.

For a pane::

    from nntui.exercises.bridge import LearnerCode, BridgeError

    code = LearnerCode.for_state_dir(app.config.state_dir)   # or LearnerCode(workspace_dir)
    if code.ready("neuron"):                                  # passed, and unchanged since
        y = code.call("neuron", weights, bias, inputs)        # -> float, or BridgeError
    result = code.train(params_dict, X, y, lr=0.1, epochs=1000,
                        on_epoch=lambda epoch, loss: ..., should_stop=lambda: worker.is_cancelled)
    code.close()                                              # when the pane goes away

Calls block: run them in a ``@work(thread=True)`` worker, never on the UI thread.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import wire
from .catalogue import Exercise, get_exercise
from .confine import child_command, child_env_for
from .sandbox import DEFAULT_MEMORY_MB, kill_group
from .workspace import Workspace, default_workspace, resolve_state_dir

__all__ = ["LearnerCode", "BridgeError", "TrainRun", "call_learner", "DEFAULT_CALL_TIME_LIMIT"]

#: Seconds one call may take (a full training run of 1000 epochs needs well under one).
DEFAULT_CALL_TIME_LIMIT = 30.0
_START_TIME_LIMIT = 20.0
#: The longest line the worker may send (a whole training run is ~50 KB).
_LINE_LIMIT = 4 * 1024 * 1024


class BridgeError(Exception):
    """A learner's function could not give an answer; ``str(error)`` is one line to show."""

    def __init__(self, message: str, status: str = "error") -> None:
        super().__init__(message)
        #: error | syntax | timeout | memory | todo | not-ready | crashed
        self.status = status


@dataclass
class TrainRun:
    """What the learner's training loop returned, or how far it got before being stopped."""

    params: dict | None
    losses: list[float] = field(default_factory=list)
    cancelled: bool = False


class LearnerCode:
    """A long-lived sandboxed worker that runs the learner's functions on request."""

    def __init__(
        self,
        workspace: str | os.PathLike,
        *,
        memory_mb: int = DEFAULT_MEMORY_MB,
        time_limit: float = DEFAULT_CALL_TIME_LIMIT,
    ) -> None:
        self.workspace = Workspace(workspace)
        self.memory_mb = memory_mb
        self.time_limit = time_limit
        self._process: subprocess.Popen | None = None
        self._lines: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._next_id = 0

    @classmethod
    def for_state_dir(cls, state_dir: str | os.PathLike | None = None, **kwargs) -> LearnerCode:
        """The worker for the learner whose state folder is ``state_dir`` (default: as the CLI finds it)."""
        return cls(default_workspace(resolve_state_dir(state_dir)), **kwargs)

    # ------------------------------------------------------------------ readiness

    def ready(self, exercise: str | Exercise) -> bool:
        """True when the exercise's file is exactly the one that last passed its checks."""
        return self.workspace.passes_as_saved(exercise)

    # ------------------------------------------------------------------ process

    def _start(self) -> None:
        self._lines = queue.Queue()
        try:
            command = child_command("serve", self.workspace.root, "--memory-mb", str(int(self.memory_mb)))
        except OSError as error:
            raise BridgeError(str(error), "crashed") from None
        try:
            self._process = subprocess.Popen(
                command.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=tempfile.gettempdir(),
                env=child_env_for(command),
                pass_fds=command.pass_fds,
                start_new_session=True,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except OSError as error:
            raise BridgeError(f"could not start the exercise process: {error}", "crashed") from None
        finally:
            command.close()
        reader = threading.Thread(target=self._read, args=(self._process, self._lines), daemon=True)
        reader.start()
        try:
            first = self._next_line(time.monotonic() + _START_TIME_LIMIT)
        except BridgeError as error:
            raise BridgeError(f"the exercise process did not start: {error}", "crashed") from None
        if not first.get("ready"):
            self._stop()
            raise BridgeError("the exercise process did not start", "crashed")

    @staticmethod
    def _read(process: subprocess.Popen, lines: queue.Queue) -> None:
        while True:
            line = process.stdout.readline(_LINE_LIMIT)
            if not line:
                break
            if not line.endswith("\n"):  # longer than any honest answer: stop listening
                kill_group(process)
                break
            lines.put(line)
        lines.put(None)  # end of output: the process is gone

    def _poll_line(self, wait: float) -> dict | None:
        """The worker's next message, or None if none came within ``wait`` seconds."""
        try:
            line = self._lines.get(timeout=max(0.0, wait))
        except queue.Empty:
            return None
        if line is None:
            self._stop()
            raise BridgeError(
                f"your code stopped the exercise process (it may have used more than {self.memory_mb} MB)",
                "crashed",
            )
        try:
            message = wire.loads(line)
        except (ValueError, RecursionError):
            return {}
        return message if isinstance(message, dict) else {}

    def _next_line(
        self, deadline: float, should_stop: Callable[[], bool] | None = None, limit: float | None = None
    ) -> dict:
        """The next message before ``deadline``; stops the worker on timeout or when told to."""
        while True:
            if should_stop is not None and should_stop():
                self._stop()  # the only way to interrupt the learner's loop
                raise _Cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stop()
                raise BridgeError(
                    f"took longer than {limit or self.time_limit:g} s (an endless loop?)", "timeout"
                )
            # Wake up now and then to honour should_stop while the learner's code runs.
            message = self._poll_line(min(remaining, 0.1) if should_stop is not None else remaining)
            if message is not None:
                return message

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
        except OSError:
            pass
        kill_group(process)

    def close(self) -> None:
        """Stop the worker process (safe to call more than once)."""
        with self._lock:
            self._stop()

    def __enter__(self) -> LearnerCode:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ calls

    def _request(
        self,
        ex: Exercise,
        function: str,
        args: tuple,
        kwargs: dict,
        callback: str | None,
        on_event: Callable[[list], None] | None,
        should_stop: Callable[[], bool] | None,
        timeout: float | None,
    ) -> Any:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            self._next_id += 1
            rid = self._next_id
            request = {
                "id": rid,
                "file": ex.filename,
                "function": function,
                "args": list(args),
                "kwargs": kwargs,
                "callback": callback,
            }
            try:
                line = wire.dumps(request)
            except TypeError as error:
                raise BridgeError(str(error)) from None
            try:
                self._process.stdin.write(line + "\n")
                self._process.stdin.flush()
            except (OSError, ValueError):
                self._stop()
                raise BridgeError("the exercise process stopped unexpectedly", "crashed") from None
            limit = timeout or self.time_limit
            deadline = time.monotonic() + limit
            while True:
                message = self._next_line(deadline, should_stop, limit)
                if message.get("id") != rid:
                    continue
                if "event" in message:
                    if on_event is not None:
                        on_event(message["event"])
                    continue
                if message.get("ok"):
                    return message.get("value")
                raise BridgeError(str(message.get("error", "failed")), str(message.get("status", "error")))

    def call(
        self,
        exercise: str | Exercise,
        *args: Any,
        function: str | None = None,
        timeout: float | None = None,
        require_pass: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Call the learner's function of ``exercise`` (its main one unless ``function`` names another)."""
        ex = exercise if isinstance(exercise, Exercise) else get_exercise(exercise)
        if require_pass and not self.ready(ex):
            raise BridgeError(f"{ex.name} has not passed its checks as saved; check it first", "not-ready")
        name = function or ex.functions[0]
        return self._request(ex, name, args, kwargs, None, None, None, timeout)

    def train(
        self,
        params: dict,
        data,
        y_trues,
        lr: float = 0.1,
        epochs: int = 1000,
        *,
        on_epoch: Callable[[int, float], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        timeout: float | None = None,
        require_pass: bool = True,
    ) -> TrainRun:
        """Run the learner's ``train`` (exercise "train"), streaming each epoch's loss to ``on_epoch``.

        ``should_stop`` is polled while it runs; when it returns True the worker is stopped and
        the result holds the losses so far with ``cancelled=True``.
        """
        ex = get_exercise("train")
        if require_pass and not self.ready(ex):
            raise BridgeError("train has not passed its checks as saved; check it first", "not-ready")
        losses: list[float] = []

        def event(args: list) -> None:
            epoch, loss = int(args[0]), float(args[1])
            losses.append(loss)
            if on_epoch is not None:
                on_epoch(epoch, loss)

        try:
            value = self._request(
                ex,
                "train",
                (dict(params), data, y_trues),
                {"lr": lr, "epochs": epochs},
                "on_epoch",
                event,
                should_stop,
                timeout,
            )
        except _Cancelled:
            return TrainRun(None, losses, cancelled=True)
        if not (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], dict)):
            raise BridgeError("train should return (params, losses)")
        return TrainRun(dict(value[0]), [float(v) for v in value[1]])


class _Cancelled(Exception):
    """should_stop said stop."""


def call_learner(
    exercise: str,
    *args: Any,
    workspace: str | os.PathLike | None = None,
    state_dir: str | os.PathLike | None = None,
    function: str | None = None,
    require_pass: bool = True,
    **kwargs: Any,
) -> Any:
    """One call in a fresh sandboxed process (simple, ~0.2 s each; keep a :class:`LearnerCode` for many)."""
    root = Path(workspace) if workspace else default_workspace(resolve_state_dir(state_dir))
    with LearnerCode(root) as code:
        return code.call(exercise, *args, function=function, require_pass=require_pass, **kwargs)
