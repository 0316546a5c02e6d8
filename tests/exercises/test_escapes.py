"""A hostile learner's exercise files, run through `nntui exercises check` as a learner would.

Each file tries one escape from issue 15 (reading secrets, writing outside the scratch
folder, the network, processes that outlive the check, shadowing a module of the checker,
faking a pass, importing nntui or its solutions); every one must fail or be contained, while
real solutions still pass (tests/exercises/test_checks.py).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import nntui
from nntui.cli import main
from nntui.exercises.catalogue import get_exercise
from nntui.exercises.confine import sandbox_problem
from nntui.exercises.sandbox import run_check

pytestmark = pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}")

#: A correct sigmoid, so an escape that is contained still lets the check pass.
SIGMOID = "import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"


def _check(workspace, capsys, source: str, name: str = "sigmoid") -> tuple[int, str, str]:
    """Write ``source`` as the learner's file and run `nntui exercises check NAME`."""
    workspace.path(get_exercise(name)).write_text(source)
    code = main(["exercises", "check", name, "--time-limit", "5"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _recorded(state_dir: Path, name: str = "sigmoid") -> str | None:
    try:
        return json.loads((state_dir / "progress.json").read_text())["exercises"].get(name)
    except (OSError, KeyError, ValueError):
        return None


def test_secrets_outside_the_workspace_cannot_be_read(workspace, state_dir, tmp_path, capsys):
    home = tmp_path / "home" / ".ssh"
    home.mkdir(parents=True)
    (home / "id_ed25519").write_text("SECRET-OF-THE-HOME")
    (state_dir / "ssh_host_ed25519_key").write_text("SECRET-HOST-KEY")
    paths = ["/etc/shadow", str(home / "id_ed25519"), str(state_dir / "ssh_host_ed25519_key")]
    source = (
        f"for path in {paths!r}:\n"
        "    try:\n"
        "        print('READ', path, open(path).read())\n"
        "    except OSError as error:\n"
        "        print('REFUSED', path, type(error).__name__)\n" + SIGMOID
    )
    code, out, _ = _check(workspace, capsys, source)
    assert code == 0, out  # contained: the check itself still works
    assert "SECRET" not in out and "root:" not in out
    assert out.count("REFUSED") == 3


def test_nothing_can_be_written_outside_the_scratch_folder(workspace, state_dir, tmp_path, capsys):
    host_tmp = Path("/tmp") / f"nntui-escape-{uuid.uuid4().hex}"
    targets = [
        tmp_path / "outside.txt",
        state_dir / "progress.json",
        workspace.root / "ex02_sigmoid_derivative.py",
        host_tmp,
    ]
    before = workspace.path(get_exercise("sigmoid_derivative")).read_text()
    source = (
        f"for path in {[str(t) for t in targets]!r}:\n"
        "    try:\n"
        "        open(path, 'w').write('pwned')\n"
        "    except OSError:\n"
        "        pass\n"
        "open('scratch.txt', 'w').write('fine')  # the private /tmp works\n" + SIGMOID
    )
    try:
        _check(workspace, capsys, source)
        assert not (tmp_path / "outside.txt").exists()
        assert not host_tmp.exists()
        assert "pwned" not in (state_dir / "progress.json").read_text()
        assert workspace.path(get_exercise("sigmoid_derivative")).read_text() == before
    finally:
        host_tmp.unlink(missing_ok=True)


def test_no_network_not_even_loopback(workspace, capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    source = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'hello')\n"
        "    print('CONNECTED')\n"
        "except OSError as error:\n"
        "    print('NO NETWORK', type(error).__name__)\n" + SIGMOID
    )
    try:
        _, out, _ = _check(workspace, capsys, source)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()[0].close()  # nobody knocked
        assert "CONNECTED" not in out
    finally:
        listener.close()


def test_forking_is_refused(workspace, capsys):
    source = (
        "import os\n"
        "started = 0\n"
        "for _ in range(200):\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        continue\n"
        "    if pid == 0:\n"
        "        os._exit(0)\n"
        "    started += 1\n"
        "    os.waitpid(pid, 0)\n"
        "print('FORKED', started)\n" + SIGMOID
    )
    code, out, _ = _check(workspace, capsys, source)
    assert "FORKED 0" in out
    assert code == 0  # contained, and the check still runs


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("ending", ["pass", "timeout"])
def test_no_process_outlives_the_check(workspace, capsys, ending):
    marker = f"nntui-leftover-{uuid.uuid4().hex}"
    source = (
        "import os, sys\n"
        "try:\n"
        "    pid = os.fork()\n"
        "except OSError:\n"
        "    pid = -1\n"
        "if pid == 0:\n"
        "    os.setsid()  # out of the checker's process group\n"
        f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}])\n"
    )
    source += SIGMOID if ending == "pass" else "def sigmoid(x):\n    while True:\n        pass\n"
    try:
        _check(workspace, capsys, source)
        assert _processes_with(marker) == []
    finally:
        for pid in _processes_with(marker):  # only what this test's file started
            os.kill(pid, signal.SIGKILL)


def test_a_module_in_the_workspace_never_replaces_one_of_the_checker(workspace, state_dir, capsys):
    (workspace.root / "argparse.py").write_text(
        "import os\n"
        "os.write(2, b'SHADOWED\\n')\n"
        'os.write(1, b\'{"status": "passed", "summary": "fake"}\\n\')\n'
        "os._exit(0)\n"
    )
    stub = get_exercise("sigmoid").stub
    code, out, _ = _check(workspace, capsys, stub)
    assert code == 1
    assert "SHADOWED" not in out
    assert "not written yet" in out


FAKE_PASSES = {
    "writing a passed result and leaving": (
        "import os\n"
        'frame = b\'\\x00\\x00\\x00\\x13{"status":"passed"}\\n\'  # framed, for a framed reader\n'
        'line = b\'{"status": "passed", "summary": "fake"}\\n\'  # a line, for a line reader\n'
        "for fd in range(20):\n"
        "    try:\n"
        "        os.write(fd, frame + line)\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    ),
    "patching json.dumps": (
        "import json\n"
        'json.dumps = lambda *args, **kwargs: \'{"status": "passed", "summary": "fake"}\'\n'
        "def sigmoid(x):\n"
        "    return x\n"
    ),
    "reading the expected value from a caller's frame": (
        "import sys\n"
        "def sigmoid(x):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        for name in ('want', 'expected', 'expect'):\n"
        "            value = frame.f_locals.get(name)\n"
        "            if value is not None and not isinstance(value, list):\n"
        "                return value\n"
        "        frame = frame.f_back\n"
        "    return x\n"
    ),
}


@pytest.mark.parametrize("trick", list(FAKE_PASSES))
def test_a_fake_pass_is_neither_recorded_nor_unlocks_the_solution(workspace, state_dir, capsys, trick):
    code, out, _ = _check(workspace, capsys, FAKE_PASSES[trick])
    assert code == 1, out
    assert _recorded(state_dir) != "passed"
    assert main(["exercises", "solution", "sigmoid"]) == 2
    assert "once your own version passes" in capsys.readouterr().err


def test_nntui_and_its_solutions_cannot_be_imported_or_read(workspace, capsys):
    solution = Path(nntui.__file__).parent / "exercises" / "solutions" / "ex01_sigmoid.py"
    attempts = {
        "import the solution": "from nntui.exercises.solutions.ex01_sigmoid import sigmoid\n",
        "import the judge": "from nntui.exercises.cases import cases_for\nsigmoid = None\n",
        "import the progress store": "import nntui.progress\nsigmoid = None\n",
        "read the solution": f"print(open({str(solution)!r}).read())\n" + SIGMOID,
    }
    for what, source in attempts.items():
        code, out, _ = _check(workspace, capsys, source)
        assert "1.0 / (1.0 + np.exp(-x))" not in out, what  # the solution's own line
        if what != "read the solution":
            assert code == 1, (what, out)
            assert "ModuleNotFoundError" in out, (what, out)


def test_without_bwrap_checks_say_once_that_only_rlimits_apply(workspace, state_dir):
    for name in ("sigmoid", "mse_loss"):
        ex = get_exercise(name)
        workspace.path(ex).write_text(ex.solution())
    env = dict(os.environ, NNTUI_BWRAP="", NNTUI_STATE_DIR=str(state_dir))
    done = subprocess.run(
        [sys.executable, "-m", "nntui", "exercises", "check", "sigmoid", "mse_loss"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.count("not in a sandbox") == 1, done.stderr
    assert "bubblewrap (bwrap) is not installed" in done.stderr


@pytest.mark.parametrize("server", ["ssh", "web"])
def test_serve_with_exercises_refuses_to_start_without_bwrap(tmp_path, monkeypatch, capsys, server):
    monkeypatch.setenv("NNTUI_BWRAP", "")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")  # so that, if the check were missing, start-up would stop anyway
    argv = ["serve", server, "--open", "--allow-exercises", "--port", "1", "--state-dir", str(not_a_folder)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--allow-exercises needs the bubblewrap sandbox" in err
    assert "not installed" in err


def test_on_a_server_without_bwrap_a_check_refuses_to_run(workspace, monkeypatch):
    monkeypatch.setenv("NNTUI_BWRAP", "")
    monkeypatch.setenv("NNTUI_ON_SERVER", "1")
    ex = get_exercise("sigmoid")
    workspace.path(ex).write_text(ex.solution())
    result = run_check("sigmoid", workspace.path(ex))
    assert result.status == "crashed"
    assert "needs the sandbox on a server" in result.summary


def test_a_bwrap_that_cannot_run_is_found_out_and_said_once(workspace, state_dir, tmp_path):
    broken = tmp_path / "bwrap"
    broken.write_text("#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n")
    broken.chmod(0o755)
    for name in ("sigmoid", "mse_loss"):
        ex = get_exercise(name)
        workspace.path(ex).write_text(ex.solution())
    env = dict(os.environ, NNTUI_BWRAP=str(broken), NNTUI_STATE_DIR=str(state_dir))
    command = [sys.executable, "-m", "nntui", "exercises", "check", "sigmoid", "mse_loss"]
    local = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert local.returncode == 0, local.stdout + local.stderr
    assert local.stderr.count("not in a sandbox") == 1
    assert "No permissions to create a new namespace" in local.stderr
    server = subprocess.run(
        command, env=env | {"NNTUI_ON_SERVER": "1"}, capture_output=True, text=True, timeout=120, check=False
    )
    assert server.returncode == 1
    assert "needs the sandbox on a server" in server.stdout


def test_scratch_space_is_small(workspace, capsys):
    tag = f"nntui-fill-{uuid.uuid4().hex}"
    source = (
        "import os\n"
        "written = 0\n"
        f"for path in ['{tag}-a', '{tag}-b', '{tag}-c', '/dev/shm/{tag}-d', '/dev/shm/{tag}-e']:\n"
        "    try:\n"
        "        with open(path, 'wb') as handle:\n"
        "            for _ in range(16):\n"
        "                handle.write(bytes(4 * 1024 * 1024))\n"
        "                handle.flush()\n"
        "                written += 4\n"
        "    except OSError:\n"
        "        pass\n"
        "print('WROTE MB', written)\n" + SIGMOID
    )
    try:
        _, out, _ = _check(workspace, capsys, source)
        written = int(out.split("WROTE MB")[1].split()[0])
        assert written <= 64  # the private /tmp's size; /dev is read-only
    finally:
        for leftover in Path("/dev/shm").glob(f"{tag}-*"):
            leftover.unlink()


def test_the_sandbox_init_process_cannot_be_reached(workspace, capsys):
    """bwrap's own process 1 in the sandbox has neither the seccomp filter nor the limits, and a
    different process group from the one a check kills: learner code that could write its memory
    (ptrace, /proc/1/mem, process_vm_writev) could make it fork freely and outlive the check."""
    source = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.ptrace(16, 1, 0, 0) == 0:  # PTRACE_ATTACH\n"
        "    print('REACHED ptrace')\n"
        "try:\n"
        "    open('/proc/1/mem', 'r+b', buffering=0).close()\n"
        "    print('REACHED /proc/1/mem')\n"
        "except OSError:\n"
        "    pass\n"
        "buffer = ctypes.create_string_buffer(8)\n"
        "class IoVec(ctypes.Structure):\n"
        "    _fields_ = [('base', ctypes.c_void_p), ('length', ctypes.c_size_t)]\n"
        "local = IoVec(ctypes.addressof(buffer), 8)\n"
        "remote = IoVec(0x400000, 8)\n"
        "libc.process_vm_readv(1, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)\n"
        "if ctypes.get_errno() not in (1, 38):  # EPERM, ENOSYS: refused outright\n"
        "    print('REACHED process_vm_readv', ctypes.get_errno())\n" + SIGMOID
    )
    code, out, _ = _check(workspace, capsys, source)
    assert "REACHED" not in out
    assert code == 0, out  # contained, and the check still runs


@pytest.mark.parametrize("frame", [{"load": [1]}, {"load": "x"}, {"error": [1]}, {"setup": None}])
def test_frames_forged_on_the_result_descriptor_are_judged_not_a_crash(workspace, capsys, frame):
    """Learner code can write its own frames where the child sends its answers; one whose
    parts are not what the judge expects must fail the check in one line, not raise."""
    source = (
        "import json, os\n"
        f"body = json.dumps({frame!r}).encode()\n"
        "for fd in range(3, 10):\n"
        "    try:\n"
        "        os.write(fd, len(body).to_bytes(4, 'big') + body)\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    code, out, err = _check(workspace, capsys, source)
    assert code == 1
    assert out.startswith("✗ sigmoid:"), out
    assert "Traceback" not in out + err
