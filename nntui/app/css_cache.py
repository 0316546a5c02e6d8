"""Parsed CSS shared by every app a process makes.

Textual parses an app's CSS (its own and every widget's ``DEFAULT_CSS``) into rule sets once
per app: each ``Stylesheet`` keeps its own parse cache. That is about 17 ms of CPU per start,
and the SSH server's sessions are forked from a starter that has already run the app once:
with the cache shared, a session finds the whole course's CSS parsed.

Parsed rules depend on the stylesheet's CSS variables (the theme), so the shared cache is
kept per set of variables, looked up with the stylesheet's variables of the moment. Rule sets
are only read after parsing; Textual already hands one parse result to every later parse of
the same source in an app.
"""

from __future__ import annotations

from typing import Any

__all__ = ["share_parsed_css"]

#: Parse results by (the variables as a sorted tuple) -> Textual's cache key -> rule sets.
_PARSED: dict[tuple, dict[tuple, Any]] = {}


class _SharedParseCache:
    """Stands in for a ``Stylesheet``'s own parse cache (lookup, store and clear only)."""

    def __init__(self, stylesheet) -> None:
        self._stylesheet = stylesheet
        self._variables: object = None  # the variables dict the key below was made from
        self._key: tuple = ()

    def _cache(self) -> dict[tuple, Any]:
        variables = self._stylesheet._variables
        if variables is not self._variables:  # Textual replaces the dict when the theme changes
            self._variables = variables
            self._key = tuple(sorted(variables.items()))
        return _PARSED.setdefault(self._key, {})

    def __getitem__(self, key: tuple):
        return self._cache()[key]

    def __setitem__(self, key: tuple, rules) -> None:
        self._cache()[key] = rules

    def clear(self) -> None:
        """Textual clears its cache when the variables change; entries here are kept per variables."""


def share_parsed_css(app) -> None:
    """Make ``app``'s stylesheet use (and add to) the parse results of earlier apps in this process.

    If a Textual version no longer has the attributes this relies on, the app keeps its own
    cache: slower to start, never wrong.
    """
    stylesheet = getattr(app, "stylesheet", None)
    if stylesheet is None or not hasattr(stylesheet, "_parse_cache") or not hasattr(stylesheet, "_variables"):
        return
    stylesheet._parse_cache = _SharedParseCache(stylesheet)
