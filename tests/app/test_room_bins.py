"""The poll histogram's bins (nntui.room.bins): what both the attendee's and instructor's views draw."""

from __future__ import annotations

import math

from nntui.room.bins import bin_answers, bin_label, rate_table


def test_every_answer_is_counted_once_and_the_right_bin_is_marked():
    numbers = [0.1, 0.2, 0.3, 0.3, 0.31, 0.9, 1.0]
    bins = bin_answers(numbers, expected=0.3, bins=5)
    assert len(bins) == 5
    assert sum(b["count"] for b in bins) == len(numbers)
    assert [b["right"] for b in bins].count(True) == 1
    right = next(b for b in bins if b["right"])
    assert right["lo"] <= 0.3 < right["hi"]
    assert right["count"] == 3  # 0.3, 0.3, 0.31
    # Contiguous from the smallest answer to the largest, the largest inside the last bin.
    assert bins[0]["lo"] == 0.1 and bins[-1]["hi"] == 1.0 and bins[-1]["count"] == 2  # 0.9, 1.0
    assert all(a["hi"] == b["lo"] for a, b in zip(bins, bins[1:], strict=False))


def test_the_right_answer_has_a_bin_even_when_nobody_gave_it():
    bins = bin_answers([1.0, 1.5, 2.0], expected=5.0, bins=4)
    assert bins[-1]["right"] and bins[-1]["count"] == 0 and bins[-1]["hi"] == 5.0
    assert sum(b["count"] for b in bins) == 3


def test_no_expected_value_marks_no_bin():
    bins = bin_answers([1, 2, 3], expected=None, bins=3)
    assert [b["count"] for b in bins] == [1, 1, 1]
    assert not any(b["right"] for b in bins)


def test_no_answers_no_bins_and_junk_is_skipped():
    assert bin_answers([], expected=1.0) == []
    assert bin_answers([math.nan, math.inf, True, "3"], expected=1.0) == []
    bins = bin_answers([1.0, math.nan, 2.0], expected=None, bins=2)
    assert sum(b["count"] for b in bins) == 2


def test_all_answers_equal_is_one_bin():
    assert bin_answers([0.5, 0.5], expected=0.5) == [{"lo": 0.5, "hi": 0.5, "count": 2, "right": True}]


def test_labels_are_short():
    assert bin_label(0.25, 0.3) == "0.25-0.3"
    assert bin_label(0.3, 0.3000001) == "0.3"


def test_rates_are_ranked_by_median_loss_and_all_diverged_last():
    runs = [
        {"rate": 0.1, "final_loss": 0.2, "outcome": "falls"},
        {"rate": 0.1, "final_loss": 0.3, "outcome": "falls"},
        {"rate": 1, "final_loss": 0.01, "outcome": "falls"},
        {"rate": 50, "final_loss": None, "outcome": "diverged"},
        {"rate": 0.001, "final_loss": 0.4, "outcome": "stuck"},
        {"rate": "junk", "outcome": "falls"},
    ]
    rows = rate_table(runs)
    assert [row["rate"] for row in rows] == [1.0, 0.1, 0.001, 50.0]
    assert rows[1]["runs"] == 2 and rows[1]["median_loss"] == 0.25
    assert rows[2]["stuck"] == 1 and rows[-1]["diverged"] == 1 and rows[-1]["median_loss"] is None


def test_with_the_tolerance_every_right_answer_is_in_the_right_bin():
    expected, tolerance = 0.99909, 0.001
    numbers = [0.9991, 0.99809, 1.00009, 0.5, 0.2, 0.9]
    bins = bin_answers(numbers, expected, bins=10, tolerance=tolerance)
    right = next(b for b in bins if b["right"])
    assert right["lo"] <= expected - tolerance and expected + tolerance <= right["hi"]
    assert abs((right["lo"] + right["hi"]) / 2 - expected) < 1e-12  # centred on the answer
    assert right["count"] == 3  # the three within the tolerance
    assert sum(b["count"] for b in bins) == len(numbers)
    assert bins[0]["lo"] <= 0.2 and bins[-1]["hi"] >= 1.00009
    assert 10 <= len(bins) <= 12 and all(a["hi"] == b["lo"] for a, b in zip(bins, bins[1:], strict=False))


def test_one_right_answer_alone_is_one_right_bin():
    bins = bin_answers([0.9991], 0.99909, tolerance=0.001)
    assert [(b["count"], b["right"]) for b in bins] == [(1, True)]


def test_a_far_off_answer_gets_a_bin_of_its_own_and_squeezes_nothing():
    expected, tolerance = 0.99909, 0.001
    numbers = [0.9991, 0.999, 0.5, 0.7, 0.99, 9990.0]
    bins = bin_answers(numbers, expected, bins=10, tolerance=tolerance)
    assert sum(b["count"] for b in bins) == len(numbers)
    last = bins[-1]
    assert (last["count"], last["hi"], last["right"]) == (1, 9990.0, False)
    right = next(b for b in bins if b["right"])
    assert right["count"] == 3 and right["hi"] - right["lo"] < 0.1  # 0.9991, 0.999, 0.99
    assert len(bins) <= 13
    assert all(a["hi"] == b["lo"] for a, b in zip(bins, bins[1:], strict=False))


def test_few_answers_far_apart_all_in_the_range_when_none_is_far_from_the_rest():
    bins = bin_answers([0.1, 0.5, 0.9], 0.5, bins=4, tolerance=0.01)
    assert bins[0]["lo"] <= 0.1 and bins[-1]["hi"] >= 0.9
    widths = {round(b["hi"] - b["lo"], 9) for b in bins}
    assert len(widths) == 1  # equal bins: nobody set apart
