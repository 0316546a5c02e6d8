"""How the learner's code is confined: the command line of the sandboxed child.

With bubblewrap (``bwrap``, the sandbox Flatpak uses; no root needed) the child sees a new,
read-only file system that holds only what Python and NumPy need: ``/usr/lib`` (and
``/lib``), the interpreter, its standard library (without its site-packages), NumPy, the
three files of :mod:`.child`, and the learner's exercise folder, read-only, at
``/exercises``. ``/tmp`` is a private 64 MB tmpfs (the only writable place; ``/dev`` is
bwrap's minimal one, read-only). It has no network, its own PID namespace
(``--die-with-parent``: when the check ends, every process in it ends), its own user
namespace as ``nobody``, no capabilities, a clean environment, a new session (no terminal
to type into) and a seccomp filter that refuses fork, vfork, clone, and ptrace and the other
ways into another process (bwrap's own process 1 is outside the filter and the limits).
Not there: the home folder, the state folder, /etc, /proc, the server's keys, nntui itself.

Without bwrap the child runs with its own rlimits only (:func:`sandbox_problem` says why);
``NNTUI_BWRAP`` names another bwrap, or (empty) pretends there is none.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import struct
import subprocess
import sys
import sysconfig
from pathlib import Path

from . import SERVER_ENV, on_server

__all__ = [
    "BWRAP_ENV",
    "ChildCommand",
    "SERVER_ENV",
    "child_command",
    "on_server",
    "sandbox_problem",
    "CHILD_FOLDER",
]

#: Path of the bwrap to use (tests set it empty to see how nntui behaves without one).
BWRAP_ENV = "NNTUI_BWRAP"
#: Where the learner's folder appears inside the sandbox.
CHILD_FOLDER = "/exercises"

_HERE = Path(__file__).resolve().parent
_INSIDE = "/nntui"  # child.py, wire.py, given.py
_SITE = "/nntui/site"  # numpy (and numpy.libs) only
_CHILD_FILES = ("child.py", "wire.py", "given.py")
_SCRATCH_BYTES = 64 * 1024 * 1024


def _bwrap_path() -> str | None:
    if BWRAP_ENV in os.environ:
        chosen = os.environ[BWRAP_ENV].strip()
        return chosen if chosen and os.access(chosen, os.X_OK) else None
    return shutil.which("bwrap")


def _interpreter() -> Path:
    """The real Python binary (a virtualenv's python is a link to it)."""
    return Path(getattr(sys, "_base_executable", None) or sys.executable).resolve()


def _numpy_dirs() -> list[Path]:
    """NumPy's package folder and, for wheels, its bundled libraries (numpy.libs)."""
    import importlib.util

    spec = importlib.util.find_spec("numpy")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(list(spec.submodule_search_locations)[0]).resolve()
    libs = package.parent / "numpy.libs"
    return [package] + ([libs] if libs.is_dir() else [])


def _seccomp_program() -> bytes | None:
    """A classic BPF filter: fork, vfork, clone and reaching into another process fail with
    EPERM, clone3 with ENOSYS.

    bwrap's own process 1 in the sandbox runs without this filter and without the child's
    rlimits, in a process group of its own: ptrace, process_vm_readv/writev and pidfd_getfd
    on it would let learner code fork freely and outlive the check.
    """
    machine = platform.machine()
    if machine in ("x86_64", "AMD64"):
        # clone, fork, vfork, ptrace, process_vm_readv, process_vm_writev, pidfd_getfd
        arch, refused, clone3 = 0xC000003E, (56, 57, 58, 101, 310, 311, 438), 435
    elif machine in ("aarch64", "arm64"):
        # clone, ptrace, process_vm_readv, process_vm_writev, pidfd_getfd
        arch, refused, clone3 = 0xC00000B7, (220, 117, 270, 271, 438), 435
    else:
        return None
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, errno = 0x7FFF0000, 0x00050000
    eperm, enosys = errno | 1, errno | 38

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    n = len(refused)
    # 0 load arch, 1 check it, 2 (other arch) refuse, 3 load the number, 4 x32 check,
    # 5.. the refused ones, then clone3, allow, eperm (at 7 + n), enosys (at 8 + n).
    body = [op(ld_abs, 4), op(jeq, arch, 1, 0), op(ret, eperm), op(ld_abs, 0)]
    # x86_64's x32 syscalls (numbers from 0x40000000) would dodge the checks below.
    body.append(op(jge, 0x40000000, n + 2, 0))
    for i, nr in enumerate(refused):
        body.append(op(jeq, nr, n + 1 - i, 0))
    body.append(op(jeq, clone3, 2, 0))  # to "enosys"
    body.append(op(ret, allow))
    body.append(op(ret, eperm))
    body.append(op(ret, enosys))
    return b"".join(body)


@functools.cache
def _read_only_binds() -> tuple[list[str], list[str]]:
    """bwrap options for the system and Python parts, and the folders to hide inside them."""
    options: list[str] = []
    for folder in ("/usr/lib", "/usr/lib64", "/usr/lib32"):
        if os.path.isdir(folder):
            options += ["--ro-bind", folder, folder]
    for top in ("/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            options += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            options += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        options += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    python = _interpreter()
    options += ["--ro-bind", str(python), str(python)]
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    options += ["--ro-bind", str(stdlib), str(stdlib)]
    libdir = sysconfig.get_config_var("LIBDIR")
    library = sysconfig.get_config_var("INSTSONAME")
    if libdir and library and (Path(libdir) / library).exists():
        shared = (Path(libdir) / library).resolve()
        options += ["--ro-bind", str(shared), str(Path(libdir) / library)]
    for folder in _numpy_dirs():
        options += ["--ro-bind", str(folder), f"{_SITE}/{folder.name}"]
    for name in _CHILD_FILES:
        options += ["--ro-bind", str(_HERE / name), f"{_INSIDE}/{name}"]
    # Every site-packages inside what is bound, and nntui itself wherever it is, stay hidden.
    bound = ["/usr/lib", "/usr/lib64", "/usr/lib32", str(stdlib)]
    candidates = {str(stdlib / "site-packages"), str(_HERE.parent)}
    for scheme in ("purelib", "platlib"):
        candidates.add(str(Path(sysconfig.get_paths()[scheme]).resolve()))
    for folder in Path("/usr/lib").glob("python3*/*-packages"):
        candidates.add(str(folder))
    hidden = sorted(
        c for c in candidates if os.path.isdir(c) and any(c == b or c.startswith(b + "/") for b in bound)
    )
    return options, hidden


class ChildCommand:
    """The argv of one sandboxed child and the descriptor it inherits (the seccomp filter)."""

    def __init__(self, argv: list[str], pass_fds: tuple[int, ...] = (), sandboxed: bool = True) -> None:
        self.argv = argv
        self.pass_fds = pass_fds
        #: False when only rlimits apply (no bwrap).
        self.sandboxed = sandboxed

    def close(self) -> None:
        """Close the parent's copy of the inherited descriptors (after the child started)."""
        for fd in self.pass_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.pass_fds = ()


def _child_env() -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
    # Single-threaded maths libraries: no threads (clone is refused) and a predictable memory use.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = "1"
    return env


def child_command(mode: str, folder: str | os.PathLike, *options: str) -> ChildCommand:
    """How to start :mod:`.child` in ``mode`` ("check" or "serve") on the learner's ``folder``.

    In the sandbox the folder is ``/exercises``; the child's options come after ``mode``.
    Raises OSError when a server has no working sandbox (see :func:`sandbox_problem`).
    """
    folder = Path(folder).resolve()
    problem = sandbox_problem(probe=False)
    if problem is not None:
        if on_server():
            raise OSError(f"learner code needs the sandbox on a server: {problem}")
        argv = [str(_interpreter()), "-I", "-S", "-B", str(_HERE / "child.py"), mode, *options]
        if mode == "serve":
            argv += ["--folder", str(folder)]
        return ChildCommand(argv, sandboxed=False)
    return _sandboxed(str(_bwrap_path()), mode, folder, options)


def _sandboxed(bwrap: str, mode: str, folder: Path, options) -> ChildCommand:
    """The bwrap command line (see the module's docstring for what it isolates)."""
    python = str(_interpreter())
    binds, hidden = _read_only_binds()
    newer = _newer_options(bwrap)
    argv = [bwrap, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    argv += ["--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL"]
    if "--disable-userns" in newer:
        argv.append("--disable-userns")
    for key, value in _child_env().items():
        argv += ["--setenv", key, value]
    argv += ["--setenv", "NNTUI_CHILD_SITE", _SITE]
    argv += binds
    for folder_to_hide in hidden:
        argv += ["--tmpfs", folder_to_hide, "--remount-ro", folder_to_hide]
    if folder.is_dir():
        argv += ["--ro-bind", str(folder), CHILD_FOLDER]
    # No /proc: /proc/1/mem would give write access to bwrap's process 1 (see _seccomp_program).
    # /dev's own tmpfs has no size limit: read-only, so /tmp stays the only place to write.
    argv += ["--dev", "/dev", "--remount-ro", "/dev"]
    if "--size" in newer:
        argv += ["--size", str(_SCRATCH_BYTES)]
    argv += ["--tmpfs", "/tmp", "--remount-ro", "/", "--chdir", "/tmp"]
    pass_fds: tuple[int, ...] = ()
    program = _seccomp_program()
    if program is not None:
        fd = os.memfd_create("nntui-seccomp", 0)
        os.write(fd, program)
        os.lseek(fd, 0, os.SEEK_SET)
        pass_fds = (fd,)
        argv += ["--seccomp", str(fd)]
    argv += [python, "-I", "-S", "-B", f"{_INSIDE}/child.py", mode, *options]
    if mode == "serve":
        argv += ["--folder", CHILD_FOLDER]
    return ChildCommand(argv, pass_fds)


def child_env_for(command: ChildCommand) -> dict[str, str]:
    """The environment to start ``command`` with (bwrap clears it inside anyway)."""
    env = _child_env()
    if not command.sandboxed:
        site = [str(folder.parent) for folder in _numpy_dirs()[:1]]
        if site:
            env["NNTUI_CHILD_SITE"] = site[0]
    return env


@functools.cache
def _newer_options(bwrap: str) -> frozenset[str]:
    """Which of bwrap's newer hardening options (0.8: --disable-userns, --size) this one has."""
    try:
        done = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(o for o in ("--disable-userns", "--size") if o in done.stdout + done.stderr)


@functools.cache
def _probe(bwrap: str) -> str | None:
    """Start a tiny sandboxed Python once; None when it works, else what went wrong."""
    probe = _sandboxed(bwrap, "probe", Path("/nonexistent"), ())
    try:
        done = subprocess.run(
            probe.argv,
            pass_fds=probe.pass_fds,
            env=_child_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"{bwrap} does not run: {error}"
    finally:
        probe.close()
    if done.returncode != 0 or b"probe ok" not in done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{bwrap} does not work here ({reason[-1] if reason else f'exit code {done.returncode}'})"
    return None


def sandbox_problem(probe: bool = True) -> str | None:
    """None when learner code can run in bwrap here; else a one-line reason.

    ``probe=False`` trusts an installed bwrap until a run shows otherwise
    (:func:`recheck_after_failure`), which saves starting one sandbox per process.
    """
    if not sys.platform.startswith("linux"):
        return "the bubblewrap sandbox needs Linux"
    bwrap = _bwrap_path()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt install bubblewrap)"
    return _probe(bwrap) if probe or _probe.cache_info().currsize else None


def recheck_after_failure() -> bool:
    """After a sandboxed child failed before it answered: True if bwrap itself does not work.

    Decided by the probe, never by what the failed child printed (learner code could print
    anything); from then on :func:`sandbox_problem` gives the reason.
    """
    return sandbox_problem(probe=True) is not None
