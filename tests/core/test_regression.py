"""Least squares for a line: the formula, the walk, and where the walk converges or diverges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nntui.core.regression import (
    FLOOR_AREA,
    RENT,
    Line,
    LineDescent,
    descend,
    least_squares,
    residuals,
    stability_bound,
    sum_of_squares,
)


def test_the_closed_form_equals_numpys_polyfit():
    fit = least_squares(FLOOR_AREA, RENT)
    slope, intercept = np.polyfit(FLOOR_AREA, RENT, 1)
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    assert fit.intercept == pytest.approx(intercept, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_the_closed_form_equals_polyfit_on_random_data(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=20) * 10, rng.normal(size=20) * 100
    fit = least_squares(x, y)
    assert np.allclose([fit.slope, fit.intercept], np.polyfit(x, y, 1))


def test_no_other_line_has_a_smaller_sum_of_squares():
    fit = least_squares(FLOOR_AREA, RENT)
    best = sum_of_squares(fit, FLOOR_AREA, RENT)
    for ds, dc in ((0.01, 0), (-0.01, 0), (0, 1), (0, -1), (0.1, -5)):
        assert sum_of_squares(Line(fit.slope + ds, fit.intercept + dc), FLOOR_AREA, RENT) > best


def test_residuals_are_vertical_misses_and_sum_to_zero_for_the_fit():
    fit = least_squares(FLOOR_AREA, RENT)
    r = residuals(fit, FLOOR_AREA, RENT)
    assert np.allclose(r, RENT - (fit.slope * FLOOR_AREA + fit.intercept))
    assert abs(r.sum()) < 1e-9
    assert sum_of_squares(fit, FLOOR_AREA, RENT) == pytest.approx(np.sum(r**2))


def test_the_bound_is_1_for_normalised_inputs_whatever_the_data():
    assert stability_bound(FLOOR_AREA) == pytest.approx(1.0)
    assert stability_bound(np.array([1.0, 2.0, 10.0, 11.0])) == pytest.approx(1.0)


@pytest.mark.parametrize("rate", [0.05, 0.1, 0.5, 0.9, 0.99])
def test_a_rate_below_the_bound_converges_to_the_formulas_line(rate):
    fit = least_squares(FLOOR_AREA, RENT)
    end = descend(FLOOR_AREA, RENT, rate, 3000)[-1]
    assert not end.diverged
    assert end.line.slope == pytest.approx(fit.slope, rel=1e-6)
    assert end.line.intercept == pytest.approx(fit.intercept, rel=1e-6)


@pytest.mark.parametrize("rate", [1.01, 1.1, 2, 100])
def test_a_rate_above_the_bound_diverges(rate):
    walk = descend(FLOOR_AREA, RENT, rate, 5000)
    sse = [p.sum_of_squares for p in walk if not p.diverged]
    assert sse[-1] > 1e6 * sse[1] and np.all(np.diff(sse[1:]) > 0)
    if rate >= 1.1:
        assert walk[-1].diverged and len(walk) < 5001  # it overflows in the end, and stops there


def test_rates_with_the_same_size_of_1_minus_2_rate_give_the_same_sums_of_squares():
    # lesson 7: 0.1 and 0.9 give identical rows, because |1 - 2 * rate| is 0.8 for both
    slow = [p.sum_of_squares for p in descend(FLOOR_AREA, RENT, 0.1, 20)]
    fast = [p.sum_of_squares for p in descend(FLOOR_AREA, RENT, 0.9, 20)]
    assert np.allclose(slow, fast, rtol=1e-9)
    at_one = [p.sum_of_squares for p in descend(FLOOR_AREA, RENT, 1.0, 6)]
    assert np.allclose(at_one[1:], at_one[1])  # neither falls nor grows


def test_the_walk_matches_lesson_7s_code():
    x = (FLOOR_AREA - FLOOR_AREA.mean()) / FLOOR_AREA.std()
    a = b = 0.0
    for _ in range(7):
        err = a * x + b - RENT
        a, b = a - 0.3 * 2 * np.mean(err * x), b - 0.3 * 2 * np.mean(err)
    walk = LineDescent(FLOOR_AREA, RENT, 0.3)
    for _ in range(7):
        walk.step()
    assert walk.a == pytest.approx(a) and walk.b == pytest.approx(b)
    assert walk.line.slope == pytest.approx(a / FLOOR_AREA.std())


def test_a_diverged_walk_stays_put_and_bad_input_is_refused():
    walk = LineDescent(FLOOR_AREA, RENT, 100)
    while not walk.step().diverged:
        pass
    steps = walk.steps
    assert walk.step().step == steps
    for rate in (0, -1, math.inf, math.nan):
        with pytest.raises(ValueError, match="learning rate"):
            LineDescent(FLOOR_AREA, RENT, rate)
    with pytest.raises(ValueError, match="same"):
        least_squares([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="same length"):
        least_squares([1, 2], [1, 2, 3])
