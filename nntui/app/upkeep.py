"""Upkeep the app does for itself: let go of what removed widgets left behind."""

from __future__ import annotations

import functools
import gc

__all__ = [
    "COLLECT_AFTER",
    "collect_left_steps",
    "forget_queried_widgets",
    "prune_dead_watchers",
    "trim_render_caches",
    "unpin_styles_caches",
]

#: Textual's and Rich's global caches that fill with what steps drew ("module", "Class.method"):
#: regions, cell widths, styles and their escape codes. Bounded (1024 to 16 384 entries), but
#: filled they hold about 50 000 small objects (4 MB) that a step never needs again: the next
#: step draws other text at other places. Mixed in with a step's short-lived objects they keep
#: Python's memory arenas from being given back, so a session grows for the whole first walk.
RENDER_CACHES = (
    ("rich.cells", "cached_cell_len"),
    ("rich.style", "Style._add"),
    ("rich.palette", "Palette.match"),
    ("textual.strip", "Strip.render_ansi"),
    ("textual.filter", "ANSIToTruecolor.truecolor_style"),
    ("textual.style", "Style.__add__"),
    ("textual.css.scalar", "Scalar.resolve"),
    *(
        ("textual.geometry", f"Region.{name}")
        for name in ("intersection", "overlaps", "shrink", "grow", "contains_region", "union", "translate")
    ),
)
#: A cache is emptied at a step change once it holds more entries than this: what one step draws
#: stays cached (a step's redraws and the next few keys hit), a whole walk does not pile up.
TRIM_ABOVE = 512


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


def _app_nodes(app) -> list:
    """The app and every node of every screen it has."""
    nodes = [app]
    for stack in getattr(app, "_screen_stacks", {}).values():
        for screen in stack:
            nodes.extend(screen.walk_children(with_self=True))
    return nodes


def forget_queried_widgets(app) -> int:
    """Empty every node's cache of ``query_one`` answers; returns how many caches held some.

    Textual caches each ``query_one`` answer on the node asked, keyed by the number of DOM
    changes so far: a step change makes every key stale, but the old answers stay until 1 024
    newer ones push them out. Asked of the screen, they keep removed panes and checkpoints (and
    all their drawn lines) alive. Run at a step change; the next query fills the cache again.
    """
    emptied = 0
    for node in _app_nodes(app):
        cache = node.__dict__.get("_query_one_cache")
        if cache:
            cache.clear()
            emptied += 1
    return emptied


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
    for node in _app_nodes(app):
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


def trim_render_caches(limit: int = TRIM_ABOVE) -> int:
    """Empty each of ``RENDER_CACHES`` that holds more than ``limit`` entries; returns how many.

    Run at a step change, before the new step is drawn. A cache a Textual version no longer has
    is skipped.
    """
    import sys

    trimmed = 0
    for module_name, path in RENDER_CACHES:
        cache = sys.modules.get(module_name)
        for name in path.split("."):
            cache = getattr(cache, name, None)
        info = getattr(cache, "cache_info", None)
        if info is not None and info().currsize > limit:
            cache.cache_clear()
            trimmed += 1
    return trimmed


#: Seconds a learner stays on a built step before the steps left behind are collected: longer
#: than a held key's repeat (Right held down does not collect at every step), far shorter than
#: reading a step takes.
COLLECT_AFTER = 0.2


def collect_left_steps() -> int:
    """Free the widgets of the steps a learner left; returns how many objects were freed.

    A removed widget tree is a web of reference cycles (parents, children, message queues), so
    only the garbage collector frees it, and by then it is old: Python's own schedule collects
    it some steps later. Until then the next steps' widgets are built in fresh memory around it,
    and the holes it leaves stay. Collected while the learner reads, the memory is reused by the
    next step instead: a session that walked the whole course stayed about 2 MB smaller. A full
    collection takes about 20 ms, which is why it waits for the learner to pause (``COLLECT_AFTER``)
    and does not run on the way from a key to the screen.
    """
    return gc.collect()
