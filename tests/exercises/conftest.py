"""Fixtures for the exercise tests: an isolated state folder and a fresh workspace."""

from __future__ import annotations

import pytest

from nntui.exercises.workspace import Workspace


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    """A private state folder, also set as NNTUI_STATE_DIR so nothing touches the real one."""
    folder = tmp_path / "state"
    monkeypatch.setenv("NNTUI_STATE_DIR", str(folder))
    monkeypatch.delenv("NNTUI_EXERCISES", raising=False)
    return folder


@pytest.fixture
def workspace(state_dir):
    """An initialised workspace at the default place, <state_dir>/exercises."""
    ws = Workspace(state_dir / "exercises")
    ws.init()
    return ws
