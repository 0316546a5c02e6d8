"""The descent and loss panes, kept from one step to the next, look exactly like new ones
(see ``reconfigure.py``): whatever the learner stepped, cycled, chose or typed on the step before."""

from __future__ import annotations

import pytest

from nntui.core.data import dataset, shift_for
from nntui.core.train import train

from . import reconfigure
from .conftest import SIZE, settle
from .reconfigure import check_reconfigured

# Focus starts on the pane; Tab walks its controls in order: for descent the parameter and
# start selects, then the lr and seed fields; for loss the predictor select, the seed field,
# then the shift select. Escape goes back to the pane, whose keys then work again.


def _typed(tabs: int, text: str) -> tuple[str, ...]:
    """Tab ``tabs`` times to a field, replace its text with ``text``, and go back to the pane."""
    return ("tab",) * tabs + ("home", "shift+end", "backspace", *text, "escape")


DESCENT_LR = 3
DESCENT_SEED = 4
#: Open the descent pane's start select and pick the other preset.
DESCENT_OTHER_PRESET = ("tab", "tab", "enter", "down", "enter", "escape")
LOSS_SEED = 2


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # steps taken (the count, the last step's message), another parameter, a typed lr
        (
            "param=w3 preset=ones lr=0.5",
            "param=w3 preset=ones lr=0.5",
            ("s", "s", "c", "s") + _typed(DESCENT_LR, "2"),
        ),
        ("", "param=b3 preset=ones lr=2 seed=7", ("s", "c", "c")),
        ("param=w2 preset=ones lr=0.3 seed=5", "", ("c", "s", "r", "s")),
        # another start and seed: the parameters come from the new step's preset and seed
        (
            "preset=seed seed=3",
            "preset=seed seed=3",
            DESCENT_OTHER_PRESET + _typed(DESCENT_SEED, "11") + ("s",),
        ),
        # a refused learning rate leaves its message on the status line
        ("lr=0.5", "lr=0.5", ("s",) + _typed(DESCENT_LR, "-1")),
    ],
    ids=["same-settings-after-changes", "new-settings", "to-defaults", "other-start-and-seed", "refused-lr"],
)
async def test_the_descent_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "descent", first, second, keys)


@pytest.mark.parametrize(
    "first, second, keys",
    [
        # another predictor, two shifts on, a typed seed
        ("predictor=network seed=3", "predictor=network seed=3", ("c", "s", "s") + _typed(LOSS_SEED, "8")),
        ("", "predictor=ones shift=mean seed=9", ("c", "c")),
        # the trained predictor with no trained network says so on the status line
        ("predictor=trained shift=none", "", ("s",)),
        ("", "predictor=trained shift=mean", ("c", "c", "c")),
        # a refused seed leaves its message on the status line
        ("predictor=network", "predictor=network", _typed(LOSS_SEED, "-1")),
    ],
    ids=["same-settings-after-changes", "new-settings", "to-defaults", "to-trained", "refused-seed"],
)
async def test_the_loss_pane_is_reconfigured(tmp_path, first, second, keys):
    await check_reconfigured(tmp_path, "loss", first, second, keys)


async def test_the_loss_pane_scores_the_trained_network_of_the_session(tmp_path, monkeypatch):
    # The learner trained a network with the mean shift earlier in the run: the next step
    # scores it (with its note about the shift) exactly as a new pane would.
    X, y = dataset(shift_for("mean"))
    params = train(X, y, learning_rate=0.1, epochs=200, seed=0).params
    make_app = reconfigure.make_app

    def make_trained_app(config):
        app = make_app(config)
        app.shared.trained_params, app.shared.trained_shift = params, shift_for("mean")
        return app

    monkeypatch.setattr(reconfigure, "make_app", make_trained_app)
    seen, _ = await check_reconfigured(tmp_path, "loss", "predictor=network", "predictor=trained", ("s", "c"))
    texts = " ".join(widget.get("text", "") for widget in seen["widgets"])
    assert "fed the mean shift" in texts


@pytest.mark.parametrize(
    "pane_type, select_id, chosen, attribute",
    [("descent", "descent-param", "w2", "_param"), ("loss", "loss-predictor", "ones", "_predictor")],
)
async def test_a_choice_still_on_its_way_does_not_undo_the_new_step(
    pane_app, pane_type, select_id, chosen, attribute
):
    # The learner cycles a select and changes step before its Changed message reaches the pane:
    # once the messages land, the pane shows the new step's choice, not the late one.
    from textual.widgets import Select

    from nntui.app.panes import Pane

    app = pane_app(pane_type)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        wanted = pane.settings
        pane.query_one(f"#{select_id}", Select).value = chosen  # its Changed is only posted
        assert pane.reconfigure(dict(wanted))
        await settle(pilot)
        assert getattr(pane, attribute) == wanted[attribute.lstrip("_")]
        assert pane.query_one(f"#{select_id}", Select).value == wanted[attribute.lstrip("_")]
