"""Focus highlights that restyle one widget, not everything inside it.

Textual restyles a widget *and all its descendants* whenever the widget gains or loses focus,
and restyles the whole subtree of the outermost ancestor with a ``:focus-within`` rule whenever
focus moves anywhere inside it. A lesson pane holds forty-odd widgets; a step change moves the
focus three times (old pane, text column, new pane), and those restyles were most of the CSS
work of a step change: CPU every attendee of an SSH workshop shares.

Nothing inside a pane or the text column is styled by its container's focus (no
``.pane:focus Label`` rules), so restyling the container alone gives the same picture.
"""

from __future__ import annotations

from textual import events

__all__ = ["FOCUS_WITHIN", "FocusStylesSelf", "FocusWithinClass"]

#: The class a ``FocusWithinClass`` widget has while it or a widget inside it has the focus.
FOCUS_WITHIN = "-focus-within"


def _restyle_alone(widget) -> None:
    widget.app.stylesheet.update_nodes([widget], animate=True)


class FocusStylesSelf:
    """Mixin for a container: gaining or losing focus restyles the container alone.

    Only for containers whose descendants' styles do not depend on the container's focus.
    """

    def watch_has_focus(self, has_focus: bool) -> None:
        """Restyle this widget for ``:focus`` (Textual would restyle every descendant too)."""
        _restyle_alone(self)


class FocusWithinClass(FocusStylesSelf):
    """Mixin: the widget has the ``-focus-within`` class while the focus is on it or inside it.

    Use ``.name.-focus-within`` in CSS instead of ``:focus-within``, which makes Textual restyle
    every widget inside on each focus move.
    """

    def _mark_focus_within(self) -> None:
        inside = self.has_focus_within
        if self.has_class(FOCUS_WITHIN) != inside:
            self.set_class(inside, FOCUS_WITHIN, update=False)
            _restyle_alone(self)

    # Textual calls each class's own handler along the MRO: no super() calls here.
    def _on_focus(self, event: events.Focus) -> None:
        self._mark_focus_within()

    def _on_blur(self, event: events.Blur) -> None:
        self._mark_focus_within()

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark_focus_within()

    def _on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_focus_within()
