"""Benchmark: CPU a lesson step change costs the app (run as a script, not by pytest).

    python tests/benchmarks/bench_steps.py [--rounds 5] [--changes 20]

Drives the real app headless at 80x24 on the shipped course and measures the process CPU time
of step changes (Right, then Left, each until the screen has settled), in three places:

- lesson 1, steps 1 <-> 2: the same kind of pane (neuron) on both steps, so the pane is kept
  and reconfigured (``Pane.reconfigure``);
- the same two steps with reconfiguring switched off, so the pane is built anew each time:
  the ratio of the two is what keeping the pane saves;
- lesson 1's last step <-> lesson 2's first: another kind of pane (neuron <-> network), built
  anew.

The contenders are interleaved, round by round, in one process (the machine is shared: only
ratios measured side by side mean much). CPU per step change is what an SSH workshop's host
pays for each attendee's key press; ``bench_ssh.py`` measures the resulting latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from nntui.app import AppConfig, make_app  # noqa: E402
from nntui.app.screens.lesson import LessonScreen  # noqa: E402
from nntui.course import load_course  # noqa: E402


async def _cpu_per_change(state_dir: Path, lesson: int, step: int, changes: int) -> float:
    """Median CPU seconds of ``changes`` step changes between (lesson, step) and the next step."""
    app = make_app(AppConfig(lessons_dir=ROOT / "lessons", state_dir=state_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.tutor.go(lesson, step)
        await app.screen.show_step()
        await pilot.pause()
        for key in ("right", "left") * 2:  # warm caches first
            await pilot.press(key)
            await pilot.pause()
        costs = []
        for index in range(changes):
            start = time.process_time()
            await pilot.press("right" if index % 2 == 0 else "left")
            await pilot.pause()
            costs.append(time.process_time() - start)
    return statistics.median(costs)


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args(argv)
    course = load_course(ROOT / "lessons")
    last_of_first = len(course.lessons[0].steps) - 1
    contenders = {
        "same pane kept (lesson 1, steps 1<->2)": (0, 0, True),
        "same pane built anew (lesson 1, steps 1<->2)": (0, 0, False),
        "another pane (lesson 1 end <-> lesson 2 start)": (0, last_of_first, True),
    }
    results: dict[str, list[float]] = {name: [] for name in contenders}
    keep = LessonScreen._reconfigured_panes
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        for round_index in range(args.rounds):
            for name, (lesson, step, reconfigure) in contenders.items():
                LessonScreen._reconfigured_panes = keep if reconfigure else (lambda self, step: None)
                state = Path(folder) / f"{round_index}-{len(results[name])}-{lesson}-{step}"
                cost = asyncio.run(_cpu_per_change(state, lesson, step, args.changes))
                results[name].append(cost)
        LessonScreen._reconfigured_panes = keep
    print(f"load average after: {os.getloadavg()}")
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:50s} {value * 1000:7.1f} ms CPU per step change")
    kept, anew = medians[list(contenders)[0]], medians[list(contenders)[1]]
    print(f"building the pane anew costs {anew / kept:.2f}x the CPU of keeping it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
