"""Send the terminal only the cells that changed: a filter on Textual's frames.

Textual writes each frame as cursor moves, SGR colour sequences and text. A layout pass sends
every line of the screen again (a step change repaints header, footer and the unchanged half of
the screen), and every segment carries its full colours followed by a reset (``ESC[0m``), so two
neighbouring segments of one colour cost two colour sequences. Over SSH each byte is encrypted
by the server and crosses the room's Wi-Fi.

:class:`ScreenDiff` keeps what the terminal shows (a character and its colours per cell) and
turns each frame into the cells that differ from it, with one colour sequence per change of
colour. The terminal ends up showing exactly what Textual's frame would have shown. A frame with
anything the filter does not model (other control sequences) is passed on unchanged, and the
model starts over. :class:`DiffingDriver` is Textual's Linux driver with the filter on its
frames.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from rich.cells import get_character_cell_size
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["DiffingDriver", "ScreenDiff"]

#: One token of a frame: a cursor move, an SGR sequence, an OSC 8 link, a newline, text, or
#: anything else (which the filter does not model).
_TOKEN = re.compile(
    r"\x1b\[(\d+);(\d+)H"  # 1, 2: move to row;column (1-based)
    r"|\x1b\[([0-9;]*)m"  # 3: SGR
    r"|\x1b\]8;([^\x1b\x07]*)\x1b\\"  # 4: OSC 8 hyperlink (params;url, empty url closes)
    r"|(\n)"  # 5: Textual's line separator (always followed by a move)
    r"|([^\x00-\x1f\x7f]+)"  # 6: printable text
    r"|(.)",  # 7: anything else
    re.S,
)
_FRAME_START = re.compile(r"\x1b\[\d+;\d+H")
_ALTERNATE_SCREEN = re.compile(r"\x1b\[\?(?:[\d;]*;)?(?:47|1047|1049)[;hl]")
#: Writes that leave every cell as it is: terminal modes (not the alternate screen's), the bell,
#: OSC strings (clipboard, pointer shape), mode queries.
_HARMLESS = re.compile(r"(?:\x1b\[\?[\d;]+(?:[hl]|\$p)|\x07|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))+")
#: Unchanged cells between two changed runs of a line shorter than this are sent again
#: rather than jumping over them (a cursor move costs about as much).
_GAP = 8
_PLAIN = ("", "")  # no colours, no link

#: A cell: (text, (sgr, link)); a wide character's second cell has the text "".
Cell = tuple


@lru_cache(maxsize=4096)
def _width(char: str) -> int:
    return get_character_cell_size(char)


class ScreenDiff:
    """What the terminal shows, and each new frame reduced to the difference."""

    def __init__(self) -> None:
        self._rows: dict[int, list] = {}  # row -> cells (None: not known)
        self._cursor = ""  # the last cursor move sent at the end of a frame

    def reset(self) -> None:
        """Forget what the terminal shows (after a resize, a clear or anything unmodelled)."""
        self._rows.clear()
        self._cursor = ""

    def frame(self, data: str) -> str:
        """What to write instead of the frame ``data`` (Textual's cursor moves, SGR and text)."""
        changed = self._apply(data)
        if changed is None:
            self.reset()
            return data
        rows, cursor = changed
        out: list[str] = []
        state = _PLAIN
        for y in sorted(rows):
            state = self._emit_row(y, rows[y], out, state)
        if state[0]:
            out.append("\x1b[0m")
        if state[1]:
            out.append("\x1b]8;;\x1b\\")
        if cursor and (out or cursor != self._cursor):
            out.append(cursor)
            self._cursor = cursor
        return "".join(out)

    def _apply(self, data: str) -> tuple[dict[int, list], str] | None:
        """The new cells of every row ``data`` touches, and its last cursor move; None if unmodelled."""
        rows: dict[int, list] = {}
        x = y = 0
        line: list | None = None
        sgr, link = "", ""
        style = _PLAIN
        cursor = ""
        for match in _TOKEN.finditer(data):
            kind = match.lastindex
            if kind == 6:
                text = match.group(6)
                if line is None:
                    return None
                _break_wide(line, x)
                if text.isascii():
                    end = x + len(text)
                    if end > len(line):
                        line.extend([None] * (end - len(line)))
                    line[x:end] = [(char, style) for char in text]
                    x = end
                else:
                    for char in text:
                        width = _width(char)
                        if width == 0:
                            if x == 0 or line[x - 1] is None:
                                return None
                            previous = line[x - 1]
                            line[x - 1] = (previous[0] + char, previous[1])
                            continue
                        end = x + width
                        if end > len(line):
                            line.extend([None] * (end - len(line)))
                        line[x] = (char, style)
                        if width == 2:
                            line[x + 1] = ("", style)
                        x = end
                if x < len(line) and line[x] is not None and not line[x][0]:
                    line[x] = None  # the second half of a wide character just overwritten
                cursor = ""
            elif kind == 1 or kind == 2:
                y, x = int(match.group(1)) - 1, int(match.group(2)) - 1
                line = rows.get(y)
                if line is None:
                    line = rows[y] = list(self._rows.get(y, ()))
                if x > len(line):
                    line.extend([None] * (x - len(line)))
                cursor = match.group(0)
            elif kind == 3:
                params = match.group(3)
                sgr = "" if params in ("", "0") else (f"{sgr};{params}" if sgr else params)
                style = (sgr, link)
            elif kind == 4:
                params = match.group(4)
                link = params if params.partition(";")[2] else ""
                style = (sgr, link)
            elif kind == 5:
                line = None  # a move follows
            else:
                return None
        return rows, cursor

    def _emit_row(self, y: int, new: list, out: list[str], state: tuple) -> tuple:
        """Write the cells of row ``y`` that differ from what is shown; returns the colour state."""
        old = self._rows.get(y, [])
        self._rows[y] = new
        width = len(new)
        changed = [
            index
            for index in range(width)
            if new[index] is not None and (index >= len(old) or new[index] != old[index])
        ]
        if not changed:
            return state
        if any(cell is not None and cell[0] == "" for cell in (*new, *old)):
            # Wide characters: a terminal blanks the whole character when half of it is
            # written, so such a line is sent whole (from its first known cell).
            first = next((i for i, cell in enumerate(new) if cell is not None), width)
            runs = [(first, width)]
        else:
            runs = []
            start = end = changed[0]
            for index in changed:
                if index - end > _GAP:
                    runs.append((start, end + 1))
                    start = index
                end = index
            runs.append((start, end + 1))
        for start, end in runs:
            at = -1  # the terminal's cursor column, as far as this run has moved it
            pending: list[str] = []  # text of one colour, written as one string
            for index in range(start, end):
                cell = new[index]
                if cell is None or not cell[0]:
                    continue  # never drawn (jumped over), or the second half of a wide character
                text, style = cell
                if at != index or style is not state:
                    if pending:
                        out.append("".join(pending))
                        pending.clear()
                    if at != index:
                        out.append(f"\x1b[{y + 1};{index + 1}H")
                    if style is not state:
                        state = _switch(state, style, out)
                pending.append(text)
                at = index + (1 if text.isascii() else max(1, _width(text[0])))
            if pending:
                out.append("".join(pending))
        return state


def _break_wide(line: list, x: int) -> None:
    """Writing at ``x`` over the second half of a wide character: its first half is unknown now."""
    if 0 < x < len(line) and line[x] is not None and not line[x][0]:
        line[x - 1] = None


def _switch(old: tuple, new: tuple, out: list[str]) -> tuple:
    """Append the sequences that change the colours (and link) from ``old`` to ``new``."""
    if old == new:
        return new
    if old[1] != new[1] and old[1]:
        out.append("\x1b]8;;\x1b\\")
    if old[0] != new[0]:
        out.append(f"\x1b[0;{new[0]}m" if new[0] else "\x1b[0m")
    if new[1] and new[1] != old[1]:
        out.append(f"\x1b]8;{new[1]}\x1b\\")
    return new


class DiffingDriver(LinuxDriver):
    """Textual's Linux driver, sending each frame through a :class:`ScreenDiff`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._screen_diff = ScreenDiff()
        self._diff_size: tuple[int, int] | None = None

    def write(self, data: str) -> None:
        """Write ``data``; a frame only where it changes what the terminal shows."""
        if _FRAME_START.match(data):
            size = self._terminal_size()
            if size != self._diff_size:  # a terminal may move or clear cells when resized
                self._diff_size = size
                self._screen_diff.reset()
            data = self._screen_diff.frame(data)
            if not data:
                return
        elif _ALTERNATE_SCREEN.search(data) or not _HARMLESS.fullmatch(data):  # cells may change: start over
            self._screen_diff.reset()
        super().write(data)

    def _terminal_size(self) -> tuple[int, int] | None:
        try:
            size = os.get_terminal_size(self.fileno)
        except (OSError, ValueError):
            return None
        return size.columns, size.lines

    def start_application_mode(self) -> None:
        """Start as Textual does, on a screen this filter knows nothing of yet."""
        self._screen_diff.reset()
        super().start_application_mode()
