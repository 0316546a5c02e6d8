"""Check an exercise: run the learner's functions in the sandbox, judge the answers out here.

The sandboxed child (:mod:`.child`, confined as :mod:`.confine` describes) receives only the
inputs of each case and sends back, in length-prefixed JSON frames read up to a byte cap,
what the learner's function returned or raised. This side compares those answers with the
expected values, which it computes itself from ``nntui.core`` and which never reach the
child: nothing the child writes, prints or patches can mark a pass, short of the right
answers. A wall-clock timeout kills the child's whole process group.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .confine import CHILD_FOLDER, child_command, child_env_for, recheck_after_failure, sandbox_problem

__all__ = [
    "CheckResult",
    "run_check",
    "kill_group",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_MEMORY_MB",
    "STATUS_MARKS",
    "RESULT_LIMIT",
]

#: Seconds a check may take; the full training run needs well under one second.
DEFAULT_TIME_LIMIT = 10.0
#: Address space of the child in MB; Python with NumPy needs roughly 100-200 MB.
DEFAULT_MEMORY_MB = 768
#: The most the child may send back, in bytes (the largest honest answer is ~30 KB).
RESULT_LIMIT = 4 * 1024 * 1024

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
    #: Said once per process when checks run without the sandbox (rlimits only).
    notice: str = ""

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


@functools.cache
def _expected(exercise: str):
    """The cases of ``exercise`` and their trusted answers (computed once per process)."""
    from .cases import cases_for

    cases = cases_for(exercise)
    return cases, [case.expected() for case in cases]


# One check at a time per process: a new check first stops the one still running (its result
# would be stale anyway). Without this, a key held down (or a flood of saves) started a new
# sandbox on every press while the earlier ones ran on, each with its own memory and CPU limit.
_start_lock = threading.Lock()
_running: subprocess.Popen | None = None
_superseded: set[int] = set()

_notice_lock = threading.Lock()
_notice_given = False


def _fallback_notice() -> str:
    """The one-time note that checks run without the sandbox, or "" (already said, or sandboxed)."""
    global _notice_given
    with _notice_lock:
        if _notice_given:
            return ""
        _notice_given = True
    return f"{sandbox_problem()}: your code runs with time and memory limits only, not in a sandbox"


def _tail(handle, limit: int = 4000) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", errors="replace")


def _clean_output(text: str) -> str:
    """Drop blank lines and terminal control characters from what the learner printed."""
    text = "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f"))
    return "\n".join(line for line in text.splitlines() if line.strip()).strip()


def _frames(data: bytes) -> list[dict]:
    """The child's frames (4-byte length, then JSON); stops at the first malformed one."""
    from . import wire

    frames: list[dict] = []
    at = 0
    while at + 4 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        body = data[at + 4 : at + 4 + size]
        if len(body) != size:
            break
        at += 4 + size
        try:
            frame = wire.decode(json.loads(body.decode("utf-8")))
        except (ValueError, TypeError, RecursionError, OverflowError, MemoryError):
            break
        if not isinstance(frame, dict):
            break
        frames.append(frame)
    return frames


def _text(value, limit: int = 300) -> str:
    return _clean_output(str(value))[:limit]


def run_check(
    exercise: str,
    path: str | os.PathLike,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> CheckResult:
    """Check the learner's ``path`` against exercise ``exercise``: run in the sandbox, judged here."""
    path = Path(path).resolve()
    if not path.exists():
        return CheckResult(exercise, "missing", f"{path} does not exist (run `nntui exercises init`)")
    started = time.perf_counter()
    try:
        command = child_command(
            "check", path.parent, "--memory-mb", str(int(memory_mb)), "--cpu-seconds", str(time_limit)
        )
    except OSError as error:
        return CheckResult(exercise, "crashed", f"could not start the checker: {error}")
    notice = "" if command.sandboxed else _fallback_notice()
    folder = CHILD_FOLDER if command.sandboxed else str(path.parent)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = _start_alone(command, out, err)
        except OSError as error:
            return CheckResult(exercise, "crashed", f"could not start the checker: {error}")
        finally:
            command.close()
        timed_out = False
        try:
            # While the child starts and loads NumPy: the cases, and the answers it never sees.
            try:
                cases, expected = _expected(exercise)
            except (MemoryError, ValueError) as error:
                kill_group(process)
                return CheckResult(exercise, "crashed", f"the checks could not be prepared: {error}")
            request = {"folder": folder, "file": path.name, "calls": [case.request() for case in cases]}
            body = json.dumps(request).encode("utf-8")
            try:
                process.stdin.write(len(body).to_bytes(4, "big") + body)
                process.stdin.close()
            except OSError:
                pass  # the child is gone already; what it left is judged below
            returncode = process.wait(timeout=max(0.0, time_limit - (time.perf_counter() - started)))
        except subprocess.TimeoutExpired:
            kill_group(process)
            timed_out = True
            returncode = process.returncode
        finally:
            if process.poll() is None:  # interrupted (or no answers to judge by): no child left behind
                kill_group(process)
            _forget(process)
        seconds = time.perf_counter() - started
        size = out.seek(0, os.SEEK_END)
        out.seek(0)
        data = out.read(RESULT_LIMIT + 1)
        printed = _clean_output(_tail(err))
    result = CheckResult(exercise, "crashed", "", output=printed, seconds=seconds, notice=notice)
    if process.pid in _superseded:
        _superseded.discard(process.pid)
        result.summary = "stopped: a newer check started"
        return result
    if size > RESULT_LIMIT:
        result.summary = f"your code sent back more than {RESULT_LIMIT // (1024 * 1024)} MB"
        return result
    frames = _frames(data)
    if command.sandboxed and not frames and not timed_out and "bwrap:" in printed and recheck_after_failure():
        # bwrap itself cannot run here (found out now rather than by a probe in every process).
        return run_check(exercise, path, time_limit=time_limit, memory_mb=memory_mb)
    try:
        _judge(result, cases, expected, frames, memory_mb)
    except RecursionError:  # an answer nested deeper than any honest one
        result.status = "crashed"
        result.summary = "your code sent back a value nested too deeply to check"
    if not result.summary:  # the child stopped before answering every case
        signum = -returncode if returncode < 0 else returncode - 128 if command.sandboxed else 0
        if timed_out or signum in (signal.SIGXCPU, signal.SIGKILL):
            result.status = "timeout"
            result.summary = f"took longer than {time_limit:g} s (an endless loop?)"
        elif "MemoryError" in printed:
            result.status = "memory"
            result.summary = f"used more than {memory_mb} MB of memory"
        else:
            how = f"signal {signum}" if signum > 0 else f"exit code {returncode}"
            result.summary = f"your code stopped the checker ({how})"
    return result


def _start_alone(command, out, err) -> subprocess.Popen:
    """Start the checker child, after stopping this process's check still running, if any."""
    global _running
    with _start_lock:
        previous = _running
        if previous is not None and previous.poll() is None:
            _superseded.add(previous.pid)
            kill_group(previous)
        _running = subprocess.Popen(
            command.argv,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            cwd=tempfile.gettempdir(),
            env=child_env_for(command),
            pass_fds=command.pass_fds,
            start_new_session=True,
        )
        return _running


def _forget(process: subprocess.Popen) -> None:
    global _running
    with _start_lock:
        if _running is process:
            _running = None


def _judge(result: CheckResult, cases, expected, frames: list[dict], memory_mb: int) -> None:
    """Fill ``result`` from the child's answers; leaves the summary empty if answers are missing."""
    from .cases import compare, describe

    if frames and "setup" in frames[0]:
        result.summary = f"the checker could not start: {_text(frames[0]['setup'])}"
        return
    if frames and "load" in frames[0]:
        if not isinstance(frames[0]["load"], dict):  # forged by the learner's code
            result.summary = "the checker received an answer it does not understand"
            return
        _describe_error(result, frames[0]["load"], None, memory_mb, loading=True)
        return
    for index, (case, want) in enumerate(zip(cases, expected, strict=True)):
        if index >= len(frames):
            return
        frame = frames[index]
        if "missing" in frame:
            result.status = "failed"
            result.case = case.label
            result.summary = f"the file has no function named {case.function}"
            return
        if "error" in frame and isinstance(frame["error"], dict):
            _describe_error(result, frame["error"], case, memory_mb)
            return
        if "value" not in frame:
            result.summary = "the checker received an answer it does not understand"
            return
        got = frame["value"]
        try:
            problem = compare(want, got)
        except (TypeError, ValueError, RecursionError, OverflowError):
            problem = f"expected {describe(want, 80)}, got something else"
        if problem:
            result.status = "failed"
            result.summary = f"case '{case.label}': {problem}"
            result.case = case.label
            result.input = case.call_text()
            result.expected = describe(want)
            result.got = describe(got)
            return
    result.status = "passed"
    result.summary = f"passed all {len(cases)} cases"
    result.extra["cases"] = len(cases)


def _describe_error(result: CheckResult, info: dict, case, memory_mb: int, loading: bool = False) -> None:
    """Word what the child reported going wrong (its strings are cut and cleaned)."""
    kind = str(info.get("kind", "error"))
    line = info.get("line") if isinstance(info.get("line"), int) else None
    where = f" (line {line})" if line else ""
    message = _text(info.get("message", ""))
    type_name = _text(info.get("type", "Exception"), 100)
    result.line = line
    if case is not None:
        result.case = case.label
        result.input = case.call_text()
    if kind == "syntax":
        result.status = "syntax"
        result.summary = f"{type_name} on line {line or 0}: {message}"
        result.code = _text(info.get("code", ""))
    elif kind == "memory":
        result.status = "memory"
        result.summary = f"used more than {memory_mb} MB of memory{where}"
    elif kind == "todo":
        what = case.function if case is not None else "this exercise"
        result.status = "todo"
        result.summary = (
            f"{what} is not written yet: replace `raise NotImplementedError`{where} with your code"
        )
    elif kind == "exit" and case is not None:
        result.status = "error"
        result.summary = f"{case.function} called exit({message})"
    else:
        result.status = "error"
        detail = f"{type_name}: {message}" if message else type_name
        if kind == "exit":
            detail = f"exit({message})"
        result.summary = ("your file stops with " if loading else "") + f"{detail}{where}"
