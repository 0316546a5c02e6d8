"""Benchmark (issue 17): a room answering one poll, run by ``bench_ssh.py --room``.

N attendees (``--clients``, default 100) are real ``ssh`` clients, as in the rest of
bench_ssh.py, all resuming on lesson 1's checkpoint step ("what is the total?"); one instructor
speaks the room protocol straight to the hub's socket, as the instructor's view does: ``hello``
with the token from ``room/instructor.token``, then ``watch`` that checkpoint. Every attendee
then puts the cursor in the answer box (Shift+Tab) and types an answer and Enter, real keys
through ssh (a quarter of them a wrong one). Measured, against the issue's targets:

1. from the Enter key of the last answer to the instructor receiving a ``poll`` that counts all
   N answers (<= 1 s); and whether its right/wrong counts are exactly the answers typed;
2. key-to-screen on ``--measured`` attendees spread through the room, while the others'
   answers flow: each typed character until it shows in their answer box (p95 <= 200 ms).
   They type the answer as ``9.00``: four timed keys each.

By default every answer is sent at once (the worst case: a room pressing Enter within half a
second); ``--answer-over S`` spreads them evenly over S seconds, as a room thinking does.

Loopback only; everything bounded by timeouts; the state folder is removed at the end.
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nntui.room.protocol import LineReader, connect_unix, encode, hub_socket_path, room_dir  # noqa: E402
from tests.benchmarks.bench_ssh import Seat, pump, pump_until, start_server, stop, write_progress  # noqa: E402
from tests.serve.harness import free_port  # noqa: E402

#: The checkpoint every attendee answers: lesson 1, step 3 ("Weights decide what matters").
LESSON_SLUG, STEP_INDEX = "01-neurons", 2
CHECK, LESSON, STEP = "total", 1, 3
RIGHT, WRONG = "9", "7"
#: Shift+Tab: from the step's pane back to its checkpoint's answer box.
FOCUS_ANSWER = "\x1b[Z"
#: What a timed attendee adds to the answer: the same number, three more keys to time, so the
#: p95 rests on 4 keys per timed attendee rather than on 1 (with 10 keys it is just the maximum).
TIMED_TAIL = ".00"
#: In the footer once the answer box has the focus ("Enter Answer").
ANSWER_READY = b"Answer"


def answer_for(index: int) -> str:
    """What attendee ``index`` types: every fourth a usual wrong answer, so the poll has a spread."""
    return WRONG if index % 4 == 0 else RIGHT


def measured_indices(clients: int, measured: int) -> list[int]:
    """``measured`` attendees spread evenly through the room (so their keys meet others' answers)."""
    return sorted({round(i * clients / measured) for i in range(measured)})


def box_needles(answer: str) -> list[str]:
    """What the answer box shows after each typed character (its left border, a space, the text)."""
    return [f"│ {answer[: i + 1]}" for i in range(len(answer))]


def p95(values: list[float]) -> float | None:
    """The 95th percentile (nearest rank) of ``values``, or None if there are none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else None


class Instructor:
    """The instructor's side of the room protocol on the hub's socket; selectable like a Seat."""

    def __init__(self, connection: socket.socket, token: str, expect: int) -> None:
        self.connection = connection
        self.reader = LineReader()
        #: How many answers make the poll complete.
        self.expect = expect
        self.last_poll: dict | None = None
        self.complete_at: float | None = None  # time.monotonic() of the first complete poll
        self.closed = False
        connection.sendall(
            encode({"t": "hello", "role": "instructor", "name": None, "via": "ssh", "token": token})
        )
        connection.sendall(encode({"t": "watch", "check": CHECK, "lesson": LESSON, "step": STEP}))

    def fileno(self) -> int:
        return self.connection.fileno()

    def take(self) -> None:
        """Read what the hub sent (called when the socket is readable)."""
        try:
            data = self.connection.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        for message in self.reader.feed(data):
            self.handle(message, time.monotonic())

    def handle(self, message: dict, now: float) -> None:
        """Keep the watched checkpoint's latest poll; note when it first counts every answer."""
        if message["t"] != "poll" or message["check"] != CHECK:
            return
        self.last_poll = message
        answered = message.get("right", 0) + message.get("wrong", 0)
        if self.complete_at is None and answered >= self.expect:
            self.complete_at = now


def connect_instructor(state: Path, expect: int, timeout: float = 30.0) -> Instructor:
    """Wait for the server's hub and token, then connect as the instructor."""
    token_path = room_dir(state) / "instructor.token"
    hub = hub_socket_path(state)
    if not pump_until([], lambda: hub.exists() and token_path.exists(), timeout):
        raise SystemExit(f"no room hub at {hub} within {timeout:g} s: does this server run one?")
    return Instructor(connect_unix(hub, timeout=5.0), token_path.read_text().strip(), expect)


def type_timed(seat: Seat, answer: str, everyone: list, latencies: list[float]) -> None:
    """Type ``answer`` one key at a time, timing each until the answer box shows it."""
    for key, needle in zip(answer, box_needles(answer), strict=True):
        sent = time.monotonic()
        seat.proc.send(key)
        if pump_until(everyone, lambda needle=needle: seat.shows(needle.encode()), 10):
            latencies.append(time.monotonic() - sent)


def run_room(args) -> int:
    """The room benchmark (see the module's docstring); prints JSON and the verdicts."""
    state = Path(tempfile.mkdtemp(prefix="nntui-bench-room-"))
    names = [f"user{i:03d}" for i in range(args.clients)]
    for name in names:
        write_progress(state, name, LESSON_SLUG, STEP_INDEX)
    watched = set(measured_indices(args.clients, args.measured))
    port = free_port()
    server = start_server(state, port, args.clients, args.no_prefork)
    seats: list[Seat] = []
    results: dict[str, object] = {
        "clients": args.clients,
        "measured": len(watched),
        "answers_spread_over_s": args.answer_over,
    }
    try:
        instructor = connect_instructor(state, args.clients)
        for index, name in enumerate(names):
            seats.append(Seat(port, name, watch=index in watched, complete=b"Activation", first=b"step 3/"))
        everyone = [*seats, instructor]
        ready = pump_until(everyone, lambda: all(s.complete_screen is not None for s in seats), 180)
        results["all_on_the_checkpoint_step"] = ready
        for seat in seats:
            seat.tail = b""  # "Answer" must come from the focused box's footer, not earlier output
            seat.proc.send(FOCUS_ANSWER)
        results["all_in_the_answer_box"] = pump_until(
            everyone, lambda: all(s.shows(ANSWER_READY) for s in seats), 60
        )

        latencies: list[float] = []
        last_key = 0.0
        started = time.monotonic()
        gap = args.answer_over / max(args.clients - 1, 1)
        for index, seat in enumerate(seats):
            # Paced: the next answer is due ``gap`` after the last; keep reading until then.
            while (due := started + index * gap - time.monotonic()) > 0:
                pump(everyone, due)
            answer = answer_for(index)
            if index in watched:
                type_timed(seat, answer + TIMED_TAIL, everyone, latencies)
                seat.proc.send("\r")
            else:
                seat.proc.send(answer + "\r")
            last_key = time.monotonic()
            pump(everyone, 0)  # keep reading: a full pty would slow the room down
        counted = pump_until(everyone, lambda: instructor.complete_at is not None, 30)
        poll = instructor.last_poll or {}
        wrong = sum(answer_for(i) == WRONG for i in range(args.clients))
        results["poll"] = {
            "complete": counted,
            "after_last_answer_ms": round(1000 * (instructor.complete_at - last_key)) if counted else None,
            "right": poll.get("right"),
            "wrong": poll.get("wrong"),
            "counts_exact": (poll.get("right"), poll.get("wrong")) == (args.clients - wrong, wrong),
        }
        worst = p95(latencies)
        results["key_to_screen_ms"] = {
            "samples": len(latencies),
            "median": round(1000 * statistics.median(latencies)) if latencies else None,
            "p95": round(1000 * worst) if worst is not None else None,
            "max": round(1000 * max(latencies)) if latencies else None,
        }
    finally:
        stop(seats, server, state)
    print(json.dumps(results, indent=2))
    print(verdicts(results))
    return 0


def verdicts(results: dict) -> str:
    """Issue 17's targets for the room, each with ok or MISSED."""
    poll = results.get("poll") or {}
    keys = results.get("key_to_screen_ms") or {}
    delay = poll.get("after_last_answer_ms")
    rows = [
        (
            f"a poll answered by all {results['clients']} reaches the instructor within 1 s",
            delay is not None and delay <= 1000,
            f"{delay} ms after the last answer" if delay is not None else "never counted them all",
        ),
        (
            "... and counts exactly the answers given",
            bool(poll.get("counts_exact")),
            f"right {poll.get('right')}, wrong {poll.get('wrong')}",
        ),
        (
            "attendees' key-to-screen p95 <= 200 ms meanwhile",
            keys.get("p95") is not None and keys["p95"] <= 200,
            f"p95 {keys.get('p95')} ms over {keys.get('samples')} keys",
        ),
    ]
    return "\n".join(f"{'ok    ' if good else 'MISSED'} {what}: {figure}" for what, good, figure in rows)
