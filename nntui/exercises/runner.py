"""The sandboxed child: runs a learner's file, never inside the app's own process.

Started by :mod:`nntui.exercises.sandbox` and :mod:`nntui.exercises.bridge` as
``python -m nntui.exercises.runner check NAME FILE ...`` (one check, one JSON result) or
``python -m nntui.exercises.runner serve WORKSPACE ...`` (a worker answering JSON requests
line by line). Limits are applied here, first thing, before NumPy or the learner's code is
loaded: an address-space limit (RLIMIT_AS), a CPU-time limit for checks, a cap on file
sizes, and no core dumps. The parent adds a wall-clock timeout and kills the process group.

The learner's prints go to stderr: file descriptor 1 is moved aside at start-up and only
this module writes results to it, so nothing the learner prints can corrupt a result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import types

MB = 1024 * 1024


def apply_limits(memory_mb: int, cpu_seconds: float | None) -> None:
    """Limit this process's address space, CPU time and file sizes (POSIX only)."""
    try:
        import resource
    except ImportError:  # Windows: only the parent's wall-clock timeout applies
        return
    limit = int(memory_mb) * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds is not None:
        soft = max(1, int(cpu_seconds) + 1)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * MB, 64 * MB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _take_stdout():
    """Move the real stdout aside for results; from now on fd 1 (and sys.stdout) is stderr."""
    result_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(result_fd, "w", encoding="utf-8", buffering=1)


def _learner_line(tb, path: str) -> int | None:
    """The line of the learner's file closest to where an exception was raised."""
    line = None
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _forget_workspace_modules(folder: str) -> None:
    """Drop the learner's modules from sys.modules so an edited file is read afresh."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and os.path.dirname(os.path.abspath(file)) == folder:
            del sys.modules[name]


def load_learner(path: str) -> types.ModuleType:
    """Compile and run the learner's file as a module named after it (SyntaxError propagates)."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # lets one exercise import another: from ex07_sgd_step import ...
    _forget_workspace_modules(folder)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    code = compile(source, path, "exec")
    name = os.path.splitext(os.path.basename(path))[0]
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(code, module.__dict__)  # noqa: S102 - this is the point of the sandbox
    return module


def _syntax_result(error: SyntaxError) -> dict:
    line = error.lineno or 0
    text = (error.text or "").rstrip("\n")
    kind = type(error).__name__
    return {
        "status": "syntax",
        "summary": f"{kind} on line {line}: {error.msg}",
        "line": line,
        "code": text.strip(),
    }


def _exception_result(error: BaseException, path: str, case=None, memory_mb: int = 0) -> dict:
    """A result for an exception raised while loading or running the learner's code."""
    line = _learner_line(error.__traceback__, path)
    where = f" (line {line})" if line else ""
    result: dict = {"line": line}
    if case is not None:
        result.update(case=case.label, input=case.call_text())
    if isinstance(error, MemoryError):
        result.update(status="memory", summary=f"used more than {memory_mb} MB of memory{where}")
    elif isinstance(error, NotImplementedError):
        what = case.function if case is not None else "this exercise"
        result.update(
            status="todo",
            summary=f"{what} is not written yet: replace `raise NotImplementedError`{where} with your code",
        )
    else:
        message = str(error).splitlines()[0] if str(error) else ""
        detail = f"{type(error).__name__}: {message}" if message else type(error).__name__
        result.update(status="error", summary=f"{detail}{where}")
    return result


def check(name: str, path: str, memory_mb: int) -> dict:
    """Run exercise ``name``'s cases against the file at ``path``; returns a result dict."""
    from .cases import cases_for, compare, describe

    path = os.path.abspath(path)
    started = time.perf_counter()
    try:
        cases = cases_for(name)
        # Expected values first, before the learner's code can change anything in this process.
        expected = [case.expected() for case in cases]
    except MemoryError:
        return {
            "status": "crashed",
            "summary": f"the memory limit ({memory_mb} MB) is too small to run the checks",
        }
    if not os.path.exists(path):
        return {"status": "missing", "summary": f"{path} does not exist (run `nntui exercises init`)"}
    try:
        module = load_learner(path)
    except SyntaxError as error:
        return _syntax_result(error)
    except BaseException as error:  # noqa: BLE001 - report anything the learner's file raises
        if isinstance(error, (KeyboardInterrupt,)):
            raise
        result = _exception_result(error, path, memory_mb=memory_mb)
        if result["status"] == "error":
            result["summary"] = "your file stops with " + result["summary"]
        return result
    for case, want in zip(cases, expected, strict=True):
        fn = getattr(module, case.function, None)
        if not callable(fn):
            return {
                "status": "failed",
                "case": case.label,
                "summary": f"the file has no function named {case.function}",
            }
        try:
            got = case.run(fn)
        except SystemExit as error:
            return {
                "status": "error",
                "case": case.label,
                "input": case.call_text(),
                "summary": f"{case.function} called exit({error.code!r})",
            }
        except BaseException as error:  # noqa: BLE001
            if isinstance(error, KeyboardInterrupt):
                raise
            return _exception_result(error, path, case, memory_mb)
        problem = compare(want, got)
        if problem:
            return {
                "status": "failed",
                "summary": f"case '{case.label}': {problem}",
                "case": case.label,
                "input": case.call_text(),
                "expected": describe(want),
                "got": describe(got),
            }
    return {
        "status": "passed",
        "summary": f"passed all {len(cases)} cases",
        "cases": len(cases),
        "seconds": round(time.perf_counter() - started, 3),
    }


def serve(workspace: str, memory_mb: int, out) -> None:
    """Answer requests from stdin, one JSON object per line, until stdin closes.

    A request is ``{"id": n, "file": "ex01_sigmoid.py", "function": "sigmoid", "args": [...],
    "kwargs": {...}, "callback": "on_epoch" or null}``. When ``callback`` names a keyword,
    the function receives a callable there, and every call of it is sent at once as
    ``{"id": n, "event": [args...]}``. The answer is ``{"id": n, "ok": true, "value": ...}``
    or ``{"id": n, "ok": false, "status": ..., "error": "one line"}``.
    """
    from . import wire

    workspace = os.path.abspath(workspace)
    out.write(wire.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = wire.loads(line)
        except ValueError:
            out.write(wire.dumps({"id": None, "ok": False, "status": "error", "error": "bad request"}) + "\n")
            continue
        rid = request.get("id")
        path = os.path.join(workspace, os.path.basename(str(request.get("file", ""))))
        try:
            module = load_learner(path)
            fn = getattr(module, request["function"], None)
            if not callable(fn):
                raise LookupError(f"{os.path.basename(path)} has no function named {request['function']}")
            kwargs = dict(request.get("kwargs") or {})
            callback = request.get("callback")
            if callback:
                kwargs[callback] = lambda *args, _rid=rid: out.write(
                    wire.dumps({"id": _rid, "event": list(args)}) + "\n"
                )
            value = fn(*request.get("args", []), **kwargs)
            try:
                reply = wire.dumps({"id": rid, "ok": True, "value": value})
            except TypeError as error:
                reply = wire.dumps({"id": rid, "ok": False, "status": "error", "error": str(error)})
            out.write(reply + "\n")
        except SyntaxError as error:
            result = _syntax_result(error)
            out.write(
                wire.dumps({"id": rid, "ok": False, "status": "syntax", "error": result["summary"]}) + "\n"
            )
        except BaseException as error:  # noqa: BLE001 - the answer carries it back, one line
            if isinstance(error, KeyboardInterrupt):
                raise
            result = _exception_result(error, path, memory_mb=memory_mb)
            if isinstance(error, LookupError) and not isinstance(error, (KeyError, IndexError)):
                result["summary"] = str(error)
            out.write(
                wire.dumps({"id": rid, "ok": False, "status": result["status"], "error": result["summary"]})
                + "\n"
            )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the child process."""
    parser = argparse.ArgumentParser(prog="python -m nntui.exercises.runner")
    sub = parser.add_subparsers(dest="mode", required=True)
    one = sub.add_parser("check")
    one.add_argument("exercise")
    one.add_argument("file")
    one.add_argument("--memory-mb", type=int, default=512)
    one.add_argument("--cpu-seconds", type=float, default=10.0)
    many = sub.add_parser("serve")
    many.add_argument("workspace")
    many.add_argument("--memory-mb", type=int, default=512)
    args = parser.parse_args(argv)

    apply_limits(args.memory_mb, args.cpu_seconds if args.mode == "check" else None)
    out = _take_stdout()
    import json

    if args.mode == "check":
        try:
            result = check(args.exercise, args.file, args.memory_mb)
        except MemoryError:
            result = {"status": "memory", "summary": f"used more than {args.memory_mb} MB of memory"}
        out.write(json.dumps(result) + "\n")
        out.flush()
        return 0
    serve(args.workspace, args.memory_mb, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
