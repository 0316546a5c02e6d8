"""The lessons' data: four people's weight and height, and how the numbers are shifted.

Weights are in pounds and heights in inches, as in the lessons. The label is 1 for
female and 0 for male: an arbitrary encoding, chosen so the network's output reads as
"probability of female".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "Person",
    "PEOPLE",
    "TRAINING_PEOPLE",
    "EMILY",
    "FRANK",
    "LESSON_SHIFT",
    "Shift",
    "get_person",
    "mean_shift",
    "shift_for",
    "dataset",
    "KG_PER_LB",
    "CM_PER_INCH",
    "kg_to_lb",
    "cm_to_inches",
    "lb_to_kg",
    "inches_to_cm",
]

KG_PER_LB = 0.45359237  # exact, by definition of the pound
CM_PER_INCH = 2.54  # exact, by definition of the inch


@dataclass(frozen=True)
class Person:
    """One row of the data set."""

    name: str
    weight_lb: float
    height_in: float
    label: int  # 1 = female, 0 = male

    @property
    def sex(self) -> str:
        """ "F" or "M"."""
        return "F" if self.label == 1 else "M"


@dataclass(frozen=True)
class Shift:
    """How much is subtracted from each raw column before it reaches the network."""

    weight: float
    height: float
    name: str

    def apply(self, weight_lb, height_in) -> np.ndarray:
        """Shift one (weight, height) pair or arrays of them; returns [..., 2]."""
        return np.stack(
            [
                np.asarray(weight_lb, dtype=float) - self.weight,
                np.asarray(height_in, dtype=float) - self.height,
            ],
            axis=-1,
        )


ALICE = Person("Alice", 133, 65, 1)
BOB = Person("Bob", 160, 72, 0)
CHARLIE = Person("Charlie", 152, 70, 0)
DIANA = Person("Diana", 120, 60, 1)
#: The four people the network is trained on, in training order.
TRAINING_PEOPLE: tuple[Person, ...] = (ALICE, BOB, CHARLIE, DIANA)
#: Two people the network never sees during training.
EMILY = Person("Emily", 128, 63, 1)
FRANK = Person("Frank", 155, 68, 0)
PEOPLE: tuple[Person, ...] = TRAINING_PEOPLE + (EMILY, FRANK)

#: The lessons' round-number shift: 135 lb and 66 in.
LESSON_SHIFT = Shift(135.0, 66.0, "lesson")


def get_person(name: str) -> Person:
    """Find a person by name, ignoring case."""
    for person in PEOPLE:
        if person.name.lower() == name.strip().lower():
            return person
    known = ", ".join(p.name.lower() for p in PEOPLE)
    raise ValueError(f"unknown person {name!r} (choose one of {known})")


def mean_shift(people=TRAINING_PEOPLE) -> Shift:
    """Shift by each column's mean over ``people``: the usual choice, centring the data on 0."""
    weights = np.array([p.weight_lb for p in people], dtype=float)
    heights = np.array([p.height_in for p in people], dtype=float)
    return Shift(float(weights.mean()), float(heights.mean()), "mean")


ShiftName = Literal["lesson", "mean", "none"]


def shift_for(name: ShiftName) -> Shift:
    """The shift called ``name``: "lesson" (135/66), "mean", or "none"."""
    if name == "lesson":
        return LESSON_SHIFT
    if name == "mean":
        return mean_shift()
    if name == "none":
        return Shift(0.0, 0.0, "none")
    raise ValueError(f"unknown shift {name!r} (choose lesson, mean or none)")


def dataset(shift: Shift | ShiftName = LESSON_SHIFT, people=TRAINING_PEOPLE) -> tuple[np.ndarray, np.ndarray]:
    """The inputs X (n x 2, shifted) and labels y (n) for ``people``."""
    if isinstance(shift, str):
        shift = shift_for(shift)
    X = shift.apply([p.weight_lb for p in people], [p.height_in for p in people])
    y = np.array([p.label for p in people], dtype=float)
    return X, y


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds."""
    return kg / KG_PER_LB


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms."""
    return lb * KG_PER_LB


def cm_to_inches(cm: float) -> float:
    """Centimetres to inches."""
    return cm / CM_PER_INCH


def inches_to_cm(inches: float) -> float:
    """Inches to centimetres."""
    return inches * CM_PER_INCH
