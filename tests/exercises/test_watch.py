"""The file watcher: a real save raises exactly the "changed" call; the signature ignores touches."""

from __future__ import annotations

import os
import threading

from nntui.exercises.watch import EventWatcher, default_watch_mode, signature


def test_saving_the_watched_file_calls_back(tmp_path):
    target = tmp_path / "ex01_sigmoid.py"
    target.write_text("# start\n")
    changed = threading.Event()
    watcher = EventWatcher(tmp_path, changed.set)
    assert watcher.start(target.name) is None
    try:
        target.write_text("# saved\n")
        assert changed.wait(timeout=10)
    finally:
        watcher.stop()


def test_other_files_are_ignored(tmp_path):
    calls = []
    changed = threading.Event()

    def on_change():
        calls.append("call")
        changed.set()

    watcher = EventWatcher(tmp_path, on_change)
    assert watcher.start("ex01_sigmoid.py") is None
    try:
        (tmp_path / "notes.txt").write_text("x")
        (tmp_path / "notes.txt").read_text()
        assert not changed.wait(timeout=0.5)  # bounded wait for an event that must not come
        (tmp_path / "ex01_sigmoid.py").write_text("y")
        assert changed.wait(timeout=10)
    finally:
        watcher.stop()


def test_signature_follows_content_not_time(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("a = 1\n")
    before = signature(path)
    os.utime(path, (1, 1))
    assert signature(path) == before
    path.write_text("a = 2\n")
    assert signature(path) != before
    assert signature(tmp_path / "missing.py") is None


def test_polling_can_be_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("NNTUI_WATCH", "poll")
    assert default_watch_mode() == "poll"
    monkeypatch.delenv("NNTUI_WATCH")
    assert default_watch_mode() == "events"
