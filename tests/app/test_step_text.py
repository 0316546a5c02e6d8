"""The step's text widget: Markdown drawn as one widget, looking as a lesson's reader expects."""

from __future__ import annotations

from rich.console import Console

from nntui.app.widgets.step_text import CODE_INDENT, LessonMarkdown, StepText, code_blocks

SOURCE = """## A heading

1. first
2. second

Written out:

    w1*x1 + w2*x2 + b
      = 7

```python
total = w1 * x1 + w2 * x2 + b_is_a_long_name_here
```
"""


def lines_at(width: int, source: str = SOURCE) -> list[str]:
    console = Console(width=width, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(LessonMarkdown(source))
    return [line.rstrip() for line in capture.get().splitlines()]


def test_headings_are_on_the_left_and_numbered_items_read_as_in_the_source():
    lines = lines_at(40)
    assert lines[0] == "A heading"
    assert "1. first" in lines and "2. second" in lines


def test_a_code_block_is_indented_and_never_wrapped():
    lines = lines_at(30)
    code = [line for line in lines if "w1*x1" in line or "= 7" in line or "total" in line]
    assert code[0].startswith(" " * CODE_INDENT + "w1*x1")
    assert code[1].startswith(" " * CODE_INDENT + "  = 7")  # its own indentation is kept
    # Too wide for 30 columns: cut at the edge, not wrapped onto a second line.
    assert len(code) == 3 and len(code[2]) <= 30 and "b_is" not in "".join(lines)


def test_code_blocks_lists_what_the_learner_sees():
    assert code_blocks(SOURCE) == [
        "w1*x1 + w2*x2 + b\n  = 7",
        "total = w1 * x1 + w2 * x2 + b_is_a_long_name_here",
    ]


async def test_the_widget_shows_new_text_and_draws_headings_in_the_theme(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = app.screen.query_one(StepText)
        text.show("## Changed\n\nNew words.")
        await pilot.pause()
        assert text.source.startswith("## Changed")
        strip = text.render_line(0)
        heading = "".join(segment.text for segment in strip).strip()
        assert heading == "Changed"
        colours = {segment.style.color for segment in strip if segment.text.strip()}
        assert colours == {text.get_component_rich_style("step-text--h2").color}
