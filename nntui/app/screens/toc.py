"""The table of contents: every lesson and step with completion marks; Enter jumps there."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

__all__ = ["TocScreen", "DONE", "PARTLY", "TODO"]

DONE, PARTLY, TODO = "✓", "◐", "·"


class TocScreen(ModalScreen[tuple[int, int] | None]):
    """Lists the course; dismisses with the chosen (lesson, step) or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("t", "dismiss(None)", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        tutor = self.app.tutor
        options: list[Option] = []
        self._targets: dict[str, tuple[int, int]] = {}
        highlight = 0
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
        with Vertical(id="toc-box"):
            yield Static("Contents  [dim](Enter: go there, Esc: close)[/]", id="toc-title")
            option_list = OptionList(*options, id="toc-list")
            option_list.highlighted = highlight
            yield option_list

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen lesson or step."""
        self.dismiss(self._targets.get(event.option.id or ""))
