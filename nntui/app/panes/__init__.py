"""The pane registry: pane type name -> the widget class that shows it.

Each pane lives in its own module ``nntui/app/panes/<type>.py`` and is imported only when a
step shows it (importing every pane at start would slow the first screen down). A type whose
module is missing or broken raises ``PaneUnavailable`` with a one-line reason; the lesson
screen shows that reason in place of the pane.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nntui.course.panes import PANE_TYPES

if TYPE_CHECKING:
    from .base import Pane

__all__ = ["PANE_CLASSES", "Pane", "PaneUnavailable", "pane_class", "pane_settings"]

#: Type name -> "module:ClassName", one for each pane type of the lesson schema
#: (``nntui.course.panes.PANE_TYPES``): pane type ``x`` is ``XPane`` in ``nntui/app/panes/x.py``.
PANE_CLASSES: dict[str, str] = {
    name: f"nntui.app.panes.{name}:{name.capitalize()}Pane" for name in PANE_TYPES
}


def __getattr__(name: str) -> Any:
    """``Pane`` on first use: ``nntui train`` reads ``panes.axes`` without loading Textual."""
    if name == "Pane":
        from .base import Pane

        return Pane
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PaneUnavailable(Exception):
    """A pane type cannot be shown; the message says why in one line."""


def pane_class(pane_type: str) -> type[Pane]:
    """Import and return the widget class for ``pane_type``."""
    try:
        target = PANE_CLASSES[pane_type]
    except KeyError:
        raise PaneUnavailable(f"unknown pane type {pane_type!r}") from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise PaneUnavailable(
                f"the {pane_type} pane is not built yet ({module_name} is missing)"
            ) from None
        raise PaneUnavailable(f"the {pane_type} pane cannot load: {error}") from None
    except Exception as error:  # a broken pane must not take the lesson down with it
        raise PaneUnavailable(f"the {pane_type} pane cannot load: {type(error).__name__}: {error}") from None
    from .base import Pane

    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Pane)):
        raise PaneUnavailable(f"{module_name} has no Pane subclass named {class_name}")
    return cls


def pane_settings(spec, seed: int | None = None) -> dict:
    """The settings to build ``spec``'s pane with: the app's ``--seed`` fills a seed the lesson left out.

    A seed the lesson wrote itself stays: the lesson's text may depend on that exact run.
    """
    settings = dict(spec.settings)
    if seed is not None and "seed" in settings and "seed" not in spec.given:
        settings["seed"] = seed
    return settings
