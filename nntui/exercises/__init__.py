"""Exercises: the learner writes the network's pieces; nntui checks them in a sandbox.

Modules, from the bottom up:

- :mod:`.catalogue` - the exercises in order: stub files, hints, names (text only).
- :mod:`.cases` - check cases and trusted expected values (the judge's side only).
- :mod:`.child` - the standalone sandboxed child (with :mod:`.wire` and :mod:`.given`).
- :mod:`.confine` - the bubblewrap sandbox the child runs in (rlimits only without bwrap).
- :mod:`.sandbox` - one check: answers from the child, judged here: :func:`run_check`.
- :mod:`.workspace` - the learner's folder: init, reset with backup, hints, pass hashes.
- :mod:`.record` - pass/fail in the learner's ``progress.json``.
- :mod:`.bridge` - "use my code": call a learner's passing function from a pane.
- :mod:`.watch` - file watching (watchdog events or polling).

The app's Exercises screen is ``nntui.app.screens.exercises``; nothing here imports Textual.
Learner code never runs in nntui's own process, and never sees the expected answers.
"""

import os

__all__ = ["enabled", "on_server", "DISABLE_ENV", "SERVER_ENV"]

#: Set to "0" / "off" / "no" / "false" to hide exercises (``nntui serve`` does unless --allow-exercises).
DISABLE_ENV = "NNTUI_EXERCISES"


def enabled(environ=None) -> bool:
    """Whether exercises may run here (false when ``NNTUI_EXERCISES`` is 0/off/no/false)."""
    value = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return value.strip().lower() not in ("0", "off", "no", "false")


#: Set by `nntui serve` for every session: learner code runs only in the sandbox, no $EDITOR.
SERVER_ENV = "NNTUI_ON_SERVER"


def on_server(environ=None) -> bool:
    """True in a session of `nntui serve` (it sets ``NNTUI_ON_SERVER=1``)."""
    value = (environ if environ is not None else os.environ).get(SERVER_ENV, "")
    return value.strip().lower() in ("1", "yes", "on", "true")
