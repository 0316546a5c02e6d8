"""Checking ``Pane.reconfigure``: a pane kept from the previous step must be indistinguishable
from a pane built new for the step.

``check_reconfigured`` builds two apps at 80x24:

- one on a lesson whose step 1 shows ``pane first`` and step 2 ``pane second``: the learner
  presses ``learner_keys`` on step 1 (changing numbers, modes, plots), then Right;
- one on a lesson whose only step shows ``pane second``, untouched.

It asserts that step 2 kept the very same pane widget, and that everything the learner can see
or ask of it matches the new pane: every widget's text, field values, classes, plots (curves,
titles, scales), the border title, the footer's keys and the live values checkpoints read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from textual.widget import Widget
from textual.widgets import Input, Select, Static
from textual.widgets._footer import FooterKey

from nntui.app import AppConfig, make_app
from nntui.app.panes import Pane
from nntui.app.panes.plots import CurvePlot

from .conftest import SIZE, settle

__all__ = ["check_reconfigured", "describe", "lesson_folder"]


def lesson_folder(folder: Path, steps: Sequence[tuple[str, str]]) -> Path:
    """A lessons folder with one lesson whose steps show ``(pane type, settings)`` in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = ["---\ntitle: Reconfigure test\n---\n"]
    for number, (pane, settings) in enumerate(steps, start=1):
        parts.append(f"\n## Step {number}\n\nLook at the pane.\n\n```pane {pane} {settings}\n```\n")
    (folder / "01-reconfigure.md").write_text("".join(parts), encoding="utf-8")
    return folder


def _text(widget: Widget) -> str:
    try:
        return str(widget.render())
    except Exception as error:  # a widget that cannot render yet says so in the description
        return f"<{type(error).__name__}>"


def describe(pane: Pane) -> dict[str, Any]:
    """Everything about ``pane`` the learner can see or a checkpoint can read."""
    widgets = []
    for widget in pane.walk_children(with_self=True):
        entry: dict[str, Any] = {
            "type": type(widget).__name__,
            "id": widget.id,
            "classes": sorted(widget.classes),
            "display": widget.display,
        }
        if isinstance(widget, Input):
            entry["value"] = widget.value
        elif isinstance(widget, Select):
            entry["value"] = widget.value
        elif isinstance(widget, CurvePlot):
            entry["plot"] = (
                widget.title,
                widget.log_y,
                widget.x_limits,
                widget.y_limits,
                [(c.label, list(c.xs), list(c.ys), c.marker, c.points, c.color) for c in widget.curves],
            )
        elif isinstance(widget, Static):
            entry["text"] = _text(widget)
        widgets.append(entry)
    return {
        "border_title": pane.border_title,
        "border_subtitle": pane.border_subtitle,
        "can_focus": pane.can_focus,
        "build_error": pane.build_error,
        "live_values": pane.live_values(),
        "widgets": widgets,
    }


def _footer(app) -> list[tuple[str, str, bool]]:
    return [(key.key, key.description, key.disabled) for key in app.screen.query(FooterKey)]


async def check_reconfigured(
    tmp_path: Path,
    pane: str,
    first: str,
    second: str,
    learner_keys: Sequence[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Assert that ``pane second`` after ``pane first`` (and the learner's keys) is a reused pane
    identical to a new ``pane second``; returns both descriptions for further checks."""
    walked = make_app(
        AppConfig(
            lessons_dir=lesson_folder(tmp_path / "walked", [(pane, first), (pane, second)]),
            state_dir=tmp_path / "walked-state",
        )
    )
    async with walked.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = walked.screen.query_one(Pane)
        if learner_keys:
            await pilot.press(*learner_keys)
            await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert walked.sub_title == "step 2/2"
        after = walked.screen.query_one(Pane)
        assert after is before, f"the {pane} pane was built anew instead of reconfigured"
        assert walked.screen.focused is after
        seen = describe(after)
        seen_footer = _footer(walked)

    fresh = make_app(
        AppConfig(
            lessons_dir=lesson_folder(tmp_path / "fresh", [(pane, second)]),
            state_dir=tmp_path / "fresh-state",
        )
    )
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wanted = describe(fresh.screen.query_one(Pane))
        wanted_footer = _footer(fresh)

    for index, (got, want) in enumerate(zip(seen["widgets"], wanted["widgets"], strict=False)):
        assert got == want, f"widget {index} of the {pane} pane differs from a new pane's"
    assert seen == wanted
    assert seen_footer == wanted_footer
    return seen, wanted
