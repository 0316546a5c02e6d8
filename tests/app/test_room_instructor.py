"""The instructor's view of the room, driven through a fake hub speaking the room protocol.

The app connects to the fake hub's socket as it would to the server's; the tests push ``room``,
``poll`` and ``race`` messages and check what the instructor sees and what the app sends back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from room_instructor_fakes import FakeHub, until
from textual.widgets import DataTable, Static

from nntui.app.panes.plots import CurvePlot
from nntui.app.room.instructor import NOT_CONNECTED, InstructorApp
from nntui.app.room.instructor_help import HelpView, group_requests
from nntui.app.room.instructor_poll import AnswerHistogram, PollView
from nntui.app.room.instructor_race import RaceView, rate_groups
from nntui.app.room.instructor_room import RoomView
from nntui.course import load_course
from nntui.room.bins import bin_answers

LESSONS = Path(__file__).parent / "fixture_room_lessons"
NOW = 10_000.0
TOKEN = "sesame"


def attendee(name: str, lesson: int = 1, step: int = 2, **fields) -> dict:
    """A room attendee dict as the hub sends it (see the room contract)."""
    titles = {(1, 1): "One neuron", (1, 2): "Two questions", (1, 3): "Only text", (2, 1): "A thousand epochs"}
    return {
        "name": name,
        "via": "ssh",
        "online": True,
        "lesson": lesson,
        "step": step,
        "label": f"{lesson}.{step}",
        "title": titles.get((lesson, step), "Step"),
        "steps": 3,
        "since": NOW - 60,
        "last_seen": NOW,
        "passed": 0,
        "wrong_here": 0,
        "stuck": None,
        "help": None,
        "last_wrong": None,
        "failing": None,
        "curve": None,
        "rate": None,
    } | fields


def room(attendees: list[dict], help_queue: list[dict] | None = None, **fields) -> dict:
    """A ``room`` message."""
    return {
        "t": "room",
        "attendees": attendees,
        "help": help_queue or [],
        "summary": fields.pop("summary", "2 on 1.2, 1 behind, 0 asking for help"),
        "follow": None,
        "time": NOW,
    } | fields


def table_names(table: DataTable) -> list[str]:
    """The NAME column, top to bottom."""
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


@pytest.fixture
def course():
    return load_course(LESSONS)


@pytest.fixture
async def hub(tmp_path):
    fake = await FakeHub(tmp_path / "room" / "hub.sock").start()
    yield fake
    await fake.stop()


@pytest.fixture
def app(course, hub):
    return InstructorApp(course, hub.path, TOKEN, clock=lambda: NOW)


async def connected(app, pilot, hub) -> None:
    """Wait until the app has said hello and its first watch."""
    await hub.wait_for("hello")
    await hub.wait_for("watch")
    await until(pilot, lambda: app.link.connected, "the link")


async def test_hello_is_the_instructors_with_the_token_and_watch_follows(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        assert hub.received[0] == {
            "t": "hello",
            "role": "instructor",
            "name": None,
            "via": "ssh",
            "token": TOKEN,
        }
        # Before any room: the first checkpoint and the first training step are watched.
        assert hub.of_type("watch")[0] == {"t": "watch", "check": "out", "lesson": 2, "step": 1}
        assert not app.query_one("#connection").display


async def test_table_has_a_row_per_attendee_with_words_and_the_summary_on_top(app, hub):
    people = [
        attendee("carol", 1, 1, since=NOW - 600, stuck="idle 5 min", passed=0),
        attendee("alice", 1, 2, since=NOW - 30, passed=2, stuck="3 wrong"),
        attendee("bob", 2, 1, since=NOW - 7200, online=False, passed=3),
        attendee("dave", 1, 2, since=NOW - 120, stuck="help"),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room(people, summary="2 on 1.2, 1 behind, 1 asking for help"))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: table.row_count == 4, "the rows")
        summary = str(app.query_one("#room-summary", Static).render())
        assert summary.startswith("2 on 1.2, 1 behind, 1 asking for help")
        assert "3 of 4 online" in summary
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(4)}
        assert rows["alice"] == ["alice", "1.2", "Two questions", "30 s", "2", "3 wrong", "yes"]
        assert rows["bob"] == ["bob", "2.1", "A thousand epochs", "2 h 00", "3", "", "no"]
        assert rows["carol"][3:6] == ["10 min", "0", "idle 5 min"]
        assert rows["dave"][5] == "help"
        # Sorted by step (furthest behind first), names breaking ties.
        assert table_names(table) == ["carol", "alice", "dave", "bob"]
        await pilot.press("t")  # longest on their step first
        assert table_names(table) == ["bob", "carol", "dave", "alice"]
        await pilot.press("k")  # stuck first, longest stuck first
        assert table_names(table) == ["carol", "dave", "alice", "bob"]
        await pilot.press("n")
        assert table_names(table) == ["alice", "bob", "carol", "dave"]
        assert "sorted by name" in str(app.query_one("#room-summary", Static).render())
        # The sort stays when the hub pushes the room again; a name said twice is one row.
        await hub.push(room(people + [attendee("aaron"), attendee("aaron", 2, 1), {"name": None}]))
        await until(pilot, lambda: table.row_count == 5, "the new row")
        assert table_names(table)[:2] == ["aaron", "alice"]


async def test_a_hundred_attendees_fit_80x24_and_scroll(app, hub):
    people = [attendee(f"user{i:03d}", 1, 1 + i % 3, since=NOW - i) for i in range(100)]
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room(people))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: table.row_count == 100, "100 rows")
        await pilot.press("n")
        assert table.size.height < 100 and table.size.width <= 80
        # Every column is on screen: the table is no wider than its place.
        assert table.virtual_size.width <= table.size.width
        assert table.scroll_y == 0
        await pilot.press("ctrl+end")
        await until(pilot, lambda: table.scroll_y > 0, "the table to scroll")
        assert str(table.get_row_at(table.cursor_row)[0]) == "user099"
        assert table.cursor_row == 99
        # A push (every change in the room) keeps the instructor's place in the table.
        scrolled = table.scroll_y
        await hub.push(room(people[::-1], summary="pushed again"))
        await until(pilot, lambda: "pushed again" in str(app.query_one("#room-summary").render()), "the push")
        assert str(table.get_row_at(table.cursor_row)[0]) == "user099"
        assert table.scroll_y == scrolled


async def poll_view(app, pilot, hub) -> PollView:
    await connected(app, pilot, hub)
    await pilot.press("2")
    return app.query_one(PollView)


async def test_histogram_counts_exactly_the_answers_and_marks_the_right_one(app, hub):
    numbers = [0, 0.5, 1, 5, 5, 5.5, 9, 10, 10, 10, 10]
    poll = {
        "t": "poll",
        "check": "out",
        "lesson": 1,
        "step": 2,
        "question": "What is the output?",
        "numbers": numbers,
        "expected": 5,
        "tolerance": 0.001,
        "right": 3,
        "wrong": 8,
        "waiting": 4,
        "shown": False,
    }
    async with app.run_test(size=(80, 24)) as pilot:
        view = await poll_view(app, pilot, hub)
        await hub.push({**poll, "check": "total", "numbers": [1.0]})  # another check: not drawn
        await hub.push(poll)
        await until(pilot, lambda: view.poll is not None, "the poll")
        assert view.poll["check"] == "out"
        bins = app.query_one(AnswerHistogram).bins
        # Binned as the attendees' shown histogram is: the right bar centred on the answer.
        assert bins == bin_answers(numbers, 5, bins=10, tolerance=0.001)
        assert sum(b["count"] for b in bins) == len(numbers)
        right = [b for b in bins if b["right"]]
        assert [b["count"] for b in bins] == [1, 2, 0, 0, 0, 2, 1, 0, 0, 1, 4]
        assert len(right) == 1 and right[0]["lo"] == 4.5 and right[0]["count"] == 2
        counts = str(app.query_one("#poll-counts", Static).render())
        assert "right 3 · wrong 8 · not yet 4 · right answer 5 · not shown to the room" in counts
        drawn = app.query_one(AnswerHistogram).render().plain
        histogram = app.query_one(AnswerHistogram)
        labels = histogram.tick_labels()
        placed = histogram.placed_ticks(histogram.size.width - 8)
        assert 5 in placed and len(placed) >= 4  # the right bar's, and a label every few bars
        assert all(labels[i] in drawn for i in placed) and "4" in drawn  # the tallest bar's count
        assert app.query_one(AnswerHistogram).tick_labels() == [
            "0",
            "1",
            "2",
            "3",
            "4",
            "right",
            "6",
            "7",
            "8",
            "9",
            "10",
        ]
        # A new answer arrives: the histogram follows.
        await hub.push({**poll, "numbers": numbers + [0.2], "wrong": 9})
        await until(
            pilot, lambda: sum(b["count"] for b in app.query_one(AnswerHistogram).bins) == 12, "update"
        )


async def test_show_hide_and_ask_again_send_the_checkpoint(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await poll_view(app, pilot, hub)
        await pilot.press("down")  # the second checkpoint: "total"
        watch = await hub.wait_for("watch", check="total")
        assert watch == {"t": "watch", "check": "total", "lesson": 2, "step": 1}
        await pilot.press("s")
        assert await hub.wait_for("poll_show") == {"t": "poll_show", "check": "total"}
        await hub.push({"t": "poll", "check": "total", "numbers": [], "right": 0, "wrong": 0, "shown": True})
        await until(pilot, lambda: view.poll is not None and view.poll["shown"], "the shown poll")
        await pilot.press("s")
        assert await hub.wait_for("poll_hide") == {"t": "poll_hide", "check": "total"}
        # Ask again asks first: n sends nothing, y clears the room's answers.
        await pilot.press("a")
        await pilot.press("n")
        await pilot.press("s")
        await hub.wait_for("poll_show", 2)
        assert hub.of_type("poll_again") == []
        await pilot.press("a")
        await pilot.press("y")
        assert await hub.wait_for("poll_again") == {"t": "poll_again", "check": "total"}


async def test_follow_sends_the_room_to_the_step_in_view_and_the_same_step_again_ends_it(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room([attendee("alice", 1, 3), attendee("bob", 1, 1)]))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: table.row_count == 2, "the rows")
        assert app.sub_title == ""
        await pilot.press("f")  # bob (1.1) is first, sorted by step
        assert await hub.wait_for("follow") == {"t": "follow", "lesson": 1, "step": 1, "label": "1.1"}
        assert app.sub_title == "Following: 1.1"
        # While the room follows, another step in view moves it on (not off).
        await pilot.press("down", "f")  # alice's row: 1.3
        assert await hub.wait_for("follow", 2) == {"t": "follow", "lesson": 1, "step": 3, "label": "1.3"}
        assert app.sub_title == "Following: 1.3"
        assert hub.of_type("follow_off") == []
        await pilot.press("f")  # the step the room follows: let it go
        assert await hub.wait_for("follow_off") == {"t": "follow_off"}
        assert app.sub_title == ""
        # From the poll view: the picked checkpoint's step.
        await pilot.press("2", "f")
        assert await hub.wait_for("follow", 3) == {"t": "follow", "lesson": 1, "step": 2, "label": "1.2"}
        # The hub's word is the truth: a room message without follow turns the header off.
        await hub.push(room([attendee("alice")], follow=None))
        await until(pilot, lambda: app.sub_title == "", "the header")
        await hub.push(
            room([attendee("alice")], follow={"lesson": 2, "step": 1, "label": "2.1", "since": NOW})
        )
        await until(pilot, lambda: app.sub_title == "Following: 2.1", "the header")


async def test_follow_with_nothing_in_view_asks_for_a_step(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await pilot.press("f")  # an empty room: no row to take the step from
        await pilot.press("down", "down", "enter")  # 1.3
        assert await hub.wait_for("follow") == {"t": "follow", "lesson": 1, "step": 3, "label": "1.3"}


def test_help_requests_are_grouped_by_step_in_the_order_asked():
    queue = [
        {"name": "a", "label": "1.2", "group": "1.2"},
        {"name": "b", "label": "2.1", "group": "2.1"},
        {"name": "c", "label": "1.2", "group": "1.2"},
        {"name": "d", "label": "1.1", "group": "1.1"},
        {"name": "e", "label": "2.1", "group": "2.1"},
    ]
    assert [r["name"] for r in group_requests(queue)] == ["a", "c", "b", "e", "d"]


async def test_help_queue_shows_groups_details_and_sends_marks(app, hub):
    people = [
        attendee("ann", last_wrong={"check": "out", "given": "0.3", "question": "What is the output?"}),
        attendee("ben", 2, 1, curve=[0.3, 0.2, 0.1, 0.05], rate=0.5),
        attendee("cat", failing={"exercise": "sigmoid", "case": "sigmoid(0)", "detail": "got 0, want 0.5"}),
    ]
    queue = [
        {"name": "ann", "label": "1.2", "text": "lost", "at": NOW - 90, "state": "queued", "group": "1.2"},
        {"name": "ben", "label": "2.1", "text": "", "at": NOW - 60, "state": "coming", "group": "2.1"},
        {"name": "cat", "label": "1.2", "text": "why?", "at": NOW - 30, "state": "queued", "group": "1.2"},
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await pilot.press("3")
        await hub.push(room(people, queue))
        table = app.query_one("#help-table", DataTable)
        await until(pilot, lambda: table.row_count == 3, "the queue")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(3)]
        assert [row[1] for row in rows] == ["ann", "cat", "ben"]
        assert rows[0][0] == "1.2 (2)" and rows[2][0] == "2.1"
        assert rows[0][2:] == ["1 min ago", "waiting", "lost"]
        assert rows[2][3] == "on my way"
        detail = app.query_one("#help-detail", Static)
        assert "last wrong answer: 0.3 to “What is the output?”" in str(detail.render())
        assert not app.query_one("#help-curve", CurvePlot).display
        await pilot.press("o")
        assert await hub.wait_for("help_mark") == {"t": "help_mark", "name": "ann", "state": "coming"}
        await pilot.press("down")
        assert "exercise sigmoid fails on sigmoid(0): got 0, want 0.5" in str(detail.render())
        await pilot.press("d")
        assert await hub.wait_for("help_mark", 2) == {"t": "help_mark", "name": "cat", "state": "done"}
        await pilot.press("down")
        plot = app.query_one("#help-curve", CurvePlot)
        assert plot.display and plot.curves[0].ys == [0.3, 0.2, 0.1, 0.05]
        assert plot.curves[0].label == "lr 0.5"


async def test_race_draws_every_run_by_rate_and_ranks_the_rates(app, hub):
    def run(rate, final, outcome="falls", seed=0):
        return {"rate": rate, "seed": seed, "final_loss": final, "outcome": outcome, "curve": [0.3, final]}

    runs = [
        run(0.1, 0.02),
        run(0.1, 0.01, seed=1),
        run(1.0, 0.001),
        run(30.0, None, "diverged"),
        run(0.001, 0.24, "stuck"),
        run(0.001, 0.25, "stuck", seed=2),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await pilot.press("4")
        view = app.query_one(RaceView)
        await hub.push({"t": "race", "lesson": 2, "step": 1, "runs": runs, "shown": False})
        await until(pilot, lambda: view.race is not None, "the race")
        plot = app.query_one("#race-plot", CurvePlot)
        assert len(plot.curves) == len(runs)
        assert sorted(c.label for c in plot.curves if c.label) == ["lr 0.001", "lr 0.1", "lr 1", "lr 30"]
        assert len({c.color for c in plot.curves}) == 4
        assert "lr 0.1" in plot.render().plain
        table = app.query_one("#race-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[0] for row in rows] == ["lr 1", "lr 0.1", "lr 0.001", "lr 30"]
        assert rows[0] == ["lr 1", "best", "1", "0.001", "0.001", "1 falls"]
        assert rows[1] == ["lr 0.1", "", "2", "0.015", "0.01", "2 falls"]
        assert rows[2] == ["lr 0.001", "", "2", "0.245", "0.24", "2 stuck"]
        assert rows[3] == ["lr 30", "worst", "1", "all diverged", "-", "1 diverged"]
        assert sorted(rate_groups(runs)) == [0.001, 0.1, 1.0, 30.0]
        await pilot.press("s")
        assert await hub.wait_for("race_show") == {"t": "race_show", "lesson": 2, "step": 1}
        await pilot.press("s")
        assert await hub.wait_for("race_hide") == {"t": "race_hide"}


async def test_a_lost_hub_is_said_in_words_and_the_last_room_stays(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room([attendee("alice"), attendee("bob")]))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: table.row_count == 2, "the rows")
        notice = app.query_one("#connection", Static)
        assert not notice.display
        await hub.stop()
        await until(pilot, lambda: not app.link.connected, "the link to drop")
        app.check_connection()
        await pilot.pause()
        assert notice.display
        assert str(notice.render()).startswith(NOT_CONNECTED)
        assert table_names(table) == ["alice", "bob"]


async def test_without_a_hub_the_progress_files_fill_the_table(course, tmp_path):
    offline = [attendee("zoe", 1, 1, since=None, passed=4)]
    app = InstructorApp(course, tmp_path / "nobody" / "hub.sock", TOKEN, offline=lambda: offline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one("#room-table", DataTable)
        assert table_names(table) == ["zoe"]
        assert [str(c) for c in table.get_row_at(0)][3:5] == ["-", "4"]
        assert str(app.query_one("#connection", Static).render()).startswith(NOT_CONNECTED)
        assert "(from progress files)" in str(
            app.query_one(RoomView).query_one("#room-summary", Static).render()
        )


async def test_attendees_only_the_progress_files_know_join_the_hubs_room(course, hub):
    files = [attendee("zed", 1, 1, since=None, online=False), attendee("alice", 2, 1)]
    app = InstructorApp(course, hub.path, TOKEN, offline=lambda: files, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room([attendee("alice", 1, 2)]))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: app.room is not None, "the room")
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)
        }
        assert set(rows) == {"alice", "zed"}
        assert rows["alice"][1] == "1.2"  # the hub's word over the file's


async def test_time_on_step_goes_on_between_the_hubs_pushes(course, hub):
    now = [NOW + 500]  # this machine's clock differs from the hub's: only its passing counts
    app = InstructorApp(course, hub.path, TOKEN, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await hub.push(room([attendee("alice", since=NOW - 60)]))
        table = app.query_one("#room-table", DataTable)
        await until(pilot, lambda: table.row_count == 1, "the row")
        assert str(table.get_row_at(0)[3]) == "1 min"
        now[0] += 120
        app.refresh_room()
        assert str(table.get_row_at(0)[3]) == "3 min"


async def test_question_mark_shows_and_hides_the_keys_of_the_view(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        await pilot.press("question_mark")
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        assert not app.screen.query("HelpPanel")


async def test_the_poll_defaults_to_the_rooms_most_common_step(app, hub):
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(app, pilot, hub)
        people = [attendee("a", 2, 1), attendee("b", 2, 1), attendee("c", 1, 2)]
        await hub.push(room(people))
        view = app.query_one(PollView)
        await until(pilot, lambda: view.check is not None and view.check.id == "final", "the suggestion")
        assert await hub.wait_for("watch", check="final") == {
            "t": "watch",
            "check": "final",
            "lesson": 2,
            "step": 1,
        }
        assert app.query_one(HelpView).requests == []
