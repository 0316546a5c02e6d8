"""The progress file: atomic saves, damaged files (repaired or set aside, numbered backups), merging."""

from __future__ import annotations

import json
import os

import pytest

from nntui.progress import (
    FILE_NAME,
    MAX_BACKUPS,
    MAX_BYTES,
    DamagedProgress,
    Progress,
    ProgressError,
    ProgressStore,
    resolve_state_dir,
)


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


DEEP = '{"completed": ' + "[" * 200_000 + "]" * 200_000 + "}"


@pytest.mark.parametrize(
    "content",
    ["{oops", "[]", '{"version": 7}', DEEP, '{"step": 1' + "0" * 5000 + "}", "\udcff"],
    ids=["syntax", "list", "version", "deep", "long-number", "not-utf8"],
)
def test_unusable_file_is_moved_to_bak_with_one_notice(tmp_path, content):
    store = ProgressStore(tmp_path)
    store.path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert store.load() == Progress()
    assert store.backup_path.read_bytes() == content.encode("utf-8", "surrogateescape")
    assert not store.path.exists()
    assert "progress.json.bak" in store.notice and "\n" not in store.notice and len(store.notice) < 300


def test_a_bad_field_is_dropped_and_the_rest_kept(tmp_path):
    store = ProgressStore(tmp_path)
    original = json.dumps(
        {
            "version": 1,
            "name": 3,
            "lesson": "02-networks",
            "step": -1,
            "completed": {"01-neurons": [0, 1, "x", 2], "02-networks": "all"},
            "checkpoints": {"01-neurons": ["h1", None]},
            "exercises": {"sigmoid": "passed", "neuron": [1]},
        }
    )
    store.path.write_text(original)
    progress = store.load()
    assert progress.lesson == "02-networks" and progress.name == "" and progress.step == 0
    assert progress.completed == {"01-neurons": [0, 1, 2]}
    assert progress.checkpoints == {"01-neurons": ["h1"]} and progress.exercises == {"sigmoid": "passed"}
    # One line naming what was dropped; the file as it was is kept, the file itself stays.
    assert "\n" not in store.notice and "'step'" in store.notice and "'name'" in store.notice
    assert "'completed' of '02-networks'" in store.notice and "and 1 more" in store.notice
    assert store.backup_path.read_text() == original and store.path.read_text() == original
    store.load()  # loading the same file again keeps no second copy
    assert not store.backup_paths()[1].exists()
    store.save(progress)
    assert ProgressStore(tmp_path).load() == progress


def test_each_damaged_file_gets_its_own_numbered_backup_and_the_first_is_never_replaced(tmp_path):
    for number in range(MAX_BACKUPS + 2):
        store = ProgressStore(tmp_path)
        store.path.write_text(f"damaged {number}")
        store.load()
        assert "start fresh" in store.notice
    backups = ProgressStore(tmp_path).backup_paths()
    assert [p.name for p in backups] == ["progress.json.bak"] + [
        f"progress.json.bak.{n}" for n in range(1, 5)
    ]
    assert [p.read_text() for p in backups[:-1]] == [f"damaged {n}" for n in range(MAX_BACKUPS - 1)]
    assert backups[-1].read_text() == f"damaged {MAX_BACKUPS + 1}"  # the newest slot is reused
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in backups)  # bounded


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "too-large"])
def test_only_a_regular_file_of_bounded_size_is_read(tmp_path, kind):
    store = ProgressStore(tmp_path)
    if kind == "fifo":
        os.mkfifo(store.path)  # reading it would wait for a writer for ever
    elif kind == "dev-zero":
        os.symlink("/dev/zero", store.path)  # reading it would fill the memory
    elif kind == "folder":
        store.path.mkdir()
    else:
        store.path.write_text('{"name": "' + "a" * MAX_BYTES + '"}')
    with pytest.raises(DamagedProgress):
        Progress.read(store.path)
    assert store.load() == Progress()
    assert "could not be used" in store.notice and store.backup_path.exists() and not store.path.exists()


def test_read_changes_nothing_on_disk(tmp_path):
    store = ProgressStore(tmp_path)
    store.path.write_text('{"lesson": "01-neurons", "step": "two"}')
    assert Progress.read(store.path).lesson == "01-neurons"
    store.path.write_text("{oops")
    with pytest.raises(DamagedProgress, match="not valid JSON"):
        Progress.read(store.path)
    assert os.listdir(tmp_path) == [FILE_NAME]
    assert Progress.read(tmp_path / "missing.json") == Progress()


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
