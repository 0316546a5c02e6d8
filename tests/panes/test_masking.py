"""Masking: a live value a checkpoint asks for is shown as ``?`` everywhere its pane prints it.

Every pane type of the registry, every live value it reports: masked, none of the forms a
pane prints it in (3 to 10 significant digits, or Python's full ``repr``) is anywhere in the
pane's text (tables, labels, plot titles and axes, status lines, even scrolled out of view);
unmasked, it is there again; a new step keeps the pane but forgets the mask.
"""

from __future__ import annotations

import math
import re

import pytest
from textual.widgets import Input, Label, Static

from nntui.app import AppConfig, make_app
from nntui.app.panes import PANE_CLASSES, Pane
from nntui.app.panes.plots import CurvePlot

from .conftest import SIZE, settle
from .reconfigure import lesson_folder

#: Settings that make each pane's numbers distinct from one another (the defaults' round
#: numbers repeat: with w = [0, 1] and x = [2, 3] the weighted sum 3 is also the input x2).
DISTINCT_SETTINGS = {
    "neuron": "w=[0.37,-1.21] b=0.55 x=[1.3,2.7]",
    "network": "weights=[0.3,-0.7,0.45,0.9,-1.1,0.8] biases=[0.15,-0.25,0.35] x=[1.3,-0.6]",
    "loss": "predictor=network seed=3",
    "ledger": "person=bob preset=seed seed=5",
    "training": "epochs=300 seed=2",
    "predict": "weight=71 height=178 seed=1",
    "descent": "param=w2 preset=seed seed=4",
    "matrix": "iterations=300",
    "activations": "epochs=200",
    "regression": "lr=0.3 walked=3",
}

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def printed_forms(value: float) -> set[str]:
    """Every way a pane may print ``value``: 3 to 10 significant digits, or repr."""
    forms = {f"{value:.{digits}g}" for digits in range(3, 11)}
    return forms | {repr(float(value))}


def pane_text(pane: Pane) -> str:
    """All the text of ``pane`` as the learner can read it (scrolled or not): titles, every
    label, table and status line, the fields' contents and the plots as drawn."""
    parts = [str(pane.border_title or ""), str(pane.border_subtitle or "")]
    for widget in pane.walk_children(with_self=False):
        if isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, CurvePlot):
            parts.append(widget.plt.build() if widget.curves else "")
            parts.append(widget.title)
        elif isinstance(widget, (Static, Label)):
            parts.append(str(widget.render()))
    return "\n".join(parts)


def shows(text: str, value: float) -> bool:
    """Whether ``text`` prints ``value`` in any of its forms (as a whole number token)."""
    forms = printed_forms(value)
    return any(token in forms for token in _NUMBER.findall(text))


def _app(tmp_path, steps):
    lessons = lesson_folder(tmp_path / "lessons", steps)
    return make_app(AppConfig(lessons_dir=lessons, state_dir=tmp_path / "state"))


def test_every_pane_type_has_distinct_settings_here():
    assert set(DISTINCT_SETTINGS) == set(PANE_CLASSES)


@pytest.mark.parametrize("pane_type", list(PANE_CLASSES))
async def test_a_masked_live_value_is_printed_nowhere_and_comes_back(tmp_path, pane_type):
    app = _app(tmp_path, [(pane_type, DISTINCT_SETTINGS[pane_type])])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        values = pane.live_values()
        assert values, f"the {pane_type} pane reports no live values"
        for name, value in values.items():
            assert math.isfinite(value)
            assert shows(pane_text(pane), value), f"{pane_type}: {name} = {value} is not shown"
            pane.mask({name})
            await pilot.pause()
            text = pane_text(pane)
            assert not shows(text, value), f"{pane_type}: masked {name} = {value} still shown"
            assert "?" in text
            pane.mask()
            await pilot.pause()
            assert shows(pane_text(pane), value), f"{pane_type}: {name} not shown again after unmasking"


@pytest.mark.parametrize("pane_type", list(PANE_CLASSES))
async def test_a_new_step_keeping_the_pane_forgets_the_mask(tmp_path, pane_type):
    settings = DISTINCT_SETTINGS[pane_type]
    app = _app(tmp_path, [(pane_type, settings), (pane_type, settings)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        names = frozenset(pane.live_values())
        pane.mask(names)
        await pilot.press("right")
        await settle(pilot)
        kept = app.screen.query_one(Pane)
        assert kept is pane and kept.masked == frozenset()
        for name, value in kept.live_values().items():
            assert shows(pane_text(kept), value), f"{pane_type}: {name} still hidden on the new step"


@pytest.mark.parametrize(
    ("pane_type", "settings", "name"),
    [
        ("network", "weights=[0,1,0,1,0,1] biases=[0,0,0] x=[2,3]", "h1"),  # h2 = h1 (lesson 2)
        ("ledger", "preset=ones", "h1"),  # h2 = h1, and h1 is written into f'(sum_h1)
        ("ledger", "preset=ones", "f_prime_sum_o1"),  # d_ypred_d_b3 is the same number
        ("matrix", "activation=relu", "pred_1"),  # a dead network says 0.5 four times (lesson 9)
    ],
)
async def test_a_masked_number_is_hidden_under_every_name_that_shows_it(tmp_path, pane_type, settings, name):
    app = _app(tmp_path, [(pane_type, settings)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        value = pane.live_values()[name]
        pane.mask({name})
        await pilot.pause()
        assert not shows(pane_text(pane), value)
