"""Benchmark the training pane, driving the real app headless (run as a script, not by pytest).

    python tests/benchmarks/bench_panes.py [--repeat 15]

Measures, as the median of repeated runs at 80x24:
- learning-rate key press (+ or -) -> the new run's first curve rendered (target <= 50 ms),
  after the previous run finished, and again while it is still training (20,000 epochs);
- learning-rate key press -> the full 1000-epoch curve rendered (target <= 150 ms);
- a key press handled while a long run trains in the worker (target <= 50 ms), pressed at a
  random moment, and pressed just as a progress report arrived (a redraw is then due first).
"Rendered" means plotext has built the plot's text (``CurvePlot.render``) from curves that
include the new run; the terminal write follows in the same refresh (``+ frame`` shows when
that refresh ended). The machine's load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nntui.app import AppConfig, make_app
from nntui.app.panes.plots import CurvePlot
from nntui.app.panes.training import TrainingPane

TARGETS = {
    "key -> first curve": 50.0,
    "key -> first curve, old run busy": 50.0,
    "key -> full 1000-epoch curve": 150.0,
    "key handled while training": 50.0,
    "key handled, just after a report": 50.0,
}


def _app(folder: Path, settings: str):
    lessons = folder / "lessons"
    lessons.mkdir(parents=True, exist_ok=True)
    (lessons / "01-bench.md").write_text(
        f"---\ntitle: Bench\n---\n\n## Training\n\nText.\n\n```pane training {settings}\n```\n",
        encoding="utf-8",
    )
    return make_app(AppConfig(lessons_dir=lessons, state_dir=folder / "state"))


def _first_after(times, moment: float) -> float | None:
    later = [t for t in times if t >= moment]
    return min(later) if later else None


async def _until(pilot, condition, limit: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (benchmark only; tests use wait_for_complete)."""
    end = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.001)


class FrameClock:
    """Notes when each refreshed frame has been handed to the terminal driver."""

    def __init__(self, app) -> None:
        self.ends: list[float] = []
        original = app._display  # private, but only wrapped to read the clock

        def timed(*args, **kwargs):
            result = original(*args, **kwargs)
            self.ends.append(time.perf_counter())
            return result

        app._display = timed


#: Where the time of "key -> first curve" goes, in ms (medians).
SEGMENTS: dict[str, list[float]] = {
    "press -> run started": [],
    "run started -> curve handed to the plot": [],
    "handed -> plot drawn": [],
    "plot drawn -> frame done": [],
}


async def _press_and_time(pilot, pane, plot, frames, key: str, *, full: bool) -> tuple[float, float | None]:
    """Press ``key``; return ms to the new run's first rendered curve (and to its full curve)."""
    start = time.perf_counter()
    await pilot.press(key)

    def drawn(stamp: str) -> bool:
        return stamp in pane.timings and _first_after(plot.render_times, pane.timings[stamp]) is not None

    await _until(pilot, lambda: drawn("full_curve") if full else drawn("first_curve"))
    t = pane.timings
    first = _first_after(plot.render_times, t["first_curve"])
    await _until(pilot, lambda: _first_after(frames.ends, first) is not None)
    SEGMENTS["press -> run started"].append((t["requested"] - start) * 1000)
    SEGMENTS["run started -> curve handed to the plot"].append((t["first_curve"] - t["requested"]) * 1000)
    SEGMENTS["handed -> plot drawn"].append((first - t["first_curve"]) * 1000)
    SEGMENTS["plot drawn -> frame done"].append((_first_after(frames.ends, first) - first) * 1000)
    whole = _first_after(plot.render_times, t["full_curve"]) if full else None
    return (first - start) * 1000, (whole - start) * 1000 if whole is not None else None


async def measure_restart(folder: Path, repeat: int) -> tuple[list[float], list[float]]:
    """Key press -> first curve, and -> full curve, ``repeat`` times (lr ladder up and down)."""
    first, full = [], []
    app = _app(folder, "lr=0.1 epochs=1000")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.screen.query_one(TrainingPane)
        plot = pane.query_one(CurvePlot)
        frames = FrameClock(app)
        for i in range(repeat):
            one, whole = await _press_and_time(
                pilot, pane, plot, frames, "plus" if i % 2 == 0 else "minus", full=True
            )
            first.append(one)
            full.append(whole)
            await app.workers.wait_for_complete()
            await pilot.pause()
    return first, full


async def measure_restart_while_busy(folder: Path, repeat: int) -> list[float]:
    """Key press -> first curve while the previous 20,000-epoch run is still training."""
    first = []
    app = _app(folder, "lr=0.1 epochs=20000")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(TrainingPane)
        plot = pane.query_one(CurvePlot)
        frames = FrameClock(app)
        for i in range(repeat):
            # Wait until the run in flight has done some work but not all of it.
            await _until(pilot, lambda: len(pane.run.losses) > 1000 or pane.run.finished)
            if pane.run.finished:
                await app.workers.wait_for_complete()
                pane.action_restart()
                continue
            one, _ = await _press_and_time(
                pilot, pane, plot, frames, "plus" if i % 2 == 0 else "minus", full=False
            )
            first.append(one)
        await app.workers.wait_for_complete()
    return first


async def measure_key_while_training(folder: Path, repeat: int) -> tuple[list[float], list[float]]:
    """A key press (l, log scale) while a 100,000-epoch run trains: press -> handled.

    Pressed at a random moment between progress reports, and right as one arrived (then the
    redraw it asked for is due and usually runs before the key is handled).
    """
    import nntui.app.panes.training as training

    training.MAX_EPOCHS = 100_000  # a run long enough to press a key during it
    rng = random.Random(4)
    anytime: list[float] = []
    after_report: list[float] = []
    app = _app(folder, "lr=0.01 epochs=100000")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(TrainingPane)
        toggle = pane.action_toggle_log
        stamps: list[tuple[float, bool]] = []

        def spy() -> None:
            stamps.append((time.perf_counter(), pane.run.finished))
            toggle()

        pane.action_toggle_log = spy  # type: ignore[method-assign]
        for i in range(2 * repeat):
            await app.workers.wait_for_complete()
            await pilot.pause()
            pane.action_restart()
            await _until(pilot, lambda: pane.run is not None and len(pane.run.losses) > 100)
            random_moment = i % 2 == 0
            if random_moment:
                await asyncio.sleep(rng.uniform(0, 2 * training.POST_INTERVAL))
            stamps.clear()
            start = time.perf_counter()
            await pilot.press("l")
            await _until(pilot, lambda: bool(stamps))
            moment, finished = stamps[0]
            if finished:
                continue  # too late to count as "while training"
            (anytime if random_moment else after_report).append((moment - start) * 1000)
    return anytime, after_report


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        first, full = asyncio.run(measure_restart(Path(tmp) / "a", args.repeat))
        busy = asyncio.run(measure_restart_while_busy(Path(tmp) / "b", args.repeat))
        anytime, after_report = asyncio.run(measure_key_while_training(Path(tmp) / "c", args.repeat))
    rows = {
        "key -> first curve": first,
        "key -> first curve, old run busy": busy,
        "key -> full 1000-epoch curve": full,
        "key handled while training": anytime,
        "key handled, just after a report": after_report,
    }
    print(f"{'measure':34} {'median ms':>10} {'max ms':>8} {'runs':>5} {'target':>8}  result")
    ok = True
    for name, values in rows.items():
        median = statistics.median(values) if values else float("nan")
        passed = median <= TARGETS[name]
        ok &= passed
        print(
            f"{name:34} {median:10.1f} {max(values, default=float('nan')):8.1f} {len(values):5d} "
            f"{TARGETS[name]:8.0f}  {'ok' if passed else 'MISSED'}"
        )
    print("where 'key -> first curve' goes (medians over both first-curve measures, ms):")
    for name, values in SEGMENTS.items():
        print(f"  {name:41} {statistics.median(values):8.1f}")
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
