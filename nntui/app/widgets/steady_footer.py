"""A footer that rebuilds its keys only when the keys it shows have changed."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

__all__ = ["SteadyFooter"]


class SteadyFooter(Footer):
    """Textual's ``Footer``, minus the rebuilds that change nothing.

    Textual's footer throws its keys away and builds them again every time the screen says
    its bindings may have changed: on every focus change, every ``refresh_bindings`` and every
    mount. A lesson step change says so about five times, and each rebuild costs a layout and a
    frame; most of them show exactly the keys already there (a pane of the same kind, the same
    keys). In an SSH workshop those frames are CPU and bytes that every attendee pays for.
    This footer compares what it would show with what it shows and rebuilds only on a
    difference.
    """

    class Shown(Message):
        """The footer is drawn with the keys it should show (posted after each check)."""

    #: What Enter does in a field whose own keys say nothing (a pane's number field).
    FIELD_ENTER = "Set"

    #: What the footer showed when it was last built (``None``: not built yet).
    _shown: tuple | None = None
    #: While held (see ``hold``), changes wait; one check follows the release.
    _held: int = 0

    def shown_keys(self) -> tuple:
        """Everything about the screen's bindings that changes what the footer draws."""
        app = self.app
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group.description if binding.group is not None else None,
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
        )
        return (self.compact, self.show_command_palette, app.ENABLE_COMMAND_PALETTE, keys, self._enter_hint())

    def _enter_hint(self) -> str | None:
        """What Enter does while the learner types in a field that does not list it itself.

        A focused Input takes every printable key, so the screen's keys leave the footer; an
        empty footer would tell the learner nothing about how to finish or leave the field.
        """
        screen = self.screen
        if not isinstance(screen.focused, Input):
            return None
        enter = screen.active_bindings.get("enter")
        if enter is not None and enter.binding.show:
            return None  # the field lists its own (a checkpoint's "Answer")
        return self.FIELD_ENTER

    def compose(self) -> ComposeResult:
        """Textual's keys, led by Enter while a field that does not list it has the focus."""
        keys = list(super().compose())
        hint = self._enter_hint() if self._bindings_ready else None
        if hint:
            self.styles.grid_size_columns += 1
            keys.insert(
                0,
                FooterKey("enter", "Enter", hint, "", tooltip="keep the value typed").data_bind(
                    compact=Footer.compact
                ),
            )
        for key in keys:
            # Each key takes the footer's ``compact`` once mounted, and restyles itself for the
            # class it sets then (about 1 ms a key, on every rebuild): it has the class already.
            if isinstance(key, FooterKey):
                key.set_class(self.compact, "-compact", update=False)
        yield from keys

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Keep the keys as they are until the block ends, then rebuild once if they changed.

        For a screen that changes much at once (a lesson step: the old pane removed, the focus
        passed around, a new pane focused): the keys of the states in between are never shown.
        """
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self.is_attached:
                self.call_after_refresh(self._rebuild_if_changed)

    def bindings_changed(self, screen) -> None:
        """The screen's bindings may have changed: rebuild after the next refresh if they did."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._rebuild_if_changed)

    def _rebuild_if_changed(self) -> None:
        if self._held or not self.is_attached:
            return
        shown = self.shown_keys()
        if shown == self._shown:
            self.call_after_refresh(self.post_message, self.Shown())
            return
        self._shown = shown
        # On the footer's own message queue: its keys bind to ``Footer.compact`` of whatever
        # widget is active when they are composed, which must be this footer.
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        await self.recompose()
        self.call_after_refresh(self.post_message, self.Shown())
