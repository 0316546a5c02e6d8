""" "Use my code": what the panes share to run the learner's passing functions beside the built-in ones.

The learner's code runs in the sandboxed worker process of ``nntui.exercises.bridge.LearnerCode``;
its calls block, so panes make them in thread workers and post the answers back as messages.
"""

from __future__ import annotations

import math
from typing import Any

from textual.binding import Binding

__all__ = ["MY_CODE_BINDING", "MyCode", "UsesMyCode", "compare"]

#: The key every "use my code" pane offers (free in the app, lesson screen and the panes).
MY_CODE_BINDING = Binding("m", "toggle_my_code", "My code", tooltip="use my code: run your passing exercise")


def compare(mine: float, builtin: float, tolerance: float = 1e-6) -> str:
    """``yours: 0.99909 ✓ matches`` or ``yours: 0.5 ✗ differs from 0.99909``."""
    if not math.isfinite(mine):
        return f"yours: {mine} ✗ not a finite number"
    if abs(mine - builtin) <= tolerance * max(1.0, abs(builtin)):
        return f"yours: {mine:.5g} ✓ matches"
    return f"yours: {mine:.5g} ✗ differs from {builtin:.5g}"


class MyCode:
    """The learner's code for one pane: whether it may be used, and the worker process (opened lazily)."""

    def __init__(self, state_dir) -> None:
        self.state_dir = state_dir
        self.on = False
        self._code = None

    def notice(self, exercise: str) -> str:
        """Why the learner's ``exercise`` cannot be used now (one line), or "" when it can."""
        from nntui import exercises

        if not exercises.enabled():
            return "exercises are off here, so there is no code of yours to use"
        try:
            ready = self.code.ready(exercise)
        except Exception as error:  # a damaged workspace must not take the pane down
            return f"your exercises cannot be read: {error}"
        if not ready:
            return f"pass the '{exercise}' exercise first: press x"
        return ""

    @property
    def code(self):
        """The ``LearnerCode`` worker (its process starts on the first call)."""
        if self._code is None:
            from nntui.exercises.bridge import LearnerCode

            self._code = LearnerCode.for_state_dir(self.state_dir)
        return self._code

    def call(self, exercise: str, *args: Any) -> tuple[Any, str]:
        """Call the learner's function (blocking: from a thread worker); (value, "") or (None, error)."""
        from nntui.exercises.bridge import BridgeError

        try:
            return self.code.call(exercise, *args), ""
        except BridgeError as error:
            return None, str(error)

    def close(self) -> None:
        """Stop the worker process, if one was started."""
        if self._code is not None:
            self._code.close()
            self._code = None


class UsesMyCode:
    """Mixin for a pane that offers "use my code" (``m``).

    ``my_code`` is the learner's code for this pane, made on first use; the pane's thread
    workers that call it run in the group ``MY_CODE_GROUP``, and both stop with the pane.
    """

    MY_CODE_GROUP = "my-code"
    #: Made by ``my_code`` (a class default, so a pane that failed to build still unmounts cleanly).
    _my_code: MyCode | None = None

    @property
    def my_code(self) -> MyCode:
        """The learner's code (its process starts only when it is first called)."""
        if self._my_code is None:
            config = getattr(self.app, "config", None)  # type: ignore[attr-defined]
            self._my_code = MyCode(getattr(config, "state_dir", None))
        return self._my_code

    @property
    def my_code_on(self) -> bool:
        """Whether the learner switched "use my code" on."""
        return self._my_code is not None and self._my_code.on

    def switch_my_code(self, exercise: str) -> tuple[bool, str]:
        """Switch "use my code" off, or on when the learner's ``exercise`` can be used.

        Returns whether it is on now, and why it stays off when it cannot be used ("" otherwise).
        """
        if self.my_code.on:
            self.my_code.on = False
            return False, ""
        notice = self.my_code.notice(exercise)
        self.my_code.on = not notice
        return self.my_code.on, notice

    def my_code_off(self) -> None:
        """Switch "use my code" off and drop its pending calls (a reconfigured pane starts off)."""
        if self._my_code is not None:
            self._my_code.on = False
        self.workers.cancel_group(self, self.MY_CODE_GROUP)  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        """Stop the learner's workers and process with the pane."""
        self.workers.cancel_group(self, self.MY_CODE_GROUP)  # type: ignore[attr-defined]
        if self._my_code is not None:
            self._my_code.close()
