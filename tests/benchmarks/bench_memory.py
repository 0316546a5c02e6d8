"""Benchmark: resident memory of one real session that walks the whole course twice.

Run as a script (not collected by pytest)::

    python tests/benchmarks/bench_memory.py [--walks 2] [--size 80x24]

Starts the real ``nntui`` in a pseudo-terminal (256 colours), mirrors its output in a pyte
screen and walks the shipped course as a learner does: Right through every step to the end,
Left back to the start, Right to the end again. Each key waits until the header shows the
expected step and the terminal has been quiet for a moment (the pane drawn, its run done).
It reports the session process's RSS (``/proc/PID/statm``) at the start and at the end of each
walk, against the issue's targets: <= 70 MB throughout, < 3 MB from the end of the first walk
to the end of the second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nntui.course import load_course  # noqa: E402

#: The terminal counts as settled after this long without output.
QUIET = 0.3
#: A step that never settles (an endless animation) is measured after this long.
MAX_WAIT = 8.0


class Session:
    """The real app in a pty, its screen mirrored in pyte."""

    def __init__(self, state_dir: Path, columns: int, rows: int) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "NNTUI_STATE_DIR": str(state_dir)}
        env.pop("COLORTERM", None)  # would claim true colour whatever TERM says
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "nntui", "--lessons", str(ROOT / "lessons")],
            env=env,
            dimensions=(rows, columns),
            timeout=30,
        )

    def header(self) -> str:
        return self.screen.display[0]

    def settle(self, needles: tuple[str, ...]) -> bool:
        """Read until the header shows every one of ``needles`` and the output pauses; False on time-out."""
        deadline = time.monotonic() + MAX_WAIT
        last_output = time.monotonic()
        while time.monotonic() < deadline:
            try:
                data = self.child.read_nonblocking(65536, timeout=QUIET)
            except pexpect.TIMEOUT:
                data = b""
            if data:
                self.stream.feed(data)
                last_output = time.monotonic()
            elif all(n in self.header() for n in needles) and time.monotonic() - last_output >= QUIET:
                return True
        return False

    def resident_mb(self) -> float:
        with open(f"/proc/{self.child.pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def close(self) -> None:
        self.child.sendcontrol("q")
        try:
            self.child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            pass
        self.child.close(force=True)


def main(argv: list[str] | None = None) -> int:
    """Walk the course and print RSS at each milestone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=2, help="walks to the end (a walk back between each)")
    parser.add_argument("--size", default="80x24", help="terminal COLUMNSxROWS")
    args = parser.parse_args(argv)
    columns, rows = (int(n) for n in args.size.split("x"))
    course = load_course(ROOT / "lessons")
    # Every step in order, as the header shows it: ("N.", "step i/n").
    stops = [
        (f"{lesson.number}.", f"step {index + 1}/{len(lesson.steps)}")
        for lesson in course.lessons
        for index in range(len(lesson.steps))
    ]
    figures: list[tuple[str, float]] = []
    unsettled = 0
    with tempfile.TemporaryDirectory() as folder:
        session = Session(Path(folder), columns, rows)
        try:
            if not session.settle(stops[0]):
                print("the first screen never settled", file=sys.stderr)
            figures.append(("start", session.resident_mb()))
            for walk in range(args.walks):
                if walk:
                    for stop in reversed(stops[:-1]):
                        session.child.send("\x1b[D")  # Left
                        unsettled += not session.settle(stop)
                    figures.append((f"back {walk}", session.resident_mb()))
                for stop in stops[1:]:
                    session.child.send("\x1b[C")  # Right
                    unsettled += not session.settle(stop)
                figures.append((f"walk {walk + 1}", session.resident_mb()))
        finally:
            session.close()
    print(f"{len(stops) - 1} step changes a walk, {columns}x{rows}, 256 colours")
    for name, value in figures:
        print(f"{name:10s} {value:6.1f} MB RSS")
    walk_ends = [value for name, value in figures if name.startswith("walk")]
    if len(walk_ends) > 1:
        growth = walk_ends[1] - walk_ends[0]
        print(f"growth from the end of walk 1 to the end of walk 2: {growth:+.1f} MB (< 3)")
    print(f"largest: {max(value for _, value in figures):.1f} MB (<= 70)")
    if unsettled:
        print(f"{unsettled} step(s) did not settle within {MAX_WAIT} s (measured anyway)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
