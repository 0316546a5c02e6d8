"""The in-app editor: edit one exercise file without leaving nntui (and, on a server, without
starting any program of the server's account).

Textual's ``TextArea`` code editor: Python highlighting, line numbers, undo (Ctrl+Z) and redo
(Ctrl+Y). Ctrl+S saves (atomically: a reader never sees half a file); Escape goes back, and
asks once more when there are unsaved changes. Problems (the file cannot be read or written)
are shown in a line under the text, in words.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from nntui.files import write_atomically

__all__ = ["EditorScreen", "MAX_FILE_BYTES"]

#: The largest file the editor opens; an exercise is a few KB.
MAX_FILE_BYTES = 256 * 1024


class EditorScreen(Screen[bool]):
    """Edit ``path``; dismissed with True if anything was saved."""

    CSS_PATH = "editor.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="save the file (it is then checked)"),
        Binding(
            "escape",
            "leave",
            "Back",
            priority=True,  # before the code editor, which would only move the focus
            tooltip="back to the exercises (asks if there are unsaved changes)",
        ),
        Binding("ctrl+z", "undo", "Undo", show=True),
        Binding("ctrl+y", "redo", "Redo", show=False),
    ]

    def __init__(self, path: str | os.PathLike, title: str = "", *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.path = Path(path)
        self.title_text = title or self.path.name
        self._saved_text = ""
        self._saved_any = False
        self._leave_armed = False
        self._readable = False

    def compose(self) -> ComposeResult:
        yield Static(id="editor-title")
        editor = TextArea.code_editor("", language=None, id="editor-text")
        if "python" in editor.available_languages:
            editor.language = "python"
        yield editor
        yield Static(id="editor-message")
        yield Footer()

    def on_mount(self) -> None:
        editor = self.query_one("#editor-text", TextArea)
        problem = self._read()
        if problem:
            editor.read_only = True
            self._say(problem, error=True)
        else:
            editor.load_text(self._saved_text)
            self._say("Ctrl+S saves (and checks), Ctrl+Z undoes, Ctrl+Y redoes, Escape goes back.")
        self._show_title()
        editor.focus()

    # ------------------------------------------------------------------ file

    def _read(self) -> str | None:
        """Load the file into ``_saved_text``; a one-line problem if it cannot be edited here."""
        try:
            info = os.stat(self.path)
            if not self.path.is_file():
                return f"{self.path.name} is not a regular file; it cannot be edited here"
            if info.st_size > MAX_FILE_BYTES:
                return (
                    f"{self.path.name} is larger than {MAX_FILE_BYTES // 1024} KB; it cannot be edited here"
                )
            with open(self.path, encoding="utf-8") as handle:
                self._saved_text = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            self._saved_text = ""  # a new file: saving creates it
        except UnicodeDecodeError:
            return f"{self.path.name} is not UTF-8 text; it cannot be edited here"
        except OSError as error:
            return f"cannot read {self.path.name}: {error.strerror or error}"
        self._readable = True
        return None

    def _write(self, text: str) -> None:
        """Replace the file with ``text`` in one step (a temporary file renamed over it)."""
        write_atomically(self.path, text)

    # ------------------------------------------------------------------ state

    @property
    def text(self) -> str:
        """What the editor holds now."""
        return self.query_one("#editor-text", TextArea).text

    @property
    def modified(self) -> bool:
        """True when there are changes that are not saved."""
        return self._readable and self.text != self._saved_text

    def _show_title(self) -> None:
        mark = "  [modified]" if self.modified else ""
        from rich.text import Text

        self.query_one("#editor-title", Static).update(Text(f"{self.title_text}: {self.path}{mark}"))

    def _say(self, text: str, error: bool = False) -> None:
        from rich.text import Text

        message = self.query_one("#editor-message", Static)
        message.update(Text(text))
        message.set_class(error, "-error")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Keep the [modified] mark current; any edit cancels a pending "leave anyway"."""
        self._leave_armed = False
        self._show_title()

    # ------------------------------------------------------------------ actions

    def action_save(self) -> None:
        """Write the file; the Exercises screen notices the save and checks it."""
        if not self._readable:
            self._say("This file cannot be edited here, so nothing was saved.", error=True)
            return
        text = self.text
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            self._say(f"Not saved: the file would be larger than {MAX_FILE_BYTES // 1024} KB.", error=True)
            return
        try:
            self._write(text)
        except OSError as error:
            self._say(f"Not saved: {error.strerror or error}.", error=True)
            return
        self._saved_text = text
        self._saved_any = True
        self._leave_armed = False
        self._show_title()
        self._say(f"Saved {self.path.name}; it is being checked. Escape goes back to see the result.")

    def action_undo(self) -> None:
        """Undo the last edit."""
        self.query_one("#editor-text", TextArea).undo()

    def action_redo(self) -> None:
        """Redo what was undone."""
        self.query_one("#editor-text", TextArea).redo()

    def action_leave(self) -> None:
        """Go back; with unsaved changes, only after a second Escape."""
        if self.modified and not self._leave_armed:
            self._leave_armed = True
            self._say("Unsaved changes: Ctrl+S saves them, Escape again leaves without saving.", error=True)
            return
        self.dismiss(self._saved_any)
