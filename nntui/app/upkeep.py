"""Upkeep the app does for itself: let go of what removed widgets left behind."""

from __future__ import annotations

import functools

__all__ = ["prune_dead_watchers", "unpin_styles_caches"]


def unpin_styles_caches() -> bool:
    """Stop Textual's colour cache from keeping every widget's rendered lines; True once done.

    ``StylesCache.get_inner_outer`` is an ``lru_cache`` on a method (Textual issue #6665): each
    of its 1024 entries keeps a ``StylesCache`` alive, with every line that widget last drew.
    Removed widgets' lines stayed: about 7.7 MB after one walk through the course. The colours
    alone make the same key; this caches on them. Idempotent, and harmless if Textual changes
    (a version without the method is left as it is).
    """
    from textual._styles_cache import StylesCache

    method = StylesCache.__dict__.get("get_inner_outer")
    if method is None or isinstance(method, staticmethod):
        return isinstance(method, staticmethod)
    uncached = getattr(method, "__wrapped__", method)

    @functools.lru_cache(1024)
    def get_inner_outer(base_background, background):
        return uncached(StylesCache, base_background, background)  # uses no attribute of self

    StylesCache.get_inner_outer = staticmethod(get_inner_outer)
    return True


def prune_dead_watchers(app) -> int:
    """Drop what removed widgets left subscribed on long-lived nodes; returns how many.

    Textual keeps a watcher ``(widget, callback)`` on the *watched* node and prunes it only
    when the watched value changes; a signal's subscribers are pruned only when it is
    published (Textual issue #6666). The footer re-creates its keys on every step and binds
    each to ``Footer.compact``, inputs and plots subscribe to signals of the screen and app
    that hardly ever fire: without this every step left about 1 MB behind for good.
    A node counts as dead once Textual has closed it (``_closing``).
    """
    from textual.signal import Signal

    def dead(node) -> bool:
        return bool(getattr(node, "_closing", False) or getattr(node, "_closed", False))

    removed = 0
    nodes = [app]
    for stack in getattr(app, "_screen_stacks", {}).values():
        for screen in stack:
            nodes.extend(screen.walk_children(with_self=True))
    for node in nodes:
        attributes = node.__dict__
        watchers = attributes.get("__watchers")
        for pairs in (watchers or {}).values():
            alive = [(owner, callback) for owner, callback in pairs if not dead(owner)]
            if len(alive) != len(pairs):
                removed += len(pairs) - len(alive)
                pairs[:] = alive
        for value in list(attributes.values()):
            if isinstance(value, Signal):
                for subscriber in [n for n in list(value._subscriptions.keys()) if dead(n)]:
                    value.unsubscribe(subscriber)
                    removed += 1
    return removed
