"""The table of contents: every lesson and step with completion marks; Enter jumps there.

When exercises are on, each lesson also lists the exercises that practise it, with their marks;
Enter on one opens it on the Exercises screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

__all__ = ["TocScreen", "DONE", "PARTLY", "TODO", "FAILED"]

DONE, PARTLY, TODO, FAILED = "✓", "◐", "·", "✗"


class TocScreen(ModalScreen[tuple[int, int] | str | None]):
    """Lists the course; dismisses with the chosen (lesson, step), an exercise's name, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("t", "dismiss(None)", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        from nntui.exercises import enabled
        from nntui.exercises.catalogue import EXERCISES, exercises_for_lesson

        tutor = self.app.tutor
        options: list[Option] = []
        self._targets: dict[str, tuple[int, int] | str] = {}
        highlight = 0
        show_exercises = enabled()
        statuses = tutor.exercise_statuses() if show_exercises else {}
        for li, lesson in enumerate(tutor.course.lessons):
            done, total = tutor.lesson_done(li)
            mark = DONE if done == total else PARTLY if done else TODO
            checks = [c.id for s in lesson.steps for c in s.checks]
            passed = sum(1 for c in checks if tutor.progress.passed(lesson.slug, c))
            extra = f"  checks {passed}/{len(checks)}" if checks else ""
            options.append(
                Option(
                    f"{mark} {lesson.number}. {lesson.title}  ({done}/{total} steps{extra})",
                    id=f"lesson-{li}",
                )
            )
            self._targets[f"lesson-{li}"] = (li, 0)
            for si, step in enumerate(lesson.steps):
                step_mark = DONE if tutor.progress.is_completed(lesson.slug, si) else " "
                here = " ◀" if (li, si) == (tutor.position.lesson, tutor.position.step) else ""
                if here:
                    highlight = len(options)
                options.append(Option(f"   {step_mark} {si + 1}. {step.title}{here}", id=f"step-{li}-{si}"))
                self._targets[f"step-{li}-{si}"] = (li, si)
            for ex in exercises_for_lesson(lesson.slug) if show_exercises else []:
                status = statuses.get(ex.name)
                ex_mark = DONE if status == "passed" else FAILED if status == "failed" else TODO
                text = f"   {ex_mark} Exercise {ex.number}: {ex.title}"
                options.append(Option(text, id=f"exercise-{ex.name}"))
                self._targets[f"exercise-{ex.name}"] = ex.name
        title = "Contents  [dim](Enter: go there, Esc: close)[/]"
        if show_exercises:
            passed = sum(1 for ex in EXERCISES if statuses.get(ex.name) == "passed")
            title += f"\nExercises: {passed} of {len(EXERCISES)} passed  [dim](x opens them)[/]"
        with Vertical(id="toc-box"):
            yield Static(title, id="toc-title")
            option_list = OptionList(*options, id="toc-list")
            option_list.highlighted = highlight
            yield option_list

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen lesson or step."""
        self.dismiss(self._targets.get(event.option.id or ""))
