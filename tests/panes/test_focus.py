"""A step directs the pane's attention: ``focus=`` terms are on screen at 80x24, highlighted.

Built from the schema: every pane type with a ``focus`` setting, every term it accepts, and
every step of the course that sets one.
"""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.text import Text

from nntui.app import AppConfig, make_app
from nntui.app.panes import Pane
from nntui.app.panes.ledger import LedgerPane
from nntui.course import default_lessons_dir
from nntui.course.panes import PANE_TYPES, Terms, parse_value, validate_settings
from nntui.course.parse import load_course, parse_lesson_text

from .conftest import SIZE, settle
from .reconfigure import check_reconfigured, lesson_folder

#: What a focused term of each pane highlights, where the line does not carry the term's name.
SHOWN_AS = {
    ("neuron", "weighted_sum"): "weighted sum",
    ("neuron", "total"): "plus bias",
    ("neuron", "output"): "sigmoid(",
    ("training", "final_loss"): "loss",
    ("training", "emily"): "Emily",
    ("training", "frank"): "Frank",
    ("descent", "param_value"): "w1 =",
    ("descent", "loss"): "loss",
    ("descent", "slope"): "slope",
    ("descent", "next"): "next",
}
FOCUSABLE = {
    name: spec.settings["focus"].names for name, spec in PANE_TYPES.items() if "focus" in spec.settings
}


def highlighted_on_screen(app, pane: Pane) -> list[str]:
    """The reverse-video runs of text inside ``pane``'s part of the screen, as the learner sees it."""
    region = pane.region
    runs = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if not region.y <= y < region.bottom:
            continue
        x, run = 0, ""
        for segment in strip:
            inside = region.x <= x < region.right
            if inside and segment.style is not None and segment.style.reverse and segment.text.strip():
                run += segment.text
            elif run:
                runs.append(run)
                run = ""
            x += segment.cell_length
        if run:
            runs.append(run)
    return runs


def test_the_panes_that_take_focus():
    assert set(FOCUSABLE) == {"neuron", "network", "ledger", "training", "descent"}


@pytest.mark.parametrize("pane_type", sorted(FOCUSABLE))
async def test_every_focus_term_is_on_screen_and_highlighted_at_80x24(tmp_path, pane_type):
    extra = "epochs=200" if pane_type == "training" else ""
    terms = FOCUSABLE[pane_type]
    steps = [(pane_type, f"{extra} focus={term}") for term in terms]
    app = make_app(
        AppConfig(lessons_dir=lesson_folder(tmp_path / "lessons", steps), state_dir=tmp_path / "s")
    )
    async with app.run_test(size=SIZE) as pilot:
        for index, term in enumerate(terms):
            if index:
                await pilot.press("right")
            await settle(pilot)
            pane = app.screen.query_one(Pane)
            runs = highlighted_on_screen(app, pane)
            wanted = SHOWN_AS.get((pane_type, term), term)
            assert any(wanted in run for run in runs), f"{pane_type} focus={term}: highlighted {runs}"
            if pane_type == "ledger":  # marked in words too, not only by colour
                assert any(f"▶ {term} =" in run for run in runs), runs


async def test_a_collapsed_ledger_lists_the_road_from_l_to_w1_only(pane_app):
    app = pane_app("ledger", "focus=d_L_d_w1 collapse=true")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        text = str(pane.query_one("#ledger-terms").render())
        shown = {name for name in pane.trace.terms if re.search(rf"^(▶ )?{name} =", text, re.M)}
        assert shown == {"d_L_d_ypred", "d_ypred_d_h1", "d_h1_d_w1", "d_L_d_w1"}
        assert "27 more terms not shown" in text
        await pilot.press("a")  # every term again
        await pilot.pause()
        text = str(pane.query_one("#ledger-terms").render())
        assert all(f"{name} =" in text for name in pane.trace.terms)
        assert any("▶ d_L_d_w1" in run for run in highlighted_on_screen(app, pane))


async def test_ledger_lines_never_break_inside_a_number_or_start_at_column_0(pane_app):
    app = pane_app("ledger", "focus=d_L_d_w1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        lines = str(pane.query_one("#ledger-terms").render()).splitlines()
        width = pane.query_one("#ledger-scroll").scrollable_content_region.width
        assert all(len(line) <= width for line in lines), width
        # every line of a term starts with its name, "▶", or is indented under it
        for line in lines:
            if line and not line.startswith(("──", "(")):
                first = line.split()[0]
                assert line.startswith((" ", "┃ ", "▶ ")) or first in pane.trace.terms, line
        # and every number of every line is whole: the text, unwrapped, holds each term's numbers
        joined = " ".join(" ".join(lines).split())
        for term in pane.trace:
            assert " ".join(term.substituted.split()) in joined, term.name


async def test_a_step_changing_focus_keeps_the_pane_as_a_new_one_would_be(tmp_path):
    await check_reconfigured(
        tmp_path, "ledger", "focus=d_L_d_ypred", "focus=d_L_d_w1 collapse=true", learner_keys=("u", "a")
    )


def test_an_unknown_focus_term_is_reported_with_its_line(tmp_path):
    text = "---\ntitle: T\n---\n\n## Step\n\nText.\n\n```pane ledger focus=d_L_d_w9\n```\n"
    _, problems = parse_lesson_text(text, tmp_path / "01-t.md")
    assert any(
        "focus= names no such term 'd_L_d_w9'" in problem.message and problem.line == 9
        for problem in problems
    ), problems


def test_focus_takes_several_terms_separated_by_commas():
    settings, problems = validate_settings("network", {"focus": parse_value("h1,w5")})
    assert not problems and settings["focus"] == ("h1", "w5")
    assert isinstance(PANE_TYPES["ledger"].settings["focus"], Terms)


def _course_focus_steps() -> list[tuple[str, int]]:
    course = load_course(default_lessons_dir())
    return [
        (lesson.slug, number)
        for lesson in course.lessons
        for number, step in enumerate(lesson.steps, start=1)
        if any(pane.settings.get("focus") for pane in step.panes)
    ]


def test_the_backpropagation_lessons_point_their_ledgers():
    slugs = {slug for slug, _ in _course_focus_steps()}
    assert any(slug.startswith("04-") for slug in slugs) and any(slug.startswith("05-") for slug in slugs)


@pytest.mark.parametrize(("slug", "number"), _course_focus_steps())
async def test_every_course_step_with_focus_shows_it_at_80x24(tmp_path, slug, number):
    app = make_app(AppConfig(start_lesson=slug, state_dir=tmp_path / "state"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(number - 1):
            await pilot.press("right")
            await settle(pilot)
        assert app.sub_title.startswith(f"step {number}/")
        for pane in app.screen.query(Pane):
            runs = highlighted_on_screen(app, pane)
            for term in pane.settings.get("focus", ())[:1]:  # the first is scrolled to
                wanted = SHOWN_AS.get((pane.PANE_TYPE, term), term)
                assert any(wanted in run for run in runs), f"{slug} step {number}: {term} not shown in {runs}"


async def test_ledger_lines_fit_beside_the_scrollbar_so_nothing_is_wrapped_again(tmp_path):
    """The table is wrapped to the width it is drawn in, scrollbar or not. Lesson 4: a short
    collapsed list (no scrollbar), then a longer one on the next step, where the scrollbar came
    after the wrapping and the widget wrapped again, starting "(-0.3587)" at column 0."""
    steps = [("ledger", "focus=y_pred collapse=true"), ("ledger", "preset=seed focus=d_L_d_w1 collapse=true")]
    app = make_app(
        AppConfig(lessons_dir=lesson_folder(tmp_path / "lessons", steps), state_dir=tmp_path / "s")
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        assert pane.query_one("#ledger-scroll").show_vertical_scrollbar
        terms = pane.query_one("#ledger-terms")
        plain = Text.from_markup(pane.shown_text.text).plain
        lines = [line for line in plain.splitlines() if "more terms not shown" not in line]  # prose
        too_wide = [line for line in lines if cell_len(line) > terms.content_region.width]
        assert not too_wide, (terms.content_region.width, too_wide)


async def test_an_update_keeps_the_focused_ledger_term_on_screen(pane_app):
    """Lesson 5 asks for Alice's loss after one update: after `u` its line is still in view."""
    app = pane_app("ledger", "focus=y_pred,loss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(LedgerPane)
        pane.focus()
        await pilot.press("u")
        await settle(pilot)
        runs = highlighted_on_screen(app, pane)
        assert any("▶ y_pred =" in run for run in runs), runs
