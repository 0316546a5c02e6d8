"""Exercises run learners' code, so a workshop server turns them off unless the instructor allows it."""

from pathlib import Path

from nntui.cli import build_parser
from nntui.exercises import enabled
from nntui.serve.launch import SessionPlan, child_env, exercises_env
from nntui.serve.web import WorkshopWebServer


def test_attendees_get_exercises_off_by_default_and_on_when_allowed(tmp_path: Path):
    closed = child_env("xterm-256color", None) | exercises_env(SessionPlan(state_dir=tmp_path))
    assert not enabled(closed)
    opened = child_env("xterm-256color", None) | exercises_env(
        SessionPlan(state_dir=tmp_path, allow_exercises=True)
    )
    assert enabled(opened)


def test_web_sessions_follow_the_same_switch(tmp_path: Path):
    closed = WorkshopWebServer(SessionPlan(state_dir=tmp_path), "127.0.0.1", 0).command_for("alice")
    assert closed.startswith("env NNTUI_EXERCISES=off ")
    opened = WorkshopWebServer(SessionPlan(state_dir=tmp_path, allow_exercises=True), "127.0.0.1", 0)
    assert "NNTUI_EXERCISES" not in opened.command_for("alice")


def test_the_flag_exists_on_both_servers():
    parser = build_parser()
    assert parser.parse_args(["serve", "ssh", "--open", "--allow-exercises"]).allow_exercises is True
    assert parser.parse_args(["serve", "web", "--allow-exercises"]).allow_exercises is True
    assert parser.parse_args(["serve", "ssh", "--open"]).allow_exercises is False
