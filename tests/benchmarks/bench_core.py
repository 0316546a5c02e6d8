"""Core benchmark: nntui's trainer and sweep against a plain per-sample loop, side by side.

Run from the repository root:  python tests/benchmarks/bench_core.py [--repeats 15]

The machine may be shared and noisy, so every contender runs interleaved in the same
process, round after round, and the table reports medians and the ratio of medians.
Results are also checked to be identical before anything is timed.

Targets (issue 2): nntui's trainer at least 8x faster than the reference loop; the 64-rate
sweep at most 3x one nntui train run. The last lines explain the sweep's floor: a NumPy
call costs a fixed overhead whatever its size, a sweep step needs CALLS_PER_STEP of them,
and one trainer step in plain floats costs about as much as a handful of such calls.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nntui.core.data import dataset  # noqa: E402
from nntui.core.network import Params  # noqa: E402
from nntui.core.sweep import CALLS_PER_STEP, sweep  # noqa: E402
from nntui.core.train import train  # noqa: E402
from tests.core.reference_loop import ReferenceNetwork  # noqa: E402

EPOCHS = 1000
TRAIN_TARGET = 8.0  # at least this much faster than the reference loop
SWEEP_TARGET = 3.0  # at most this many single runs' time for 64 rates
CALL_SAMPLES = 2000  # ufunc calls timed per round for the per-call cost


def _one_ufunc_call_loop() -> None:
    """CALL_SAMPLES in-place additions of two 64-float arrays: a sweep call's fixed cost."""
    a, b = np.ones(64), np.full(64, 1e-300)
    add = np.add
    for _ in range(CALL_SAMPLES):
        add(a, b, a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    X, y = dataset()
    start = Params.random(0)
    rates = np.geomspace(0.001, 10.0, 64)
    steps = EPOCHS * len(y)

    # Same results first: a benchmark of different computations would mean nothing.
    reference = ReferenceNetwork(list(start.as_array()))
    ref_losses = reference.train(X, y, 0.1, EPOCHS)
    ours = train(X, y, 0.1, EPOCHS, params=start)
    param_gap = np.max(np.abs(ours.params.as_array() - np.array(reference.values())))
    loss_gap = np.max(np.abs(ours.losses - np.array(ref_losses)))
    swept = sweep(X, y, rates, EPOCHS, params=start)
    sweep_gap = max(
        np.max(np.abs(swept.losses[k] - train(X, y, rates[k], EPOCHS, params=start).losses))
        for k in (0, 31, 63)
    )

    contenders = {
        "reference loop (1 run)": lambda: ReferenceNetwork(list(start.as_array())).train(X, y, 0.1, EPOCHS),
        "nntui train (1 run)": lambda: train(X, y, 0.1, EPOCHS, params=start),
        "nntui sweep (64 rates)": lambda: sweep(X, y, rates, EPOCHS, params=start),
        "nntui sweep (1 rate)": lambda: sweep(X, y, [0.1], EPOCHS, params=start),
        f"{CALL_SAMPLES} ufunc calls (64 floats)": _one_ufunc_call_loop,
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    median = {name: statistics.median(values) for name, values in times.items()}

    print(f"{EPOCHS} epochs, 4 samples, median of {args.repeats} interleaved rounds")
    print(
        f"identical results: max parameter gap {param_gap:.1e}, max loss gap {loss_gap:.1e}, "
        f"sweep vs single runs {sweep_gap:.1e}"
    )
    for name, value in median.items():
        print(f"  {name:<26} {value * 1000:8.1f} ms")
    one = median["nntui train (1 run)"]
    swept = median["nntui sweep (64 rates)"]
    speed_up = median["reference loop (1 run)"] / one
    print(f"speed-up of nntui train over the reference loop: {speed_up:.1f}x")
    print(f"64-rate sweep / one nntui train run:             {median['nntui sweep (64 rates)'] / one:.1f}x")
    print(
        f"64-rate sweep / one sweep run (1 rate):          "
        f"{median['nntui sweep (64 rates)'] / median['nntui sweep (1 rate)']:.1f}x"
    )
    print(f"64-rate sweep / 64 sequential nntui train runs:  {swept / (64 * one):.2f}x")
    print(
        f"64-rate sweep / one reference-loop run:          "
        f"{median['nntui sweep (64 rates)'] / median['reference loop (1 run)']:.1f}x"
    )

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(
        f"target train >= {TRAIN_TARGET:g}x the reference loop: "
        f"{verdict(speed_up >= TRAIN_TARGET)} ({speed_up:.1f}x)"
    )
    print(
        f"target 64-rate sweep <= {SWEEP_TARGET:g}x one train run: "
        f"{verdict(swept / one <= SWEEP_TARGET)} ({swept / one:.1f}x)"
    )
    # Why the sweep target is out of reach: its steps are NumPy calls, each with a fixed cost.
    tight = median[f"{CALL_SAMPLES} ufunc calls (64 floats)"] / CALL_SAMPLES
    train_step = one / steps
    sweep_step = swept / steps
    one_rate_step = median["nntui sweep (1 rate)"] / steps
    in_situ = one_rate_step / CALLS_PER_STEP  # with 1 rate there is next to no arithmetic
    print(
        f"per step: train {train_step * 1e6:.2f} us (plain floats, loss pass included); sweep "
        f"{sweep_step * 1e6:.2f} us with 64 rates, {one_rate_step * 1e6:.2f} us with 1 rate; "
        f"{CALLS_PER_STEP} NumPy calls a step"
    )
    print(
        f"floor: with 1 rate the sweep is already {one_rate_step / train_step:.1f}x a train step, i.e. "
        f"{in_situ * 1e6:.2f} us a call in place (a tight loop of one 64-float ufunc: {tight * 1e6:.2f} us); "
        f"{SWEEP_TARGET:g}x a train step allows {SWEEP_TARGET * train_step / in_situ:.1f} such calls "
        f"({SWEEP_TARGET * train_step / tight:.1f} at the tight-loop cost) for all 64 rates"
    )


if __name__ == "__main__":
    main()
