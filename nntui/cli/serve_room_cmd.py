"""`nntui serve dashboard` and `nntui serve export`: the room, live on the host and afterwards.

Registered by :mod:`nntui.cli.serve_cmd`; heavy imports happen inside the handlers.
"""

from __future__ import annotations

import json
from pathlib import Path

from .common import CliError

__all__ = ["existing_state_dir", "run_dashboard_command", "run_export_command"]


def existing_state_dir(args) -> Path:
    """The --state-dir given (or the default), which must exist."""
    from nntui.serve.status import default_state_dir

    state_dir = (args.state_dir or default_state_dir()).expanduser()
    if not state_dir.is_dir():
        raise CliError(f"state folder {str(state_dir)!r} does not exist (pass the server's --state-dir)")
    return state_dir


def run_dashboard_command(args) -> int:
    """`nntui serve dashboard`: the instructor's room view, for a server running on this machine."""
    from nntui.room.protocol import connect_unix, hub_socket_path

    state_dir = existing_state_dir(args).resolve()
    hub = hub_socket_path(state_dir)
    start = f"start 'nntui serve ssh' or 'nntui serve web' with --state-dir {str(state_dir)!r} first"
    if not hub.exists():
        raise CliError(f"no workshop server runs for {str(state_dir)!r} (no room hub at {hub}): {start}")
    try:
        connect_unix(hub, timeout=2.0).close()
    except OSError as error:
        raise CliError(
            f"the room hub at {hub} does not answer ({error.strerror or error}): {start}"
        ) from None
    from nntui.serve import dashboard

    if args.lessons is None:
        return dashboard.run_dashboard(state_dir, mouse=args.mouse)
    lessons = args.lessons.expanduser().resolve()
    if not lessons.is_dir():
        raise CliError(f"lessons folder {str(lessons)!r} does not exist")
    return dashboard.run_dashboard(state_dir, mouse=args.mouse, lessons=lessons)


def run_export_command(args) -> int:
    """`nntui serve export`: the room's record as JSON or CSV (to stdout, a file or two files)."""
    from nntui.serve.export import RecordError, as_json, read_events, record_path, summarise
    from nntui.serve.export_csv import as_csv_tables

    if args.output_dir is not None and args.json:
        raise CliError("--output-dir writes CSV files: leave out --json, or use --output FILE")
    path = record_path(existing_state_dir(args))
    try:
        summary = summarise(read_events(path))
    except RecordError as error:
        raise CliError(str(error)) from None
    if args.csv or args.output_dir is not None:
        steps, checks = as_csv_tables(summary)
        if args.output_dir is not None:
            _write(args.output_dir / "attendee-steps.csv", steps, make_folder=True)
            _write(args.output_dir / "checkpoints.csv", checks)
            print(f"Wrote attendee-steps.csv and checkpoints.csv in {args.output_dir}")
            return 0
        text = steps + "\n" + checks
    else:
        text = json.dumps(as_json(summary, path), indent=2) + "\n"
    if args.output is None:
        print(text, end="")
    else:
        _write(args.output, text)
    return 0


def _write(path: Path, text: str, make_folder: bool = False) -> None:
    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write {str(path)!r}: {error.strerror or error}") from None
