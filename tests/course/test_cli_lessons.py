"""`nntui lessons`, `nntui lessons check DIR` and the app's own lessons/theme checks, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from nntui.cli import main
from nntui.course import default_lessons_dir, load_course

FIXTURE = Path(__file__).parent.parent / "app" / "fixture_lessons"


def test_lessons_lists_slug_title_and_each_steps_panes(capsys):
    assert main(["lessons", "--lessons", str(FIXTURE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "01-first: First steps - A tiny lesson for the tests."
    assert out[1] == "   1. One neuron [neuron]"
    assert out[2] == "   2. A question [neuron] (1 check)"
    assert out[3] == "   3. Only text"
    assert out[4].startswith("02-second: Second lesson")


def test_lessons_json(capsys, monkeypatch):
    monkeypatch.setenv("NNTUI_LESSONS_DIR", str(FIXTURE))
    assert main(["lessons", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [lesson["slug"] for lesson in data["lessons"]] == ["01-first", "02-second"]
    assert data["lessons"][0]["steps"][1] == {"title": "A question", "panes": ["neuron"], "checks": ["out"]}
    assert data["problems"] == []


def test_lessons_without_options_lists_the_shipped_course(capsys):
    assert main(["lessons", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert Path(data["directory"]) == default_lessons_dir()
    assert data["lessons"]


def test_check_a_clean_folder_exits_0(capsys):
    assert main(["lessons", "check", str(FIXTURE)]) == 0
    assert "2 lesson(s), 5 step(s), no problems" in capsys.readouterr().out


def test_check_reports_every_problem_as_file_line_message_and_exits_1(capsys, tmp_path):
    (tmp_path / "01-a.md").write_text("---\nsummary: no title\n---\n## S\n```pane nosuch\n```\n## E\n")
    (tmp_path / "01-b.md").write_text("---\ntitle: B\n---\n## S\n```pane neuron b=[1]\n```\n")
    (tmp_path / "02-c.md").write_text("---\ntitle: C\n---\n## S\n```pane network x=abc\n```\n")
    assert main(["lessons", "check", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    a, b, c = (str(tmp_path / name) for name in ("01-a.md", "01-b.md", "02-c.md"))
    assert f"{a}:1: missing 'title:' in the front matter" in lines
    assert any(line.startswith(f"{a}:5: unknown pane type 'nosuch'") for line in lines)
    assert f"{a}:7: step 'E' is empty" in lines
    assert f"{b}:1: duplicate lesson number 1: 01-a.md has it too" in lines
    assert any(line.startswith(f"{b}:5: pane neuron: b: expected a number") for line in lines)
    assert any(line.startswith(f"{c}:5: pane network: x: expected a list of 2 numbers") for line in lines)
    assert len(lines) == len(load_course(tmp_path).problems) == 6
    assert "6 problem(s)" in captured.err


def test_app_on_a_broken_folder_prints_the_same_messages_and_exits_1(capsys, tmp_path):
    (tmp_path / "01-a.md").write_text("## no front matter\n")
    assert main(["--lessons", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    for problem in load_course(tmp_path).problems:
        assert str(problem) in err
    assert "Traceback" not in err


def test_app_rejects_an_unknown_theme_in_one_line(capsys):
    assert main(["--lessons", str(FIXTURE), "--theme", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("nntui: error: unknown theme 'nope'")


def test_app_rejects_an_unknown_lesson_in_one_line(capsys):
    assert main(["--lessons", str(FIXTURE), "--lesson", "7"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lesson '7'" in err
