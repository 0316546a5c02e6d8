"""What every pane is: a focusable widget built from a lesson's settings that exposes live values."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.message import Message
from textual.widget import Widget

__all__ = ["Pane"]


class Pane(Widget, can_focus=True):
    """Base class of the live panes beside a lesson step.

    Subclasses set ``PANE_TYPE`` (a name from ``nntui.course.panes.PANE_TYPES``), build
    their controls from ``self.settings`` and return their current numbers from
    ``live_values()`` (checkpoints compare answers with them). Their ``BINDINGS`` show in
    the footer while the pane has focus and on the help screen. The lesson screen focuses
    the pane when the step appears; Tab moves on into its controls.
    """

    PANE_TYPE: ClassVar[str] = ""

    class LiveValuesChanged(Message):
        """The pane's live values changed (posted by subclasses after a recompute)."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: The validated settings, defaults filled in (a copy: the pane may change its own).
        self.settings = dict(settings)

    def live_values(self) -> dict[str, float]:
        """The numbers a checkpoint may ask about, by name."""
        return {}

    @property
    def session(self):
        """The app's shared ``Session`` (trained parameters etc.)."""
        return getattr(self.app, "session", None)
