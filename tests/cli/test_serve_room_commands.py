"""`nntui serve dashboard` (the instructor's view on the host) and `serve export`'s options."""

from __future__ import annotations

import pytest

from nntui.cli import main
from nntui.room.protocol import bind_unix, hub_socket_path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(result, *words) -> None:
    code, _, err = result
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def opened(monkeypatch):
    """Stand in for nntui.serve.dashboard.run_dashboard (written by the instructor's view)."""
    from nntui.serve import dashboard

    calls = []

    def run_dashboard(state_dir, mouse, **lessons):
        calls.append((state_dir, mouse, *lessons.values()))
        return 0

    monkeypatch.setattr(dashboard, "run_dashboard", run_dashboard, raising=False)
    return calls


def test_dashboard_opens_the_room_view_of_the_running_server(tmp_path, capsys, opened):
    hub_socket_path(tmp_path).parent.mkdir()
    with bind_unix(hub_socket_path(tmp_path)):  # a hub listens for this folder
        assert run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path))[0] == 0
        assert run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path), "--mouse")[0] == 0
        course = tmp_path / "course"
        course.mkdir()
        assert (
            run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path), "--lessons", str(course))[0] == 0
        )
        one_line_error(
            run(
                capsys,
                "serve",
                "dashboard",
                "--state-dir",
                str(tmp_path),
                "--lessons",
                str(tmp_path / "none"),
            ),
            "lessons folder",
        )
    here = tmp_path.resolve()
    assert opened == [(here, False), (here, True), (here, False, course.resolve())]


def test_dashboard_without_a_server_is_one_line(tmp_path, capsys, opened):
    """No hub socket, or one nobody listens on (a server that died): say so, open nothing."""
    one_line_error(run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path)), "no workshop server runs")
    hub_socket_path(tmp_path).parent.mkdir()
    bind_unix(hub_socket_path(tmp_path)).close()  # the socket file stays, nobody listens
    one_line_error(run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path)), "does not answer")
    one_line_error(run(capsys, "serve", "dashboard", "--state-dir", str(tmp_path / "no")), "does not exist")
    assert opened == []


def test_export_refuses_json_into_a_folder(tmp_path, capsys):
    one_line_error(
        run(capsys, "serve", "export", "--state-dir", str(tmp_path), "--json", "--output-dir", str(tmp_path)),
        "--output-dir writes CSV",
    )


def test_export_cannot_write_is_one_line(tmp_path, capsys):
    from tests.serve.room_record import RoomRecord

    RoomRecord(tmp_path).where(0, "amy", 1, 1)
    target = tmp_path / "no" / "such" / "folder" / "room.json"
    one_line_error(
        run(capsys, "serve", "export", "--state-dir", str(tmp_path), "--output", str(target)), "cannot write"
    )
