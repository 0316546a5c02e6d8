"""Benchmark the training pane, driving the real app headless (run as a script, not by pytest).

    python tests/benchmarks/bench_panes.py [--repeat 15]

Measures, as the median of repeated runs at 80x24:
- learning-rate key press (+) -> the new run's first curve rendered (target <= 50 ms);
- learning-rate key press (+) -> the full 1000-epoch curve rendered (target <= 150 ms);
- a key press handled while a long run trains in the worker (target <= 50 ms).
"Rendered" means plotext has built the plot's text (``CurvePlot.render``); the terminal
write follows in the same refresh.
"""

from __future__ import annotations

import argparse
import asyncio
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
    "key -> full 1000-epoch curve": 150.0,
    "key handled while training": 50.0,
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


#: Where the time of "key -> first curve" goes, in ms: key dispatched, first losses back, rendered.
SEGMENTS: dict[str, list[float]] = {
    "press -> run requested": [],
    "requested -> first losses": [],
    "first losses -> rendered": [],
}


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
        for i in range(repeat):
            key = "plus" if i % 2 == 0 else "minus"
            start = time.perf_counter()
            await pilot.press(key)
            await _until(
                pilot,
                lambda: (
                    "full_curve" in pane.timings
                    and _first_after(plot.render_times, pane.timings["full_curve"]) is not None
                ),
            )
            first.append((_first_after(plot.render_times, pane.timings["first_curve"]) - start) * 1000)
            full.append((_first_after(plot.render_times, pane.timings["full_curve"]) - start) * 1000)
            t = pane.timings
            SEGMENTS["press -> run requested"].append((t["requested"] - start) * 1000)
            SEGMENTS["requested -> first losses"].append((t["first_curve"] - t["requested"]) * 1000)
            SEGMENTS["first losses -> rendered"].append(
                (_first_after(plot.render_times, t["first_curve"]) - t["first_curve"]) * 1000
            )
            await app.workers.wait_for_complete()
            await pilot.pause()
    return first, full


async def measure_key_while_training(folder: Path, repeat: int) -> list[float]:
    """A key press (l, log scale) while a 100,000-epoch run trains: press -> handled."""
    import nntui.app.panes.training as training

    training.MAX_EPOCHS = 100_000  # a run long enough to press a key during it
    handled: list[float] = []
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
        for _ in range(repeat):
            await app.workers.wait_for_complete()
            await pilot.pause()
            pane.action_restart()
            await _until(pilot, lambda: pane.run is not None and len(pane.run.losses) > 100)
            stamps.clear()
            start = time.perf_counter()
            await pilot.press("l")
            await _until(pilot, lambda: bool(stamps))
            moment, finished = stamps[0]
            if finished:
                continue  # too late to count as "while training"
            handled.append((moment - start) * 1000)
    return handled


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        first, full = asyncio.run(measure_restart(Path(tmp) / "a", args.repeat))
        handled = asyncio.run(measure_key_while_training(Path(tmp) / "b", args.repeat))
    rows = {
        "key -> first curve": first,
        "key -> full 1000-epoch curve": full,
        "key handled while training": handled,
    }
    print(f"{'measure':32} {'median ms':>10} {'max ms':>8} {'runs':>5} {'target':>8}  ok")
    ok = True
    for name, values in rows.items():
        median = statistics.median(values) if values else float("nan")
        passed = median <= TARGETS[name]
        ok &= passed
        print(
            f"{name:32} {median:10.1f} {max(values, default=float('nan')):8.1f} {len(values):5d} "
            f"{TARGETS[name]:8.0f}  {'yes' if passed else 'NO'}"
        )
    for name, values in SEGMENTS.items():
        print(f"  of which {name:29} {statistics.median(values):10.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
