"""The real `nntui` command in a pseudo-terminal: what a person sees, and what is saved when they quit."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

pytestmark = pytest.mark.e2e

FIXTURE_LESSONS = Path(__file__).parent.parent / "app" / "fixture_lessons"
COLS, ROWS = 80, 24


class Terminal:
    """A child process in a pty, its output fed into a pyte screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # everything the program wrote, escape codes included
        self.child = pexpect.spawn(
            sys.executable, ["-m", "nntui", *args], env=env, dimensions=(ROWS, COLS), timeout=20
        )

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 20.0) -> None:
        """Read output until ``needle`` is on the screen; fail with the screen after ``timeout``."""
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{needle!r} never appeared; the screen was:\n{self.text()}")
            try:
                data = self.child.read_nonblocking(65536, timeout=min(left, 1.0))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                pytest.fail(f"nntui ended before {needle!r} appeared; the screen was:\n{self.text()}")
            self.raw += data
            self.stream.feed(data)

    def colours(self) -> set[str]:
        """Every foreground and background colour of the text on screen now (pyte's names)."""
        return {
            colour
            for row in self.screen.buffer.values()
            for cell in row.values()
            if cell.data.strip()
            for colour in (cell.fg, cell.bg)
        }

    def wait_for_exit(self, timeout: float = 20.0) -> int:
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus


#: The 16 colours of a basic terminal, as pyte names them ("default": the terminal's own).
SIXTEEN = {"default"} | {
    prefix + name
    for prefix in ("", "bright")
    for name in ("black", "red", "green", "brown", "yellow", "blue", "magenta", "cyan", "white")
}


def is_grey(colour: str) -> bool:
    """True for the terminal's default colour, black, white and greys: no hue."""
    if colour in ("default", "black", "white", "brightblack", "brightwhite"):
        return True
    if len(colour) == 6:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
        return red == green == blue
    return False


@pytest.mark.parametrize(
    "extra_env",
    [{}, {"NO_COLOR": "1", "TEXTUAL_ANIMATIONS": "none"}, {"TERM": "xterm-16color"}],
    ids=["plain", "no-color", "16-colours"],
)
def test_move_through_steps_quit_and_find_the_position_saved(tmp_path, extra_env):
    state = tmp_path / "state"
    env = {**os.environ, "TERM": "xterm-256color", "NNTUI_STATE_DIR": str(state), **extra_env}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.pop("COLORTERM", None)  # would claim true colour whatever TERM says
    term = Terminal(["--lessons", str(FIXTURE_LESSONS)], env)
    term.wait_for("A neuron weighs its inputs")
    term.wait_for("step 1/3")
    # The pane is built: its stages are drawn (the output waits, as ?, for step 2's question).
    term.wait_for("sigmoid(7) = ?")
    colours = term.colours()
    if env["TERM"] == "xterm-16color":
        # Only the 16 basic colours are sent (no 256-colour or true-colour codes) ...
        assert not re.search(rb"\x1b\[[0-9;]*[34]8;[25];", bytes(term.raw))
        assert colours <= SIXTEEN, colours - SIXTEEN
    if "NO_COLOR" in env:
        assert all(is_grey(colour) for colour in colours), sorted(colours)
    else:
        assert not all(is_grey(colour) for colour in colours)  # the checks above can fail
    # ... and the text stays readable: the step's words are never drawn in their background colour.
    row = next(y for y, line in enumerate(term.screen.display) if "A neuron weighs" in line)
    start = term.screen.display[row].index("A neuron weighs")
    for cell in (term.screen.buffer[row][x] for x in range(start, start + 15)):
        assert cell.data == " " or cell.fg != cell.bg
    term.child.send("\x1b[C")  # Right
    term.wait_for("step 2/3")
    term.wait_for("What is the output?")
    term.child.send("n")
    term.wait_for("This step has no pane")
    term.child.send("q")
    assert term.wait_for_exit() == 0
    data = json.loads((state / "progress.json").read_text())
    assert data["lesson"] == "01-first" and data["step"] == 2
    assert data["completed"] == {"01-first": [0, 1]}


def test_lesson_option_and_resume(tmp_path):
    state = tmp_path / "state"
    env = {**os.environ, "TERM": "xterm-256color", "NNTUI_STATE_DIR": str(state)}
    term = Terminal(["--lessons", str(FIXTURE_LESSONS), "--lesson", "second", "--no-mouse"], env)
    term.wait_for("Text of the second lesson")
    term.child.send(" ")
    term.wait_for("step 2/2")
    term.child.send("\x11")  # Ctrl+Q
    assert term.wait_for_exit() == 0
    again = Terminal(["--lessons", str(FIXTURE_LESSONS)], env)
    again.wait_for("The last step of the course")
    again.child.send("q")
    assert again.wait_for_exit() == 0


@pytest.mark.skipif(
    not Path("/proc/self/maps").exists(), reason="reads the process's mapped files from /proc"
)
def test_the_lesson_app_runs_without_openssl(tmp_path):
    # Nothing in the lesson app speaks TLS or needs OpenSSL's hashes, but asyncio's import of
    # ssl and NumPy's random module (through hashlib) used to map it into every learner's
    # process: about 4 MB of resident memory each. Lesson 4 opens on a network drawn from a
    # seed, so NumPy's random module is loaded, the way that pulled OpenSSL in.
    env = {**os.environ, "TERM": "xterm-256color", "NNTUI_STATE_DIR": str(tmp_path / "state")}
    term = Terminal(["--lesson", "4"], env)
    term.wait_for("step 1/")
    term.wait_for("f_prime_sum_h1 =")  # the ledger pane is built, from its seed's weights
    with open(f"/proc/{term.child.pid}/maps") as maps:
        mapped = {line.split()[-1] for line in maps if "/" in line}
    assert any("numpy/random" in path for path in mapped)
    assert not [path for path in mapped if "libssl" in path or "libcrypto" in path]
    term.child.send("q")
    assert term.wait_for_exit() == 0
