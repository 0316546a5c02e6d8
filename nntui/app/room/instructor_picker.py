"""The base of the instructor's poll and race views: a list to pick from that follows the room."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import OptionList

from .instructor_course import CourseIndex

__all__ = ["PickerView"]


class PickerView(Vertical):
    """A view with a list to pick from (checkpoints, training steps) that follows the room's
    step until the instructor picks an item themselves.

    Subclasses set :attr:`choices` (the listed refs), define a ``Picked`` message and
    :meth:`forget` (drop what was shown for the previous pick) and :meth:`draw`.
    """

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.index = index
        #: The refs listed, in the list's order.
        self.choices: list = []
        #: Whether the instructor picked an item (else the room's step chooses one).
        self.chosen = False
        #: The option last highlighted by :meth:`suggest` (its event is not the instructor's pick).
        self._suggested: int | None = None
        #: The item whose state is shown (a highlight event for it again changes nothing).
        self._last_ref = None

    def picked_ref(self):
        """The ref highlighted in the list (None: nothing to pick)."""
        picker = self.query_one(OptionList)
        return None if picker.highlighted is None or not self.choices else self.choices[picker.highlighted]

    def suggest(self, key: tuple[int, int] | None) -> None:
        """Highlight the first item at or after the room's most common step ``key``, unless the
        instructor has picked one."""
        if self.chosen:
            return
        ref = self.index.first_at_or_after(self.choices, key, of=self.step_key)
        if ref is not None:
            self._suggested = self.choices.index(ref)
            self.query_one(OptionList).highlighted = self._suggested

    @staticmethod
    def step_key(ref) -> tuple[int, int]:
        """The (lesson, step) an item is on."""
        return ref.key

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Watch the newly highlighted item."""
        event.stop()
        # The list's first highlight and suggestions are not the instructor's choice.
        if event.option_list.has_focus and event.option_index != self._suggested:
            self.chosen = True
        self._suggested = None
        ref = self.picked_ref()
        if ref is self._last_ref:
            return  # the same item highlighted again (the list's first highlight): keep its state
        self._last_ref = ref
        self.forget()
        self.draw()
        self.post_message(self.Picked())

    def forget(self) -> None:
        """Drop what the hub said about the previous pick."""

    def draw(self) -> None:
        """Show the pick's latest state."""
