"""Whatever a learner types into any number field of a pane, the app runs on and the field stays finite."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nntui.app.panes import PANE_CLASSES
from nntui.app.panes.base import Pane
from nntui.app.widgets.number_field import NumberField

from .conftest import SIZE, settle, type_into

PANES = tuple(PANE_CLASSES)
#: Printable text plus the words people try: nan, inf, signs, exponents, empty.
TEXT = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
    st.sampled_from(["", "nan", "inf", "-inf", "1e999", "-0", "0", "-5", "1e-9", "3.5.1", "--1", "1e5"]),
    # Extreme but finite: products of these overflow unless the pane keeps numbers in range.
    st.sampled_from(["1e300", "-1e300", "1e-320", "1e308", "-1.7e308", "1e6", "-1000001"]),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pane_type=st.sampled_from(PANES), texts=st.lists(TEXT, min_size=1, max_size=3))
async def test_random_typing_never_breaks_a_pane(pane_app, pane_type, texts):
    app = pane_app(pane_type)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(Pane)
        fields = list(pane.query(NumberField))
        assert fields, pane_type
        for i, text in enumerate(texts):
            field = fields[i % len(fields)]
            await type_into(pilot, field, text)
            assert math.isfinite(field.value)
        pane.focus()  # leaving the field puts the value in force back
        await settle(pilot)
        assert app.is_running
        for field in fields:
            assert math.isfinite(field.value)
        values = pane.live_values()
        assert all(isinstance(v, float) for v in values.values())
        assert all(math.isfinite(v) for v in values.values()), values
