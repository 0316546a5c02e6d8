"""Command palette entries: "Go to lesson ..." for every lesson."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["LessonCommands"]


class LessonCommands(Provider):
    """Offers one "Go to lesson N: Title" command per lesson."""

    def _entries(self):
        app = self.app
        tutor = getattr(app, "tutor", None)
        if tutor is None:
            return []
        return [
            (f"Go to lesson {lesson.number}: {lesson.title}", index, lesson.summary)
            for index, lesson in enumerate(tutor.course.lessons)
        ]

    async def discover(self) -> Hits:
        """Every lesson, shown when the palette opens."""
        for text, index, summary in self._entries():
            yield DiscoveryHit(text, partial(self.app.goto, index, 0), help=summary or None)

    async def search(self, query: str) -> Hits:
        """Lessons whose entry matches what was typed."""
        matcher = self.matcher(query)
        for text, index, summary in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(self.app.goto, index, 0), help=summary or None
                )
