"""Where the learner is in the course, moving through it, and saving that as they go.

No Textual here: the screens call these methods and show the result, so the rules
(what "next" does at the end of a lesson, when a step counts as done) are tested without a UI.
"""

from __future__ import annotations

from dataclasses import dataclass

from nntui.course import Course, Lesson, Step
from nntui.progress import Progress, ProgressError, ProgressStore

__all__ = ["Position", "Tutor"]


@dataclass(frozen=True)
class Position:
    """A lesson (index in the course) and a step (index in the lesson)."""

    lesson: int
    step: int


class Tutor:
    """The learner's position in ``course`` and their progress, saved at every change.

    Saving never raises: the first failure is kept in ``save_error`` (one line) so the app can
    say once that progress will not be saved, and the run goes on.
    """

    def __init__(self, course: Course, store: ProgressStore | None, progress: Progress | None = None) -> None:
        self.course = course
        self.store = store
        self.progress = progress if progress is not None else Progress()
        self.save_error: str | None = None
        self.position = self._saved_position()

    def _saved_position(self) -> Position:
        index = self.course.index(self.progress.lesson)
        if index is None:
            return Position(0, 0)
        steps = len(self.course.lessons[index].steps)
        return Position(index, min(max(self.progress.step, 0), max(steps - 1, 0)))

    @property
    def lesson(self) -> Lesson:
        """The current lesson."""
        return self.course.lessons[self.position.lesson]

    @property
    def step(self) -> Step:
        """The current step."""
        return self.lesson.steps[self.position.step]

    @property
    def at_start(self) -> bool:
        """On the first step of the first lesson."""
        return self.position == Position(0, 0)

    @property
    def at_end(self) -> bool:
        """On the last step of the last lesson."""
        last = len(self.course.lessons) - 1
        return self.position == Position(last, len(self.course.lessons[last].steps) - 1)

    def go(self, lesson: int, step: int = 0) -> None:
        """Jump to ``step`` of the lesson at index ``lesson`` (clamped) and save."""
        lesson = min(max(lesson, 0), len(self.course.lessons) - 1)
        step = min(max(step, 0), len(self.course.lessons[lesson].steps) - 1)
        self.position = Position(lesson, step)
        self.save()

    def next(self) -> bool:
        """Mark this step done and move on (into the next lesson at a lesson's end).

        Returns False at the very end of the course (the step still counts as done).
        """
        self.progress.mark_completed(self.lesson.slug, self.position.step)
        if self.at_end:
            self.save()
            return False
        lesson, step = self.position.lesson, self.position.step + 1
        if step >= len(self.lesson.steps):
            lesson, step = lesson + 1, 0
        self.go(lesson, step)
        return True

    def prev(self) -> bool:
        """Move back one step (into the previous lesson's last step); False at the very start."""
        if self.at_start:
            return False
        lesson, step = self.position.lesson, self.position.step - 1
        if step < 0:
            lesson -= 1
            step = len(self.course.lessons[lesson].steps) - 1
        self.go(lesson, step)
        return True

    def pass_check(self, check_id: str) -> None:
        """Record a passed checkpoint of the current lesson."""
        self.progress.mark_checkpoint(self.lesson.slug, check_id)
        self.save()

    def set_name(self, name: str) -> None:
        """Remember the learner's name."""
        self.progress.name = name
        self.save()

    def lesson_done(self, index: int) -> tuple[int, int]:
        """(completed steps, steps) of the lesson at ``index``."""
        lesson = self.course.lessons[index]
        done = sum(1 for i in range(len(lesson.steps)) if self.progress.is_completed(lesson.slug, i))
        return done, len(lesson.steps)

    def exercise_statuses(self) -> dict[str, str]:
        """Exercise results ("passed"/"failed") by name, re-read: the Exercises screen saves them itself."""
        if self.store is not None and self.store.path.exists():
            fresh = self.store.load().exercises
            self.progress.exercises = dict(fresh)
        return dict(self.progress.exercises)

    def save(self) -> None:
        """Write the position and progress; merges with what is on disk (exercises)."""
        self.progress.lesson = self.lesson.slug
        self.progress.step = self.position.step
        if self.store is None or self.save_error is not None:
            return
        mine = self.progress

        def merge(on_disk: Progress) -> None:
            on_disk.name = mine.name or on_disk.name
            on_disk.lesson, on_disk.step = mine.lesson, mine.step
            for slug, steps in mine.completed.items():
                for step in steps:
                    on_disk.mark_completed(slug, step)
            for slug, ids in mine.checkpoints.items():
                for check_id in ids:
                    on_disk.mark_checkpoint(slug, check_id)

        try:
            saved = self.store.update(merge)
        except ProgressError as error:
            self.save_error = str(error)
            return
        # Keep what others saved (exercises) and what was already done, so later saves keep it too.
        mine.exercises = saved.exercises
        mine.completed, mine.checkpoints = saved.completed, saved.checkpoints
