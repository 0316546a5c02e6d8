"""The progress file: atomic saves, corrupt files, merging with what others wrote."""

from __future__ import annotations

import json
import os

import pytest

from nntui.progress import FILE_NAME, Progress, ProgressError, ProgressStore, resolve_state_dir


def test_save_and_load_round_trip(tmp_path):
    store = ProgressStore(tmp_path / "deep" / "state")
    progress = Progress(name="alice", lesson="01-neurons", step=2)
    progress.mark_completed("01-neurons", 1)
    progress.mark_completed("01-neurons", 0)
    progress.mark_checkpoint("01-neurons", "h1")
    progress.exercises["sigmoid"] = "passed"
    store.save(progress)
    data = json.loads(store.path.read_text())
    assert data["completed"] == {"01-neurons": [0, 1]} and data["checkpoints"] == {"01-neurons": ["h1"]}
    assert data["version"] == 1 and data["updated"].endswith("+00:00")
    assert store.load() == progress
    assert os.listdir(store.state_dir) == [FILE_NAME]  # no temporary file left behind


def test_missing_file_is_a_fresh_start_without_notice(tmp_path):
    store = ProgressStore(tmp_path)
    assert store.load() == Progress() and store.notice is None


def test_a_folder_that_cannot_exist_is_a_fresh_start_without_a_damaged_file_notice(tmp_path):
    (tmp_path / "file").write_text("")
    store = ProgressStore(tmp_path / "file" / "state")  # its parent is a file
    assert store.load() == Progress() and store.notice is None


@pytest.mark.parametrize(
    "content", ["{oops", "[]", '{"version": 7}', '{"step": -1}', '{"completed": {"a": ["x"]}}', '{"name": 3}']
)
def test_corrupt_file_is_moved_to_bak_with_one_notice(tmp_path, content):
    store = ProgressStore(tmp_path)
    store.path.write_text(content)
    assert store.load() == Progress()
    assert store.backup_path.read_text() == content and not store.path.exists()
    assert "progress.json.bak" in store.notice and "\n" not in store.notice


def test_save_into_an_impossible_folder_raises_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    store = ProgressStore(tmp_path / "file" / "state")
    assert not store.writable()
    with pytest.raises(ProgressError) as info:
        store.save(Progress())
    assert "\n" not in str(info.value)


def test_update_keeps_what_another_process_wrote(tmp_path):
    store = ProgressStore(tmp_path)
    other = Progress()
    other.exercises["sigmoid"] = "passed"
    store.save(other)
    store.update(lambda p: setattr(p, "step", 3))
    data = json.loads(store.path.read_text())
    assert data["exercises"] == {"sigmoid": "passed"} and data["step"] == 3


def test_reset_removes_the_file(tmp_path):
    store = ProgressStore(tmp_path)
    store.save(Progress(step=4))
    store.reset()
    store.reset()  # twice is fine
    assert store.load().step == 0


def test_state_dir_option_beats_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NNTUI_STATE_DIR", str(tmp_path / "env"))
    assert resolve_state_dir(None) == tmp_path / "env"
    assert resolve_state_dir(tmp_path / "opt") == tmp_path / "opt"
    monkeypatch.delenv("NNTUI_STATE_DIR")
    assert resolve_state_dir(None).name == "nntui"


async def test_app_keeps_exercise_results_written_while_it_runs(build, state_dir):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        store = ProgressStore(state_dir)
        store.update(lambda p: p.exercises.__setitem__("sigmoid", "passed"))
        await pilot.press("right")
    data = json.loads((state_dir / FILE_NAME).read_text())
    assert data["exercises"] == {"sigmoid": "passed"} and data["step"] == 1
