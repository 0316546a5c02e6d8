"""The lesson screen's checkpoints: predict first, then see.

While a checkpoint is open (not answered right, its answer not shown), the step's reveal blocks
stay hidden and the pane shows the asked value, and every value equal to it, as ``?``. Answering
(or having the answer shown) reveals both. A checkpoint passed in an earlier visit starts answered.
A pane on an earlier step that would show a later checkpoint's answer shows ``?`` there too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical

from ..widgets.step_text import StepText

if TYPE_CHECKING:
    from ..panes import Pane
    from ..widgets.checkpoint import CheckpointWidget

__all__ = ["StepCheckpoints"]

#: Answers of checkpoints on later steps, by (lesson, checkpoint, seed): computed once (some train
#: a network), then looked up at every redraw of a pane.
_LATER_ANSWERS: dict[tuple[str, str, int | None], float] = {}


class StepCheckpoints:
    """The part of ``LessonScreen`` that runs the step's checkpoints (a mixin of that screen).

    The screen sets ``_answered`` (the current step's checkpoints answered or shown) when a step
    opens, from ``_answered_before``, and calls ``_mount_checkpoints`` once the step's text is up.
    """

    _answered: set[str]

    async def _mount_checkpoints(self, step) -> None:
        """Put the step's checkpoints under its text."""
        if not step.checks:
            return
        from ..widgets.checkpoint import CheckpointWidget

        await self.query_one("#checks", Vertical).mount_all(
            CheckpointWidget(
                check,
                live_value=self._live_value_of(check),
                set_up=self._set_up_for(check),
                passed=check.id in self._answered,
                seed=self.app.shared.seed,
            )
            for check in step.checks
        )

    def _answered_before(self, step) -> set[str]:
        """The step's checkpoints passed in an earlier visit: their text starts revealed."""
        lesson, progress = self.tutor.lesson, self.tutor.progress
        return {check.id for check in step.checks if progress.passed(lesson.slug, check.id)}

    def _pane_of(self, check) -> Pane | None:
        """The pane ``check`` asks about, if it is on screen."""
        from ..panes import Pane

        shown = list(self.query_one("#pane-column", Vertical).children)
        widget = shown[check.pane_index] if check.pane_index < len(shown) else None
        return widget if isinstance(widget, Pane) else None

    def _live_value_of(self, check):
        def live_value() -> float | None:
            """The pane's value now; None while it is still working it out (a run in progress)."""
            pane = self._pane_of(check)
            if pane is None or any(w.node is pane and w.is_running for w in self.app.workers):
                return None
            return pane.live_values().get(check.value)

        return live_value

    def _set_up_for(self, check):
        async def set_up() -> None:
            """Put the pane in the question's setup: its settings, then its update key ``steps`` times."""
            from nntui.course.answers import question_settings

            from ..panes import pane_class

            pane = self._pane_of(check)
            if pane is None:
                return
            settings = question_settings(check, self.app.shared.seed)
            if not pane.reconfigure(settings):
                fresh = pane_class(check.pane)(settings, classes="pane")
                await self.query_one("#pane-column", Vertical).mount(fresh, after=pane)
                await pane.remove()
                pane = fresh
            for _ in range(check.steps):
                getattr(pane, "action_update" if check.pane == "ledger" else "action_step")()
            pane.mask()  # redrawn whole, then masked again below
            self._mask_open_checks()

        return set_up

    def _mask_open_checks(self) -> None:
        """Hide, in each pane, the values that open checkpoints ask for (show all once answered).

        A value the pane shows under another name that equals the answer is hidden too (h2 is h1
        when both hidden neurons are alike; every XOR output is 0.5 when ReLU cannot learn).
        """
        from ..panes import Pane
        from ..widgets.checkpoint import CheckpointWidget

        open_checks = [w for w in self.query_one("#checks").children if isinstance(w, CheckpointWidget)]
        column = self.query_one("#pane-column", Vertical)
        for index, pane in enumerate(column.children):
            if not isinstance(pane, Pane) or pane.build_error:
                continue  # a pane that could not be built shows one line and no numbers
            names = self._later_answers_shown(pane)
            for widget in open_checks:
                check = widget.check
                if check.pane_index != index or check.id in self._answered:
                    continue
                names.add(check.value)
                expected = widget.expected
                names.update(
                    name
                    for name, value in pane.live_values().items()
                    if abs(value - expected) <= check.tolerance
                )
            pane.mask(names)

    def _later_answers_shown(self, pane: Pane) -> set[str]:
        """The values ``pane`` shows that a later, unanswered checkpoint of this lesson asks for.

        A step often shows the very number the next step asks to predict (the network's output
        before the output neuron is explained, Emily's probability while training is taught):
        the same kind of pane, the same value, the same number. It is hidden until then too.
        """
        from nntui.course.answers import answer

        lesson, position = self.tutor.lesson, self.tutor.position
        seed = self.app.shared.seed
        shown = pane.live_values()
        names: set[str] = set()
        for step in lesson.steps[position.step + 1 :]:
            for check in step.checks:
                if check.pane != pane.PANE_TYPE or check.value not in shown:
                    continue
                if self.tutor.progress.passed(lesson.slug, check.id):
                    continue
                key = (lesson.slug, check.id, seed)
                if key not in _LATER_ANSWERS:
                    _LATER_ANSWERS[key] = answer(check, seed)
                if abs(shown[check.value] - _LATER_ANSWERS[key]) <= check.tolerance:
                    names.add(check.value)
        return names

    async def _answer_given(self, check_id: str) -> None:
        """A checkpoint was answered (or its answer shown): reveal its text and pane value."""
        if check_id in self._answered:
            return
        self._answered.add(check_id)
        self._mask_open_checks()
        step = self.tutor.step
        if any(check_id in part.reveal_after for part in step.parts):
            self.query_one("#step-text", StepText).show(step.visible_markdown(self._answered))
            # The text above grew: bring the checkpoint (and its reply) back into view.
            from ..widgets.checkpoint import CheckpointWidget

            for widget in self.query(CheckpointWidget):
                if widget.check.id == check_id:
                    self.call_after_refresh(widget.scroll_visible, animate=False)

    def on_pane_live_values_changed(self, event: Pane.LiveValuesChanged) -> None:
        """New numbers in a pane (a run finished, a field changed): hide those that equal an open answer."""
        self._mask_open_checks()

    async def on_checkpoint_widget_shown(self, event: CheckpointWidget.Shown) -> None:
        """The answer was shown after wrong tries: the text and pane can say it now."""
        await self._answer_given(event.check_id)

    async def on_checkpoint_widget_passed(self, event: CheckpointWidget.Passed) -> None:
        """A checkpoint was answered right: record it (and save), reveal what it kept hidden."""
        self.tutor.pass_check(event.check_id)
        self.app.after_save()
        await self._answer_given(event.check_id)
