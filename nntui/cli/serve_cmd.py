"""`nntui serve ssh|web|status|dashboard|export`: run a workshop for a room, see how it goes.

Heavy imports (asyncssh, textual-serve) happen inside the handlers, so other commands
do not pay for them.
"""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

from .common import ArgumentParser, CliError, count, port_number, seconds
from .serve_room_cmd import existing_state_dir, run_dashboard_command, run_export_command

__all__ = ["register"]


def _max_startups(text: str):
    from nntui.serve.guard import MaxStartups

    try:
        return MaxStartups.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _name(text: str) -> str:
    from nntui.serve.names import name_problem

    problem = name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def _common_session_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="where host key and attendees' progress live (default: $NNTUI_STATE_DIR or the user data dir)",
    )
    parser.add_argument("--lessons", type=Path, metavar="DIR", help="lessons folder for every session")
    parser.add_argument("--lesson", metavar="N|SLUG", help="lesson every session starts at")
    parser.add_argument(
        "--workshop",
        type=Path,
        metavar="FILE",
        help="TOML file: lessons folder, starting lesson, seed, title",
    )
    parser.add_argument("--mouse", action="store_true", help="let attendees use the mouse (off by default)")
    parser.add_argument(
        "--allow-exercises",
        action="store_true",
        help="let attendees run their own exercise code (sandboxed, per attendee; off by default)",
    )
    # For tests and benchmarks: what to run instead of `python -m nntui` (a shell-quoted string).
    parser.add_argument("--app-command", help=argparse.SUPPRESS)


def _limit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--memory-limit",
        type=count(64, 1 << 20),
        default=1536,
        metavar="MB",
        help="per session (default 1536)",
    )
    parser.add_argument(
        "--cpu-limit", type=count(1, 1 << 30), default=3600, metavar="SECONDS", help="CPU time per session"
    )


def _limits(args):
    """The per-session limits the options ask for."""
    from nntui.serve.ptychild import Limits

    return Limits(memory_bytes=args.memory_limit * 1024 * 1024, cpu_seconds=args.cpu_limit)


def register(subparsers) -> None:
    """Add `nntui serve` with its `ssh`, `web` and `status` commands."""
    serve = subparsers.add_parser(
        "serve",
        help="run a workshop: the lessons over SSH or the web, one session per attendee",
        description="Serve nntui to a room: every attendee gets their own session and progress.",
    )
    serve.set_defaults(handler=lambda args: _usage(serve))
    commands = serve.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)

    ssh = commands.add_parser(
        "ssh",
        help="an SSH server: attendees type 'ssh -p PORT NAME@HOST'",
        description="Run an SSH server that gives every attendee their own nntui session.",
    )
    _common_session_options(ssh)
    ssh.add_argument("--port", type=port_number, default=2222, help="port to listen on (default: 2222)")
    auth = ssh.add_mutually_exclusive_group()
    auth.add_argument("--open", action="store_true", help="anyone may log in with any name, no password")
    auth.add_argument("--password-file", type=Path, metavar="FILE", help="one shared password (first line)")
    auth.add_argument("--authorized-keys", type=Path, metavar="FILE", help="OpenSSH authorized_keys file")
    ssh.add_argument("--max-sessions", type=count(1, 10000), default=100, help="default: 100")
    ssh.add_argument(
        "--idle-timeout",
        type=seconds,
        default=1800,
        help="end sessions idle this long, seconds (default 1800)",
    )
    ssh.add_argument(
        "--shared-user", type=_name, metavar="NAME", help="login shared by all; asks each a name"
    )
    ssh.add_argument("--instructor", type=_name, metavar="NAME", help="this login sees the live dashboard")
    ssh.add_argument(
        "--instructor-password-file",
        type=Path,
        metavar="FILE",
        help="the instructor's own password (first line; not the room's)",
    )
    ssh.add_argument(
        "--instructor-keys", type=Path, metavar="FILE", help="the instructor's own authorized_keys file"
    )
    ssh.add_argument(
        "--login-grace-time",
        type=seconds,
        default=30,
        metavar="SECONDS",
        help="close connections with no session after this long (default 30, 0: never)",
    )
    ssh.add_argument(
        "--max-startups",
        type=_max_startups,
        default="10:30:100",
        metavar="START:RATE:FULL",
        help="connections without a session yet: past START drop RATE%% of new ones, "
        "rising to all at FULL (default 10:30:100, as sshd)",
    )
    ssh.add_argument(
        "--max-auth-tries",
        type=count(1, 100),
        default=6,
        metavar="N",
        help="wrong passwords per connection before it is closed (default 6)",
    )
    _limit_options(ssh)
    ssh.add_argument(
        "--no-prefork",
        action="store_true",
        help="start each session as a new process instead of forking it from a pre-loaded one "
        "(slower starts, more memory; for comparison and troubleshooting)",
    )
    ssh.add_argument(
        "--parallel-starts",
        type=count(1, 1000),
        metavar="N",
        help="sessions starting at the same moment (default: 4 per CPU when sessions are forked, "
        "else the number of CPUs, at least 2)",
    )
    ssh.set_defaults(handler=run_ssh_command)

    webp = commands.add_parser(
        "web",
        help="a web server (textual-serve): attendees log in from a browser with their name",
        description="Serve nntui in the browser with textual-serve: attendees log in with a name "
        "(and the room's password), one tab per name.",
    )
    _common_session_options(webp)
    webp.add_argument("--port", type=port_number, default=8000, help="port to listen on (default: 8000)")
    web_auth = webp.add_mutually_exclusive_group()
    web_auth.add_argument("--open", action="store_true", help="anyone may log in with any name, no password")
    web_auth.add_argument(
        "--password-file", type=Path, metavar="FILE", help="one shared password (first line)"
    )
    webp.add_argument(
        "--max-sessions", type=count(1, 10000), default=100, metavar="N", help="tabs at once (default: 100)"
    )
    webp.add_argument(
        "--idle-timeout",
        type=seconds,
        default=1800,
        help="close tabs idle this long, seconds (default 1800)",
    )
    _limit_options(webp)
    webp.set_defaults(handler=run_web_command)

    status = commands.add_parser(
        "status",
        help="a table of attendees: lesson, step, checkpoints, last activity",
        description="Show every attendee of a workshop and how far they got.",
    )
    status.add_argument("--state-dir", type=Path, help="the server's state folder")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.set_defaults(handler=run_status_command)

    dashboard = commands.add_parser(
        "dashboard",
        help="the instructor's room view on this terminal (for a server running on this machine)",
        description="Open the instructor's live view of the room (polls, follow me, help queue, "
        "race) here, for the server running with this --state-dir.",
    )
    dashboard.add_argument("--state-dir", type=Path, help="the running server's state folder")
    dashboard.add_argument(
        "--lessons", type=Path, metavar="DIR", help="the server's lessons folder, if not the default"
    )
    dashboard.add_argument("--mouse", action="store_true", help="use the mouse too")
    dashboard.set_defaults(handler=run_dashboard_command)

    export = commands.add_parser(
        "export",
        help="after the workshop: per attendee per step and per checkpoint, as JSON or CSV",
        description="Export the room's record: per attendee per step the time spent, checkpoint "
        "answers and help requests; per checkpoint the spread of answers. JSON by default; --csv "
        "gives two tables (attendee steps, then checkpoints) separated by a blank line.",
    )
    export.add_argument("--state-dir", type=Path, help="the server's state folder")
    shape = export.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="JSON (the default)")
    shape.add_argument("--csv", action="store_true", help="CSV for a spreadsheet")
    where = export.add_mutually_exclusive_group()
    where.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE, not standard output")
    where.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="with --csv: write attendee-steps.csv and checkpoints.csv into DIR (one sheet each)",
    )
    export.set_defaults(handler=run_export_command)


def _usage(parser: argparse.ArgumentParser) -> int:
    raise CliError(
        "say which: 'nntui serve ssh', 'web', 'status', 'dashboard' or 'export' (see 'nntui serve -h')"
    )


def _plan(args):
    """Build the SessionPlan shared by ssh and web from the options and the workshop file."""
    from nntui.serve.launch import SessionPlan
    from nntui.serve.status import default_state_dir
    from nntui.serve.workshop import Workshop, WorkshopError, load_workshop

    if args.allow_exercises:
        from nntui.exercises.confine import sandbox_problem

        problem = sandbox_problem()
        if problem is not None:  # attendees' code must never run unconfined on a server
            raise CliError(f"--allow-exercises needs the bubblewrap sandbox: {problem}")
    workshop = Workshop()
    if args.workshop is not None:
        try:
            workshop = load_workshop(args.workshop)
        except WorkshopError as error:
            raise CliError(str(error)) from None
    lessons = args.lessons if args.lessons is not None else workshop.lessons
    if lessons is not None:
        lessons = lessons.expanduser().resolve()
        if not lessons.is_dir():
            raise CliError(f"lessons folder {str(lessons)!r} does not exist")
    state_dir = (args.state_dir or default_state_dir()).expanduser().resolve()
    try:
        (state_dir / "users").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"cannot use state folder {str(state_dir)!r}: {error.strerror or error}") from None
    app_command = None
    if args.app_command:
        try:
            app_command = tuple(shlex.split(args.app_command))
        except ValueError as error:
            raise CliError(f"--app-command: {error}") from None
    plan = SessionPlan(
        state_dir=state_dir,
        lessons=lessons,
        lesson=args.lesson if args.lesson is not None else workshop.lesson,
        seed=workshop.seed,
        app_command=app_command,
        mouse=args.mouse,
        allow_exercises=args.allow_exercises,
    )
    return plan, workshop


def run_ssh_command(args) -> int:
    """`nntui serve ssh`: check the options, then run the server until stopped."""
    from nntui.serve.guard import is_loopback

    if args.port == 0 and not is_loopback(args.host):
        raise CliError("--port 0 (any free port) is only for loopback testing")
    if not (args.open or args.password_file or args.authorized_keys) and not is_loopback(args.host):
        raise CliError(
            f"listening on {args.host} lets other machines in: say who may log in with --open "
            "(any name, no password), --password-file FILE or --authorized-keys FILE"
        )
    if args.shared_user and args.shared_user == args.instructor:
        raise CliError("--shared-user and --instructor must be different names")
    logins = _ssh_logins(args)

    plan, workshop = _plan(args)

    from nntui.serve.ssh import SshOptions, run_ssh

    options = SshOptions(
        plan=plan,
        host=args.host,
        port=args.port,
        logins=logins,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout,
        shared_user=args.shared_user,
        limits=_limits(args),
        title=workshop.title,
        prefork=not args.no_prefork,
        login_grace_time=args.login_grace_time,
        max_startups=args.max_startups,
        max_auth_tries=args.max_auth_tries,
    )
    if args.parallel_starts:
        options.parallel_starts = args.parallel_starts
    return run_ssh(options)


def _ssh_logins(args):
    """The room's and the instructor's login methods (nntui.serve.auth) from the options."""
    from nntui.serve import auth

    try:
        if args.open:
            room = auth.Open()
        elif args.password_file is not None:
            room = auth.SharedPassword.from_file(args.password_file)
        elif args.authorized_keys is not None:
            room = auth.AuthorizedKeys.from_file(args.authorized_keys)
        else:
            room = auth.LoopbackOnly()
        if args.instructor_password_file is not None and args.instructor_keys is not None:
            raise CliError(
                "give the instructor one credential: --instructor-password-file or --instructor-keys"
            )
        instructor = None
        if args.instructor_password_file is not None:
            instructor = auth.SharedPassword.from_file(
                args.instructor_password_file, "instructor's own password", "instructor password file"
            )
        elif args.instructor_keys is not None:
            instructor = auth.AuthorizedKeys.from_file(args.instructor_keys)
        if instructor is not None and args.instructor is None:
            raise CliError("--instructor-password-file and --instructor-keys need --instructor NAME")
        return auth.Logins(room, args.instructor, instructor)
    except auth.LoginError as error:
        raise CliError(str(error)) from None


def run_web_command(args) -> int:
    """`nntui serve web`: serve the lessons in the browser."""
    if not args.open and args.password_file is None:
        raise CliError(
            "say who may log in: --password-file FILE (one shared password, on its first line) "
            "or --open (anyone who reaches the port, any name, no password)"
        )
    if args.port == 0:
        raise CliError("the web server needs a real port (1 to 65535)")
    from nntui.serve import auth

    login: auth.LoginMethod = auth.Open()
    if args.password_file is not None:
        try:
            login = auth.SharedPassword.from_file(args.password_file)
        except auth.LoginError as error:
            raise CliError(str(error)) from None
    plan, workshop = _plan(args)
    from nntui.serve.web import WebAccess, run_web

    access = WebAccess(
        login=login,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout,
        limits=_limits(args),
    )
    return run_web(plan, args.host, args.port, workshop.title, access)


def run_status_command(args) -> int:
    """`nntui serve status`: print the attendees table (or JSON)."""
    from nntui.serve.status import as_json, format_table, read_attendees, room_summary

    state_dir = existing_state_dir(args)
    attendees = read_attendees(state_dir)
    if args.json:
        print(json.dumps(as_json(attendees), indent=2))
        return 0
    summary = room_summary(state_dir, {a.name for a in attendees if a.online})
    if summary:
        print(f"Room: {summary}")
    if not attendees:
        print(f"No attendees yet in {state_dir / 'users'}.")
    else:
        print(format_table(attendees))
    return 0
