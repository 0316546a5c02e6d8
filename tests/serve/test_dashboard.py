"""`nntui.serve.dashboard`: the instructor's room view started for a server's state folder.

It finds the hub's socket and the instructor's token in the state folder (or the session's
environment), and while no hub answers it fills the room table from the progress files.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from nntui.app.room.instructor import NOT_CONNECTED
from nntui.course import load_course
from nntui.paths import user_state_dir
from nntui.progress import Progress, ProgressStore
from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, hub_socket_path
from nntui.serve import dashboard, session
from nntui.serve.launch import SessionPlan, dashboard_args

LESSONS = Path(__file__).parents[1] / "app" / "fixture_room_lessons"


def save_progress(state_dir: Path, name: str, lesson: str, step: int, checks: list[str]) -> None:
    progress = Progress(name=name, lesson=lesson, step=step)
    for check in checks:
        progress.mark_checkpoint(lesson, check)
    ProgressStore(user_state_dir(state_dir, name)).save(progress)


def test_token_comes_from_the_environment_else_the_servers_file(tmp_path, monkeypatch):
    monkeypatch.delenv(INSTRUCTOR_TOKEN_ENV, raising=False)
    assert dashboard.instructor_token(tmp_path) is None
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / "instructor.token").write_text("from-file\n")
    assert dashboard.instructor_token(tmp_path) == "from-file"
    monkeypatch.setenv(INSTRUCTOR_TOKEN_ENV, "from-env")
    assert dashboard.instructor_token(tmp_path) == "from-env"


def test_progress_files_become_room_rows(tmp_path):
    course = load_course(LESSONS)
    save_progress(tmp_path, "alice", "01-neurons", 1, ["out", "total"])
    save_progress(tmp_path, "bob", "02-training", 0, [])
    rows = {row["name"]: row for row in dashboard.offline_attendees(tmp_path, course)}
    assert set(rows) == {"alice", "bob"}
    alice = rows["alice"]
    assert (alice["lesson"], alice["step"], alice["label"], alice["title"]) == (1, 2, "1.2", "Two questions")
    assert alice["passed"] == 2 and alice["online"] is False and not alice["stuck"]
    assert alice["since"] > 0
    assert (rows["bob"]["label"], rows["bob"]["passed"]) == ("2.1", 0)


async def test_without_a_hub_the_dashboard_shows_the_progress_files(tmp_path, monkeypatch):
    monkeypatch.setenv(INSTRUCTOR_TOKEN_ENV, "t")
    save_progress(tmp_path, "alice", "01-neurons", 1, ["out"])
    app = dashboard.dashboard_app(tmp_path, load_course(LESSONS))
    assert app.socket_path == hub_socket_path(tmp_path) and app.token == "t"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one("#room-table", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)][:5:2] == ["alice", "Two questions", "1"]
        assert str(app.query_one("#connection", Static).render()).startswith(NOT_CONNECTED)


def test_command_line_passes_the_lessons_folder(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard, "run_dashboard", lambda *args, **kw: calls.append((args, kw)) or 0)
    assert dashboard.main(["--state-dir", str(tmp_path), "--lessons", str(LESSONS), "--no-mouse"]) == 0
    assert calls == [((tmp_path,), {"mouse": False, "lessons": LESSONS})]
    plan = SessionPlan(state_dir=tmp_path, lessons=LESSONS)
    assert dashboard_args(plan) == ["--state-dir", str(tmp_path), "--lessons", str(LESSONS), "--no-mouse"]


def test_the_instructor_session_runs_the_dashboard_with_the_plans_lessons(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(dashboard, "run_dashboard", lambda *args: calls.append(args) or 0)
    plan = SessionPlan(state_dir=tmp_path, lessons=LESSONS, mouse=True)
    assert session.run({"kind": "dashboard", "plan": plan.to_dict()}) == 0
    assert calls == [(tmp_path, True, LESSONS)]


def test_a_folder_without_lessons_is_said_in_one_line(tmp_path, capsys):
    assert dashboard.run_dashboard(tmp_path, mouse=False, lessons=tmp_path / "none") == 1
    assert "no lessons to show" in capsys.readouterr().err
