"""The instructor's view of the room: who is where, polls, the help queue, the learning-rate race.

:class:`InstructorApp` connects to the room hub (``hello`` with the instructor's token), tells
it what it shows (``watch``: the poll's checkpoint and the race's step) and draws the hub's
``room``, ``poll`` and ``race`` pushes in four views (keys 1-4). ``f`` sends the room to the
step in view ("follow me"), moves a following room on to another step, and, pressed on the
step the room follows, lets it go. While the hub cannot be reached it
says so and keeps the last room on screen (or, before any, the attendees' progress files).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from nntui.course import Course

from .instructor_course import CourseIndex, StepRef, most_common_step
from .instructor_dialogs import StepPicker
from .instructor_help import HelpView
from .instructor_poll import PollView
from .instructor_race import RaceView
from .instructor_room import RoomView
from .link import RoomLink, RoomLinkReceived

__all__ = ["InstructorApp", "NOT_CONNECTED"]

#: Said on top while the hub cannot be reached.
NOT_CONNECTED = "not connected to the room; retrying"
#: Seconds between looks at the connection.
CHECK_SECONDS = 1.0
#: Seconds between redrawings of the room (and readings of the progress files).
REFRESH_SECONDS = 5.0
#: The views, in key order (1-4).
VIEWS = ("room", "poll", "help", "race")


class InstructorApp(App):
    """The room for its instructor: four views of the hub's live state."""

    CSS_PATH = "instructor.tcss"
    TITLE = "nntui room"
    BINDINGS = [
        # The tabs show these keys ("1 Room"); the footer keeps its room for the view's own keys.
        Binding("1", "view('room')", "Room", show=False),
        Binding("2", "view('poll')", "Poll", show=False),
        Binding("3", "view('help')", "Help queue", show=False),
        Binding("4", "view('race')", "Race", show=False),
        ("f", "follow", "Follow me"),
        ("question_mark", "keys", "Keys"),
        ("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        course: Course,
        socket_path: Path | None,
        token: str | None,
        *,
        offline: Callable[[], list[dict]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``offline`` reads the attendees from their progress files (room attendee dicts): the
        table shows them while the hub cannot be reached, and those the hub does not know
        otherwise; ``clock`` is the time the table's "on step" is counted to without a hub."""
        super().__init__()
        self.index = CourseIndex(course)
        self.socket_path = socket_path
        self.token = token
        self.offline = offline
        self.clock = clock
        #: The attendees as their progress files last said (see ``offline``).
        self.from_files: list[dict] = []
        #: The latest ``room`` message (None: none yet).
        self.room: dict | None = None
        self._room_received = 0.0  # our clock when it came
        #: The step the room follows ({"lesson", "step", "label"}), as the hub last said.
        self.following: dict | None = None
        self.link: RoomLink | None = None
        self._watching: dict | None = None
        if socket_path is not None:
            hello = {"t": "hello", "role": "instructor", "name": None, "via": "ssh", "token": token}
            self.link = RoomLink(self, socket_path, hello)
            self.link.on_connect.append(lambda: self.send_watch(again=True))
            self.link.on_connect.append(self.check_connection)

    def get_system_commands(self, screen):
        """Textual's palette commands without Screenshot (it saves to the server account's ~/Downloads)."""
        return (command for command in super().get_system_commands(screen) if command.title != "Screenshot")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(NOT_CONNECTED, id="connection", markup=False)
        with TabbedContent(initial="room"):
            with TabPane("1 Room", id="room"):
                yield RoomView(self.index, id="room-view")
            with TabPane("2 Poll", id="poll"):
                yield PollView(self.index, id="poll-view")
            with TabPane("3 Help queue", id="help"):
                yield HelpView(self.index, id="help-view")
            with TabPane("4 Race", id="race"):
                yield RaceView(self.index, id="race-view")
        yield Footer()

    def on_mount(self) -> None:
        """Start the link to the hub and the watch on it."""
        if self.link is not None:
            self.link.start()
        self.check_connection()
        self.set_interval(CHECK_SECONDS, self.check_connection)
        self.refresh_room()
        self.set_interval(REFRESH_SECONDS, self.refresh_room)
        self._focus_view(self.query_one("#room", TabPane))

    async def on_unmount(self) -> None:
        """Close the link."""
        if self.link is not None:
            await self.link.stop()

    # --- talking to the hub -------------------------------------------------------------------
    def send_room(self, message: dict) -> None:
        """Send ``message`` to the hub (queued while it is away)."""
        if self.link is not None:
            self.link.send(message)

    def send_watch(self, again: bool = False) -> None:
        """Tell the hub what the views show (the poll's checkpoint, the race's step) if that
        changed since the last time, or ``again`` (after a reconnection)."""
        check = self.query_one(PollView).check
        step = self.query_one(RaceView).step
        watch = {
            "t": "watch",
            "check": None if check is None else check.id,
            "lesson": None if step is None else step.lesson,
            "step": None if step is None else step.step,
        }
        if again or watch != self._watching:
            self._watching = watch
            self.send_room(watch)

    def on_poll_view_picked(self, event: PollView.Picked) -> None:
        """Watch the checkpoint just picked."""
        self.send_watch()

    def on_race_view_picked(self, event: RaceView.Picked) -> None:
        """Watch the training step just picked."""
        self.send_watch()

    def on_room_link_received(self, event: RoomLinkReceived) -> None:
        """Draw what the hub pushed."""
        message = event.message
        kind = message.get("t")
        if kind == "room":
            self.show_room(message)
        elif kind == "poll":
            self.query_one(PollView).show_poll(message)
        elif kind == "race":
            self.query_one(RaceView).show_race(message)
        self.check_connection()

    def show_room(self, room: dict) -> None:
        """Draw a ``room`` message in the room and help views; follow the hub's follow state."""
        self.room = room
        self._room_received = self.clock()
        attendees = [a for a in room.get("attendees") or [] if isinstance(a, dict)]
        self._draw_room()
        follow = room.get("follow")
        self._set_following(follow if isinstance(follow, dict) else None)
        common = most_common_step(attendees)
        self.query_one(PollView).suggest(common)
        self.query_one(RaceView).suggest(common)

    def check_connection(self) -> None:
        """Say on top whether the hub is reachable; offline, show the progress files' room."""
        connected = self.link is not None and self.link.connected
        notice = self.query_one("#connection", Static)
        notice.display = not connected
        if connected:
            return
        if self.link is None:
            text = "no room hub for this server: showing the attendees' progress files"
        elif self.room is not None:
            text = f"{NOT_CONNECTED} (the room as last seen)"
        else:
            text = NOT_CONNECTED + (" (the attendees' progress files meanwhile)" if self.offline else "")
        notice.update(text)

    def refresh_room(self) -> None:
        """Read the attendees' progress files again (if there is a reader) and redraw the room
        (times on a step go on counting between the hub's pushes)."""
        if self.offline is not None:
            try:
                self.from_files = self.offline()
            except OSError:
                self.from_files = []
        self._draw_room()

    def _draw_room(self) -> None:
        """The room table: the hub's attendees, plus those only the progress files know
        (sessions that never reached the hub); before any word from the hub, the files'."""
        if self.room is None:
            attendees = self.from_files
            online = sum(1 for a in attendees if a.get("online"))
            summary = f"{len(attendees)} attendees, {online} connected (from progress files)"
            self.query_one(RoomView).show(attendees, summary, self.clock())
            return
        room = self.room
        attendees = [a for a in room.get("attendees") or [] if isinstance(a, dict)]
        # The hub's clock at its push, moved on by the time since (times are the hub's).
        sent = room.get("time")
        now = sent + self.clock() - self._room_received if isinstance(sent, (int, float)) else self.clock()
        self.query_one(HelpView).show(room.get("help") or [], attendees, now)
        known = {a.get("name") for a in attendees}
        attendees += [a for a in self.from_files if a.get("name") not in known]
        self.query_one(RoomView).show(attendees, room.get("summary") or "", now)

    # --- keys ---------------------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        """Show one of the four views."""
        self.query_one(TabbedContent).active = view

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Put the keyboard in the view just shown (its keys work at once)."""
        self._focus_view(event.pane)

    def _focus_view(self, pane: TabPane) -> None:
        for widget in pane.query("OptionList, DataTable"):
            widget.focus()
            return

    def action_keys(self) -> None:
        """Show or hide the keys of the view in focus (Textual's help panel)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def _view_step(self) -> StepRef | None:
        active = self.query_one(TabbedContent).active
        view = {"room": RoomView, "poll": PollView, "help": HelpView, "race": RaceView}.get(active)
        return None if view is None else self.query_one(view).selected_step()

    def action_follow(self) -> None:
        """Send the room to the step in view ("follow me"); pressed again on the step the room
        follows (or with no step in view), let the room go.

        While the room follows, a new step in view moves it on: attendees still where the last
        move put them are moved, those who went elsewhere on their own are asked.
        """
        step = self._view_step()
        following = self.following
        if following is not None and (
            step is None or (step.lesson, step.step) == (following.get("lesson"), following.get("step"))
        ):
            self.send_room({"t": "follow_off"})
            self._set_following(None)
            return
        if step is not None:
            self.follow(step)
            return
        self.push_screen(
            StepPicker(self.index.steps, "Send the room to which step? (Enter: go, Escape: cancel)"),
            lambda picked: self.follow(picked) if picked is not None else None,
        )

    def follow(self, step: StepRef) -> None:
        """Send every attendee to ``step``."""
        self.send_room({"t": "follow", "lesson": step.lesson, "step": step.step, "label": step.label})
        self._set_following({"lesson": step.lesson, "step": step.step, "label": step.label})

    def _set_following(self, follow: dict | None) -> None:
        self.following = follow
        self.sub_title = f"Following: {follow.get('label')}" if follow else ""
