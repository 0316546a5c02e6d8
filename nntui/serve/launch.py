"""What a session runs: the command line and environment of each attendee's `nntui` child."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nntui.app.config import AppConfig
from nntui.paths import progress_path, user_state_dir
from nntui.room.protocol import INSTRUCTOR_TOKEN_ENV, ROOM_ENV, ROOM_VIA_ENV

__all__ = [
    "SessionPlan",
    "app_args",
    "app_argv",
    "app_config",
    "child_env",
    "dashboard_args",
    "dashboard_argv",
    "user_state_dir",
]

# Never handed to a child: a fixed COLUMNS/LINES would freeze Textual's size, and the
# server's own terminal settings and nntui overrides belong to the instructor, not the room.
# The room's settings are the server's to give (the token to the instructor alone).
_DROPPED = {
    ROOM_ENV,
    ROOM_VIA_ENV,
    INSTRUCTOR_TOKEN_ENV,
    "COLUMNS",
    "LINES",
    "ROWS",
    "TERM",
    "COLORTERM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "NNTUI_STATE_DIR",
    "NNTUI_LESSONS_DIR",
    "SSH_AUTH_SOCK",
    "NO_COLOR",
}


#: The longest TERM, COLORTERM or NO_COLOR a client may hand its session (real ones are short).
CLIENT_VALUE_LIMIT = 64


def _client_value(value: str | None) -> str | None:
    """A terminal setting from the client, or None when it is not a short line of plain ASCII."""
    if not value or len(value) > CLIENT_VALUE_LIMIT or not (value.isascii() and value.isprintable()):
        return None
    return value


@dataclass(frozen=True)
class SessionPlan:
    """Options every session of one server shares (from the command line and workshop file)."""

    state_dir: Path
    lessons: Path | None = None
    lesson: str | None = None
    seed: int | None = None
    app_command: tuple[str, ...] | None = None
    mouse: bool = False
    #: Learners' own code runs (sandboxed) only when the instructor allows it.
    allow_exercises: bool = False

    def to_dict(self) -> dict:
        """A JSON-ready form, for handing the plan to a session process."""
        return {
            "state_dir": str(self.state_dir),
            "lessons": None if self.lessons is None else str(self.lessons),
            "lesson": self.lesson,
            "seed": self.seed,
            "app_command": None if self.app_command is None else list(self.app_command),
            "mouse": self.mouse,
            "allow_exercises": self.allow_exercises,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> SessionPlan:
        """The plan ``to_dict`` described."""
        return cls(
            state_dir=Path(data["state_dir"]),
            lessons=None if data.get("lessons") is None else Path(data["lessons"]),
            lesson=data.get("lesson"),
            seed=data.get("seed"),
            app_command=None if data.get("app_command") is None else tuple(data["app_command"]),
            mouse=bool(data.get("mouse")),
            allow_exercises=bool(data.get("allow_exercises")),
        )


def exercises_env(plan: SessionPlan) -> dict[str, str]:
    """What to add to an attendee's environment: exercises off unless allowed; "on a server"."""
    from nntui.exercises import DISABLE_ENV, SERVER_ENV

    # On a server, learner code runs only in the sandbox and `e` never starts $EDITOR.
    return ({} if plan.allow_exercises else {DISABLE_ENV: "off"}) | {SERVER_ENV: "1"}


def app_argv(plan: SessionPlan, name: str) -> list[str]:
    """The command line of one attendee's lesson app."""
    base = list(plan.app_command) if plan.app_command else [sys.executable, "-m", "nntui"]
    return base + app_args(plan, name)


def app_config(plan: SessionPlan, name: str | None, state_dir: Path | None = None) -> AppConfig:
    """The lesson app's options for attendee ``name`` (their folder under the plan's).

    A guest (``name`` None) works in the throwaway folder ``state_dir`` instead.
    """
    if state_dir is None:
        if name is None:
            raise ValueError("a guest needs a state folder of its own")
        state_dir = user_state_dir(plan.state_dir, name)
    # The workshop's starting lesson is for a first visit only: on reconnecting, the app
    # resumes where the attendee left off.
    first_visit = not progress_path(state_dir).exists()
    return AppConfig(
        lessons_dir=plan.lessons,
        start_lesson=plan.lesson if first_visit else None,
        state_dir=state_dir,
        mouse=plan.mouse,
        attendee_name=name,
        seed=plan.seed,
    )


def app_args(plan: SessionPlan, name: str | None, state_dir: Path | None = None) -> list[str]:
    """The options ``app_config`` describes, as a separate `nntui` program takes them."""
    config = app_config(plan, name, state_dir)
    argv = ["--state-dir", str(config.state_dir)]
    if config.attendee_name is not None:
        argv += ["--name", config.attendee_name]
    if not config.mouse:
        argv.append("--no-mouse")
    if config.lessons_dir is not None:
        argv += ["--lessons", str(config.lessons_dir)]
    if config.start_lesson is not None:
        argv += ["--lesson", config.start_lesson]
    if config.seed is not None:
        argv += ["--seed", str(config.seed)]
    return argv


def dashboard_argv(plan: SessionPlan) -> list[str]:
    """The command line of the instructor's live dashboard."""
    return [sys.executable, "-m", "nntui.serve.dashboard", *dashboard_args(plan)]


def dashboard_args(plan: SessionPlan) -> list[str]:
    """The dashboard's options (``dashboard_argv`` without the command itself)."""
    argv = ["--state-dir", str(plan.state_dir)]
    if plan.lessons is not None:
        argv += ["--lessons", str(plan.lessons)]
    return argv if plan.mouse else argv + ["--no-mouse"]


def child_env(
    term: str | None,
    colorterm: str | None,
    base: Mapping[str, str] | None = None,
    no_color: str | None = None,
) -> dict[str, str]:
    """Environment for a child: the server's, minus terminal settings, plus the client's TERM.

    ``colorterm`` and ``no_color`` are the client's COLORTERM and NO_COLOR, passed on only
    when the client sent them (the server's own never reach an attendee). A value from the
    client that is long or has control characters is dropped (TERM then is "xterm").
    """
    term, colorterm, no_color = _client_value(term), _client_value(colorterm), _client_value(no_color)
    source = os.environ if base is None else base
    env = {
        key: value
        for key, value in source.items()
        if key not in _DROPPED and not key.startswith(("TEXTUAL", "LC_"))
    }
    env["TERM"] = term or "xterm"
    if colorterm:
        env["COLORTERM"] = colorterm
    if no_color:  # https://no-color.org: present and not empty
        env["NO_COLOR"] = no_color
    env["TEXTUAL_ANIMATIONS"] = "none"
    # One BLAS thread per attendee: 2 cores shared by a room gain nothing from more,
    # and every extra thread costs memory.
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = "1"
    env["LANG"] = "C.UTF-8"
    env["PYTHONUNBUFFERED"] = "1"
    return env
