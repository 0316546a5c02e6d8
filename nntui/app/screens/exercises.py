"""The Exercises screen: the list with marks, the current exercise, and a check on every save.

Push it from the app with ``app.push_screen(ExercisesScreen(state_dir=config.state_dir))``.
The learner edits the file in their own editor (``e`` opens ``$VISUAL``/``$EDITOR``) or in
the app's own editor (``E``, given as ``editor``); on a server (``on_server``) ``e`` always
opens the app's editor and never starts a program. Every save is noticed (filesystem
events, or polling: ``p`` switches) and checked in a sandboxed child process by a thread
worker, and the result appears without a key press.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, ListItem, ListView, Static
from textual.worker import get_current_worker

from nntui.exercises import enabled, on_server
from nntui.exercises.catalogue import EXERCISES, Exercise, get_exercise
from nntui.exercises.record import RecordError, load_statuses, next_exercise, record_result
from nntui.exercises.sandbox import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIME_LIMIT,
    STATUS_MARKS,
    CheckResult,
    run_check,
)
from nntui.exercises.watch import EventWatcher, default_watch_mode, signature
from nntui.exercises.workspace import Workspace, WorkspaceError, default_workspace, resolve_state_dir

from ..messages import ExercisesScreenFileChanged

__all__ = ["ExercisesScreen"]


class ExercisesScreen(Screen):
    """Write the network yourself: pick an exercise, edit its file, see the checks on each save."""

    CSS_PATH = "exercises.tcss"

    BINDINGS = [
        Binding("escape", "close", "Back", tooltip="back to the lessons"),
        Binding("e", "edit", "Edit", tooltip="edit the exercise ($VISUAL or $EDITOR; on a server, in nntui)"),
        Binding("E", "edit_here", "Edit here", show=False, tooltip="edit the exercise in nntui's own editor"),
        Binding("h", "hint", "Hint", tooltip="show the next hint (each is more concrete)"),
        Binding("c", "check", "Check", tooltip="check the file now (it is also checked on every save)"),
        Binding("s", "solution", "Solution", tooltip="show our solution (once yours passes)"),
        Binding("p", "toggle_polling", "Polling", tooltip="watch the file by polling (network drives, WSL)"),
    ]

    def __init__(
        self,
        state_dir: str | os.PathLike | None = None,
        workspace: str | os.PathLike | None = None,
        *,
        watch: str | None = None,
        poll_interval: float = 1.0,
        time_limit: float = DEFAULT_TIME_LIMIT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        start: str | None = None,
        editor: Callable[[Path, str], Screen] | None = None,
        on_server: bool | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.state_dir = resolve_state_dir(state_dir)
        self.workspace = Workspace(workspace or default_workspace(self.state_dir))
        #: "events" (watchdog) or "poll".
        self.watch_mode = watch or default_watch_mode()
        self.poll_interval = poll_interval
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self.enabled = enabled()
        #: Makes the in-app editor's screen for (path, title); the app passes its EditorScreen.
        self.editor = editor
        self.on_server = _on_server() if on_server is None else on_server
        self.statuses: dict[str, str] = {}
        self.current: Exercise = get_exercise(start) if start else EXERCISES[0]
        self._start = start
        self._last_seen: str | None = None  # signature of the content last checked
        self._results: dict[str, CheckResult] = {}
        self._solution_shown = False
        self._events = EventWatcher(self.workspace.root, self._event_from_thread)
        self._poll_timer = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="ex-body"):
            items = [
                ListItem(Label(self._list_text(ex), id=f"ex-label-{ex.name}"), id=f"ex-{ex.name}")
                for ex in EXERCISES
            ]
            yield ListView(*items, id="ex-list")
            with VerticalScroll(id="ex-detail"):
                yield Static(id="ex-title")
                yield Static(id="ex-file")
                yield Static(id="ex-status")
                yield Static(id="ex-hints")
                yield Static(id="ex-solution")
        yield Footer()

    def _list_text(self, ex: Exercise) -> str:
        mark = STATUS_MARKS.get(self.statuses.get(ex.name, "unknown"), " ")
        return f"{mark} {ex.number:2d}  {ex.name}"

    def on_mount(self) -> None:
        if not self.enabled:
            self.query_one("#ex-title", Static).update("Exercises are turned off here.")
            self.query_one("#ex-status", Static).update(
                "Running your own code is not allowed on this server (the instructor can allow it)."
            )
            return
        try:
            self.workspace.init()  # writes missing files only; the learner's files are never touched
        except WorkspaceError as error:
            self.query_one("#ex-status", Static).update(str(error))
            return
        self.statuses = self._load_statuses()
        if self._start is None:
            upcoming = next_exercise(self.statuses)
            self.current = get_exercise(upcoming) if upcoming else EXERCISES[0]
        for ex in EXERCISES:
            self._refresh_mark(ex)
        list_view = self.query_one("#ex-list", ListView)
        list_view.index = self.current.number - 1
        list_view.focus()
        self._show_exercise()
        self._start_watching()
        self.check_now()

    def on_unmount(self) -> None:
        self._events.stop()
        self.workers.cancel_group(self, "exercise-check")

    def _load_statuses(self) -> dict[str, str]:
        try:
            return load_statuses(self.state_dir)
        except OSError:
            return {}

    # ------------------------------------------------------------------ showing

    def _refresh_mark(self, ex: Exercise) -> None:
        item = self.query_one(f"#ex-{ex.name}", ListItem)
        self.query_one(f"#ex-label-{ex.name}", Label).update(self._list_text(ex))
        status = self.statuses.get(ex.name)
        item.set_class(status == "passed", "-passed")
        item.set_class(status == "failed", "-failed")

    def _show_exercise(self) -> None:
        ex = self.current
        self._solution_shown = False
        lesson = f"  (taught in lesson {ex.lesson})" if ex.lesson else ""
        self.query_one("#ex-title", Static).update(f"[b]{ex.number}. {ex.title}[/b]{lesson}")
        self._show_file_line()
        result = self._results.get(ex.name)
        if result is not None:
            self._show_result(ex, result)
        else:
            self._set_status("Checking…", "-running")
        self._show_hints()
        self.query_one("#ex-solution", Static).update("")

    def _show_file_line(self) -> None:
        how = "on every save" if self.watch_mode == "events" else f"every {self.poll_interval:g} s (polling)"
        text = f"File: {self.workspace.path(self.current)}\nChecked {how}. e: edit  h: hint  c: check now"
        self.query_one("#ex-file", Static).update(_plain(text))

    def _set_status(self, text: str, css_class: str) -> None:
        status = self.query_one("#ex-status", Static)
        status.update(_plain(text))
        for name in ("-passed", "-failed", "-running"):
            status.set_class(name == css_class, name)

    def _show_result(self, ex: Exercise, result: CheckResult) -> None:
        if ex is not self.current:
            return
        if self.app.screen is not self:  # the learner is in the editor: tell them there
            self.notify(result.lines()[0], severity="information" if result.passed else "warning", timeout=6)
        if result.passed:
            self._set_status(f"✓ Passed: {result.summary}. Press s to compare with our solution.", "-passed")
        elif result.status == "todo":
            self._set_status("· " + result.text(), "-running")
        else:
            self._set_status("✗ " + result.text(), "-failed")

    def _show_hints(self) -> None:
        ex = self.current
        shown = self.workspace.hints_shown(ex)
        if shown == 0:
            text = f"Stuck? Press h for a hint ({len(ex.hints)} available, each more concrete)."
        else:
            lines = [f"Hint {i + 1}: {ex.hints[i]}" for i in range(shown)]
            if shown < len(ex.hints):
                lines.append(f"(h: hint {shown + 1} of {len(ex.hints)})")
            text = "\n".join(lines)
        self.query_one("#ex-hints", Static).update(_plain(text))

    # ------------------------------------------------------------------ choosing

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        """Move to the highlighted exercise and check its file."""
        if event.item is None or not event.item.id or not self.enabled:
            return
        ex = get_exercise(event.item.id.removeprefix("ex-"))
        if ex is self.current:
            return
        self.current = ex
        self._last_seen = None
        self._show_exercise()
        self._events.name = ex.filename
        self.check_now()

    # ------------------------------------------------------------------ watching

    def _start_watching(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self._events.stop()
        if self.watch_mode == "events":
            problem = self._events.start(self.current.filename)
            if problem is None:
                return
            self.watch_mode = "poll"
            self.notify(
                f"{problem}; checking by polling instead (p switches).", severity="warning", timeout=8
            )
            self._show_file_line()
        self._poll_timer = self.set_interval(self.poll_interval, self.poll_file)

    def _event_from_thread(self) -> None:
        # On watchdog's thread: post_message is thread-safe and, unlike call_from_thread,
        # never waits for the UI thread (which may itself be stopping the observer).
        self.post_message(ExercisesScreenFileChanged())

    def on_exercises_screen_file_changed(self, message: ExercisesScreenFileChanged) -> None:
        """Check the file after a filesystem event."""
        self.poll_file()

    def poll_file(self) -> None:
        """Check the current file if its content changed since the last check."""
        if not self.enabled:
            return
        if signature(self.workspace.path(self.current)) != self._last_seen:
            self.check_now()

    def action_toggle_polling(self) -> None:
        """Switch between filesystem events and polling."""
        if not self.enabled:
            return
        self.watch_mode = "poll" if self.watch_mode == "events" else "events"
        self._start_watching()
        self._show_file_line()
        self.notify(
            "Watching by polling." if self.watch_mode == "poll" else "Watching with file events.", timeout=3
        )

    # ------------------------------------------------------------------ checking

    def check_now(self) -> None:
        """Run the checks of the current exercise in the background."""
        if not self.enabled:
            return
        ex = self.current
        self._last_seen = signature(self.workspace.path(ex))
        self._run_check(ex)

    def action_check(self) -> None:
        """Check the current file now."""
        self.check_now()

    @work(thread=True, exclusive=True, group="exercise-check", exit_on_error=False)
    def _run_check(self, ex: Exercise) -> None:
        """The sandboxed check, off the UI thread; the result comes back via call_from_thread."""
        worker = get_current_worker()
        try:
            result = run_check(
                ex.name, self.workspace.path(ex), time_limit=self.time_limit, memory_mb=self.memory_mb
            )
        except Exception as error:  # noqa: BLE001 - never let a check take the app down
            result = CheckResult(ex.name, "crashed", f"the check could not run: {error}")
        if worker.is_cancelled:
            return
        if result.passed:
            self.workspace.mark_passed(ex)
        else:
            self.workspace.mark_failed(ex)
        problem = None
        if result.status != "missing" and not (result.status == "todo" and self.workspace.is_untouched(ex)):
            try:
                record_result(self.state_dir, ex.name, result.passed)
            except (RecordError, OSError) as error:
                problem = str(error)
        if not worker.is_cancelled:
            try:
                self.app.call_from_thread(self._checked, ex, result, problem)
            except RuntimeError:
                pass  # the app has closed meanwhile

    def _checked(self, ex: Exercise, result: CheckResult, problem: str | None) -> None:
        if not self.is_attached:
            return  # the learner left the screen while the check ran
        self._results[ex.name] = result
        if result.status != "missing" and not (result.status == "todo" and ex.name not in self.statuses):
            self.statuses[ex.name] = "passed" if result.passed else "failed"
            if (room := getattr(self.app, "room", None)) is not None:
                room.send_exercise(result)  # a workshop room's help queue shows a failing case
        self._refresh_mark(ex)
        self._show_result(ex, result)
        if problem:
            self.notify(problem, severity="warning", timeout=8)
        if result.notice:
            self.notify(result.notice, severity="warning", timeout=10)

    # ------------------------------------------------------------------ keys

    def action_hint(self) -> None:
        """Reveal the next hint."""
        if not self.enabled:
            return
        if self.workspace.next_hint(self.current) is None:
            self.notify("That was the last hint. Once it passes, s shows our solution.", timeout=4)
        self._show_hints()

    def action_solution(self) -> None:
        """Show or hide the reference solution; only after the learner's version passes."""
        if not self.enabled:
            return
        box = self.query_one("#ex-solution", Static)
        if self.statuses.get(self.current.name) != "passed":
            self.notify("Our solution appears once your version passes.", timeout=4)
            return
        self._solution_shown = not self._solution_shown
        if self._solution_shown:
            from rich.syntax import Syntax

            box.update(Syntax(self.current.solution(), "python", line_numbers=True, word_wrap=True))
        else:
            box.update("")

    def action_edit(self) -> None:
        """Open the exercise in the learner's editor (on a server: the app's own), then check it."""
        if not self.enabled:
            return
        path = self.workspace.path(self.current)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if self.on_server or not editor:
            if self.editor is None and not self.on_server:
                self.notify(f"Set $VISUAL or $EDITOR to edit from here, or open {path} yourself.", timeout=8)
                return
            self.action_edit_here()
            return
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
        except SuspendNotSupported:
            self.notify(f"Cannot open an editor here; edit {path} in your own editor.", timeout=8)
            return
        except (OSError, ValueError) as error:
            self.notify(f"Could not start {editor!r}: {getattr(error, 'strerror', None) or error}", timeout=8)
            return
        self.poll_file()

    def action_edit_here(self) -> None:
        """Open the exercise in the app's own editor; the file is checked on every save."""
        if not self.enabled:
            return
        if self.editor is None:
            self.notify("There is no editor in this app; edit the file in your own editor.", timeout=8)
            return
        ex = self.current
        self.app.push_screen(
            self.editor(self.workspace.path(ex), f"{ex.number}. {ex.title}"), lambda _saved: self.poll_file()
        )

    def action_close(self) -> None:
        """Back to where the learner came from."""
        self._events.stop()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _on_server() -> bool:
    return on_server()


def _plain(text: str):
    """Text shown as is: file paths and learners' values may contain [brackets]."""
    from rich.text import Text

    return Text(text)
