"""Command palette entries: "Go to lesson ..." for every lesson, "Exercises" and one per exercise."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["LessonCommands"]


class LessonCommands(Provider):
    """Offers "Go to lesson N: Title" per lesson, "Exercises", and "Exercise N: Title" per exercise."""

    def _entries(self):
        app = self.app
        tutor = getattr(app, "tutor", None)
        if tutor is None:
            return []
        entries = [
            (f"Go to lesson {lesson.number}: {lesson.title}", partial(app.goto, index, 0), lesson.summary)
            for index, lesson in enumerate(tutor.course.lessons)
        ]
        from nntui.exercises import enabled
        from nntui.exercises.catalogue import EXERCISES

        entries.append(("Exercises", app.action_exercises, "write the network's pieces yourself"))
        if enabled():  # when off, the one "Exercises" entry says so
            entries += [
                (f"Exercise {ex.number}: {ex.title}", partial(app.action_exercises, ex.name), ex.name)
                for ex in EXERCISES
            ]
        return entries

    async def discover(self) -> Hits:
        """Every entry, shown when the palette opens."""
        for text, command, help_text in self._entries():
            yield DiscoveryHit(text, command, help=help_text or None)

    async def search(self, query: str) -> Hits:
        """Entries that match what was typed."""
        matcher = self.matcher(query)
        for text, command, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text or None)
