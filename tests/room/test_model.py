"""The room model's rules: stuck marks, the summary line, the help queue, polls, races, follow."""

from __future__ import annotations

import pytest

from nntui.room.model import IDLE_SECONDS, Room
from nntui.room.protocol import MAX_LINE, check, encode

T0 = 1_000_000.0


def where(lesson: int, step: int, own: bool = True) -> dict:
    return {
        "t": "where",
        "lesson": lesson,
        "step": step,
        "label": f"{lesson}.{step}",
        "title": "A step",
        "steps": 7,
        "own": own,
    }


def answer(check_id: str, right: bool, number: float | None = None, given: str = "") -> dict:
    return {
        "t": "answer",
        "check": check_id,
        "lesson": 4,
        "step": 2,
        "question": "What is the output?",
        "given": given or str(number),
        "number": number,
        "right": right,
        "expected": 0.5,
        "tolerance": 0.01,
    }


def run(rate: float, final: float, points: int = 10, lesson: int = 6, step: int = 3) -> dict:
    curve = [final + (points - i) * 0.1 for i in range(points)]
    return {"t": "run", "lesson": lesson, "step": step, "rate": rate, "seed": 1, "epochs": 100,
            "final_loss": final, "outcome": "falls", "curve": curve}  # fmt: skip


def room_with(*names: str, at: tuple[int, int] = (4, 2)) -> Room:
    room = Room()
    for name in names:
        room.join(name, "ssh", T0)
        room.apply(name, where(*at), T0)
    return room


def person(room: Room, name: str, now: float = T0) -> dict:
    return next(a for a in room.room_message(now)["attendees"] if a["name"] == name)


def test_room_message_is_valid_protocol_and_has_every_field():
    room = room_with("alice")
    message = room.room_message(T0 + 5)
    assert check(message) is not None
    alice = message["attendees"][0]
    assert set(alice) == {
        "name", "via", "online", "lesson", "step", "label", "title", "steps", "since", "last_seen",
        "passed", "wrong_here", "stuck", "help", "last_wrong", "failing", "curve", "rate",
    }  # fmt: skip
    assert (alice["online"], alice["label"], alice["since"], alice["stuck"]) == (True, "4.2", T0, None)


def test_stuck_after_three_wrong_answers_on_one_checkpoint_not_three_spread():
    room = room_with("alice", "bob")
    for check_id in ("c1", "c2", "c3"):
        room.apply("bob", answer(check_id, False, 0.1), T0 + 1)
    assert person(room, "bob")["stuck"] is None
    assert person(room, "bob")["wrong_here"] == 3
    for _ in range(3):
        room.apply("alice", answer("c1", False, 0.1), T0 + 1)
    alice = person(room, "alice")
    assert alice["stuck"] == "3 wrong"
    assert alice["last_wrong"] == {"check": "c1", "given": "0.1", "question": "What is the output?"}
    room.apply("alice", answer("c1", True, 0.5), T0 + 2)  # got it at last
    assert person(room, "alice")["stuck"] is None
    assert person(room, "alice")["passed"] == 1


def test_wrong_answers_count_from_reaching_the_step():
    room = room_with("alice")
    room.apply("alice", answer("c1", False, 0.1), T0 + 1)
    room.apply("alice", answer("c1", False, 0.1), T0 + 1)
    room.apply("alice", where(4, 3), T0 + 2)
    room.apply("alice", answer("c1", False, 0.1), T0 + 3)
    alice = person(room, "alice")
    assert (alice["wrong_here"], alice["stuck"], alice["since"]) == (1, None, T0 + 2)


def test_idle_five_minutes_online_is_stuck_and_a_message_ends_it():
    room = room_with("alice", "bob")
    later = T0 + IDLE_SECONDS
    room.apply("bob", {"t": "help_cancel"}, later - 1)  # bob did something recently
    assert person(room, "alice", later)["stuck"] == "idle 5 min"
    assert person(room, "bob", later)["stuck"] is None
    assert room.idle_changes(later, later - 10)
    assert not room.idle_changes(later + 20, later + 10)
    room.leave("alice", later)  # offline people are not idle, they are gone
    assert person(room, "alice", later)["stuck"] is None


def test_help_is_stuck_and_the_queue_is_grouped_by_step_in_order_asked():
    room = room_with("ann", "ben", "cat", "dan")
    room.apply("ben", where(4, 3), T0)
    room.apply("ann", {"t": "help", "text": "lost"}, T0 + 1)  # 4.2
    room.apply("ben", {"t": "help", "text": ""}, T0 + 2)  # 4.3
    outcome = room.apply("cat", {"t": "help", "text": "me too"}, T0 + 3)  # 4.2: joins ann's group
    assert ("cat", {"t": "help_state", "state": "queued", "place": 2}) in outcome.sends
    queue = room.room_message(T0 + 4)["help"]
    assert [(h["name"], h["group"]) for h in queue] == [("ann", "4.2"), ("cat", "4.2"), ("ben", "4.3")]
    assert queue[0]["text"] == "lost" and queue[0]["at"] == T0 + 1 and queue[0]["state"] == "queued"
    assert person(room, "cat")["stuck"] == "help"
    assert room.summary().endswith("3 asking for help")


def test_help_marks_tell_the_attendee_and_done_moves_the_others_up():
    room = room_with("ann", "ben")
    room.apply("ann", {"t": "help", "text": "x"}, T0 + 1)
    room.apply("ben", {"t": "help", "text": "y"}, T0 + 2)
    coming = room.instruct({"t": "help_mark", "name": "ann", "state": "coming"}, T0 + 3)
    assert coming.sends == [("ann", {"t": "help_state", "state": "coming", "place": 1})]
    assert person(room, "ann")["help"]["state"] == "coming"
    done = room.instruct({"t": "help_mark", "name": "ann", "state": "done"}, T0 + 4)
    assert ("ann", {"t": "help_state", "state": "done", "place": None}) in done.sends
    assert ("ben", {"t": "help_state", "state": "queued", "place": 1}) in done.sends
    assert [h["name"] for h in room.help_queue()] == ["ben"]
    cancelled = room.apply("ben", {"t": "help_cancel"}, T0 + 5)
    assert cancelled.sends == [("ben", {"t": "help_state", "state": "done", "place": None})]
    assert room.help_queue() == [] and person(room, "ben")["stuck"] is None


def test_summary_line_counts_the_most_common_step_and_those_behind():
    room = room_with("a", "b", "c", at=(4, 2))
    for name, at in (("d", (3, 5)), ("e", (4, 1)), ("f", (5, 1))):
        room.join(name, "web", T0)
        room.apply(name, where(*at), T0)
    room.join("gone", "ssh", T0)
    room.apply("gone", where(1, 1), T0)
    room.leave("gone", T0)  # offline: not counted
    room.apply("f", {"t": "help", "text": ""}, T0)
    assert room.summary() == "3 on 4.2, 2 behind, 1 asking for help"


def test_poll_counts_latest_answer_per_attendee_and_waiting():
    room = room_with("a", "b", "c", "d")
    room.apply("a", answer("c1", False, 0.3), T0)
    room.apply("a", answer("c1", True, 0.5), T0 + 1)  # a changed their mind: only the latest counts
    room.apply("b", answer("c1", False, 0.7), T0 + 1)
    room.apply("c", answer("c1", False, None, given="no idea"), T0 + 1)
    poll = room.poll_message("c1")
    assert check(poll) is not None
    assert (poll["right"], poll["wrong"], poll["waiting"]) == (1, 2, 1)
    assert poll["numbers"] == [0.5, 0.7]
    assert (poll["expected"], poll["question"], poll["shown"]) == (0.5, "What is the output?", False)


def test_ask_again_clears_that_checks_answers_and_tells_everyone():
    room = room_with("a", "b")
    room.apply("a", answer("c1", True, 0.5), T0)
    room.apply("b", answer("c2", True, 0.5), T0)
    outcome = room.instruct({"t": "poll_again", "check": "c1"}, T0 + 1)
    assert outcome.sends == [(None, {"t": "poll_again", "check": "c1"})]
    assert "c1" in outcome.polls
    assert (room.poll_message("c1")["right"], room.poll_message("c1")["waiting"]) == (0, 2)
    assert room.poll_message("c2")["right"] == 1  # another checkpoint keeps its answers
    room.apply("b", answer("c1", False, 0.1), T0 + 2)
    assert (room.poll_message("c1")["wrong"], room.poll_message("c1")["numbers"]) == (1, [0.1])


def test_show_poll_sends_it_to_the_room_and_new_joiners_get_it():
    room = room_with("a")
    room.apply("a", answer("c1", True, 0.5), T0)
    outcome = room.instruct({"t": "poll_show", "check": "c1"}, T0 + 1)
    (recipient, message), = outcome.sends  # fmt: skip
    assert recipient is None and message["t"] == "poll" and message["shown"] and message["numbers"] == [0.5]
    room.join("late", "ssh", T0 + 2)
    assert [m["t"] for m in room.attendee_state("late")] == ["poll"]
    room.instruct({"t": "poll_hide", "check": "c1"}, T0 + 3)
    assert room.attendee_state("late") == []


def test_race_includes_every_finished_run_of_every_attendee_on_that_step():
    room = room_with("a", "b")
    room.apply("a", run(0.1, 0.5), T0)
    room.apply("a", run(1.0, 0.2), T0 + 1)
    room.apply("b", run(10.0, 9.0), T0 + 2)
    room.apply("b", run(0.5, 0.3, lesson=7, step=1), T0 + 3)  # another step
    race = room.race_message(6, 3)
    assert check(race) is not None
    assert sorted(r["rate"] for r in race["runs"]) == [0.1, 1.0, 10.0]
    assert all("name" not in r and len(r["curve"]) == 10 for r in race["runs"])
    assert person(room, "b")["rate"] == 0.5


def test_a_huge_race_still_fits_one_line_with_every_run():
    room = room_with(*(f"p{i}" for i in range(100)))
    for i in range(1000):
        room.apply(f"p{i % 100}", run(0.01 * (i + 1), 0.123456789 + i, points=100), T0 + i)
    race = room.race_message(6, 3)
    assert len(race["runs"]) == 1000
    assert len(encode(race)) <= MAX_LINE
    assert all(r["curve"][0] == pytest.approx(0.123456789 + i + 10.0) for i, r in enumerate(race["runs"]))


def test_follow_is_sent_to_everyone_kept_for_reconnects_and_turned_off():
    room = room_with("a")
    outcome = room.instruct({"t": "follow", "lesson": 4, "step": 3, "label": "4.3"}, T0)
    assert outcome.sends == [(None, {"t": "follow", "lesson": 4, "step": 3, "label": "4.3"})]
    assert room.room_message(T0)["follow"] == {"lesson": 4, "step": 3, "label": "4.3", "since": T0}
    room.apply("a", {"t": "help", "text": ""}, T0)
    assert [m["t"] for m in room.attendee_state("a")] == ["follow", "help_state"]
    off = room.instruct({"t": "follow_off"}, T0 + 1)
    assert off.sends == [(None, {"t": "follow_off"})]
    assert room.room_message(T0)["follow"] is None


def test_guests_get_numbered_ids_that_skip_taken_names():
    room = Room()
    room.join("guest-1", "ssh", T0)  # a replayed guest (or someone who chose that name)
    first, _ = room.join(None, "web", T0)
    second, _ = room.join(None, "web", T0)
    assert (first, second) == ("guest-2", "guest-3")


def test_failing_exercise_shows_until_it_passes():
    room = room_with("a")
    room.apply(
        "a", {"t": "exercise", "exercise": "relu", "ok": False, "case": "x=-1", "detail": "got -1"}, T0
    )
    assert person(room, "a")["failing"] == {"exercise": "relu", "case": "x=-1", "detail": "got -1"}
    room.apply("a", {"t": "exercise", "exercise": "relu", "ok": True}, T0 + 1)
    assert person(room, "a")["failing"] is None


def test_a_room_of_a_hundred_with_long_texts_fits_one_line():
    room = room_with(*(f"p{i}" for i in range(100)))
    for i in range(100):
        name = f"p{i}"
        room.apply(name, {**where(4, 2), "title": "t" * 500}, T0)
        room.apply(name, {"t": "help", "text": "h" * 500}, T0)
        room.apply(name, answer("c1", False, 0.1, given="g" * 500) | {"question": "q" * 500}, T0)
        room.apply(
            name,
            {"t": "exercise", "exercise": "e" * 500, "ok": False, "case": "c" * 500, "detail": "d" * 500},
            T0,
        )
        room.apply(name, run(0.1, 0.5, points=100), T0)
    message = room.room_message(T0)
    assert len(encode(message)) <= MAX_LINE and len(message["attendees"]) == 100


def test_a_helped_attendee_who_moves_joins_the_group_of_their_new_step():
    room = room_with("ann", "ben", "cat")
    room.apply("cat", where(5, 1), T0)
    room.apply("ann", {"t": "help", "text": ""}, T0 + 1)  # 4.2
    room.apply("cat", {"t": "help", "text": ""}, T0 + 2)  # 5.1
    room.apply("ben", {"t": "help", "text": ""}, T0 + 3)  # 4.2: before cat
    assert [h["name"] for h in room.help_queue()] == ["ann", "ben", "cat"]
    outcome = room.apply("ann", where(5, 1), T0 + 4)  # ann moves on: her group is now cat's
    # She keeps her turn (asked first), so 5.1 is served first, with cat in it.
    assert [(h["name"], h["group"]) for h in room.help_queue()] == [
        ("ann", "5.1"),
        ("cat", "5.1"),
        ("ben", "4.2"),
    ]
    assert sorted(outcome.sends, key=lambda s: s[0]) == [
        ("ben", {"t": "help_state", "state": "queued", "place": 3}),
        ("cat", {"t": "help_state", "state": "queued", "place": 2}),
    ]  # ann stays first and is not told again
