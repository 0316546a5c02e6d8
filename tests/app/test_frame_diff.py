"""The frame filter: the terminal shows exactly what Textual's frames say, for fewer bytes."""

from __future__ import annotations

import random

import pyte
from rich.color import ColorSystem
from rich.style import Style

from nntui.app.frame_diff import ScreenDiff

COLS, ROWS = 40, 8
STYLES = [
    None,
    Style(color="color(253)", bgcolor="color(233)"),
    Style(color="color(32)", bgcolor="color(233)", underline=True),
    Style(bold=True, color="color(196)"),
    Style(bgcolor="color(17)"),
    Style(reverse=True, italic=True),
    Style(color="color(40)", link="https://example.org/a"),
]
CHARS = "ab xyz─│≡⣀●"
WIDE = "漢字"


def cells(screen: pyte.Screen) -> list:
    """Every cell's character and attributes, and the cursor."""
    rows = [
        [
            (c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.reverse, c.strikethrough)
            for c in (screen.buffer[y][x] for x in range(COLS))
        ]
        for y in range(ROWS)
    ]
    return [rows, (screen.cursor.x, screen.cursor.y)]


def segment(rng: random.Random, width: int) -> tuple[str, int]:
    """A styled run of text as Rich renders it, at most ``width`` cells wide."""
    text, used = "", 0
    while used < width and rng.random() < 0.8:
        if width - used >= 2 and rng.random() < 0.1:
            text += rng.choice(WIDE)
            used += 2
        else:
            text += rng.choice(CHARS)
            used += 1
    style = rng.choice(STYLES)
    rendered = text if style is None else style.render(text, color_system=ColorSystem.EIGHT_BIT)
    return rendered, used


def frame(rng: random.Random) -> str:
    """A frame as Textual's compositor writes one: whole lines or pieces of lines, then the cursor."""
    parts = []
    full = rng.random() < 0.5
    rows = range(ROWS) if full else sorted(rng.sample(range(ROWS), rng.randint(1, ROWS)))
    for y in rows:
        x = 0 if full else rng.randint(0, COLS - 1)
        parts.append(f"\x1b[{y + 1};{x + 1}H")
        while x < COLS:
            text, used = segment(rng, min(COLS - x, rng.randint(1, 12)))
            parts.append(text)
            x += used
            if used == 0:
                break
        parts.append("\n")
    parts[-1] = f"\x1b[{rng.randint(1, ROWS)};{rng.randint(1, COLS)}H"
    return "".join(parts)


def test_the_filtered_frames_leave_the_terminal_showing_the_same_cells():
    rng = random.Random(18)
    raw, filtered = pyte.Screen(COLS, ROWS), pyte.Screen(COLS, ROWS)
    raw_stream, filtered_stream = pyte.Stream(raw), pyte.Stream(filtered)
    diff = ScreenDiff()
    for _ in range(300):
        data = frame(rng)
        raw_stream.feed(data)
        filtered_stream.feed(diff.frame(data))
        assert cells(filtered) == cells(raw)


def test_an_unchanged_repaint_sends_nothing():
    line = Style(color="color(253)", bgcolor="color(233)").render("hello", color_system=ColorSystem.EIGHT_BIT)
    data = f"\x1b[1;1H{line}\n\x1b[2;1H{line}\x1b[1;1H"
    diff = ScreenDiff()
    assert diff.frame(data)
    assert diff.frame(data) == ""


def test_one_changed_cell_is_sent_alone():
    style = Style(color="color(253)", bgcolor="color(233)")
    diff = ScreenDiff()
    diff.frame("\x1b[3;1H" + style.render("a" * 30, color_system=ColorSystem.EIGHT_BIT) + "\x1b[1;1H")
    out = diff.frame(
        "\x1b[3;1H" + style.render("a" * 20 + "b" + "a" * 9, color_system=ColorSystem.EIGHT_BIT) + "\x1b[1;1H"
    )
    assert out == "\x1b[3;21H\x1b[0;38;5;253;48;5;233mb\x1b[0m\x1b[1;1H"  # and the cursor back


def test_a_frame_the_filter_does_not_model_is_passed_on_whole():
    diff = ScreenDiff()
    diff.frame("\x1b[1;1Habc\x1b[1;1H")
    odd = "\x1b[1;1H\x1b[2Kabc\x1b[1;1H"  # an erase: not something Textual's frames contain
    assert diff.frame(odd) == odd
    assert diff.frame("\x1b[1;1Habc\x1b[1;1H") == "\x1b[1;1Habc\x1b[1;1H"  # it starts over


def test_the_lesson_app_uses_the_filtering_driver():
    from nntui.app import AppConfig, make_app
    from nntui.app.frame_diff import DiffingDriver

    app = make_app(AppConfig(mouse=False))
    assert app.get_driver_class() is DiffingDriver


class Written:
    """Stands in for the driver's writer thread: keeps what would reach the terminal."""

    def __init__(self) -> None:
        self.data: list[str] = []

    def write(self, data: str) -> None:
        self.data.append(data)


def driver_writing_to(sink: Written):
    from nntui.app import AppConfig, make_app
    from nntui.app.frame_diff import DiffingDriver

    driver = DiffingDriver(make_app(AppConfig(mouse=False)))
    driver._writer_thread = sink
    return driver


async def test_the_driver_sends_a_repeated_frame_once_across_harmless_writes():
    sink = Written()
    driver = driver_writing_to(sink)
    frame = "\x1b[1;1Hhello\x1b[1;1H"
    driver.write(frame)
    for harmless in ("\x1b[?2026h", "\x07", "\x1b]22;pointer\x07", "\x1b[?2026l"):
        driver.write(harmless)
    driver.write(frame)
    assert "".join(sink.data).count("hello") == 1


async def test_the_driver_sends_the_whole_frame_again_after_a_write_that_may_change_the_screen():
    sink = Written()
    driver = driver_writing_to(sink)
    frame = "\x1b[1;1Hhello\x1b[1;1H"
    for other in ("\x1b[?1049h", "\x1b[2J", "text"):
        driver.write(frame)
        driver.write(other)
    driver.write(frame)
    assert "".join(sink.data).count("hello") == 4
