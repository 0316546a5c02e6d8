"""Benchmark: CPU and bytes of one forked workshop session (run as a script, not by pytest).

    python tests/benchmarks/bench_fork.py [--starts 10] [--baseline DIR] [--steps 6] [--train 3]
                                          [--room | --room-cost]

Starts the real pre-forked session starter (``python -m nntui.serve.zygote``) and has it fork
sessions one after the other, each on a pseudo-terminal of 80x24 with TERM=xterm-256color, as
the SSH server does (no ssh in between). For each session it reads what the app writes, feeds
it to a pyte screen and reports:

- CPU seconds the session used until its first lesson screen ("step 1/" is up), until the
  screen is complete (the pane's keys are in the footer) and once the output has settled;
- the bytes it sent for the first screen (until settled);
- bytes per step change (Right/Left until the new step is up and the output settles): on the
  same kind of pane (lesson 1, steps 1<->2) and to another kind (lesson 1's last step <->
  lesson 2's first), and bytes per second of the training pane's animation (lesson 6).

``--baseline DIR`` runs a second starter from another checkout (e.g. ``git archive`` of the
main branch unpacked in a temporary folder) and alternates the two, fork by fork, so that the
ratios are measured side by side on the same (shared) machine.

``--room`` runs a room hub (``python -m nntui.serve.hub``) and gives every session the room's
environment, as `nntui serve` does: each session then joins the room as it starts.
``--room-cost`` measures what the room costs: the baseline is this checkout without a room,
side by side with this checkout's sessions joining one.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parents[2]
COLS, ROWS = 80, 24
QUIET = 0.4  # seconds without output that count as "settled"


def cpu_seconds(pid: int, which: slice = slice(11, 13)) -> float:
    """User plus system CPU time of ``pid`` so far (Linux /proc); ``which`` picks one of them."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(field) for field in fields[which]) / os.sysconf("SC_CLK_TCK")


class Starter:
    """One ``python -m nntui.serve.zygote`` from the checkout ``root``."""

    def __init__(self, root: Path, lessons: Path) -> None:
        self.root = root
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        from nntui.serve.launch import SessionPlan, child_env, exercises_env

        # What the SSH server hands its starter (one BLAS thread: a fork copies no other thread).
        env = (
            child_env(None, None) | exercises_env(SessionPlan(state_dir=lessons)) | {"PYTHONPATH": str(root)}
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nntui.serve.zygote",
                str(theirs.fileno()),
                json.dumps({"lessons": str(lessons)}),
            ],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=root,
        )
        theirs.close()
        self.sock = mine
        self.next_id = 0
        #: What its sessions' environments get besides the terminal's (the room's, with --room).
        self.extra_env: dict[str, str] = {}
        reply = self.receive()
        if reply.get("op") != "ready":
            raise RuntimeError(f"the starter in {root} is not ready: {reply}")

    def receive(self) -> dict:
        while True:
            message = json.loads(self.sock.recv(1 << 16))
            if message.get("op") != "exit":
                return message

    def fork(self, spec: dict, slave: int) -> int:
        self.next_id += 1
        data = json.dumps({"op": "fork", "id": self.next_id, "spec": spec}).encode()
        socket.send_fds(self.sock, [data], [slave])
        reply = self.receive()
        if reply.get("op") != "forked":
            raise RuntimeError(f"fork failed: {reply}")
        return int(reply["pid"])

    def close(self) -> None:
        self.sock.close()
        self.proc.wait(timeout=30)


class Session:
    """A forked session on a pty we hold the master side of, mirrored in pyte."""

    def __init__(self, starter: Starter, state: Path, name: str, progress: dict | None = None) -> None:
        from nntui.serve.launch import SessionPlan, child_env, exercises_env

        if progress is not None:
            folder = state / "users" / name
            folder.mkdir(parents=True, exist_ok=True)
            data = {"version": 1, "name": name, "step": 0, "completed": {}, "checkpoints": {}}
            data.update({"exercises": {}, "updated": "2026-01-01T00:00:00+00:00", **progress})
            (folder / "progress.json").write_text(json.dumps(data))
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        plan = SessionPlan(state_dir=state, lessons=ROOT / "lessons")
        env = child_env("xterm-256color", None) | exercises_env(plan) | starter.extra_env
        spec = {"kind": "app", "name": name, "plan": plan.to_dict(), "env": env, "limits": {}}
        self.started = time.monotonic()
        self.pid = starter.fork(spec, slave)
        os.close(slave)
        self.master = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes = 0

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def cells(self) -> list:
        """Every cell's character and colours, and the cursor: what a person sees, exactly."""
        buffer = self.screen.buffer
        return [[tuple(buffer[y][x])[:8] for x in range(COLS)] for y in range(ROWS)] + [
            (self.screen.cursor.x, self.screen.cursor.y)
        ]

    def pump(self, timeout: float) -> bool:
        """Read what is there (waiting at most ``timeout``); False if nothing came."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            return False
        self.bytes += len(data)
        self.stream.feed(data)
        return True

    def until(self, needle: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{needle!r} did not appear:\n{self.text()}")
            self.pump(0.05)

    def settle(self) -> None:
        while self.pump(QUIET):
            pass

    def press(self, key: bytes, want: str) -> int:
        """Bytes the app sends for ``key`` until ``want`` is up and the output settles."""
        before = self.bytes
        os.write(self.master, key)
        self.until(want)
        self.settle()
        return self.bytes - before

    def end(self) -> None:
        with_suppress(lambda: os.killpg(self.pid, signal.SIGKILL))
        os.close(self.master)


def with_suppress(action) -> None:
    try:
        action()
    except OSError:
        pass


RIGHT, LEFT = b"\x1b[C", b"\x1b[D"


def start_hub(folder: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """A room hub for the state folder ``folder`` (once it listens), and the sessions' room env."""
    from nntui.room.protocol import ROOM_ENV, ROOM_VIA_ENV, hub_socket_path

    hub = subprocess.Popen(
        [sys.executable, "-m", "nntui.serve.hub", "--state-dir", str(folder), "--watch-stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    if hub.stdout.readline().strip() != b"ready":
        hub.kill()
        raise RuntimeError("the room hub did not start")
    return hub, {ROOM_ENV: str(hub_socket_path(folder)), ROOM_VIA_ENV: "ssh"}


def start(starter: Starter, state: Path, name: str) -> dict:
    """One fresh attendee's first screen: CPU at first, complete and settled screen; bytes."""
    session = Session(starter, state, name)
    try:
        session.until("step 1/")
        first = cpu_seconds(session.pid)
        session.until("Activation")  # the neuron pane's key in the footer: the screen is complete
        complete = cpu_seconds(session.pid)
        session.settle()
        return {
            "cpu_first": first,
            "cpu_complete": complete,
            "cpu_settled": cpu_seconds(session.pid),
            "cpu_system": cpu_seconds(session.pid, slice(12, 13)),
            "wall_complete": time.monotonic() - session.started,
            "bytes_first": session.bytes,
            "screen": session.cells(),
        }
    finally:
        session.end()


def steps(
    starter: Starter, state: Path, name: str, lesson: str, step: int, there: str, back: str, changes: int
) -> tuple[list[int], list]:
    """Bytes per step change from ``lesson`` step ``step`` (1-based): Right until ``there`` is up,
    Left until ``back`` is, in turn."""
    session = Session(starter, state, name, {"lesson": lesson, "step": step - 1})
    try:
        session.until(back)
        session.settle()
        sizes = []
        for index in range(changes):
            forth = index % 2 == 0
            sizes.append(session.press(RIGHT if forth else LEFT, there if forth else back))
        return sizes, session.cells()
    finally:
        session.end()


def training(starter: Starter, state: Path, name: str, seconds: float) -> tuple[float, float]:
    """Bytes per second while the training pane animates, and for how long it animated."""
    session = Session(starter, state, name, {"lesson": "06-training", "step": 0})
    try:
        session.until("Rerun")
        session.settle()
        before, began = session.bytes, time.monotonic()
        os.write(session.master, b"r")
        deadline = began + seconds
        last = began
        while time.monotonic() < deadline:
            if session.pump(0.05):
                last = time.monotonic()
            elif time.monotonic() - last > 1.0:
                break
        took = max(last - began, 1e-6)
        return (session.bytes - before) / took, took
    finally:
        session.end()


def main(argv: list[str] | None = None) -> int:
    """Fork sessions from each starter in turn and print CPU and byte figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10, help="fresh sessions per checkout")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--steps", type=int, default=6, help="step changes per kind")
    parser.add_argument("--train", type=float, default=3.0, help="seconds of training animation")
    room = parser.add_mutually_exclusive_group()
    room.add_argument("--room", action="store_true", help="every session joins a room hub")
    room.add_argument("--room-cost", action="store_true", help="baseline: this checkout without a room")
    args = parser.parse_args(argv)
    from nntui.course import load_course

    course = load_course(ROOT / "lessons")
    first, second = len(course.lessons[0].steps), len(course.lessons[1].steps)
    roots = {"this checkout": ROOT}
    if args.room_cost:
        args.baseline = ROOT
    if args.baseline:
        roots = {"baseline": args.baseline.resolve(), **roots}
    print(f"load average before: {os.getloadavg()}")
    results: dict[str, dict[str, list]] = {name: {} for name in roots}
    with tempfile.TemporaryDirectory(prefix="nntui-bench-fork-") as folder:
        starters = {name: Starter(root, ROOT / "lessons") for name, root in roots.items()}
        hub = None
        if args.room or args.room_cost:
            hub, room_env = start_hub(Path(folder) / "hub")
            for name, starter in starters.items():
                if args.room or name == "this checkout":
                    starter.extra_env = room_env
        try:
            for index in range(args.starts):
                for name, starter in starters.items():
                    state = Path(folder) / f"{name.replace(' ', '-')}"
                    figures = start(starter, state, f"u{index}")
                    for key, value in figures.items():
                        results[name].setdefault(key, []).append(value)
            for name, starter in starters.items():
                state = Path(folder) / f"{name.replace(' ', '-')}"
                results[name]["same_pane"], results[name]["same_screen"] = steps(
                    starter, state, "same", "01-neurons", 1, f"step 2/{first}", f"step 1/{first}", args.steps
                )
                results[name]["other_pane"], results[name]["other_screen"] = steps(
                    starter,
                    state,
                    "other",
                    "01-neurons",
                    first,
                    f"step 1/{second}",
                    f"step {first}/{first}",
                    args.steps,
                )
                rate, took = training(starter, state, "train", args.train)
                results[name]["training"] = [rate, took]
        finally:
            for starter in starters.values():
                starter.close()
            if hub is not None:
                hub.stdin.close()  # --watch-stdin: the hub leaves
                hub.wait(timeout=30)
    print(f"load average after: {os.getloadavg()}")
    room = ", each joining a room hub" if args.room else ""
    room = ", baseline: without a room, this checkout: joining one" if args.room_cost else room
    print(f"{args.starts} forked starts per checkout, interleaved; 80x24, TERM=xterm-256color{room}")
    header = f"{'':16}{'CPU first':>10}{'complete':>10}{'settled':>10}{'wall s':>8}{'first KB':>10}"
    print(header + f"{'same KB':>9}{'other KB':>9}{'train KB/s':>11}")
    medians = {}
    for name, values in results.items():
        row = {
            key: statistics.median(values[key])
            for key in ("cpu_first", "cpu_complete", "cpu_settled", "cpu_system")
        }
        row["wall"] = statistics.median(values["wall_complete"])
        row["first_kb"] = statistics.median(values["bytes_first"]) / 1024
        row["same_kb"] = statistics.median(values["same_pane"]) / 1024
        row["other_kb"] = statistics.median(values["other_pane"]) / 1024
        row["train"] = values["training"][0] / 1024
        medians[name] = row
        print(
            f"{name:16}{row['cpu_first']:>10.3f}{row['cpu_complete']:>10.3f}{row['cpu_settled']:>10.3f}"
            f"{row['wall']:>8.2f}{row['first_kb']:>10.1f}{row['same_kb']:>9.1f}{row['other_kb']:>9.1f}"
            f"{row['train']:>11.1f}"
        )
        print(f"{'':16}of which system (kernel) CPU: {row['cpu_system']:.3f} s")
        print(f"{'':16}same-pane changes (bytes): {values['same_pane']}; other: {values['other_pane']}")
    if args.baseline:
        base, this = medians["baseline"], medians["this checkout"]
        print(
            "ratios (this / baseline): "
            + ", ".join(f"{key} {this[key] / base[key]:.2f}" for key in this if base[key])
        )
        for what, key in (
            ("first screens", "screen"),
            ("after same-pane steps", "same_screen"),
            ("after other-pane steps", "other_screen"),
        ):
            screens = {name: values[key] for name, values in results.items()}
            if key == "screen":
                screens = {name: shown[-1] for name, shown in screens.items()}
            same = screens["baseline"] == screens["this checkout"]
            print(f"{what} identical, every cell's character and colours (pyte): {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
