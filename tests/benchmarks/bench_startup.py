"""Startup benchmark: nntui versus a minimal Textual app, both in a pseudo-terminal.

Measures the time from starting the process to the first lesson text on screen, against a
minimal Textual app that shows one Markdown widget and one plotext plot; the two are run
alternately (interleaved) so both see the same machine load, and the medians are compared.
Also reports nntui's resident memory (VmRSS) once its first screen is up, and the CPU time each
program had used when its text appeared.

Run it as a script (pytest does not collect it):

    python tests/benchmarks/bench_startup.py [--runs 15] [--no-bytecode-cache]

Targets: nntui at most 1.2x the minimal app (issue 18), and at most 70 MB resident.

Bytecode: an installed package starts from compiled ``.pyc`` files (pip writes them at install),
but a development checkout under ``PYTHONDONTWRITEBYTECODE=1`` (set on the team's machine) makes
Python compile nntui's own modules from source at every start, while Textual and plotext in
site-packages keep their ``.pyc`` files: that is not the same work on both sides. So both programs
run with a private ``PYTHONPYCACHEPREFIX`` in a temporary folder, filled by one warm-up run of each
(every module of both, libraries included, then comes from there). ``--no-bytecode-cache``
measures the checkout as it is instead (nntui's modules compiled at every start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pexpect
import pyte

COLS, ROWS = 80, 24
RATIO_TARGET = 1.2
RSS_TARGET_MB = 70.0

MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.containers import Horizontal
    from textual.widgets import Markdown
    from textual_plotext import PlotextPlot


    class Minimal(App):
        def compose(self):
            with Horizontal():
                yield Markdown("## Minimal\\n\\nMINIMAL-APP-TEXT is on screen.")
                yield PlotextPlot()

        def on_mount(self):
            plt = self.query_one(PlotextPlot).plt
            xs = [x / 10 for x in range(-80, 81)]
            plt.plot(xs, [1 / (1 + 2.718281828 ** -x) for x in xs])


    Minimal().run()
    """
)


def time_to_text(
    argv: list[str], needle: str, env: dict[str, str], settled: str | None = None, timeout: float = 30.0
) -> tuple[float, float, float]:
    """Seconds until ``needle`` is on the screen, the RSS in MB once ``settled`` is on it too, and
    the CPU seconds the program had used when ``needle`` appeared.

    nntui puts the lesson text up first and builds the pane (NumPy, the plot) just after, so its
    memory is read only when the pane shows (``settled``), not at the first frame.
    """
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(ROWS, COLS))
    try:
        deadline = start + timeout
        while True:
            if needle in "\n".join(screen.display):
                elapsed = time.perf_counter() - start
                cpu = cpu_seconds(child.pid)
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"{needle!r} did not appear within {timeout}s:\n" + "\n".join(screen.display)
                )
            try:
                stream.feed(child.read_nonblocking(65536, timeout=0.5))
            except pexpect.TIMEOUT:
                continue
        while settled and settled not in "\n".join(screen.display):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{settled!r} did not appear within {timeout}s")
            try:
                stream.feed(child.read_nonblocking(65536, timeout=0.5))
            except pexpect.TIMEOUT:
                continue
        rss = rss_mb(child.pid)
    finally:
        child.terminate(force=True)
        child.close()
    return elapsed, rss, cpu


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far (Linux /proc; clock ticks, usually 10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: say how busy it was)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each program (default 15)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run as the environment says (PYTHONDONTWRITEBYTECODE and all) instead of with a .pyc cache",
    )
    args = parser.parse_args()

    from nntui.course import default_lessons_dir, load_course

    load_before = load_average()
    first = load_course(default_lessons_dir()).lessons[0].steps[0]
    needle = first.title[:30]
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        env = {**os.environ, "TERM": "xterm-256color", "NNTUI_STATE_DIR": str(Path(tmp) / "state")}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        if args.no_bytecode_cache:
            flag = env.get("PYTHONDONTWRITEBYTECODE", "")
            bytecode = f"as the environment says (PYTHONDONTWRITEBYTECODE={flag!r})"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            bytecode = "from a private .pyc cache filled by the warm-up run (both programs)"
        programs = {
            "minimal app": ([sys.executable, str(minimal)], "MINIMAL-APP-TEXT", None),
            "nntui": ([sys.executable, "-m", "nntui", "--reset-progress"], needle, "sigmoid(7) ="),
        }
        times: dict[str, list[float]] = {name: [] for name in programs}
        rss: dict[str, list[float]] = {name: [] for name in programs}
        cpu: dict[str, list[float]] = {name: [] for name in programs}
        for argv, text, settled in programs.values():  # one warm-up each (disk cache, .pyc files)
            time_to_text(argv, text, env, settled)
        for _ in range(args.runs):
            for name, (argv, text, settled) in programs.items():
                seconds, mb, used = time_to_text(argv, text, env, settled)
                times[name].append(seconds)
                rss[name].append(mb)
                cpu[name].append(used)

    base = statistics.median(times["minimal app"])
    print(f"startup to first text, {COLS}x{ROWS} pty, median of {args.runs} interleaved runs")
    print(f"bytecode: {bytecode}; load average before/after: {load_before} / {load_average()}")
    print("(nntui's RSS is read once its first pane, with NumPy and the plot, is on screen)")
    print(f"{'program':<14}{'median s':>10}{'min s':>8}{'max s':>8}{'ratio':>8}{'RSS MB':>9}{'CPU s':>8}")
    for name in programs:
        med = statistics.median(times[name])
        print(
            f"{name:<14}{med:>10.3f}{min(times[name]):>8.3f}{max(times[name]):>8.3f}"
            f"{med / base:>8.2f}{statistics.median(rss[name]):>9.1f}{statistics.median(cpu[name]):>8.2f}"
        )
    # The target is judged on the ratio of the medians (above). On a shared machine that figure
    # moves with the load, so three steadier views of the same runs are printed beside it.
    paired = statistics.median(n / m for n, m in zip(times["nntui"], times["minimal app"], strict=True))
    print(
        f"other views: median of per-round ratios {paired:.2f}, ratio of the fastest runs "
        f"{min(times['nntui']) / min(times['minimal app']):.2f}, CPU time ratio "
        f"{statistics.median(cpu['nntui']) / statistics.median(cpu['minimal app']):.2f}"
    )
    ratio = statistics.median(times["nntui"]) / base
    memory = statistics.median(rss["nntui"])
    ok = ratio <= RATIO_TARGET and memory <= RSS_TARGET_MB
    print(
        f"targets: ratio <= {RATIO_TARGET} ({'ok' if ratio <= RATIO_TARGET else 'MISSED'}), "
        f"nntui RSS <= {RSS_TARGET_MB:g} MB ({'ok' if memory <= RSS_TARGET_MB else 'MISSED'})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
