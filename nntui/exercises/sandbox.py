"""Run an exercise's checks in a separate, limited process and turn the outcome into a result.

The child is ``python -m nntui.exercises.runner``; it limits its own memory (RLIMIT_AS) and
CPU time before loading anything, and this side adds a wall-clock timeout that kills the
child's whole process group. Nothing here imports NumPy or the learner's code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CheckResult",
    "run_check",
    "child_command",
    "child_env",
    "kill_group",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_MEMORY_MB",
    "STATUS_MARKS",
]

#: Seconds a check may take; the full training run needs well under one second.
DEFAULT_TIME_LIMIT = 10.0
#: Address space of the child in MB; Python with NumPy needs roughly 100-200 MB.
DEFAULT_MEMORY_MB = 768

#: Plain-text marks for each status (also readable on light terminals and screen readers).
STATUS_MARKS = {
    "passed": "✓",
    "failed": "✗",
    "todo": "·",
    "error": "✗",
    "syntax": "✗",
    "timeout": "✗",
    "memory": "✗",
    "missing": "?",
    "crashed": "✗",
    "unknown": " ",
}


@dataclass
class CheckResult:
    """What happened when one exercise was checked."""

    exercise: str
    status: str  # passed | failed | todo | error | syntax | timeout | memory | missing | crashed
    summary: str  # one line
    case: str = ""
    input: str = ""
    expected: str = ""
    got: str = ""
    line: int | None = None
    code: str = ""  # the offending source line, for syntax errors
    output: str = ""  # the tail of what the learner's code printed
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True only when every case passed."""
        return self.status == "passed"

    def lines(self) -> list[str]:
        """The result as plain-text lines: the summary, then the details that help fix it."""
        out = [self.summary]
        if self.status == "syntax" and self.code:
            out.append(f"  line {self.line}: {self.code}")
        if self.input:
            out.append(f"  input:    {self.input}")
        if self.expected or self.got:
            out.append(f"  expected: {self.expected}")
            out.append(f"  got:      {self.got}")
        if self.output:
            out.append("  your code printed:")
            out.extend("    " + line for line in self.output.splitlines()[-10:])
        return out

    def text(self) -> str:
        """:meth:`lines` joined with newlines."""
        return "\n".join(self.lines())


def child_command(*args: str) -> list[str]:
    """The command line of the sandboxed child (``-B``: never write __pycache__ into the workspace)."""
    return [sys.executable, "-B", "-m", "nntui.exercises.runner", *args]


def child_env() -> dict[str, str]:
    """The child's environment: single-threaded maths libraries, so the memory limit is predictable."""
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    return env


def kill_group(process: subprocess.Popen) -> None:
    """Kill the child and anything it started (it runs in its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError, OSError):
        try:
            process.kill()
        except OSError:
            pass
    process.wait()


def _tail(handle, limit: int = 4000) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", errors="replace")


def _clean_output(text: str) -> str:
    """Drop Python's own noise (warnings about our limits) from what the learner printed."""
    return "\n".join(line for line in text.splitlines() if line.strip()).strip()


def run_check(
    exercise: str,
    path: str | os.PathLike,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> CheckResult:
    """Check the learner's ``path`` against exercise ``exercise`` in a limited child process."""
    path = Path(path).resolve()
    if not path.exists():
        return CheckResult(exercise, "missing", f"{path} does not exist (run `nntui exercises init`)")
    started = time.perf_counter()
    cmd = child_command(
        "check", exercise, str(path), "--memory-mb", str(int(memory_mb)), "--cpu-seconds", str(time_limit)
    )
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=str(path.parent),
                env=child_env(),
                start_new_session=True,
            )
        except OSError as error:
            return CheckResult(exercise, "crashed", f"could not start the checker: {error}")
        try:
            returncode = process.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            kill_group(process)
            return CheckResult(
                exercise,
                "timeout",
                f"took longer than {time_limit:g} s (an endless loop?)",
                seconds=time.perf_counter() - started,
                output=_clean_output(_tail(err)),
            )
        finally:
            if process.poll() is None:  # interrupted while waiting: never leave a child behind
                kill_group(process)
        seconds = time.perf_counter() - started
        out.seek(0)
        lines = out.read().decode("utf-8", errors="replace").strip().splitlines()
        printed = _clean_output(_tail(err))
    data = None
    if lines:
        try:
            data = json.loads(lines[-1])
        except ValueError:
            data = None
    if data is None:
        if returncode == -signal.SIGXCPU or returncode == -signal.SIGKILL:
            return CheckResult(
                exercise,
                "timeout",
                f"took longer than {time_limit:g} s (an endless loop?)",
                seconds=seconds,
                output=printed,
            )
        if "MemoryError" in printed:
            return CheckResult(
                exercise, "memory", f"used more than {memory_mb} MB of memory", seconds=seconds
            )
        how = f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"
        return CheckResult(
            exercise, "crashed", f"your code stopped the checker ({how})", seconds=seconds, output=printed
        )
    known = {"status", "summary", "case", "input", "expected", "got", "line", "code"}
    return CheckResult(
        exercise=exercise,
        status=str(data.get("status", "crashed")),
        summary=str(data.get("summary", "")),
        case=str(data.get("case", "") or ""),
        input=str(data.get("input", "") or ""),
        expected=str(data.get("expected", "") or ""),
        got=str(data.get("got", "") or ""),
        line=data.get("line"),
        code=str(data.get("code", "") or ""),
        output=printed,
        seconds=seconds,
        extra={k: v for k, v in data.items() if k not in known},
    )
