"""The workspace (init, reset, hints) and the `nntui exercises` command line with its exit codes."""

from __future__ import annotations

import io
import json

import pytest

from nntui.cli import main
from nntui.exercises.catalogue import EXERCISES, exercises_for_lesson, get_exercise
from nntui.exercises.workspace import Workspace


def test_init_writes_every_stub_in_order(tmp_path):
    ws = Workspace(tmp_path / "ws")
    created, kept = ws.init()
    assert [p.name for p in created] == [ex.filename for ex in EXERCISES]
    assert kept == []
    assert all(ws.is_untouched(ex) for ex in EXERCISES)


def test_init_twice_keeps_the_learners_edits(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    mine = "def sigmoid(x):\n    return 42  # my own attempt\n"
    ws.path("sigmoid").write_text(mine)
    ws.path("train").unlink()
    created, kept = ws.init()
    assert ws.path("sigmoid").read_text() == mine
    assert [p.name for p in created] == [get_exercise("train").filename]
    assert len(kept) == len(EXERCISES) - 1


def test_reset_restores_the_stub_and_keeps_a_backup(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    mine = "def sigmoid(x):\n    return 0\n"
    ws.path("sigmoid").write_text(mine)
    backup = ws.reset("sigmoid")
    assert ws.is_untouched("sigmoid")
    assert backup is not None and backup.read_text() == mine
    second = ws.reset("sigmoid")
    assert second != backup and backup.exists()


def test_hints_are_revealed_one_at_a_time_and_remembered(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ex = get_exercise("mse_loss")
    shown = [ws.next_hint(ex) for _ in ex.hints]
    assert shown == [(i + 1, text) for i, text in enumerate(ex.hints)]
    assert ws.next_hint(ex) is None
    assert Workspace(tmp_path / "ws").hints_shown(ex) == len(ex.hints)


def test_pass_hash_notices_a_changed_file(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.init()
    ex = get_exercise("sigmoid")
    ws.path(ex).write_text(ex.solution())
    ws.mark_passed(ex)
    assert ws.passes_as_saved(ex)
    ws.path(ex).write_text(ex.solution() + "\n# changed\n")
    assert not ws.passes_as_saved(ex)


# ------------------------------------------------------------------ command line


def _progress(state_dir):
    return json.loads((state_dir / "progress.json").read_text())


def test_cli_init_list_and_check(state_dir, capsys):
    assert main(["exercises", "init"]) == 0
    assert "Wrote 10 exercise files" in capsys.readouterr().out
    assert main(["exercises", "init"]) == 0
    assert "none overwritten" in capsys.readouterr().out

    assert main(["exercises", "check", "sigmoid"]) == 1
    assert "sigmoid is not written yet" in capsys.readouterr().out

    ex = get_exercise("sigmoid")
    (state_dir / "exercises" / ex.filename).write_text(ex.solution())
    assert main(["exercises", "check", "sigmoid"]) == 0
    assert "✓ sigmoid: passed" in capsys.readouterr().out
    assert _progress(state_dir)["exercises"] == {"sigmoid": "passed"}

    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    assert "✓  1  sigmoid" in out
    assert "1 of 10 passed." in out
    assert "Next: sigmoid_derivative." in out


def test_cli_check_exit_code_is_zero_only_when_all_named_pass(state_dir, capsys):
    main(["exercises", "init"])
    for name in ("sigmoid", "mse_loss"):
        ex = get_exercise(name)
        (state_dir / "exercises" / ex.filename).write_text(ex.solution())
    assert main(["exercises", "check", "sigmoid", "mse_loss"]) == 0
    assert main(["exercises", "check", "sigmoid", "neuron"]) == 1
    assert main(["exercises", "check"]) == 1  # all ten: eight are stubs


def test_cli_check_records_a_failure(state_dir, capsys):
    main(["exercises", "init"])
    (state_dir / "exercises" / "ex03_mse_loss.py").write_text("def mse_loss(a, b):\n    return 1.0\n")
    assert main(["exercises", "check", "mse_loss"]) == 1
    out = capsys.readouterr().out
    assert "case 'always predicting 0'" in out and "expected: 0.5" in out and "got:      1.0" in out
    assert _progress(state_dir)["exercises"] == {"mse_loss": "failed"}


def test_cli_dir_option(tmp_path, state_dir, capsys):
    folder = tmp_path / "elsewhere"
    assert main(["exercises", "init", str(folder)]) == 0
    assert (folder / "ex01_sigmoid.py").exists()
    assert not (state_dir / "exercises").exists()
    assert main(["exercises", "check", "sigmoid", "--dir", str(folder)]) == 1
    assert main(["exercises", "--dir", str(folder)]) == 0
    assert str(folder) in capsys.readouterr().out


def test_cli_usage_errors_are_one_line_with_exit_2(state_dir, capsys):
    main(["exercises", "init"])
    capsys.readouterr()
    assert main(["exercises", "check", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no exercise called 'nope'" in err
    with pytest.raises(SystemExit) as stop:
        main(["exercises", "check", "--time-limit", "-1"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_check_without_workspace_says_init(state_dir, capsys):
    assert main(["exercises", "check", "sigmoid"]) == 2
    assert "nntui exercises init" in capsys.readouterr().err


def test_cli_reset_asks_first_and_keeps_a_backup(state_dir, capsys, monkeypatch):
    main(["exercises", "init"])
    path = state_dir / "exercises" / "ex01_sigmoid.py"
    path.write_text("# mine\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["exercises", "reset", "sigmoid"]) == 1
    assert path.read_text() == "# mine\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["exercises", "reset", "sigmoid"]) == 0
    assert path.read_text() == get_exercise("sigmoid").stub
    backups = list((state_dir / "exercises" / ".nntui" / "backup").iterdir())
    assert [b.read_text() for b in backups] == ["# mine\n"]
    path.write_text("# mine again\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["exercises", "reset", "sigmoid", "--yes"]) == 0
    assert path.read_text() == get_exercise("sigmoid").stub


def test_cli_hint_then_solution_only_after_passing(state_dir, capsys):
    main(["exercises", "init"])
    capsys.readouterr()
    ex = get_exercise("sigmoid")
    assert main(["exercises", "hint", "sigmoid"]) == 0
    assert capsys.readouterr().out.strip() == f"Hint 1 of {len(ex.hints)} for sigmoid: {ex.hints[0]}"
    assert main(["exercises", "hint", "1"]) == 0
    assert ex.hints[1] in capsys.readouterr().out
    assert main(["exercises", "solution", "sigmoid"]) == 2
    assert "once your own version passes" in capsys.readouterr().err
    (state_dir / "exercises" / ex.filename).write_text(ex.solution())
    main(["exercises", "check", "sigmoid"])
    capsys.readouterr()
    assert main(["exercises", "solution", "sigmoid"]) == 0
    assert capsys.readouterr().out == ex.solution()


def test_lessons_link_to_their_exercises():
    from nntui.course.locate import resolve_lessons_dir

    slugs = {path.stem for path in resolve_lessons_dir(None).glob("*.md")}
    for ex in EXERCISES:
        assert not ex.lesson or ex.lesson in slugs, f"{ex.name} points at a missing lesson {ex.lesson!r}"
    assert [ex.name for ex in exercises_for_lesson("01-neurons")] == ["sigmoid", "neuron"]
