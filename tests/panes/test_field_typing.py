"""Number fields behave like a form's fields: focusing one selects its text, typing replaces it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nntui.app.panes import PANE_CLASSES, Pane
from nntui.app.widgets.number_field import NumberField, parse_number

from .conftest import SIZE, settle

#: What a learner types: numbers of every shape, and a little that is not a number.
TYPED = st.one_of(
    st.integers(-999, 999).map(str),
    st.floats(-1000, 1000, allow_nan=False).map(lambda v: f"{v:.3g}"),
    st.text(alphabet="0123456789.-e", min_size=1, max_size=6),
)


async def test_tab_to_b_and_type_20_gives_20(pane_app):
    app = pane_app("neuron")  # b starts at 4
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        b = app.screen.query_one("#b", NumberField)
        for _ in range(10):
            if app.focused is b.input:
                break
            await pilot.press("tab")
        assert app.focused is b.input and b.input.value == "4"
        await pilot.press("2", "0")
        await pilot.pause()
        assert b.input.value == "20" and b.value == 20.0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pane_type=st.sampled_from(list(PANE_CLASSES)), pick=st.integers(0, 20), typed=TYPED)
async def test_typing_into_a_focused_field_replaces_its_value(pane_app, pane_type, pick, typed):
    app = pane_app(pane_type)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fields = list(app.screen.query_one(Pane).query(NumberField))
        field = fields[pick % len(fields)]
        before = field.input.value
        field.input.focus()
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause()
        assert field.input.value == typed, f"{field.id}: {before!r} then {typed!r}"
        number = parse_number(typed)
        if number is not None:
            assert field.value == number
            # Up still nudges the value typed (the pane's own rules may refuse it, not the field)
            await pilot.press("up")
            await pilot.pause()
            assert field.value == round(number + field.step, 10)
