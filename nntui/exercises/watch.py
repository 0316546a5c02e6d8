"""Noticing when the learner saves a file: filesystem events (watchdog) or polling.

Events are immediate but do not work everywhere (some network filesystems, WSL folders
on the Windows side, exhausted inotify watches); polling works everywhere and costs one
``stat`` per interval. Either way the caller receives a plain "something changed" call and
decides with :func:`signature` whether the content really changed, so the several events
one save produces (write, close, rename) cause one check.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable

__all__ = ["EventWatcher", "signature", "WATCH_ENV", "default_watch_mode"]

#: Set to "poll" to watch by polling by default (for example on a network drive).
WATCH_ENV = "NNTUI_WATCH"


#: watchdog event types that mean the file's content may have changed.
_WRITE_EVENTS = frozenset({"modified", "created", "moved", "closed"})


def default_watch_mode() -> str:
    """ "poll" when ``NNTUI_WATCH=poll``, else "events"."""
    return "poll" if os.environ.get(WATCH_ENV, "").strip().lower() == "poll" else "events"


def signature(path: str | os.PathLike) -> str | None:
    """A fingerprint of the file's content (None if it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class EventWatcher:
    """Calls ``on_change()`` (from watchdog's thread) when a file in ``folder`` named ``name`` changes."""

    def __init__(self, folder: str | os.PathLike, on_change: Callable[[], None]) -> None:
        self.folder = Path(folder)
        self.on_change = on_change
        self.name: str | None = None
        self._observer = None

    def start(self, name: str) -> str | None:
        """Start watching; returns None, or one line saying why events are not available."""
        self.name = name
        if self._observer is not None:
            return None
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return "watchdog is not installed"

        watcher = self

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                # Only writes count: reading the file (as the check does) raises "opened" and
                # "closed_no_write" events, which would otherwise start an endless echo.
                if event.event_type not in _WRITE_EVENTS:
                    return
                paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
                if any(os.path.basename(os.fsdecode(p)) == watcher.name for p in paths if p):
                    watcher.on_change()

        try:
            observer = Observer()
            observer.schedule(_Handler(), str(self.folder), recursive=False)
            observer.daemon = True
            observer.start()
        except (OSError, RuntimeError) as error:
            return f"file events are not available here ({getattr(error, 'strerror', None) or error})"
        self._observer = observer
        return None

    def stop(self) -> None:
        """Stop watching (safe to call more than once)."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2)
