"""The main screen: a lesson step's text beside its live pane(s)."""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input, Static

from ..upkeep import (
    COLLECT_AFTER,
    collect_left_steps,
    forget_queried_widgets,
    prune_dead_watchers,
    trim_render_caches,
    unpin_styles_caches,
)
from ..widgets.focus_style import FocusStylesSelf
from ..widgets.steady_footer import SteadyFooter
from ..widgets.step_text import StepText
from .lesson_checks import StepCheckpoints
from .lesson_room import LessonRoom

if TYPE_CHECKING:
    from ..panes import Pane

# The pane registry and the checkpoint widget are imported when a step needs them: the first
# frame (the step's text) does not wait for them.

__all__ = ["LessonScreen", "StepText", "TextColumn"]


class TextColumn(FocusStylesSelf, VerticalScroll, inherit_bindings=False):
    """The step's scrolling text. Left and Right are left to the lesson (previous / next step).

    PageUp/PageDown/Home/End are the lesson screen's (they scroll the text whatever has focus).
    Its focus restyles the column alone (``FocusStylesSelf``), not every paragraph in it.
    """

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
    ]


#: The keys that scroll the text from anywhere -> how (``LessonScreen.action_scroll_text``).
TEXT_SCROLL_KEYS = {
    "pageup": ("page_up", "lesson text: up a page (whatever has focus)"),
    "pagedown": ("page_down", "lesson text: down a page (whatever has focus)"),
    "home": ("home", "lesson text: to the top (in a field: its first character)"),
    "end": ("end", "lesson text: to the end (in a field: its last character)"),
}


class LessonScreen(LessonRoom, StepCheckpoints, Screen):
    """Shows the tutor's current step; Right/Left (n/p, Space) move through the course."""

    #: Nothing is focused automatically: ``show_step`` focuses the pane once it is built (or the
    #: text when the step has none). Focusing the text first would restyle it all before the first
    #: frame, only to move the focus to the pane a moment later.
    AUTO_FOCUS = ""

    #: Textual's ``Screen.focused`` without its repaint: a focus move redrew the whole screen
    #: (about 7 ms of CPU per step change and start), though the screen draws nothing of the
    #: focus itself; the widgets that gain and lose focus restyle and redraw themselves.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS = [
        # Priority: the text scrolls whatever has focus, a pane or a scroll inside one
        # (``check_action`` leaves Home/End to a field, and every key to a pane shown alone).
        *(
            Binding(key, f"scroll_text('{how}')", "Scroll", show=False, priority=True, tooltip=tooltip)
            for key, (how, tooltip) in TEXT_SCROLL_KEYS.items()
        ),
        Binding("right", "next", "Next", key_display="→", tooltip="next step (this one counts as done)"),
        Binding("n", "next", "Next", show=False, tooltip="next step"),
        Binding("space", "next", "Next", show=False, tooltip="next step"),
        # Out of the footer so that a pane's keys, Quit and Help fit at 80 columns; → implies ←.
        Binding("left", "prev", "Back", key_display="←", show=False, tooltip="previous step"),
        Binding("p", "prev", "Back", show=False, tooltip="previous step"),
        # On narrow screens the footer has no room for Contents: t still works (the hidden twin).
        Binding("t", "contents", "Contents", tooltip="table of contents: every lesson and step, with marks"),
        Binding("t", "app.toc", "Contents", show=False, tooltip="table of contents"),
        # v says what it will show: "Pane" while the text is up, "Text" while the pane is.
        # Priority: on a narrow screen no pane (nor anything in one) may take v, the only way
        # back to the text. A field still types it (Textual leaves printable keys to an Input,
        # and leaves v out of the footer then): Esc leaves the field, then v switches.
        Binding(
            "v",
            "app.switch_view",
            "Pane",
            priority=True,
            tooltip="narrow screens: show the pane instead of the text",
        ),
        Binding(
            "v", "app.switch_view_back", "Text", priority=True, tooltip="narrow screens: show the text again"
        ),
        # Shown while typing (a checkpoint's answer or a field), when the footer has room and a
        # learner needs the way out; the hidden twin below does the same from anywhere else.
        Binding("escape", "leave_field", "Back to pane", key_display="Esc", tooltip="leave the field"),
        Binding(
            "escape",
            "focus_pane",
            "Back to the pane",
            show=False,
            tooltip="leave a field or checkpoint: focus the pane again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        unpin_styles_caches()  # else every step's removed widgets keep their drawn lines
        self._first_footer_hold = ExitStack()
        self._resumed_before = False
        #: The first step's checkpoints and panes are built (the footer was held until then).
        self._parts_built = False
        #: The current step's checkpoints answered right or shown: their reveal blocks are shown.
        self._answered: set[str] = set()
        #: Collects the steps left behind once the learner stays on a step (``collect_left_steps``).
        self._collect_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield from self.compose_room()  # a workshop room's lines and keys (nothing without one)
        with Horizontal(id="body"):
            with TextColumn(id="text-column", can_focus=True) as column:
                # A step's text is longer than the screen as a rule: laid out with its scrollbar
                # from the start, the first frame is not laid out (and drawn) again once the
                # scrollbar turns out to be needed. Textual still hides it where it is not.
                column.show_vertical_scrollbar = True
                # The first step's text is parsed here so it is on the very first frame.
                self._answered = self._answered_before(self.tutor.step)
                yield StepText(self.tutor.step.visible_markdown(self._answered), id="step-text")
                yield Vertical(id="checks")
                yield Static(id="your-turn")
            yield Vertical(id="pane-column")
        # At 80 columns every key, Quit and Help included, must fit: compact spacing, and Ctrl+P
        # (listed under ?) left out of the footer.
        yield SteadyFooter(compact=True, show_command_palette=False)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Shown the first time, every widget here was styled as it mounted a moment ago: Textual
        # would restyle the whole screen again (about 9 ms of CPU per start). Later resumes
        # (back from a dialog or the contents) restyle as usual.
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False

    def _refresh_layout(self, size=None, scroll: bool = False) -> None:
        # After laying the screen out, Textual stores each widget's new virtual size in a reactive
        # that asks for another layout (``Widget.virtual_size``): widgets just mounted made the
        # whole screen lay out a second time, to the same result (one of a start's four layouts,
        # one of the three of a step to a new pane: about 10 ms of CPU each). The sizes come from
        # this very layout; a scrollbar that comes or goes asks for its own layout
        # (``show_vertical_scrollbar``). So within this layout, storing them asks for nothing
        # more. Synchronous: nothing else runs meanwhile.
        virtual_size = Widget.virtual_size
        relayout = virtual_size._layout
        virtual_size._layout = False
        try:
            super()._refresh_layout(size, scroll)
        finally:
            virtual_size._layout = relayout

    def on_resize(self, event: events.Resize) -> None:
        # At start-up Textual sends the screen the same size three times (the app's own size, the
        # terminal driver's report of it, the first layout's); each would lay the whole screen out
        # and send a whole frame again. Lay out only for a size this screen was not laid out at
        # (``outer_size``; ``size`` follows the terminal at once, before any layout).
        if event.size == self.outer_size:
            event.prevent_default()

    async def on_mount(self) -> None:
        # The first text goes on screen before the panes are built: a pane imports NumPy and
        # friends, which would otherwise keep the learner looking at a blank terminal. The
        # footer waits for the pane, whose keys it shows, instead of being built twice.
        self._first_footer_hold.enter_context(self.query_one(SteadyFooter).hold())
        await self.show_step(panes_after_refresh=True, text_ready=True)

    @property
    def tutor(self):
        """The app's Tutor (position and progress)."""
        return self.app.tutor

    async def show_step(self, panes_after_refresh: bool = False, text_ready: bool = False) -> None:
        """Show the tutor's current step: text, checkpoints and pane(s).

        ``panes_after_refresh``: paint the text first and build the checkpoints and panes just after
        (the first screen). ``text_ready``: the Markdown widget already holds this step's text.

        A step change is drawn once, when the new step is complete: each intermediate state
        (new text, old pane gone, new pane half built) would cost a layout and a frame, which
        over SSH are CPU and bytes the whole room pays for.
        """
        if panes_after_refresh:
            await self._show_step(panes_after_refresh, text_ready)
            return
        with self.app.batch_update(), self.query_one(SteadyFooter).hold():
            await self._show_step(panes_after_refresh, text_ready)

    async def _show_step(self, panes_after_refresh: bool, text_ready: bool) -> None:
        tutor = self.tutor
        lesson, step, position = tutor.lesson, tutor.step, tutor.position
        self.app.title = f"{lesson.number}. {lesson.title}"
        self.app.sub_title = f"step {position.step + 1}/{len(lesson.steps)}"
        if not text_ready:
            self._answered = self._answered_before(step)
            self.query_one("#step-text", StepText).show(step.visible_markdown(self._answered))
        if not self.is_attached:
            return  # quitting while the text was being replaced

        kept: list[Pane] | None = None
        if not text_ready:  # a new screen has no previous step's widgets to take away
            if self._collect_timer is not None:
                self._collect_timer.stop()  # the learner moves on: not now
            await self.query_one("#checks", Vertical).remove_children()
            kept = self._reconfigured_panes(step)
            if kept is None:
                await self.query_one("#pane-column", Vertical).remove_children()
            # Textual leaves removed widgets subscribed on long-lived nodes (about 1 MB a step).
            prune_dead_watchers(self.app)
            forget_queried_widgets(self.app)  # else the screen's query cache keeps removed panes
            trim_render_caches()  # what the steps before drew (a session would grow all walk)
        self.set_class(not step.panes, "-no-pane")
        self.set_class(len(step.panes) > 1, "-two-panes")
        self._show_your_turn()
        self.query_one("#text-column").scroll_home(animate=False)
        self.refresh_bindings()
        self.room_step_shown()
        if panes_after_refresh and (step.panes or step.checks):
            if self.app.start_gate is None:
                self.call_after_refresh(self._mount_parts, step)
            else:  # a workshop room: the others' first frames come before this pane
                self.call_after_refresh(
                    self.app.after_room_started, partial(self.call_later, self._mount_parts, step)
                )
        else:
            await self._mount_parts(step, kept)
            if not text_ready and step is self.tutor.step:  # a step change, built: collect once read
                self._collect_timer = self.set_timer(
                    COLLECT_AFTER, collect_left_steps, name="collect left steps"
                )

    def _reconfigured_panes(self, step) -> list[Pane] | None:
        """The panes on screen, put in the state ``step`` wants, when they are its kinds of pane.

        None when the step needs other panes or one of them cannot reconfigure itself: the
        lesson screen then builds them anew.
        """
        if not step.panes:
            return None
        from ..panes import Pane, PaneUnavailable, pane_class, pane_settings

        shown = list(self.query_one("#pane-column", Vertical).children)
        if len(shown) != len(step.panes):
            return None
        for widget, spec in zip(shown, step.panes, strict=True):
            try:
                if not (isinstance(widget, Pane) and type(widget) is pane_class(spec.type)):
                    return None
                if not widget.is_mounted:  # still being built (a key pressed before it was done)
                    return None
            except PaneUnavailable:
                return None
        seed = self.app.shared.seed
        for pane, spec in zip(shown, step.panes, strict=True):
            if not pane.reconfigure(pane_settings(spec, seed)):
                return None
        return shown

    def your_turn(self) -> list:
        """The exercises to suggest on this step: the lesson's own, on its last step (if exercises are on)."""
        tutor = self.tutor
        if tutor.position.step != len(tutor.lesson.steps) - 1:
            return []
        from nntui.exercises import enabled

        if not enabled():
            return []
        from nntui.exercises.catalogue import exercises_for_lesson

        return exercises_for_lesson(tutor.lesson.slug)

    def your_turn_start(self) -> str | None:
        """The exercise ``x`` should open here: this lesson's first one not yet passed, if any."""
        exercises = self.your_turn()
        if not exercises:
            return None
        statuses = self.tutor.exercise_statuses()
        return next((ex.name for ex in exercises if statuses.get(ex.name) != "passed"), exercises[0].name)

    def _show_your_turn(self) -> None:
        exercises = self.your_turn()
        line = self.query_one("#your-turn", Static)
        line.display = bool(exercises)
        if exercises:
            titles = [ex.title[0].lower() + ex.title[1:] for ex in exercises]
            what = " and ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)
            line.update(Text(f"Your turn: press x to write {what} yourself."))

    async def _mount_parts(self, step, kept: list[Pane] | None = None) -> None:
        """Build the step's checkpoints and panes, and focus the first pane (else the text).

        ``kept``: the panes already on screen, reconfigured for this step (none are built then).
        """
        try:
            await self._build_parts(step, kept)
        finally:
            self._first_footer_hold.close()  # the first screen's footer: now it shows the pane's keys
            self._parts_built = True

    def on_steady_footer_shown(self, event: SteadyFooter.Shown) -> None:
        """The footer is drawn with the step's keys: once the parts are built, the screen is complete."""
        if self._parts_built and not self.app.first_screen_complete:
            self.app.first_screen_done()

    async def _build_parts(self, step, kept: list[Pane] | None) -> None:
        if step is not self.tutor.step or not self.is_attached:
            return  # the learner moved on (or quit) before this ran
        await self._mount_checkpoints(step)
        widgets = []
        if step.panes and kept is None:
            from ..panes import PaneUnavailable, pane_class, pane_settings

            for spec in step.panes:
                try:
                    cls = pane_class(spec.type)
                except PaneUnavailable as error:
                    widgets.append(
                        Static(f"[b]{spec.type}[/b] pane: {error}", classes="pane-missing", markup=True)
                    )
                    continue
                widgets.append(cls(pane_settings(spec, self.app.shared.seed), classes="pane"))
        if widgets and self.is_attached:
            await self.query_one("#pane-column", Vertical).mount_all(widgets)
        self._mask_open_checks()
        self.action_focus_pane()

    def action_focus_pane(self) -> None:
        """Focus the step's pane so its keys work at once (else the text, for scrolling).

        On a narrow screen showing the text, the text: keys must not go to a pane nobody sees
        (and Up/Down must scroll the text).
        """
        if not self.is_attached:
            return  # quitting: the widgets are going away
        from ..panes import Pane

        app = self.app
        text_only = app.has_class("-narrow") and not app.has_class("-show-pane")
        # Focused at once (``Widget.focus`` waits for the next idle moment): a step change
        # holds the footer until its pane has the focus, so the footer is built once, right.
        panes = self.query(Pane)
        if panes and not text_only:
            if panes.first().focusable:
                self.set_focus(panes.first())
        else:
            for column in self.query("#text-column"):
                self.set_focus(column)

    async def action_next(self) -> None:
        """Next step (this one counts as done); at the end of the course, say so."""
        if self.tutor.next():
            await self.show_step()
        else:
            self.app.notify("That was the last step of the course. Well done!", title="The end")
        self.app.after_save()

    async def action_prev(self) -> None:
        """Previous step."""
        if self.tutor.prev():
            await self.show_step()
            self.app.after_save()

    def action_contents(self) -> None:
        """The table of contents (the footer's entry; see BINDINGS)."""
        self.app.action_toc()

    def action_scroll_text(self, how: str) -> None:
        """Scroll the step's text: ``how`` is page_up, page_down, home or end."""
        column = self.query_one("#text-column", TextColumn)
        if how == "page_up":
            column.scroll_page_up(animate=False)
        elif how == "page_down":
            column.scroll_page_down(animate=False)
        elif how == "home":
            column.scroll_home(animate=False)
        else:
            column.scroll_end(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out Back on the very first step; no Contents entry in a narrow footer.

        The text's scroll keys pass on (to the focused widget) when the text is not on screen,
        and Home/End when a field has focus: there they move its cursor.
        """
        if action.startswith("room_"):
            return self.room_check_action(action)
        if action == "scroll_text":
            if not self.query_one("#text-column").display:
                return False
            return not (parameters and parameters[0] in ("home", "end") and isinstance(self.focused, Input))
        if action == "prev" and self.tutor.at_start:
            return None
        if action == "contents" and self.app.has_class("-narrow"):
            return False
        if action == "leave_field":  # only while typing (Esc in the footer); elsewhere, its twin
            return isinstance(self.focused, Input)
        return True

    def action_leave_field(self) -> None:
        """Leave a field or a checkpoint's answer box: focus the pane again."""
        self.action_focus_pane()
