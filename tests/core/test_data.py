"""The four people, the shifts, and unit conversion."""

import numpy as np
import pytest

from nntui.core.data import (
    EMILY,
    FRANK,
    TRAINING_PEOPLE,
    cm_to_inches,
    dataset,
    get_person,
    inches_to_cm,
    kg_to_lb,
    lb_to_kg,
    mean_shift,
)


def test_lesson_shift_gives_the_tables_numbers():
    X, y = dataset("lesson")
    assert X.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]
    assert y.tolist() == [1, 0, 0, 1]
    assert [p.name for p in TRAINING_PEOPLE] == ["Alice", "Bob", "Charlie", "Diana"]


def test_newcomers_shift_like_the_lessons():
    X, _ = dataset("lesson", people=(EMILY, FRANK))
    assert X.tolist() == [[-7, -3], [20, 2]]


def test_mean_shift_centres_every_column():
    shift = mean_shift()
    assert (shift.weight, shift.height) == (141.25, 66.75)
    X, _ = dataset("mean")
    assert np.allclose(X.mean(axis=0), 0.0)


def test_metric_conversion_round_trips():
    assert kg_to_lb(0.45359237) == pytest.approx(1.0)
    assert cm_to_inches(2.54) == pytest.approx(1.0)
    assert lb_to_kg(kg_to_lb(63.5)) == pytest.approx(63.5)
    assert inches_to_cm(cm_to_inches(170)) == pytest.approx(170)


def test_people_are_found_by_any_case_and_strangers_are_named():
    assert get_person("ALICE").label == 1
    assert get_person(" frank ").sex == "M"
    with pytest.raises(ValueError, match="unknown person 'zoe'"):
        get_person("zoe")
