"""Bad input to `nntui serve` is one clear line and exit status 2; the helpers behind it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from nntui.serve.launch import SessionPlan, app_argv, child_env
from nntui.serve.names import is_valid_name, name_problem
from nntui.serve.status import format_table, read_attendees
from nntui.serve.workshop import WorkshopError, load_workshop

from .harness import run_nntui


def _one_line_error(result, *words):
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    "args, words",
    [
        (["serve", "ssh", "--port", "abc"], ["'abc' is not a port number"]),
        (["serve", "ssh", "--port", "70000"], ["port must be from 1 to 65535"]),
        (["serve", "ssh", "--host", "0.0.0.0"], ["--open", "--password-file", "--authorized-keys"]),
        (["serve", "ssh", "--password-file", "/no/such/file"], ["does not exist"]),
        (["serve", "ssh", "--open", "--password-file", "x"], ["not allowed with"]),
        (["serve", "ssh", "--shared-user", "Bad Name"], ["cannot be used as a name"]),
        (["serve", "ssh", "--max-startups", "10:30"], ["--max-startups", "START:RATE:FULL"]),
        (["serve", "ssh", "--max-startups", "50:30:10"], ["START <= FULL"]),
        (["serve", "ssh", "--max-auth-tries", "0"], ["must be from 1 to 100"]),
        (["serve", "ssh", "--login-grace-time", "-1"], ["0 (never) or more seconds"]),
        (["serve", "ssh", "--instructor-password-file", "/etc/hostname"], ["need --instructor NAME"]),
        (["serve", "ssh", "--instructor", "teacher"], ["--instructor-password-file", "--instructor-keys"]),
        (["serve", "web", "--host", "0.0.0.0"], ["--open"]),
        (["serve", "status", "--state-dir", "/no/such/dir"], ["does not exist"]),
        (["serve"], ["nntui serve ssh"]),
    ],
)
def test_bad_command_lines(args, words):
    """Each mistake gets one line naming the problem, exit status 2, no traceback."""
    _one_line_error(run_nntui(*args), *words)


def test_malformed_workshop_file(tmp_path):
    """A broken workshop TOML file is one line with the file's name."""
    bad = tmp_path / "workshop.toml"
    bad.write_text("lessons = [unclosed\n")
    _one_line_error(
        run_nntui("serve", "ssh", "--workshop", str(bad), "--state-dir", str(tmp_path / "s")),
        "not valid TOML",
        "workshop.toml",
    )


def test_workshop_file_values(tmp_path):
    """Lessons are found relative to the file; wrong types and unknown keys are refused."""
    (tmp_path / "course").mkdir()
    good = tmp_path / "w.toml"
    good.write_text('title = "Room 4"\nlessons = "course"\nlesson = 2\nseed = 7\n')
    workshop = load_workshop(good)
    assert workshop.lessons == (tmp_path / "course").resolve()
    assert (workshop.lesson, workshop.seed, workshop.title) == ("2", 7, "Room 4")
    for text, words in [
        ("sede = 1\n", "unknown key 'sede'"),
        ("seed = -1\n", "'seed'"),
        ('lessons = "nowhere"\n', "does not exist"),
        ("lesson = 0\n", "start at 1"),
    ]:
        good.write_text(text)
        with pytest.raises(WorkshopError, match=words):
            load_workshop(good)


def test_names():
    """The rule [a-z0-9_-]{1,32}, with a hint for capitals."""
    assert is_valid_name("alice_2-b") and is_valid_name("a" * 32)
    for bad in ["", "a" * 33, "bob smith", "../etc", "dé", "x.y"]:
        assert not is_valid_name(bad) and name_problem(bad)
    assert "lowercase" in name_problem("Alice")


def test_child_command_and_environment(tmp_path):
    """Each child gets its own state dir, the client's TERM, no COLUMNS/LINES, COLORTERM only if sent."""
    plan = SessionPlan(state_dir=tmp_path, lessons=tmp_path / "l", lesson="3", seed=5, app_command=("app",))
    argv = app_argv(plan, "zoe")
    assert argv[:3] == ["app", "--state-dir", str(tmp_path / "users" / "zoe")]
    assert ["--name", "zoe"] == argv[3:5] and "--no-mouse" in argv
    assert argv[argv.index("--lesson") + 1] == "3" and argv[argv.index("--seed") + 1] == "5"
    # Once zoe has progress, the starting lesson is no longer forced on her: she resumes.
    (tmp_path / "users" / "zoe").mkdir(parents=True)
    (tmp_path / "users" / "zoe" / "progress.json").write_text("{}")
    assert "--lesson" not in app_argv(plan, "zoe")
    server_env = {"COLUMNS": "200", "LINES": "50", "TERM": "screen", "COLORTERM": "truecolor", "PATH": "/bin"}
    env = child_env("xterm-256color", None, server_env)
    assert env["TERM"] == "xterm-256color" and "COLORTERM" not in env
    assert "COLUMNS" not in env and "LINES" not in env and env["PATH"] == "/bin"
    assert env["TEXTUAL_ANIMATIONS"] == "none"
    assert child_env("xterm", "24bit", server_env)["COLORTERM"] == "24bit"


def test_status_table_from_progress_files(tmp_path):
    """The table counts checkpoints and steps, shows steps from 1, survives a broken file."""
    users = tmp_path / "users"
    (users / "amy").mkdir(parents=True)
    (users / "ben").mkdir()
    (users / "cat").mkdir()
    now = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    (users / "amy" / "progress.json").write_text(
        '{"version": 1, "name": "amy", "lesson": "02-networks", "step": 3,'
        ' "completed": {"01-neurons": [0, 1, 2], "02-networks": [0, 1, 2]},'
        ' "checkpoints": {"01-neurons": ["h1", "total"], "02-networks": ["o1"]},'
        f' "updated": "{(now - timedelta(minutes=5)).isoformat()}"}}'
    )
    (users / "ben" / "progress.json").write_text("{not json")
    rows = {a.name: a for a in read_attendees(tmp_path)}
    assert rows["amy"].checkpoints == 3 and rows["amy"].steps_done == 6 and rows["amy"].step == 3
    assert rows["ben"].problem and rows["cat"].lesson is None
    table = format_table(list(rows.values()), now=now).splitlines()
    assert table[0].split()[:3] == ["NAME", "ONLINE", "LESSON"]
    amy = table[1].split()
    assert amy[:5] == ["amy", "02-networks", "4", "6", "3"] and "5 min ago" in table[1]
    assert "(unreadable)" in table[2]
