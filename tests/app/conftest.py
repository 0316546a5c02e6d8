"""Helpers for the app's Pilot and snapshot tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntui.app import AppConfig, make_app

#: A small, stable course, so the app tests do not change when the real lessons do.
FIXTURE_LESSONS = Path(__file__).parent / "fixture_lessons"


@pytest.fixture
def state_dir(tmp_path) -> Path:
    """A fresh state folder for one test."""
    return tmp_path / "state"


@pytest.fixture
def build(state_dir):
    """Build the app through the real factory, on the fixture lessons and a private state folder."""

    def _build(**options):
        options.setdefault("lessons_dir", FIXTURE_LESSONS)
        options.setdefault("state_dir", state_dir)
        return make_app(AppConfig(**options))

    return _build
