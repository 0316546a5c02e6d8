"""`nntui exercises`: write the network yourself, one checked piece at a time.

    nntui exercises [--dir DIR]                 list with pass marks and the next one to do
    nntui exercises init [DIR]                  write the exercise files (never overwrites)
    nntui exercises check [NAME ...] [--dir DIR] run the checks (exit 0 only if all pass)
    nntui exercises reset NAME [--yes]          start one exercise again, keeping a backup
    nntui exercises hint NAME                   the next hint
    nntui exercises solution NAME               the reference solution, once you have passed

Learner code only ever runs in a separate, sandboxed process (bubblewrap where installed) with a
time and a memory limit; the answers are judged outside it.
"""

from __future__ import annotations

import argparse
import sys

from .common import CliError, positive_float, whole_number

__all__ = ["register", "run"]


def _memory_mb(text: str) -> int:
    bounds = "must be from 128 MB (Python and NumPy need that much) to 1,048,576 MB"
    return whole_number(text, 128, 1 << 20, what="whole number of MB", bounds=bounds)


def _location_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the sub-command is not reset by the sub-command's default.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--dir",
        dest="ex_dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the exercises folder (default: <state dir>/exercises)",
    )
    shared.add_argument(
        "--state-dir",
        dest="state_dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where progress is kept (default: $NNTUI_STATE_DIR or your user data folder)",
    )
    return shared


def register(subparsers) -> None:
    """Add the `exercises` subcommand and its own sub-commands."""
    shared = _location_options()
    parser = subparsers.add_parser(
        "exercises",
        parents=[shared],
        help="write the network yourself; nntui checks each piece",
        description="Exercises: write sigmoid, the loss, feedforward, backprop and training yourself. "
        "Your code runs in a sandboxed process with a time and a memory limit.",
    )
    parser.set_defaults(handler=run, ex_command="list")
    sub = parser.add_subparsers(title="exercise commands", metavar="COMMAND", parser_class=type(parser))

    init = sub.add_parser("init", parents=[shared], help="write the exercise files (never overwrites yours)")
    init.add_argument(
        "folder", nargs="?", metavar="DIR", help="where to write them (default: <state dir>/exercises)"
    )
    init.set_defaults(ex_command="init")

    check = sub.add_parser("check", parents=[shared], help="check exercises (exit 0 only if all pass)")
    check.add_argument("names", nargs="*", metavar="NAME", help="exercise names or numbers (default: all)")
    check.add_argument(
        "--time-limit",
        type=positive_float,
        default=None,
        metavar="SECONDS",
        help="stop a check after this long (default: 10)",
    )
    check.add_argument(
        "--memory-limit",
        type=_memory_mb,
        default=None,
        metavar="MB",
        help="memory a check may use (default: 768)",
    )
    check.set_defaults(ex_command="check")

    reset = sub.add_parser(
        "reset", parents=[shared], help="start one exercise again (your file is backed up)"
    )
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(ex_command="reset")

    hint = sub.add_parser("hint", parents=[shared], help="show the next hint for an exercise")
    hint.add_argument("name", metavar="NAME")
    hint.set_defaults(ex_command="hint")

    solution = sub.add_parser(
        "solution", parents=[shared], help="show the reference solution (after passing)"
    )
    solution.add_argument("name", metavar="NAME")
    solution.set_defaults(ex_command="solution")


def _locate(args):
    from nntui.exercises.workspace import Workspace, default_workspace, resolve_state_dir

    state_dir = resolve_state_dir(getattr(args, "state_dir", None))
    folder = getattr(args, "folder", None) or getattr(args, "ex_dir", None)
    root = folder if folder else default_workspace(state_dir)
    return state_dir, Workspace(root)


def _exercise(name: str):
    from nntui.exercises.catalogue import UnknownExercise, get_exercise

    try:
        return get_exercise(name)
    except UnknownExercise as error:
        raise CliError(str(error)) from None


def _say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _warn(line: str) -> None:
    sys.stderr.write(f"nntui: warning: {line}\n")


def run(args) -> int:
    """Run the chosen `nntui exercises` command; returns the exit status."""
    command = getattr(args, "ex_command", "list")
    state_dir, workspace = _locate(args)
    return {
        "list": _list,
        "init": _init,
        "check": _check,
        "reset": _reset,
        "hint": _hint,
        "solution": _solution,
    }[command](args, state_dir, workspace)


def _statuses(state_dir) -> dict[str, str]:
    from nntui.progress import ProgressStore

    store = ProgressStore(state_dir)
    progress = store.load()  # never raises: a damaged file is set aside and said in one line
    if store.notice:
        _warn(store.notice)
    return dict(progress.exercises)


def _list(args, state_dir, workspace) -> int:
    from nntui.exercises.catalogue import EXERCISES
    from nntui.exercises.record import next_exercise
    from nntui.exercises.sandbox import STATUS_MARKS

    statuses = _statuses(state_dir)
    _say(f"Exercises in {workspace.root}")
    width = max(len(ex.name) for ex in EXERCISES)
    for ex in EXERCISES:
        status = statuses.get(ex.name, "unknown")
        mark = STATUS_MARKS.get(status, "?")
        note = ""
        if status == "passed" and workspace.path(ex).exists() and not workspace.passes_as_saved(ex):
            note = "  (changed since it passed)"
        _say(f"  {mark} {ex.number:2d}  {ex.name:<{width}}  {ex.title}{note}")
    passed = sum(1 for ex in EXERCISES if statuses.get(ex.name) == "passed")
    _say(f"{passed} of {len(EXERCISES)} passed.")
    if not workspace.exists():
        _say(f"No exercise files yet: run `nntui exercises init` to write them to {workspace.root}.")
        return 0
    upcoming = next_exercise(statuses)
    if upcoming is None:
        _say("All done: every exercise passes. `nntui exercises solution NAME` shows our version.")
    else:
        path = workspace.path(upcoming)
        _say(f"Next: {upcoming}. Edit {path}, then run `nntui exercises check {upcoming}`.")
    return 0


def _init(args, state_dir, workspace) -> int:
    from nntui.exercises.workspace import WorkspaceError

    try:
        created, kept = workspace.init()
    except WorkspaceError as error:
        raise CliError(str(error)) from None
    if created:
        _say(f"Wrote {len(created)} exercise file{'s' if len(created) != 1 else ''} to {workspace.root}")
    if kept:
        _say(f"Kept {len(kept)} file{'s' if len(kept) != 1 else ''} you already had (none overwritten).")
    first = workspace.path("sigmoid")
    _say(f"Start with {first}; run `nntui exercises` to see the list.")
    return 0


def _check(args, state_dir, workspace) -> int:
    from nntui.exercises.catalogue import EXERCISES
    from nntui.exercises.record import RecordError, record_result
    from nntui.exercises.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIME_LIMIT, STATUS_MARKS, run_check

    chosen = [_exercise(n) for n in args.names] if args.names else list(EXERCISES)
    if not workspace.exists():
        raise CliError(f"no exercises in {workspace.root}: run `nntui exercises init` first")
    time_limit = args.time_limit or DEFAULT_TIME_LIMIT
    memory_mb = args.memory_limit or DEFAULT_MEMORY_MB
    all_passed = True
    recorded_ok = True
    for ex in chosen:
        result = run_check(ex.name, workspace.path(ex), time_limit=time_limit, memory_mb=memory_mb)
        if result.notice:
            _warn(result.notice)
        mark = STATUS_MARKS.get(result.status, "?")
        lines = result.lines()
        _say(f"{mark} {ex.name}: {lines[0]}")
        if result.status not in ("passed", "todo") or len(chosen) == 1:
            for line in lines[1:]:
                _say(line)
        if result.status == "missing":
            all_passed = False
            continue
        all_passed = all_passed and result.passed
        if result.passed:
            workspace.mark_passed(ex)
        else:
            workspace.mark_failed(ex)
        if result.status == "todo" and workspace.is_untouched(ex):
            continue  # an untouched stub is "not started", not a failure worth recording
        try:
            record_result(state_dir, ex.name, result.passed)
        except RecordError as error:
            if recorded_ok:
                _warn(str(error))
            recorded_ok = False
    if len(chosen) > 1:
        statuses = _statuses(state_dir)
        passed = sum(1 for ex in EXERCISES if statuses.get(ex.name) == "passed")
        _say(f"{passed} of {len(EXERCISES)} exercises passed.")
    return 0 if all_passed else 1


def _reset(args, state_dir, workspace) -> int:
    from nntui.exercises.workspace import WorkspaceError

    ex = _exercise(args.name)
    target = workspace.path(ex)
    if not args.yes:
        try:
            answer = input(f"Put the original {ex.filename} back? Your file is kept as a backup. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            _say("Nothing changed.")
            return 1
    try:
        backup = workspace.reset(ex)
    except WorkspaceError as error:
        raise CliError(str(error)) from None
    _forget(state_dir, ex.name)
    _say(f"Reset {target}.")
    if backup is not None:
        _say(f"Your previous file is kept as {backup}")
    return 0


def _forget(state_dir, name: str) -> None:
    try:
        from nntui.progress import ProgressError, ProgressStore

        store = ProgressStore(state_dir)
        if name in store.load().exercises:
            store.update(lambda progress: progress.exercises.pop(name, None))
    except (ImportError, OSError, ProgressError) as error:
        _warn(f"could not update progress: {error}")


def _hint(args, state_dir, workspace) -> int:
    ex = _exercise(args.name)
    revealed = workspace.next_hint(ex)
    total = len(ex.hints)
    if revealed is None:
        _say(f"All {total} hints for {ex.name}:")
        for number, text in enumerate(ex.hints, start=1):
            _say(f"  {number}. {text}")
        _say(f"Once it passes, `nntui exercises solution {ex.name}` shows our version.")
        return 0
    number, text = revealed
    _say(f"Hint {number} of {total} for {ex.name}: {text}")
    return 0


def _solution(args, state_dir, workspace) -> int:
    ex = _exercise(args.name)
    if _statuses(state_dir).get(ex.name) != "passed":
        raise CliError(
            f"the solution of {ex.name} is shown once your own version passes "
            f"(run `nntui exercises check {ex.name}`)"
        )
    sys.stdout.write(ex.solution())
    return 0
