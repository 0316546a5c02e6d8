"""Where nntui keeps its state: every state folder and state file is named here, once.

* ``resolve_state_dir`` - one learner's folder (``--state-dir``, else ``NNTUI_STATE_DIR``,
  else the per-user data folder); it holds ``progress.json`` and the ``exercises`` folder.
* ``resolve_serve_state_dir`` - a workshop server's folder (``--state-dir``, else
  ``NNTUI_STATE_DIR``, else ``<user data folder>/serve``, so a server never mixes its room
  with its account's own progress); it holds the host key, ``sessions.json`` and one
  learner folder per attendee under ``users/<name>``.

Pure Python: never imports Textual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

__all__ = [
    "PROGRESS_FILE",
    "STATE_ENV",
    "default_state_dir",
    "progress_path",
    "resolve_folder",
    "resolve_serve_state_dir",
    "resolve_state_dir",
    "user_state_dir",
    "users_dir",
]

#: Environment variable naming the state folder (same as ``--state-dir``).
STATE_ENV = "NNTUI_STATE_DIR"
#: The learner's progress, in their state folder.
PROGRESS_FILE = "progress.json"


def default_state_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ``~/.local/share/nntui`` on Linux."""
    import platformdirs

    return Path(platformdirs.user_data_dir("nntui", appauthor=False))


def resolve_folder(option: str | os.PathLike | None, env_var: str, default: Callable[[], Path]) -> Path:
    """The folder ``option`` names if given, else the one in ``env_var`` if set, else ``default()``."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(env_var)
    if env:
        return Path(env).expanduser()
    return default()


def resolve_state_dir(option: str | os.PathLike | None = None) -> Path:
    """A learner's folder: the option if given, else ``NNTUI_STATE_DIR``, else the default."""
    return resolve_folder(option, STATE_ENV, default_state_dir)


def resolve_serve_state_dir(option: str | os.PathLike | None = None) -> Path:
    """A server's folder: the option if given, else ``NNTUI_STATE_DIR``, else ``<default>/serve``."""
    if option or os.environ.get(STATE_ENV):
        return resolve_state_dir(option)
    return default_state_dir() / "serve"


def progress_path(state_dir: str | os.PathLike) -> Path:
    """The progress file of the learner whose folder is ``state_dir``."""
    return Path(state_dir) / PROGRESS_FILE


def users_dir(serve_state_dir: str | os.PathLike) -> Path:
    """The folder of a server's attendee folders: ``<state-dir>/users``."""
    return Path(serve_state_dir) / "users"


def user_state_dir(serve_state_dir: str | os.PathLike, name: str) -> Path:
    """Where one attendee's progress lives: ``<state-dir>/users/<name>``."""
    return users_dir(serve_state_dir) / name
