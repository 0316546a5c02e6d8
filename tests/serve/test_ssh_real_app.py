"""`nntui serve ssh` running the real lesson app for each attendee (the course in lessons/)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from .harness import (
    INSTRUCTOR_PASSWORD,
    PASSWORD_LOGIN,
    _parents,
    children_of,
    instructor_options,
    is_starter,
    process_state,
    run_nntui,
    session_pids,
    wait_for,
)

pytestmark = pytest.mark.ssh

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
RIGHT = "\x1b[C"


@pytest.fixture
def real_server(start_server):
    """An SSH server whose sessions run `python -m nntui` on the repository's lessons."""
    return start_server("--lessons", str(LESSONS), app_command="")


def _first_lesson_title() -> str:
    """The title of lesson 1, read from its front matter (so a renamed lesson does not break this)."""
    first = sorted(LESSONS.glob("01-*.md"))[0]
    match = re.search(r"^title:\s*(.+)$", first.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{first} has no title"
    return match.group(1).strip()


def test_real_app_lesson_resize_steps_quit_resume(real_server, clients):
    """Lesson 1 at 80x24, re-laid out at 120x40, Right steps, q saves and exits 0, reconnect resumes."""
    title = re.escape(_first_lesson_title())
    alice = clients(real_server.port, "alice", cols=80, rows=24)
    header = alice.wait_screen(rf"1\. {title} — step 1/(\d+)")
    steps = int(header.group(1))
    assert steps >= 2

    def title_column() -> int:
        for line in alice.screen.display:
            if "— step" in line:
                return line.index("1. ")
        return -1

    narrow = title_column()
    alice.resize(120, 40)
    # The header is centred: at 120 columns it starts further right than at 80.
    alice.wait_screen(rf"(?m)^.{{{narrow + 10},}}1\. {title} — step 1/{steps}")

    alice.press(RIGHT)
    alice.wait_screen(rf"step 2/{steps}")
    alice.press("q")
    assert alice.wait_exit() == 0

    progress = json.loads((real_server.state_dir / "users" / "alice" / "progress.json").read_text())
    assert progress["name"] == "alice"
    assert progress["step"] == 1
    slug = progress["lesson"]
    assert slug.startswith("01-")

    status = run_nntui("serve", "status", "--state-dir", str(real_server.state_dir))
    assert status.returncode == 0, status.stderr
    row = next(line.split() for line in status.stdout.splitlines() if line.startswith("alice "))
    assert row[1:3] == [slug, "2"]  # not online any more; lesson; step shown counting from 1

    again = clients(real_server.port, "alice")
    again.wait_screen(rf"step 2/{steps}")
    again.press("q")
    assert again.wait_exit() == 0


def test_real_app_killed_client_leaves_no_child(real_server, clients):
    """Killing the client mid-lesson: the attendee's nntui is killed and reaped."""
    before = session_pids(real_server.pid)
    bob = clients(real_server.port, "bob")
    bob.wait_screen(r"step 1/\d+")
    (child,) = session_pids(real_server.pid) - before
    bob.proc.kill(signal.SIGKILL)
    wait_for(lambda: process_state(child) is None, 20, f"nntui child {child} to be reaped")
    assert session_pids(real_server.pid) == before


def test_real_app_server_sigterm_says_goodbye(real_server, clients):
    """SIGTERM to the server mid-lesson: goodbye line, exit status 0, no nntui left behind."""
    carol = clients(real_server.port, "carol", cols=100)
    carol.wait_screen(r"step 1/\d+")
    carol.press(RIGHT)
    carol.wait_screen(r"step 2/\d+")
    (child,) = session_pids(real_server.pid)
    (starter,) = [pid for pid in children_of(real_server.pid) if is_starter(pid)]
    assert real_server.stop() == 0
    assert carol.wait_exit() == 0
    assert "shutting down" in carol.all_output()
    assert process_state(child) is None
    assert process_state(starter) is None
    progress = json.loads((real_server.state_dir / "users" / "carol" / "progress.json").read_text())
    assert progress["step"] == 1


def _sgr_colours(output: str) -> set[str]:
    """The kinds of colour codes in ``output``: '16', '256' (38/48;5;N) or 'true' (38/48;2;R;G;B)."""
    kinds = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", output):
        parts = params.split(";")
        i = 0
        while i < len(parts):
            part = parts[i]
            if part in ("38", "48") and i + 1 < len(parts):
                kinds.add("256" if parts[i + 1] == "5" else "true")
                i += 3 if parts[i + 1] == "5" else 5
                continue
            if part.isdigit() and (30 <= int(part) <= 37 or 40 <= int(part) <= 47 or 90 <= int(part) <= 107):
                kinds.add("16")
            i += 1
    return kinds


#: Indexes of the 256-colour palette that are greys (black, white, the cube's diagonal, the ramp).
GREYS = {0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)}


def test_forked_sessions_get_each_clients_colours(real_server, clients):
    """Sessions forked from one starter each use their own client's TERM, COLORTERM and NO_COLOR."""
    cases = {
        "c256": ({"TERM": "xterm-256color"}, ()),
        "c16": ({"TERM": "xterm"}, ()),
        "ctrue": ({"TERM": "xterm-256color"}, ("-o", "SetEnv=COLORTERM=truecolor")),
        "cmono": ({"TERM": "xterm-256color"}, ("-o", "SetEnv=NO_COLOR=1")),
    }
    seen = {}
    for name, (env, options) in cases.items():
        environment = {key: value for key, value in os.environ.items() if key != "COLORTERM"} | env
        seen[name] = clients(real_server.port, name, *options, env=environment)
    for client in seen.values():
        client.wait_screen(r"step 1/\d+")
        client.press("q")
    for client in seen.values():
        assert client.wait_exit() == 0
    assert _sgr_colours(seen["c256"].all_output()) == {"256"}
    assert _sgr_colours(seen["c16"].all_output()) == {"16"}
    assert _sgr_colours(seen["ctrue"].all_output()) == {"true"}
    mono = seen["cmono"].all_output()
    assert _sgr_colours(mono) == {"256"}
    assert {int(n) for n in re.findall(r"\x1b\[[0-9;]*?[34]8;5;(\d+)", mono)} <= GREYS


def test_forked_session_process(start_server, clients):
    """A forked session: its own process under the starter, one BLAS thread, the limits."""
    server = start_server(
        "--lessons", str(LESSONS), "--memory-limit", "1000", "--cpu-limit", "777", app_command=""
    )
    (starter,) = [pid for pid in children_of(server.pid) if is_starter(pid)]
    client = clients(server.port, "quinn", env=dict(os.environ, TERM="xterm-256color"))
    client.wait_screen(r"step 1/\d+")
    (pid,) = session_pids(server.pid)
    assert pid in children_of(starter)
    assert Path(f"/proc/{pid}/comm").read_text().strip() == "nntui-session"
    # NumPy was imported by the starter: it must have seen one BLAS thread, and stayed one thread
    # (a fork keeps only the forking thread). /proc/PID/environ is the environment a process was
    # started with, so the session's own (per client) is seen in the colours test instead.
    environ = dict(
        item.split("=", 1) for item in Path(f"/proc/{starter}/environ").read_text().split("\0") if "=" in item
    )
    assert environ["OPENBLAS_NUM_THREADS"] == environ["OMP_NUM_THREADS"] == "1"
    assert environ["TEXTUAL_ANIMATIONS"] == "none"
    assert not {"COLUMNS", "LINES", "COLORTERM", "NO_COLOR"} & set(environ)
    assert re.search(r"^Threads:\s+1$", Path(f"/proc/{starter}/status").read_text(), re.MULTILINE)
    limits = Path(f"/proc/{pid}/limits").read_text()
    assert re.search(rf"Max address space\s+{1000 << 20}\s+{1000 << 20}\s", limits)
    assert re.search(r"Max cpu time\s+777\s+782\s", limits)
    client.press("q")
    assert client.wait_exit() == 0
    wait_for(lambda: process_state(pid) is None, 20, "the session to be reaped")


def test_shared_login_uses_the_apps_name_screen(start_server, clients):
    """--shared-user with the real app: the name keeps progress per person; Esc goes on as a guest."""
    server = start_server("--lessons", str(LESSONS), "--shared-user", "room", app_command="")
    users = server.state_dir / "users"
    first = clients(server.port, "room", cols=100, rows=30)
    first.wait_screen(r"What is your name\?")
    first.press("rita\r")
    first.wait_screen(r"step 1/\d+")
    first.press(RIGHT)
    first.wait_screen(r"step 2/\d+")
    first.press("q")
    assert first.wait_exit() == 0
    progress = json.loads((users / "rita" / "progress.json").read_text())
    assert (progress["name"], progress["step"]) == ("rita", 1)

    again = clients(server.port, "room", cols=100, rows=30)
    again.wait_screen(r"What is your name\?")
    again.press("rita\r")
    again.wait_screen(r"step 2/\d+")  # resumed
    again.press("q")
    assert again.wait_exit() == 0

    guest = clients(server.port, "room", cols=100, rows=30)
    guest.wait_screen(r"What is your name\?")
    guest.press("\x1b")
    guest.wait_screen(r"step 1/\d+")
    guest.wait_screen(r"No name given: your progress is not kept")
    guest.press("q")
    assert guest.wait_exit() == 0
    assert sorted(path.name for path in users.iterdir()) == ["rita"]
    assert list((server.state_dir / "guests").iterdir()) == []


def test_sessions_carry_on_when_the_starter_dies(start_server, clients):
    """Killing the starter: running sessions go on and end normally; new ones are spawned; said once."""
    server = start_server("--lessons", str(LESSONS), app_command="")
    (starter,) = [pid for pid in children_of(server.pid) if is_starter(pid)]
    early = clients(server.port, "sam")
    early.wait_screen(r"step 1/\d+")
    (forked,) = session_pids(server.pid)
    os.kill(starter, signal.SIGKILL)
    server.proc.expect("session starter has stopped")
    wait_for(
        lambda: forked in children_of(server.pid), 20, "the orphaned session to be adopted by the server"
    )

    late = clients(server.port, "tia")
    late.wait_screen(r"step 1/\d+")
    spawned = session_pids(server.pid) - {forked}
    assert len(spawned) == 1 and spawned <= set(children_of(server.pid))

    early.press(RIGHT)
    early.wait_screen(r"step 2/\d+")
    early.press("q")
    assert early.wait_exit() == 0  # its exit status reached the server without the starter
    wait_for(lambda: process_state(forked) is None, 20, "the orphaned session to be reaped")
    late.press("q")
    assert late.wait_exit() == 0
    assert server.stop() == 0
    assert "session starter" not in server.proc.before  # said once, when it happened


def test_idle_forked_session_ends_with_a_goodbye(start_server, clients):
    """--idle-timeout ends a forked session with a last line; the process is reaped."""
    server = start_server("--lessons", str(LESSONS), "--idle-timeout", "2", app_command="")
    client = clients(server.port, "uma", cols=200)
    client.wait_screen(r"step 1/\d+")
    (pid,) = session_pids(server.pid)
    assert client.wait_exit(timeout=30) == 0
    assert "no keys pressed for 2 seconds" in client.all_output()
    wait_for(lambda: process_state(pid) is None, 20, "the session to be reaped")


def _autogroup_nice(pid: int) -> int | None:
    """The nice value of the autogroup ``pid`` is in, None if the process has gone."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError):
        return None


def _thread_nices(pid: int) -> list[int]:
    """The nice value of each thread of ``pid``."""
    nices = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
            nices.append(int(stat[stat.rindex(")") + 2 :].split()[16]))
    return nices


def test_training_session_steps_back_while_it_computes(start_server, clients, tmp_path):
    """While a session's worker threads train, its autogroup drops to nice 19 and its worker
    threads to nice 10; once training is over the session is back at nice 0. (Without Linux
    autogroups only the worker threads' nice applies, and only that is checked.)"""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-train.md").write_text(
        "---\ntitle: Long training\n---\n\n## Train\n\nA long run.\n\n"
        "```pane training lr=0.1 epochs=20000 seed=0\n```\n",
        encoding="utf-8",
    )
    server = start_server("--lessons", str(lessons), app_command="")
    client = clients(server.port, "vic", cols=100, rows=30)
    client.wait_screen(r"step 1/1")
    (pid,) = session_pids(server.pid)
    autogroups = Path("/proc/self/autogroup").exists()
    # One run of 20,000 epochs is over in about 0.15 s, too short to count as sustained work
    # on a fast machine: the learner keeps training (r, a new run) until the session steps back.
    last_rerun = [0.0]

    def training(check):
        def condition():
            if check():
                return True
            client.drain()  # the screen keeps changing: a client nobody reads stalls, keys and all
            if time.monotonic() - last_rerun[0] > 0.1:
                client.press("r")
                last_rerun[0] = time.monotonic()
            return False

        return condition

    if autogroups:
        wait_for(
            training(lambda: _autogroup_nice(pid) == 19), 30, "the training session's autogroup at nice 19"
        )
    wait_for(training(lambda: 10 in _thread_nices(pid)), 30, "the worker thread at nice 10")
    assert 0 in _thread_nices(pid)  # the screen's own thread keeps its priority
    if autogroups:
        wait_for(
            lambda: client.drain() or _autogroup_nice(pid) == 0,
            120,
            "the session back at nice 0 after training",
        )
    client.press("q")
    assert client.wait_exit() == 0


def test_workshop_file_and_dashboard_through_the_starter(start_server, clients, tmp_path):
    """--workshop (lessons, first lesson, seed) and the --instructor dashboard work in forked sessions."""
    workshop = tmp_path / "workshop.toml"
    workshop.write_text(f'title = "Room 7"\nlessons = "{LESSONS}"\nlesson = 2\nseed = 7\n', encoding="utf-8")
    server = start_server("--workshop", str(workshop), *instructor_options(tmp_path), app_command="")
    second = sorted(LESSONS.glob("02-*.md"))[0]
    title = re.search(r"^title:\s*(.+)$", second.read_text(encoding="utf-8"), re.MULTILINE).group(1).strip()
    student = clients(server.port, "wes", cols=100, rows=30)
    student.wait_screen(rf"2\. {re.escape(title)} — step 1/\d+")
    teacher = clients(server.port, "teacher", *PASSWORD_LOGIN, cols=120, rows=30)
    teacher.log_in(INSTRUCTOR_PASSWORD)
    teacher.wait_screen(r"NAME +STEP +TITLE")
    teacher.wait_screen(r"wes +2\.1 ")
    teacher.press("q")
    assert teacher.wait_exit() == 0
    student.press("q")
    assert student.wait_exit() == 0


def test_killed_server_leaves_no_sessions(start_server, clients):
    """SIGKILL to the server (no goodbye possible): the starter hangs up its sessions and leaves."""
    server = start_server("--lessons", str(LESSONS), app_command="")
    client = clients(server.port, "xia")
    client.wait_screen(r"step 1/\d+")
    (starter,) = [pid for pid in children_of(server.pid) if is_starter(pid)]
    (session,) = session_pids(server.pid)
    server.proc.kill(signal.SIGKILL)
    for pid, what in ((session, "the session"), (starter, "the starter")):
        wait_for(lambda pid=pid: process_state(pid) in (None, "Z"), 30, f"{what} to end")
    assert client.wait_exit() == 255  # the connection is simply gone


def test_odd_terminal_settings_from_the_client_do_not_stall_session_starts(real_server, clients):
    """A 70 KB COLORTERM (ssh -o SetEnv) made the fork request too big for the session starter:
    the start waited 30 s holding a slot of the start gate. Odd values from the client are
    dropped, and the session is forked from the pre-loaded starter at once, as any other."""
    mallory = clients(real_server.port, "mallory", "-o", "SetEnv=COLORTERM=" + "x" * 70000)
    mallory.wait_screen(r"1\. .* — step 1/", timeout=20)
    (starter,) = [pid for pid in children_of(real_server.pid) if is_starter(pid)]
    sessions = session_pids(real_server.pid)
    assert len(sessions) == 1
    assert sessions <= set(children_of(starter))  # forked, not spawned after a wait


def test_a_link_in_a_lesson_never_starts_a_browser_on_the_server(start_server, clients, tmp_path):
    """Textual opens a clicked link with Python's webbrowser, which on a server without a
    display runs a console browser (www-browser, lynx, w3m: each can run a shell) on the
    attendee's terminal as the server's account. A server session says where the link goes."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-links.md").write_text(
        "---\ntitle: Links\nsummary: one link\n---\n\n## Read more\n\nSee [the docs](https://example.invalid/docs).\n"
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "browser-ran"
    browser = bin_dir / "www-browser"
    browser.write_text(f'#!/bin/sh\necho "$@" > {marker}\n')
    browser.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    env.pop("DISPLAY", None)
    env.pop("BROWSER", None)
    server = start_server("--lessons", str(lessons), "--mouse", app_command="", env=env)
    alice = clients(server.port, "alice", cols=100, rows=30)
    alice.wait_screen(r"See the docs")
    row, line = next((y, text) for y, text in enumerate(alice.screen.display) if "See the docs" in text)
    column = line.index("the docs") + 2
    alice.press(f"\x1b[<0;{column + 1};{row + 1}M\x1b[<0;{column + 1};{row + 1}m")  # a click (SGR)
    try:
        alice.wait_screen(r"https://example\.invalid/docs")  # said on screen, for the attendee's browser
    finally:
        assert not marker.exists(), f"a browser ran on the server: {marker.read_text()}"


def _checks_running(server_pid: int) -> int:
    """How many sandboxed exercise checks run under the server right now (their outer bwrap:
    the one a check waits for; what runs inside goes with it a moment later)."""
    parents = _parents()
    descendants, frontier = set(), {server_pid}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - descendants
        descendants |= frontier

    def is_check(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                words = handle.read().split(b"\0")
        except OSError:
            return False
        return words[0].endswith(b"bwrap") and b"/nntui/child.py" in words and b"check" in words

    return sum(1 for pid in descendants if is_check(pid) and not is_check(parents[pid]))


def test_pressing_check_again_and_again_runs_one_check_at_a_time(start_server, clients, tmp_path):
    """Each `c` started a check while the last one still ran (an endless loop runs 10 s): a held
    key gave one attendee dozens of sandboxes at 768 MB and a CPU each. Now a new check first
    stops the one before it."""
    state = tmp_path / "state"
    folder = state / "users" / "alice" / "exercises"
    folder.mkdir(parents=True)
    (folder / "ex01_sigmoid.py").write_text("while True:\n    pass\n")
    server = start_server("--lessons", str(LESSONS), "--allow-exercises", app_command="", state_dir=state)
    alice = clients(server.port, "alice", cols=100, rows=30)
    alice.wait_screen(r"step 1/\d+")
    alice.press("x")
    alice.wait_screen(r"ex01_sigmoid\.py")
    for _ in range(12):
        alice.press("c")
        alice.drain()
    most = 0
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        most = max(most, _checks_running(server.pid))
        alice.drain()
        time.sleep(0.05)  # a sampling interval, not synchronisation
    assert 1 <= most <= 2, f"{most} checks ran at once for one attendee"
