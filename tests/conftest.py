"""Fixtures for every test: no test reads or writes the real user's progress or lessons setting."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory, monkeypatch):
    """Point NNTUI_STATE_DIR at a fresh folder and forget any NNTUI_LESSONS_DIR of the developer."""
    state = tmp_path_factory.mktemp("nntui-state")
    monkeypatch.setenv("NNTUI_STATE_DIR", str(state))
    monkeypatch.delenv("NNTUI_LESSONS_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return state
