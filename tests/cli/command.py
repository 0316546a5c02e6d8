"""Running the real `nntui` command in a subprocess, as a user's shell would."""

from __future__ import annotations

import resource
import subprocess
import sys


def _limit_memory() -> None:
    # A file that once filled memory (a link to /dev/zero) must fail the test, not the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def nntui(*args: str, timeout: float = 60, limit_memory: bool = False) -> subprocess.CompletedProcess:
    """``python -m nntui ARGS`` with no terminal on stdin; its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "nntui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=_limit_memory if limit_memory else None,
    )
