"""What every pane is: a focusable widget built from a lesson's settings that exposes live values."""

from __future__ import annotations

import functools
import inspect
from typing import Any, ClassVar

from textual.widget import Widget

from ..messages import PaneLiveValuesChanged
from ..widgets.focus_style import FocusWithinClass

__all__ = ["Pane"]


class Pane(FocusWithinClass, Widget, can_focus=True):
    """Base class of the live panes beside a lesson step.

    Subclasses set ``PANE_TYPE`` (a name from ``nntui.course.panes.PANE_TYPES``), build
    their controls from ``self.settings`` and return their current numbers from
    ``live_values()`` (checkpoints compare answers with them). Their ``BINDINGS`` show in
    the footer while the pane has focus and on the help screen. The lesson screen focuses
    the pane when the step appears; Tab moves on into its controls. While the focus is on
    the pane or inside it, it has the ``-focus-within`` class (its border lights up).
    """

    PANE_TYPE: ClassVar[str] = ""

    #: Why this pane could not be built (one line), or "" when all is well.
    build_error: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Contain a subclass's crash while it is built: its pane says so in one line instead.

        A bug in one pane's constructor, ``compose`` or ``on_mount`` must not take the app down;
        the step's text and the other panes keep working.
        """
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _guard_init(cls.__dict__["__init__"])
        if "compose" in cls.__dict__:
            cls.compose = _guard_compose(cls.__dict__["compose"])
        if "on_mount" in cls.__dict__:
            cls.on_mount = _guard_mount(cls.__dict__["on_mount"])

    def _broken(self, stage: str, error: BaseException) -> str:
        """Remember (and return) the one-line message for a crash at ``stage``."""
        first = (str(error).strip().splitlines() or [""])[0]
        self.can_focus = False  # its keys would act on a half-built pane
        self.build_error = (
            f"the {self.PANE_TYPE or 'this'} pane could not be {stage}: {type(error).__name__}: {first}"
        )
        return self.build_error

    def _error_line(self):
        from textual.widgets import Static

        return Static(self.build_error, classes="pane-missing", markup=False)

    LiveValuesChanged = PaneLiveValuesChanged

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: The validated settings, defaults filled in (a copy: the pane may change its own).
        self.settings = dict(settings)

    def live_values(self) -> dict[str, float]:
        """The numbers a checkpoint may ask about, by name."""
        return {}

    #: Live values shown as ``?`` (their formulas stay visible) until a checkpoint is answered.
    masked: frozenset[str] = frozenset()

    def mask(self, names: frozenset[str] | set[str] | tuple[str, ...] = ()) -> None:
        """Show the live values ``names`` as ``?`` (an empty set shows everything again).

        The lesson screen masks what an open checkpoint asks for, so the pane does not give the
        answer away before the learner predicts it. The pane redraws in ``masked_changed``.
        """
        names = frozenset(names)
        if names != self.masked:
            self.masked = names
            # Before it is mounted (or when it could not be built) there is nothing drawn to
            # change: a pane draws with ``masked`` in force when it first draws.
            if self.is_mounted and not self.build_error:
                self.masked_changed()

    def masked_changed(self) -> None:
        """Redraw whatever shows a masked (or newly unmasked) live value (``show_values``)."""
        self.show_values()

    # -- after a change: compute, show, tell -------------------------------------------------

    def update_values(self) -> None:
        """Recompute the pane's numbers, show them and tell the lesson its live values changed.

        Every change a learner makes runs this one sequence, so the checkpoints (which listen
        for ``LiveValuesChanged``) always read what the pane shows.
        """
        self.recompute()
        self.show_values()
        self.post_message(self.LiveValuesChanged(self))

    def recompute(self) -> None:
        """Work out the pane's numbers from its settings and fields; the default has none to work out."""

    def show_values(self) -> None:
        """Draw the pane's numbers, masked ones as ``?``; the default draws nothing."""

    def shown(self, name: str, text: str) -> str:
        """``text`` (how the pane prints live value ``name``), or ``?`` while ``name`` is masked."""
        return "?" if name in self.masked else text

    def reconfigure(self, settings: dict[str, Any]) -> bool:
        """Become the pane a new step with ``settings`` would show, keeping the widgets.

        The next step of a lesson often shows the same kind of pane. Building it anew costs
        forty-odd widgets, their styles, layout and a focus change: most of the CPU of a step
        change, which in an SSH workshop every attendee shares. A pane that can instead put
        itself in the state a new pane built with ``settings`` would have (numbers, fields,
        messages, modes, plots, running work) does so here and returns True; the tests compare
        it with a new pane: ``settings`` in force, nothing masked, then ``apply_settings``. A pane
        without ``apply_settings`` (or one that could not be built) returns False: the lesson
        screen builds a new pane.
        """
        if self.build_error or type(self).apply_settings is Pane.apply_settings:
            return False
        self.settings = dict(settings)
        self.masked = frozenset()  # a new pane hides nothing
        self.apply_settings()
        return True

    def apply_settings(self) -> None:
        """Put the pane in the state a new pane built with ``self.settings`` would have."""

    @property
    def shared(self):
        """The app's ``SharedState`` (trained parameters etc.)."""
        return getattr(self.app, "shared", None)


def _guard_init(init):
    @functools.wraps(init)
    def __init__(self, settings: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        try:
            init(self, settings, *args, **kwargs)
        except Exception as error:  # any bug in a pane's constructor: shown, not raised
            if "settings" not in self.__dict__:  # it failed before Widget was set up
                Pane.__init__(self, settings, **kwargs)
            self._broken("built", error)

    return __init__


def _guard_compose(compose):
    @functools.wraps(compose)
    def guarded(self):
        if self.build_error:
            return [self._error_line()]
        from textual.compose import compose as build

        try:
            return build(self, compose(self))  # runs the containers' `with` blocks as Textual does
        except Exception as error:
            self._broken("built", error)
            return [self._error_line()]

    return guarded


def _guard_mount(on_mount):
    @functools.wraps(on_mount)
    async def guarded(self, *args: Any) -> None:
        if self.build_error:
            return
        try:
            result = on_mount(self, *args)
            if inspect.isawaitable(result):
                await result
        except Exception as error:
            self._broken("shown", error)
            await self.remove_children()
            await self.mount(self._error_line())

    return guarded
