"""The lesson app itself: thin glue between the tutor (position, progress) and the screens."""

from __future__ import annotations

import asyncio
import gc

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import Reactive

from .config import AppConfig
from .css_cache import share_parsed_css
from .screens.lesson import LessonScreen
from .shared import SharedState
from .tutor import Tutor

__all__ = ["NNTuiApp", "MIN_SIZE", "NARROW_WIDTH"]

#: Below this the layout cannot work: the too-small notice is shown instead.
MIN_SIZE = (60, 18)
#: Below this width text and pane are shown one at a time (v switches).
NARROW_WIDTH = 80
#: While a workshop room starts, a session's first panes wait their turn
#: (``NNTuiApp.after_room_started``): it looks again this often (seconds) ...
ROOM_START_LOOK = 0.1
#: ... and waits at most this long in all (seconds).
ROOM_START_HOLD_AT_MOST = 10.0


def _lesson_commands():
    """The "Go to lesson ..." provider, imported when the palette first opens (keeps start fast)."""
    from .commands import LessonCommands

    return LessonCommands


class NNTuiApp(App[None]):
    """Lessons step by step beside live panes. Built by ``nntui.app.make_app``."""

    CSS_PATH = "nntui.tcss"
    TITLE = "nntui"
    # Textual's title and sub-title without their repaint of the whole screen: only the header
    # shows them, and it redraws itself when they change (the lesson screen sets both on every
    # step, and a whole-screen frame more at start-up costs each session ~5 ms of CPU).
    title: Reactive[str] = Reactive("", compute=False, repaint=False)
    sub_title: Reactive[str] = Reactive("", compute=False, repaint=False)
    COMMANDS = App.COMMANDS | {_lesson_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="quit (your place is saved)"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, tooltip="quit, even while typing"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this list of keys"),
        # Not in the footer (it is full at 80 columns): the "Your turn" line and the help list it.
        Binding("x", "exercises", "Exercises", show=False, tooltip="exercises: write the network yourself"),
    ]

    def __init__(
        self,
        config: AppConfig,
        tutor: Tutor | None,
        notices: list[str],
        problems: list[str] | None = None,
        lessons_dir: str = "",
    ) -> None:
        super().__init__()
        share_parsed_css(self)  # a forked SSH session finds the CSS parsed by its starter
        self.config = config
        self.tutor = tutor
        self.shared = SharedState(seed=config.seed)
        self.notices = notices
        self.problems = problems or []
        self.lessons_dir = lessons_dir
        self._save_warned = False
        #: True once the first lesson screen is complete on the terminal (its pane built and
        #: drawn, the footer showing the pane's keys): a workshop session's tuning leaves the
        #: session in front until then (``nntui.serve.tuning``).
        self.first_screen_complete = False
        self._after_first_screen: list = []
        #: Set by the CLI when it turned the garbage collector off for the start (see ``_first_frame``).
        self.gc_paused = False
        #: Set by ``make_app`` when the start changed the position (--lesson, --reset-progress, --name).
        self.save_after_first_frame = False
        #: False in a workshop server's session (set by nntui.serve.session): Textual's file
        #: delivery (the Screenshot command) saves to the server account's ~/Downloads, outside
        #: the attendee's state folder, so it is not offered there.
        self.deliver_files = True
        #: The workshop room (``nntui.app.room.attendee``) in a session that has one, else None.
        self.room = None
        #: A workshop session's place on its server's start board (``nntui.serve.zygote.board``),
        #: set by the server: ``shown()``, ``must_wait()``, ``complete()`` and ``room_started()``.
        #: None elsewhere.
        self.start_gate = None
        if config.room_socket is not None and tutor is not None:
            from .room.attendee import AttendeeRoom

            self.room = AttendeeRoom(self, config.room_socket, config.attendee_name, config.room_via)

    def get_driver_class(self):
        """Textual's driver; on a Linux terminal, one that sends only the cells that changed."""
        driver_class = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver_class is LinuxDriver:
            from .frame_diff import DiffingDriver

            return DiffingDriver
        return driver_class

    def get_default_screen(self):
        """The lessons (or the list of problems with them) as the base screen: no blank screen first."""
        if self.problems or self.tutor is None:
            from .screens.problems import ProblemsScreen

            return ProblemsScreen(self.lessons_dir, self.problems)
        return LessonScreen()

    def on_mount(self) -> None:
        if self.config.theme:
            self.theme = self.config.theme
        if self.tutor is not None and not self.problems:
            if self.config.ask_name and not self.tutor.progress.name:
                from .screens.name import NameScreen

                self.push_screen(NameScreen(), self._named)
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=8)
        # After the base screen is up, so the notice (if needed) goes on top of it.
        self.call_after_refresh(self._first_frame)

    def after_first_screen(self, callback) -> None:
        """Call ``callback`` once the first lesson screen is complete (at once if it is).

        In a workshop session, once the room's start is over too (``start_gate.room_started``):
        a training run that opens with the app does not compete with the room's screens.
        """
        if self.first_screen_complete:
            callback()
        else:
            self._after_first_screen.append(callback)

    def first_screen_done(self) -> None:
        """The lesson screen says its first screen is on the terminal, complete."""
        self.first_screen_complete = True
        waiting, self._after_first_screen = self._after_first_screen, []

        def proceed() -> None:
            for callback in waiting:
                callback()

        gate = self.start_gate
        if gate is None:
            proceed()
            return
        gate.complete()  # the room's next session may build its panes
        if waiting:
            self._look_at_gate(lambda: not gate.room_started(), proceed)

    def after_room_started(self, proceed) -> None:
        """Call ``proceed()`` when the start gate lets this session build its first panes.

        For the first screen's panes, once this session's text is on the terminal: the panes
        are two thirds of a start's CPU, which a room's sessions still waiting for their first
        frame need more, and a room's panes built a few at a time are complete in turn (see
        ``nntui.serve.zygote.board``). Without a start gate (no workshop server), at once.
        """
        gate = self.start_gate
        if gate is None:
            proceed()
            return
        gate.shown()
        self._look_at_gate(gate.must_wait, proceed)

    def _look_at_gate(self, must_wait, proceed) -> None:
        """Call ``proceed()`` once ``must_wait()`` is false: looks every ``ROOM_START_LOOK`` s,
        and waits ``ROOM_START_HOLD_AT_MOST`` s at most."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + ROOM_START_HOLD_AT_MOST

        def look() -> None:
            if not self.is_running:
                return
            if loop.time() < give_up and must_wait():
                # The event loop's own timer: a Textual timer per look costs more, in 100 sessions.
                loop.call_later(ROOM_START_LOOK, look)
            else:
                proceed()

        look()

    def update_styles(self, node, animate: bool = True) -> None:
        """Restyle ``node`` and its descendants, unless it is not in the app yet.

        Textual restyles a widget whenever its classes change, even while it is being
        constructed: an ``Input`` sets three classes in ``__init__``, each a pass of the whole
        stylesheet over it (about 4 ms per field here; a network pane has eleven). A widget
        outside the app is styled when it is mounted anyway, so those passes are skipped.
        """
        if node is not self and node.parent is None:
            return
        super().update_styles(node, animate=animate)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In a workshop session, a text cursor that gets the focus stays lit instead of blinking.

        A blinking cursor repaints twice a second for as long as a field has the focus: in a
        room of 100 waiting in a checkpoint's answer box that was about a core of the server's
        two and 1 KB/s per attendee over the room's Wi-Fi, for a cursor that shows nothing new.
        """
        if self.config.on_server and getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    def _first_frame(self) -> None:
        """Runs once the first screen is painted: size checks, and the garbage collector back on."""
        if self.start_gate is not None and (self.problems or self.tutor is None):
            self.start_gate.complete()  # the list of problems: drawn, and no panes to build
        if self.gc_paused:
            # Start-up makes a few hundred thousand objects that live for the whole run (modules,
            # classes, styles); a full collection in the middle of that cost about 40 ms before the
            # first frame. Freezing them keeps later collections small; then collect as usual.
            self.gc_paused = False
            gc.freeze()
            gc.enable()
        if self.save_after_first_frame and self.tutor is not None:
            self.save_after_first_frame = False
            self.tutor.save()
            self.after_save()
        self._apply_size(self.size.width, self.size.height)

    def _named(self, name: str | None) -> None:
        if name and self.tutor is not None:
            self.tutor.set_name(name)
            self.after_save()

    def get_system_commands(self, screen):
        """Textual's palette commands, without Screenshot where files are not delivered."""
        for command in super().get_system_commands(screen):
            if self.deliver_files or command.title != "Screenshot":
                yield command

    def deliver_text(self, *args, **kwargs) -> str | None:
        """Textual's text delivery, or a notice where files are not delivered."""
        return super().deliver_text(*args, **kwargs) if self._may_deliver() else None

    def deliver_binary(self, *args, **kwargs) -> str | None:
        """Textual's file delivery, or a notice where files are not delivered."""
        return super().deliver_binary(*args, **kwargs) if self._may_deliver() else None

    def _may_deliver(self) -> bool:
        if not self.deliver_files:
            self.notify("Saving files is turned off on this server.", severity="warning", timeout=5)
        return self.deliver_files

    # -- size -------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        """Switch layouts, or show the too-small notice, whenever the terminal changes size."""
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        narrow = width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            # Wide again: the next narrow spell starts with the text, as a fresh start would.
            self.update_classes({"-narrow": narrow, "-show-pane": narrow and self.has_class("-show-pane")})
            self._relayout_screens()
        too_small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        from .screens.too_small import TooSmallScreen  # not needed for the first frame

        showing = isinstance(self.screen, TooSmallScreen)
        if too_small and not showing:
            self.push_screen(TooSmallScreen(*MIN_SIZE))
        elif not too_small and showing:
            self.pop_screen()

    def _relayout_screens(self) -> None:
        """Bring every screen in the stack in line with the app's layout classes.

        Textual restyles only the screen on top when an app class changes, and does not restyle
        a screen it uncovers (``pop_screen``). A lesson screen under the too-small notice, the
        exercises or the contents would come back laid out for the size before: text alone at
        full width with the pane's keys in the footer. So each is restyled now and its focus put
        on the part the new layout shows.
        """
        for screen in self.screen_stack:
            if screen is not self.screen:
                screen.update_node_styles(animate=False)
            if isinstance(screen, LessonScreen):
                screen.action_focus_pane()  # the pane or the text, whichever is on screen now
            screen.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the text/pane switch only on narrow screens: "Pane" from the text, "Text" back."""
        if action in ("switch_view", "switch_view_back"):
            if not self.has_class("-narrow"):
                return False  # wide: text and pane are both on screen
            return self.has_class("-show-pane") == (action == "switch_view_back")
        return True

    # -- actions ----------------------------------------------------------------------------
    def action_switch_view(self) -> None:
        """On a narrow screen, show the pane instead of the text or back."""
        self.toggle_class("-show-pane")
        if isinstance(self.screen, LessonScreen):
            self.screen.action_focus_pane()
        self.refresh_bindings()

    def action_switch_view_back(self) -> None:
        """On a narrow screen showing the pane, show the text again."""
        self.action_switch_view()

    def action_help(self) -> None:
        """Show every key that works on the current screen (including the focused pane's)."""
        from .panes import Pane
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return

        rows = []
        for key, active in self.screen.active_bindings.items():
            binding, node = active.binding, active.node
            if not binding.description or key.startswith("super+") or key == "ctrl+c":
                continue
            if key == "ctrl+p":
                continue  # listed below with a better description
            where = "pane" if isinstance(node, Pane) else "everywhere" if node is self else "lesson"
            rows.append((self.get_key_display(binding), binding.tooltip or binding.description, where))
        rows.append(("ctrl+p", 'command palette: "Go to lesson ...", "Exercises" and more', "everywhere"))
        self.push_screen(HelpScreen(rows))

    def action_exercises(self, start: str | None = None) -> None:
        """Open the Exercises screen (at exercise ``start``, or this lesson's "Your turn" one)."""
        from nntui.app.screens.exercises import ExercisesScreen
        from nntui.exercises import enabled

        if not enabled():
            self.notify("Exercises are turned off on this server.", severity="warning", timeout=5)
            return
        if isinstance(self.screen, ExercisesScreen):
            if start is None:
                return
            self.pop_screen()  # a fresh screen at the chosen exercise (its own API has no "go to")
        if start is None and isinstance(self.screen, LessonScreen):
            start = self.screen.your_turn_start()
        from .screens.editor import EditorScreen

        self.push_screen(
            ExercisesScreen(
                state_dir=self.config.state_dir,
                start=start,
                editor=EditorScreen,
                on_server=self.config.on_server,
            )
        )

    def action_toc(self) -> None:
        """Open the table of contents."""
        from .screens.toc import TocScreen

        if self.tutor is None or isinstance(self.screen, TocScreen):
            return
        self.push_screen(TocScreen(), self._toc_chosen)

    def _toc_chosen(self, choice: tuple[int, int] | str | None) -> None:
        if isinstance(choice, str):
            self.action_exercises(choice)
        elif choice is not None:
            self.goto(*choice)

    def goto(self, lesson: int, step: int = 0) -> None:
        """Jump to ``step`` of the lesson at index ``lesson`` and show it."""
        if self.tutor is None:
            return
        self.tutor.go(lesson, step)
        self.after_save()
        for screen in self.screen_stack:
            if isinstance(screen, LessonScreen):
                self.call_later(screen.show_step)

    def after_save(self) -> None:
        """Say once if progress could not be saved."""
        if self.tutor is not None and self.tutor.save_error and not self._save_warned:
            self._save_warned = True
            self.notify(
                f"{self.tutor.save_error}. Progress will not be saved.", severity="warning", timeout=8
            )
