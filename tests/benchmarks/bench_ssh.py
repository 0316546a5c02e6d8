"""Benchmark: a room of real OpenSSH clients against one `nntui serve ssh` (loopback only).

Run as a script (not collected by pytest)::

    python tests/benchmarks/bench_ssh.py [--clients 50] [--trainers 10]

It measures, against the issue's targets:

1. time from starting ``ssh`` to the first lesson screen, all clients at once (<= 10 s each):
   when the step's header is on the screen (the text is painted first), and when the screen is
   complete (the pane built, drawn and focused: its keys are in the footer; <= 12 s each);
2. with ``--trainers`` sessions re-running the training pane over and over, key-press-to-screen
   latency, p95 (<= 200 ms): on ten sessions the key is Right/Left between lesson 1's first two
   steps (the same kind of pane, kept), on ten others between lesson 1's last step and lesson
   2's first (a neuron pane, then a network pane: the step's pane is built anew), timed until
   the new step's header is on the screen; the time to the first byte of the app's answer is
   reported too;
3. resident memory of every session (<= 70 MB RSS each), also PSS, which counts the pages a
   session shares with the others (and with the pre-forked session starter) fairly; the
   starter's own memory is reported apart;
4. bytes an idle session sends over 10 s (0).

``--no-prefork`` runs the server that way (every session a new process), for comparison.

``--room`` measures the workshop room instead (issue 17; ``bench_room.py``): 100 attendees on
one checkpoint and an instructor watching its poll; how soon after the last answer the
instructor's poll counts every answer (<= 1 s), and attendees' key-to-screen p95 meanwhile
(<= 200 ms).

Everything is bounded by timeouts; state lives in a temporary folder that is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.serve.harness import SSH_BASE, children_of, free_port, is_starter, session_pids  # noqa: E402

STEP = re.compile(rb"step (\d+)/(\d+)")


class Seat:
    """One attendee: an ssh client on a pty, optionally mirrored in a pyte screen."""

    def __init__(self, port: int, name: str, watch: bool, complete: bytes, first: bytes = b"step 1/") -> None:
        args = list(SSH_BASE) + ["-o", "LogLevel=ERROR", "-p", str(port), "-tt", f"{name}@127.0.0.1"]
        self.name = name
        self.started = time.monotonic()
        self.proc = pexpect.spawn("ssh", args, dimensions=(24, 80), timeout=60)
        self.screen = pyte.Screen(80, 24) if watch else None
        self.stream = pyte.ByteStream(self.screen) if watch else None
        self.first_screen: float | None = None
        #: What shows once the first lesson screen is up (the step's header).
        self.first_marker = first
        #: The footer label that shows once the step's pane is built, drawn and focused.
        self.complete_marker = complete
        self.complete_screen: float | None = None
        self.bytes = 0
        self.tail = b""

    def fileno(self) -> int:
        return self.proc.child_fd

    def take(self) -> None:
        try:
            data = os.read(self.proc.child_fd, 65536)
        except OSError:
            return
        self.bytes += len(data)
        if self.stream is not None:
            self.stream.feed(data)
        self.tail = (self.tail + data)[-4096:]
        if self.first_screen is None and self.shows(self.first_marker):
            self.first_screen = time.monotonic() - self.started
        if (
            self.complete_screen is None
            and self.first_screen is not None
            and self.shows(self.complete_marker)
        ):
            self.complete_screen = time.monotonic() - self.started

    def shows(self, needle: bytes) -> bool:
        if self.screen is not None:
            return needle.decode() in "\n".join(self.screen.display)
        return needle in self.tail


def pump(seats: list[Seat], timeout: float) -> None:
    """Read whatever any client has printed, waiting at most ``timeout``."""
    ready, _, _ = select.select(seats, [], [], timeout)
    for seat in ready:
        seat.take()


def pump_until(seats, condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        pump(seats, min(left, 0.05))
    return True


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) ``pid`` has used so far; 0 if it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(x) for x in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuUse:
    """Who used the CPU between ``start()`` and ``stop()``: our processes by kind, and the rest."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups

    def start(self) -> None:
        self.before = {name: sum(map(cpu_seconds, pids)) for name, pids in self.groups.items()}
        self.bench = sum(os.times()[:2])
        self.machine = machine_busy()
        self.wall = time.monotonic()

    def stop(self) -> dict[str, float]:
        used = {name: sum(map(cpu_seconds, pids)) - self.before[name] for name, pids in self.groups.items()}
        used["bench script"] = sum(os.times()[:2]) - self.bench
        total = machine_busy() - self.machine
        used["everything else on the machine"] = total - sum(used.values())
        used["wall seconds"] = time.monotonic() - self.wall
        return {name: round(value, 1) for name, value in used.items()}


def memory(pids: list[int]) -> tuple[list[float], list[float]]:
    """RSS and PSS in MB of each process."""
    rss, pss = [], []
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if ":" in line}
        rss.append(fields.get("Rss", 0) / 1024)
        pss.append(fields.get("Pss", 0) / 1024)
    return rss, pss


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The bench's options (``--room`` measures issue 17's room instead, see bench_room.py)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, help="attendees (default 50; with --room, 100)")
    parser.add_argument("--trainers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6, help="key presses per measured session")
    parser.add_argument("--no-prefork", action="store_true", help="run the server with --no-prefork")
    parser.add_argument(
        "--room",
        action="store_true",
        help="the room: every attendee answers one checkpoint while an instructor watches the poll; "
        "time until the instructor's poll counts them all, and key-to-screen p95 meanwhile",
    )
    parser.add_argument("--measured", type=int, default=10, help="--room: attendees whose keys are timed")
    parser.add_argument(
        "--answer-over",
        type=float,
        default=0.0,
        metavar="S",
        help="--room: spread the answers evenly over S seconds (default 0: all at once, the worst case)",
    )
    args = parser.parse_args(argv)
    if args.clients is None:
        args.clients = 100 if args.room else 50
    if args.clients < 1 or (args.room and not 1 <= args.measured <= args.clients):
        parser.error("--clients must be at least 1, and --measured from 1 to --clients")
    if not 0 <= args.answer_over <= 600:
        parser.error("--answer-over must be from 0 to 600 seconds")
    return args


def write_progress(state: Path, name: str, lesson: str, step: int) -> None:
    """``name`` resumes at ``lesson``'s step (0-based) when they connect."""
    folder = state / "users" / name
    folder.mkdir(parents=True)
    progress = {"version": 1, "name": name, "lesson": lesson, "step": step, "completed": {}}
    progress.update({"checkpoints": {}, "exercises": {}, "updated": "2026-01-01T00:00:00+00:00"})
    (folder / "progress.json").write_text(json.dumps(progress))


def start_server(state: Path, port: int, clients: int, no_prefork: bool) -> pexpect.spawn:
    """`nntui serve ssh` on loopback for a room of ``clients`` that all connect at once."""
    server = pexpect.spawn(
        sys.executable,
        ["-m", "nntui", "serve", "ssh", "--port", str(port), "--state-dir", str(state)]
        + ["--lessons", str(ROOT / "lessons"), "--max-sessions", str(clients + 5)]
        # The whole room connects at once: no early drops (README, "A hostile room").
        + ["--max-startups", f"{clients + 5}:30:{2 * clients + 10}"]
        + (["--no-prefork"] if no_prefork else []),
        encoding="utf-8",
        timeout=30,
    )
    server.expect("listening on")
    return server


def stop(seats: list[Seat], server: pexpect.spawn, state: Path) -> None:
    """Quit every client, stop the server, remove the state."""
    for seat in seats:
        if seat.proc.isalive():
            seat.proc.send("q")
    pump_until(seats, lambda: not any(s.proc.isalive() for s in seats), 30)
    for seat in seats:
        seat.proc.terminate(force=True)
    server.kill(signal.SIGTERM)
    server.expect(pexpect.EOF, timeout=60)
    shutil.rmtree(state, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.room:
        from tests.benchmarks.bench_room import run_room

        return run_room(args)

    state = Path(tempfile.mkdtemp(prefix="nntui-bench-ssh-"))
    port = free_port()
    trainers = [f"train{i:02d}" for i in range(args.trainers)]
    others = [f"user{i:02d}" for i in range(args.clients - args.trainers)]
    # Trainers resume on the training lesson, whose pane trains as soon as the step opens.
    for name in trainers:
        write_progress(state, name, "06-training", 0)
    # The ten sessions timed on a change of pane type resume on lesson 1's last step (a neuron
    # pane): Right opens lesson 2's first (a network pane), Left comes back.
    crossing = others[10:20]
    for name in crossing:
        write_progress(state, name, "01-neurons", 7)

    server = start_server(state, port, args.clients, args.no_prefork)
    results: dict[str, object] = {
        "clients": args.clients,
        "trainers": args.trainers,
        "prefork": not args.no_prefork,
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    seats: list[Seat] = []
    try:
        # 1. everyone at once
        # Only the sessions whose latency is measured are mirrored in pyte: feeding fifty
        # screens would take CPU from the server on a 2-core machine and skew every figure.
        watched = set(others[:20])
        machine_at_start, bench_at_start = machine_busy(), sum(os.times()[:2])
        starters = [pid for pid in children_of(server.pid) if is_starter(pid)]
        server_at_start = cpu_seconds(server.pid) + sum(map(cpu_seconds, starters))
        for name in trainers + others:
            # The neuron pane's footer offers "Activation"; the training pane's, "Rerun".
            marker = b"Rerun" if name in trainers else b"Activation"
            first = b"step 8/" if name in crossing else b"step 1/"
            seats.append(Seat(port, name, watch=name in watched, complete=marker, first=first))
        everyone = pump_until(seats, lambda: all(s.first_screen is not None for s in seats), 120)
        cpu_at_first_screens = machine_busy() - machine_at_start
        results["first_screen_s"] = spread([s.first_screen for s in seats])
        if not everyone:
            print("not every client reached the first lesson within 120 s", file=sys.stderr)
        # Who used the CPU to get everyone there (everything each process has used so far).
        pids = json.loads((state / "sessions.json").read_text()).get("pids", {})
        starting = {
            "server and session starter": cpu_seconds(server.pid)
            + sum(map(cpu_seconds, starters))
            - server_at_start,
            "training sessions": sum(cpu_seconds(pid) for name in trainers for pid in pids.get(name, [])),
            "other sessions": sum(cpu_seconds(pid) for name in others for pid in pids.get(name, [])),
            "ssh clients": sum(cpu_seconds(seat.proc.pid) for seat in seats),
            "bench script": sum(os.times()[:2]) - bench_at_start,
        }
        starting["everything else on the machine"] = (
            machine_busy() - machine_at_start - sum(starting.values())
        )
        results["cpu_to_first_screens_s"] = {name: round(value, 1) for name, value in starting.items()}
        # The text comes first; the pane is built just after. When is every screen complete?
        pump_until(seats, lambda: all(s.complete_screen is not None for s in seats), 120)
        results["complete_screen_s"] = spread([s.complete_screen for s in seats])
        results["machine_cpu_s"] = {
            "to_first_screens": round(cpu_at_first_screens, 1),
            "to_complete_screens": round(machine_busy() - machine_at_start, 1),
        }

        # 2. latency on ten other sessions while the trainers keep re-running training
        measured = [s for s in seats if s.name in others][:10]
        crossers = [s for s in seats if s.name in crossing]
        training = [s for s in seats if s.name in trainers]
        # The server lists each name's session processes in sessions.json.
        pids = json.loads((state / "sessions.json").read_text()).get("pids", {})
        trainer_pids = [pid for name in trainers for pid in pids.get(name, [])]
        other_pids = [pid for name in others for pid in pids.get(name, [])]
        use = CpuUse(
            {
                "server": [server.pid],
                "training sessions": trainer_pids,
                "other sessions": other_pids,
                "ssh clients": [seat.proc.pid for seat in seats],
            }
        )
        use.start()
        rerun = {"last": 0.0}

        def time_keys(group: list[Seat], forth: tuple[str, bytes], back: tuple[str, bytes]):
            """Key-to-screen and key-to-first-byte times of ``group``, the trainers re-running."""
            latencies: list[float] = []  # until the new step's header is on the screen
            first_bytes: list[float] = []  # until the first byte of the app's answer arrives
            for round_index in range(args.rounds):
                key, want = forth if round_index % 2 == 0 else back
                for seat in group:
                    if time.monotonic() - rerun["last"] > 1.0:
                        for trainer in training:
                            trainer.proc.send("r")
                        rerun["last"] = time.monotonic()
                    sent, before = time.monotonic(), seat.bytes
                    seat.proc.send(key)
                    if pump_until(seats, lambda seat=seat, before=before: seat.bytes > before, 10):
                        first_bytes.append(time.monotonic() - sent)
                    if pump_until(seats, lambda seat=seat, want=want: seat.shows(want), 10):
                        latencies.append(time.monotonic() - sent)
            return latencies, first_bytes

        latencies, first_bytes = time_keys(measured, ("\x1b[C", b"step 2/"), ("\x1b[D", b"step 1/"))
        crossing_times, _ = time_keys(crossers, ("\x1b[C", b"2. Networks"), ("\x1b[D", b"step 8/"))
        results["cpu_during_latency_s"] = use.stop()
        rss, pss = memory(sorted(session_pids(server.pid)))
        starter_rss, starter_pss = memory([pid for pid in children_of(server.pid) if is_starter(pid)])
        results["latency_ms"] = percentiles(latencies)
        results["latency_other_pane_ms"] = percentiles(crossing_times)
        first_bytes.sort()
        if first_bytes:
            results["first_answer_byte_ms"] = {
                "median": round(1000 * statistics.median(first_bytes)),
                "p95": round(1000 * first_bytes[int(round(0.95 * (len(first_bytes) - 1)))]),
            }
        results["memory_mb"] = {
            "sessions": len(rss),
            "rss_mean": round(statistics.mean(rss), 1) if rss else None,
            "rss_max": round(max(rss), 1) if rss else None,
            "pss_mean": round(statistics.mean(pss), 1) if pss else None,
            "pss_max": round(max(pss), 1) if pss else None,
            "starter_rss": round(starter_rss[0], 1) if starter_rss else None,
            "starter_pss": round(starter_pss[0], 1) if starter_pss else None,
        }

        # 3. idle: let training finish, then count what untouched sessions receive in 10 s
        quiet = [s for s in seats if s.name in others][20:30]
        pump_until(seats, lambda: False, 3.0)
        before = {s.name: s.bytes for s in quiet}
        pump_until(seats, lambda: False, 10.0)
        idle = [s.bytes - before[s.name] for s in quiet]
        results["idle_bytes_10s"] = {"sessions": len(idle), "max": max(idle, default=None)}
    finally:
        stop(seats, server, state)
    print(json.dumps(results, indent=2))
    print(verdicts(results))
    return 0


def percentiles(times: list[float]) -> dict:
    """Samples, median, p95 and max of ``times`` (seconds), in milliseconds."""
    times = sorted(times)
    if not times:
        return {"samples": 0}
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {
        "samples": len(times),
        "median": round(1000 * statistics.median(times)),
        "p95": round(1000 * p95),
        "max": round(1000 * times[-1]),
    }


def spread(times: list[float | None]) -> dict:
    """How many reached it, and median, p90 and max of the times (s), and how many within 10 s."""
    reached = sorted(t for t in times if t is not None)
    return {
        "reached": len(reached),
        "median": round(statistics.median(reached), 2) if reached else None,
        "p90": round(reached[int(0.9 * (len(reached) - 1))], 2) if reached else None,
        "max": round(reached[-1], 2) if reached else None,
        "within_10s": sum(t <= 10 for t in reached),
    }


def verdicts(results: dict) -> str:
    """The issue's targets, each with ok or MISSED."""
    first = results.get("first_screen_s") or {}
    complete = results.get("complete_screen_s") or {}
    latency = results.get("latency_ms") or {}
    other = results.get("latency_other_pane_ms") or {}
    memory_mb = results.get("memory_mb") or {}
    idle = results.get("idle_bytes_10s") or {}
    rows = [
        (
            "every client reaches the lesson within 10 s",
            first.get("within_10s") == results["clients"],
            f"{first.get('within_10s')}/{results['clients']}, max {first.get('max')} s",
        ),
        (
            "... with its pane built and drawn within 12 s",
            complete.get("max") is not None
            and complete["max"] <= 12
            and complete.get("reached") == results["clients"],
            f"{complete.get('reached')}/{results['clients']}, max {complete.get('max')} s",
        ),
        (
            "key-press-to-screen p95 <= 200 ms with trainers (same kind of pane)",
            latency.get("p95") is not None and latency["p95"] <= 200,
            f"p95 {latency.get('p95')} ms",
        ),
        (
            "... to another kind of pane",
            other.get("p95") is not None and other["p95"] <= 200,
            f"p95 {other.get('p95')} ms",
        ),
        (
            "every session <= 70 MB RSS",
            memory_mb.get("rss_max") is not None and memory_mb["rss_max"] <= 70,
            f"max {memory_mb.get('rss_max')} MB (PSS mean {memory_mb.get('pss_mean')} MB)",
        ),
        ("idle sessions send 0 bytes in 10 s", idle.get("max") == 0, f"max {idle.get('max')} bytes"),
    ]
    return "\n".join(f"{'ok    ' if good else 'MISSED'} {what}: {figure}" for what, good, figure in rows)


if __name__ == "__main__":
    raise SystemExit(main())
