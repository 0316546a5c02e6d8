"""The sandboxed child: runs the learner's file and sends back what its functions return.

This file is standalone on purpose: it is bound alone into the sandbox (with ``wire.py`` and
``given.py`` next to it) and run as ``python -I -S -B child.py MODE --memory-mb N
[--cpu-seconds S]``, so neither ``nntui`` nor its reference solutions can be imported inside.
It never sees an expected value: the parent judges what comes back.

Order matters: the limits are set first, before anything is read, before NumPy and before any
module of the learner's folder could be imported; the learner's folder goes last on
``sys.path``, so a file such as ``argparse.py`` there never replaces a standard module.

``check`` mode reads one request (a 4-byte big-endian length, then JSON)::

    {"folder": "/exercises", "file": "ex01_sigmoid.py",
     "calls": [{"function": "sigmoid", "args": [...], "kwargs": {...}, "record": ""}, ...]}

and writes one frame per call (same framing) to its real stdout: ``{"value": ...}`` or
``{"error": {...}}`` (then stops), after ``{"load": {...}}`` if the file itself fails.
``serve`` mode answers JSON lines, one request per line (see :mod:`nntui.exercises.bridge`).
What the learner prints goes to stderr: fd 1 is moved aside before their code runs.
"""

import os
import sys

MB = 1024 * 1024
#: Largest request the child reads (inputs are small arrays).
REQUEST_LIMIT = 4 * MB
_HERE = os.path.dirname(os.path.abspath(__file__))


def apply_limits(memory_mb, cpu_seconds):
    """Address space, CPU time, file size, processes and open files; no core dumps."""
    import resource

    limit = int(memory_mb) * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds is not None:
        soft = max(1, int(cpu_seconds) + 1)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * MB, 64 * MB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    # No new processes or threads: the exercises need none (counted per user, so this is
    # only a backstop; the sandbox also refuses fork and clone outright).
    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))


def parse_argv(argv):
    """(mode, options) from ``MODE --memory-mb N [--cpu-seconds S] [--folder DIR]``."""
    return argv[0], dict(zip(argv[1::2], argv[2::2], strict=False))


def _load_by_path(name, filename):
    """Run one of the files next to this one as module ``name``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, os.path.join(_HERE, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_numpy():
    """Put NumPy's folder on the path (after the standard library) and import it."""
    site = os.environ.get("NNTUI_CHILD_SITE")
    if site and site not in sys.path:
        sys.path.append(site)
    import numpy  # noqa: F401


def prepare_imports(folder):
    """NumPy, the working pieces as ``nntui.exercises.given``, and the learner's folder last."""
    import types

    load_numpy()
    # Only this one module of nntui exists in here: the learner's files import it.
    for name in ("nntui", "nntui.exercises"):
        package = types.ModuleType(name)
        package.__path__ = []
        sys.modules[name] = package
    given = _load_by_path("nntui.exercises.given", "given.py")
    sys.modules["nntui"].exercises = sys.modules["nntui.exercises"]
    sys.modules["nntui.exercises"].given = given
    if folder not in sys.path:
        sys.path.append(folder)  # lets one exercise import another: from ex07_sgd_step import ...


def _forget_folder_modules(folder):
    """Drop the learner's modules from sys.modules so an edited file is read afresh."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and os.path.dirname(os.path.abspath(file)) == folder:
            del sys.modules[name]


def load_learner(path):
    """Compile and run the learner's file as a module named after it (SyntaxError propagates)."""
    import types

    _forget_folder_modules(os.path.dirname(path))
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    code = compile(source, path, "exec")
    name = os.path.splitext(os.path.basename(path))[0]
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(code, module.__dict__)  # noqa: S102 - this is the point of the sandbox
    return module


def _learner_line(tb, path):
    line = None
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def describe_error(error, path):
    """What went wrong, as plain data for the parent to word: kind, type, message, line."""
    if isinstance(error, SyntaxError):
        return {
            "kind": "syntax",
            "type": type(error).__name__,
            "message": str(error.msg)[:300],
            "line": error.lineno or 0,
            "code": (error.text or "").strip()[:300],
        }
    if isinstance(error, SystemExit):
        kind = "exit"
        message = repr(error.code)
    else:
        kind = "error"
        if isinstance(error, MemoryError):
            kind = "memory"
        elif isinstance(error, NotImplementedError):
            kind = "todo"
        try:
            message = str(error)
        except Exception:  # noqa: BLE001 - a learner's exception class may break str()
            message = ""
    return {
        "kind": kind,
        "type": type(error).__name__[:100],
        "message": (message.splitlines()[0] if message else "")[:300],
        "line": _learner_line(error.__traceback__, path),
    }


def call_one(fn, call, wire):
    """Call ``fn`` as the request says; with ``record``, also return what that callback got."""
    args = wire.decode(call.get("args", []))
    kwargs = wire.decode(call.get("kwargs", {}))
    record = call.get("record")
    if not record:
        return fn(*args, **kwargs)
    seen = []
    kwargs[record] = lambda *values: seen.append(tuple(values))
    params, losses = fn(*args, **kwargs)
    return {"params": params, "losses": list(losses), "on_epoch calls": seen}


def write_frame(out, message, wire):
    data = wire.dumps(message).encode("utf-8")
    out.write(len(data).to_bytes(4, "big") + data)
    out.flush()


def read_frame(stream):
    header = stream.read(4)
    size = int.from_bytes(header, "big") if len(header) == 4 else -1
    if size < 0 or size > REQUEST_LIMIT:
        raise ValueError("bad request")
    import json

    return json.loads(stream.read(size).decode("utf-8"))


def check(out, wire):
    """Run every call of the request against the learner's file; one frame per call."""
    try:
        load_numpy()  # before the request: the parent works out the cases meanwhile
    except Exception as error:  # noqa: BLE001 - a broken installation, not the learner's code
        write_frame(
            out, {"setup": f"NumPy does not load in the sandbox: {type(error).__name__}: {error}"}, wire
        )
        return
    request = read_frame(sys.stdin.buffer)
    folder = os.path.abspath(request["folder"])
    path = os.path.join(folder, os.path.basename(request["file"]))
    prepare_imports(folder)
    try:
        module = load_learner(path)
    except BaseException as error:  # noqa: BLE001 - report anything the learner's file raises
        write_frame(out, {"load": describe_error(error, path)}, wire)
        return
    for call in request["calls"]:
        fn = getattr(module, call["function"], None)
        if not callable(fn):
            write_frame(out, {"missing": call["function"]}, wire)
            return
        try:
            value = call_one(fn, call, wire)
        except BaseException as error:  # noqa: BLE001
            write_frame(out, {"error": describe_error(error, path)}, wire)
            return
        try:
            write_frame(out, {"value": value}, wire)
        except (TypeError, ValueError, RecursionError) as error:
            message = f"{call['function']} returned something that cannot be checked: {error}"
            error_info = {"kind": "error", "type": "TypeError", "message": message[:300]}
            write_frame(out, {"error": error_info}, wire)
            return


def serve(out, wire, folder):
    """Answer requests line by line until stdin closes (the bridge's worker)."""
    prepare_imports(folder)
    text = os.fdopen(out.fileno(), "w", encoding="utf-8", buffering=1, closefd=False)

    def send(message):
        text.write(wire.dumps(message) + "\n")

    send({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = wire.loads(line)
        except ValueError:
            send({"id": None, "ok": False, "status": "error", "error": "bad request"})
            continue
        rid = request.get("id")
        path = os.path.join(folder, os.path.basename(str(request.get("file", ""))))
        try:
            module = load_learner(path)
            fn = getattr(module, request["function"], None)
            if not callable(fn):
                problem = f"{os.path.basename(path)} has no function named {request['function']}"
                send({"id": rid, "ok": False, "status": "error", "error": problem})
                continue
            kwargs = dict(request.get("kwargs") or {})
            if request.get("callback"):
                kwargs[request["callback"]] = lambda *args, _rid=rid: send({"id": _rid, "event": list(args)})
            value = fn(*request.get("args", []), **kwargs)
            try:
                send({"id": rid, "ok": True, "value": value})
            except TypeError as error:
                send({"id": rid, "ok": False, "status": "error", "error": str(error)})
        except BaseException as error:  # noqa: BLE001 - the answer carries it back, one line
            if isinstance(error, KeyboardInterrupt):
                raise
            info = describe_error(error, path)
            where = f" (line {info['line']})" if info.get("line") else ""
            detail = f"{info['type']}: {info['message']}" if info.get("message") else info["type"]
            status = {"syntax": "syntax", "memory": "memory", "todo": "todo"}.get(info["kind"], "error")
            send({"id": rid, "ok": False, "status": status, "error": f"{detail}{where}"})


def main(argv):
    mode, options = parse_argv(argv)
    cpu = options.get("--cpu-seconds")
    apply_limits(int(options.get("--memory-mb", "768")), float(cpu) if cpu else None)
    if mode == "probe":  # can Python start in the sandbox, with its compiled modules?
        import math  # noqa: F401

        os.write(1, b"probe ok\n")
        return 0
    # The real stdout carries results only; from here on fd 1 (and print) is stderr.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    wire = _load_by_path("nntui_wire", "wire.py")
    if mode == "check":
        try:
            check(out, wire)
        except MemoryError:
            write_frame(out, {"error": {"kind": "memory", "type": "MemoryError", "message": ""}}, wire)
        return 0
    serve(out, wire, os.path.abspath(options.get("--folder", ".")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
