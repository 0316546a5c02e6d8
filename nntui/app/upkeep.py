"""Upkeep the app does for itself: let go of what removed widgets left behind."""

from __future__ import annotations

__all__ = ["prune_dead_watchers"]


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
