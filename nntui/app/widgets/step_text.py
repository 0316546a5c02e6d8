"""A lesson step's text: its Markdown drawn by one widget, in the app's theme.

Textual's ``Markdown`` widget builds a widget for every paragraph, heading, list item, bullet
and code block (sixteen for lesson 1's first step). Each costs a session mounting, styling and
layout at every step change, which over SSH is CPU the whole room shares. This widget draws the
same text with Rich's Markdown renderer in one widget, at about two thirds of the CPU per step.

The look stays Textual's: heading, inline-code, list-number and code-block colours come from
the theme through component classes (so a dark and a light theme both read well), and a code
block is a padded panel as before. Python blocks are highlighted in the terminal's ANSI colours;
blocks that name no language (formulas, tables) or ``output`` are plain text.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, ListItem, Markdown
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.widget import Widget

__all__ = ["LessonMarkdown", "StepText", "code_blocks"]

#: Code blocks shown as they are, not highlighted: formulas and tables, and a program's output.
PLAIN_LANGUAGES = {"", "text", "output"}

#: Columns of padding on the left of a code block (the right padding may be given up to a line).
CODE_INDENT = 2


class _LeftHeading(Heading):
    """A heading on the left, as every heading of a lesson (Rich centres level 1)."""

    LEVEL_ALIGN = dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "left")


class _PanelCode(CodeBlock):
    """A code block as a padded panel that never wraps a line (a formula cut in two misleads).

    A line as wide as the text gives up the right padding; a wider one is cropped (the lessons'
    test keeps every block within an 80x24 terminal's text column).
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        style = console.get_style("markdown.code_block", default="none")
        code = str(self.text).rstrip("\n")
        if self.lexer_name.lower() in PLAIN_LANGUAGES:
            body = Text(code)
        else:
            from rich.syntax import Syntax

            body = Syntax(code, self.lexer_name, theme=self.theme).highlight(code)
            body.rstrip()
        width = options.max_width
        blank = Text(" " * width, style=style, end="\n")
        yield blank
        for line in body.split("\n", allow_blank=True):
            row = Text(" " * CODE_INDENT, end="\n", no_wrap=True, overflow="crop") + line
            row.truncate(width, overflow="crop", pad=True)
            row.stylize_before(style)
            row.no_wrap = True
            yield row
        yield blank


class _ListItem(ListItem):
    """A list item; numbered ones read "1." as in the lesson's source (Rich writes "1")."""

    def render_number(self, console: Console, options: ConsoleOptions, number: int, last_number: int):
        """The item's lines, the first after its number and a full stop, the others indented."""
        number_width = len(f"{last_number}.") + 1
        lines = console.render_lines(
            self.elements, options.update(width=options.max_width - number_width), style=self.style
        )
        number_style = console.get_style("markdown.item.number", default="none")
        numeral = Segment(f"{number}.".rjust(number_width - 1) + " ", number_style)
        padding = Segment(" " * number_width, number_style)
        for index, line in enumerate(lines):
            yield numeral if index == 0 else padding
            yield from line
            yield Segment.line()


class LessonMarkdown(Markdown):
    """Rich's Markdown with left headings, numbered items as "1." and panel code blocks."""

    elements = {
        **Markdown.elements,
        "heading_open": _LeftHeading,
        "fence": _PanelCode,
        "code_block": _PanelCode,
        "list_item_open": _ListItem,
    }


class _Themed:
    """Renders ``markdown`` with the ``theme``'s markdown styles in force."""

    def __init__(self, markdown: LessonMarkdown, theme: Theme) -> None:
        self.markdown = markdown
        self.theme = theme

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(self.theme):
            yield from console.render(self.markdown, options)


#: Rich's markdown style names -> this widget's component class that gives their look.
_STYLE_CLASSES = {
    **{f"markdown.h{level}": f"step-text--h{level}" for level in range(1, 7)},
    "markdown.code": "step-text--code",
    "markdown.code_block": "step-text--code-block",
    "markdown.item.number": "step-text--marker",
    "markdown.item.bullet": "step-text--marker",
}


class StepText(Widget):
    """The step's text (Markdown), drawn as one widget; ``source`` is the text shown."""

    COMPONENT_CLASSES = set(_STYLE_CLASSES.values())

    # The colours of Textual's own Markdown widget, so a lesson looks as it did.
    DEFAULT_CSS = """
    StepText {
        height: auto;
        width: 1fr;
        color: $foreground;
        & > .step-text--h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
        & > .step-text--h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
        & > .step-text--h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
        & > .step-text--h4 { color: $markdown-h4-color; text-style: $markdown-h4-text-style; }
        & > .step-text--h5 { color: $markdown-h5-color; text-style: $markdown-h5-text-style; }
        & > .step-text--h6 { color: $markdown-h6-color; text-style: $markdown-h6-text-style; }
        & > .step-text--marker { color: $text-primary; }
        & > .step-text--code { background: $warning 10%; color: $text-warning 95%; }
        & > .step-text--code-block { background: black 10%; color: $foreground; }
        &:light > .step-text--marker { color: $text-secondary; }
        &:light > .step-text--code { background: $error 5%; color: $text-error 95%; }
        &:light > .step-text--code-block { background: white 30%; }
    }
    """

    def __init__(self, markdown: str = "", *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._source = markdown
        self._drawn: _Themed | None = None  # the renderable for the source and theme of the moment

    @property
    def source(self) -> str:
        """The Markdown on screen."""
        return self._source

    def show(self, markdown: str) -> None:
        """Show ``markdown`` instead (drawn with the next refresh, laid out anew)."""
        if markdown == self._source:
            return
        self._source = markdown
        self._drawn = None
        self.refresh(layout=True)

    def notify_style_update(self) -> None:
        """The theme changed (or this widget's styles did): rebuild the styles with the next draw."""
        self._drawn = None
        super().notify_style_update()

    def render(self) -> _Themed:
        """The text, themed; parsed once per text (layout and drawing both ask for it)."""
        if self._drawn is None:
            styles = {name: self.get_component_rich_style(cls) for name, cls in _STYLE_CLASSES.items()}
            styles["markdown.item.bullet"] = styles["markdown.item.bullet"] + Style(bold=True)
            dark = self.app.current_theme.dark if self.app.current_theme else True
            markdown = LessonMarkdown(
                self._source, code_theme="ansi_dark" if dark else "ansi_light", hyperlinks=False
            )
            self._drawn = _Themed(markdown, Theme(styles, inherit=True))
        return self._drawn


def code_blocks(markdown: str) -> list[str]:
    """The code of every code block (fenced or indented) in ``markdown``, as shown."""
    return [
        token.content.rstrip("\n")
        for token in LessonMarkdown(markdown).parsed
        if token.type in ("fence", "code_block")
    ]
