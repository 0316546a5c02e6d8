"""The pane types a lesson may show, their settings and their live values.

Pure Python (no Textual) so that `nntui lessons check` validates a folder without
loading the interface. The app maps each type name here to a widget class in
`nntui/app/panes/__init__.py`; a test checks that both lists name the same types.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from nntui.core.names import DERIVATIVE_NAMES, FORWARD_NAMES, GRADIENT_NAMES, LOCAL_NAMES
from nntui.numbers import format_number

__all__ = [
    "Setting",
    "Number",
    "Integer",
    "NumberList",
    "Choice",
    "Flag",
    "Terms",
    "PaneType",
    "PANE_TYPES",
    "SettingError",
    "parse_value",
    "validate_settings",
]


class SettingError(ValueError):
    """A setting value an author wrote that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Setting:
    """Base of every setting kind: a default and a one-line description for the guide."""

    default: Any
    help: str = ""

    def check(self, value: Any) -> Any:  # pragma: no cover - overridden
        """Return the value to use, or raise SettingError."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short description of the accepted values."""
        return "any value"


@dataclass(frozen=True)
class Number(Setting):
    """A finite real number, optionally bounded (``low`` and ``high`` inclusive unless open)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingError(f"expected a number, got {_show(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise SettingError(f"expected a finite number, got {value}")
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            word = "greater than" if self.low_open else "at least"
            raise SettingError(f"must be {word} {format_number(self.low, 6)}, got {format_number(value, 6)}")
        if self.high is not None and value > self.high:
            raise SettingError(
                f"must be at most {format_number(self.high, 6)}, got {format_number(value, 6)}"
            )
        return value

    def describe(self) -> str:
        parts = ["number"]
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {format_number(self.low, 6)}")
        if self.high is not None:
            parts.append(f"<= {format_number(self.high, 6)}")
        return " ".join(parts)


@dataclass(frozen=True)
class Integer(Setting):
    """A whole number between ``low`` and ``high`` inclusive."""

    low: int = 0
    high: int = 1_000_000

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingError(f"expected a whole number, got {_show(value)}")
        if isinstance(value, float) and math.isinf(value):
            raise SettingError(f"must be from {self.low} to {self.high}, got a number too large to use")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise SettingError(f"expected a whole number, got {format_number(value, 6)}")
        value = int(value)
        if not self.low <= value <= self.high:
            shown = str(value) if abs(value) < 10**20 else "a number too large to use"
            raise SettingError(f"must be from {self.low} to {self.high}, got {shown}")
        return value

    def describe(self) -> str:
        return f"whole number {self.low}..{self.high}"


@dataclass(frozen=True)
class NumberList(Setting):
    """Exactly ``length`` finite numbers, written ``[a, b, ...]``."""

    length: int = 2

    def check(self, value: Any) -> list[float]:
        if not isinstance(value, list):
            raise SettingError(f"expected a list of {self.length} numbers like [0, 1], got {_show(value)}")
        if len(value) != self.length:
            raise SettingError(f"expected {self.length} numbers, got {len(value)}")
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (int, float)) or not math.isfinite(item):
                raise SettingError(f"expected finite numbers in the list, got {_show(item)}")
            out.append(float(item))
        return out

    def describe(self) -> str:
        return f"list of {self.length} numbers"


@dataclass(frozen=True)
class Choice(Setting):
    """One word out of ``choices``."""

    choices: tuple[str, ...] = ()

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise SettingError(f"expected one of {'|'.join(self.choices)}, got {_show(value)}")
        return value

    def describe(self) -> str:
        return "|".join(self.choices)


@dataclass(frozen=True)
class Flag(Setting):
    """``true`` or ``false``."""

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise SettingError(f"expected true or false, got {_show(value)}")
        return value

    def describe(self) -> str:
        return "true|false"


@dataclass(frozen=True)
class Terms(Setting):
    """Some of a pane's own ``names``: ``focus=d_L_d_ypred`` or ``focus=d_L_d_ypred,d_L_d_w1``.

    The pane scrolls to and highlights them when the step opens.
    """

    names: tuple[str, ...] = ()

    def check(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            value = ",".join(value)  # already read: check it again
        if not isinstance(value, str):
            example = f"{self.names[0]} or {self.names[0]},{self.names[1]}"
            raise SettingError(f"expected names like {example}, got {_show(value)}")
        items = [item.strip() for item in value.split(",")]
        for item in items:
            if item not in self.names:
                raise SettingError(f"names no such term {item!r} ({self._suggest(item)})")
        return tuple(dict.fromkeys(items))  # each once, in the author's order

    def _suggest(self, item: str) -> str:
        close = difflib.get_close_matches(item, self.names, n=1)
        if close:
            return f"did you mean {close[0]!r}?"
        if len(self.names) <= 12:
            return "terms: " + ", ".join(self.names)
        return "see the pane's terms in lessons/README.md"

    def describe(self) -> str:
        return "names of its terms, separated by commas"


@dataclass(frozen=True)
class PaneType:
    """One kind of pane: its settings and the names of the live values a checkpoint can ask about."""

    name: str
    summary: str
    settings: dict[str, Setting]
    live_values: tuple[str, ...]
    #: Further live value names, as a regular expression (e.g. ``error_<name>``).
    live_value_pattern: str | None = None
    live_values_help: str = field(default="")

    def defaults(self) -> dict[str, Any]:
        """Every setting at its default value (a setting whose default is None is left out)."""
        return {
            key: _copy(setting.default)
            for key, setting in self.settings.items()
            if setting.default is not None
        }

    def has_live_value(self, name: str) -> bool:
        """Whether a checkpoint may ask for ``name``."""
        if name in self.live_values:
            return True
        return bool(self.live_value_pattern and re.fullmatch(self.live_value_pattern, name))


_ACTIVATION = Choice("sigmoid", "activation function", choices=("sigmoid", "tanh", "relu"))
_SEED = Integer(0, "random seed", low=0, high=2**32 - 1)
_LR = Number(0.1, "learning rate", low=0.0, high=100.0, low_open=True)
_EPOCHS = Integer(1000, "training epochs", low=1, high=100_000)
_SHIFT = Choice(
    "lesson",
    "how the data is shifted: the lessons' constants, the mean, or not at all",
    choices=("lesson", "mean", "none"),
)
_PARAMS = ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3")
#: Every term of the ledger's trace, in its order (``nntui.core.trace``).
LEDGER_TERMS = FORWARD_NAMES + DERIVATIVE_NAMES + LOCAL_NAMES + GRADIENT_NAMES
#: What the network pane draws: inputs, neurons, their sums, weights (edges) and biases.
NETWORK_TERMS = ("x1", "x2", "h1", "h2", "o1", "sum_h1", "sum_h2", "sum_o1") + _PARAMS


def _focus(names: tuple[str, ...], what: str) -> Terms:
    # No default: a step without focus= has none, and the pane's settings do not mention it.
    return Terms(None, f"{what} to scroll to and highlight when the step opens", names=names)


#: Every pane type, in the order the guide lists them.
PANE_TYPES: dict[str, PaneType] = {
    pane.name: pane
    for pane in (
        PaneType(
            "neuron",
            "one neuron: two weights, a bias, two inputs, an activation",
            {
                "w": NumberList([0.0, 1.0], "the weights w1, w2", length=2),
                "b": Number(4.0, "the bias"),
                "x": NumberList([2.0, 3.0], "the inputs x1, x2", length=2),
                "activation": _ACTIVATION,
                "focus": _focus(("weighted_sum", "total", "output"), "the stages"),
            },
            ("weighted_sum", "total", "output"),
        ),
        PaneType(
            "network",
            "2 inputs, a hidden layer of 2 neurons (h1, h2), one output neuron (o1)",
            {
                "weights": NumberList([0.0, 1.0, 0.0, 1.0, 0.0, 1.0], "w1..w6", length=6),
                "biases": NumberList([0.0, 0.0, 0.0], "b1..b3", length=3),
                "x": NumberList([2.0, 3.0], "the inputs x1, x2", length=2),
                "focus": _focus(NETWORK_TERMS, "the nodes (x1, h1, o1, sum_h1, ...) and edges (w1, b1, ...)"),
            },
            ("sum_h1", "h1", "sum_h2", "h2", "sum_o1", "output"),
        ),
        PaneType(
            "loss",
            "mean squared error of a predictor over the four people",
            {
                "predictor": Choice(
                    "zeros", "what predicts", choices=("zeros", "ones", "network", "trained")
                ),
                "shift": _SHIFT,
                "seed": _SEED,
            },
            ("mse",),
            live_value_pattern=r"error_[a-z]+",
            live_values_help="mse, error_<name> (error_alice, ...)",
        ),
        PaneType(
            "ledger",
            "the chain rule for one person, term by term",
            {
                "person": Choice("alice", "whose example", choices=("alice", "bob", "charlie", "diana")),
                "preset": Choice("ones", "starting parameters", choices=("ones", "seed", "trained")),
                "seed": _SEED,
                "lr": _LR,
                "focus": _focus(LEDGER_TERMS, "the terms (d_L_d_ypred, d_L_d_w1, ...)"),
                "collapse": Flag(
                    False, "show only the focused terms and the terms their formulas use (a shows all)"
                ),
            },
            (),
            live_value_pattern=r"[A-Za-z_][A-Za-z0-9_]*",
            live_values_help="every trace term name (d_L_d_w1, h1, ...)",
        ),
        PaneType(
            "training",
            "train the network and watch the loss fall",
            {
                "lr": _LR,
                "epochs": _EPOCHS,
                "seed": _SEED,
                "shift": _SHIFT,
                "focus": _focus(("final_loss", "emily", "frank"), "what the run gave"),
            },
            ("final_loss", "emily", "frank"),
        ),
        PaneType(
            "predict",
            "ask the trained network about a new person",
            {
                "units": Choice("metric", "units of weight and height", choices=("metric", "imperial")),
                "weight": Number(60.0, "weight (kg or lb)", low=0.0, high=1000.0, low_open=True),
                "height": Number(165.0, "height (cm or in)", low=0.0, high=1000.0, low_open=True),
                "seed": _SEED,
            },
            ("probability",),
        ),
        PaneType(
            "descent",
            "the loss as one parameter moves, and one gradient step",
            {
                "param": Choice("w1", "which parameter", choices=_PARAMS),
                "preset": Choice("seed", "starting parameters", choices=("ones", "seed")),
                "seed": _SEED,
                "lr": _LR,
                "focus": _focus(("param_value", "loss", "slope", "next"), "the lines under the plot"),
            },
            ("param_value", "loss", "slope"),
        ),
        PaneType(
            "matrix",
            "the same network written with matrices, learning XOR",
            {
                "hidden": Integer(4, "hidden neurons", low=1, high=64),
                "iterations": Integer(1500, "training iterations", low=1, high=100_000),
                "lr": Number(1.0, "learning rate", low=0.0, high=100.0, low_open=True),
                "seed": Integer(1, "random seed", low=0, high=2**32 - 1),
                "activation": _ACTIVATION,
            },
            ("final_loss", "pred_0", "pred_1", "pred_2", "pred_3"),
        ),
        PaneType(
            "activations",
            "train once per activation function and compare",
            {"lr": _LR, "epochs": _EPOCHS, "seed": _SEED},
            ("final_loss_sigmoid", "final_loss_tanh", "final_loss_relu"),
        ),
        PaneType(
            "regression",
            "least squares: a line through rent against floor area, by formula and by walking",
            {
                "lr": _LR,
                "walked": Integer(0, "steps the walk has taken when the step opens", low=0, high=1000),
            },
            ("slope", "intercept", "sse", "walk_slope", "walk_intercept", "walk_sse"),
        ),
    )
}


_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
#: Names separated by commas (``focus=d_L_d_ypred,d_L_d_w1``), kept as one string.
_WORDS_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(,[A-Za-z_][A-Za-z0-9_.-]*)+")


def parse_value(text: str) -> Any:
    """Read one setting value: a number, ``[numbers]``, ``true``/``false``, a bare word or words
    separated by commas (one string)."""
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER_RE.fullmatch(text):
        number = float(text)
        # A whole number stays exact, unless it is beyond any float (400 nines): then it
        # stays inf, which every setting refuses in one line.
        return int(text) if re.fullmatch(r"[+-]?\d+", text) and math.isfinite(number) else number
    if text.startswith("["):
        if not text.endswith("]"):
            raise SettingError(f"a list must end with ']': {text!r}")
        inner = text[1:-1].strip()
        items = [item.strip() for item in inner.split(",")] if inner else []
        values = []
        for item in items:
            if not _NUMBER_RE.fullmatch(item):
                raise SettingError(f"{item!r} in {text!r} is not a number")
            values.append(float(item))
        return values
    if _WORD_RE.fullmatch(text) or _WORDS_RE.fullmatch(text):
        return text
    raise SettingError(f"cannot read the value {text!r} (write a number, [numbers], true/false or a word)")


def validate_settings(pane_type: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Check ``raw`` settings of a pane; return them with defaults filled in, and the problems."""
    spec = PANE_TYPES[pane_type]
    settings = spec.defaults()
    problems = []
    for key, value in raw.items():
        setting = spec.settings.get(key)
        if setting is None:
            known = ", ".join(spec.settings) or "none"
            problems.append(f"pane {pane_type}: unknown setting {key!r} (known: {known})")
            continue
        try:
            settings[key] = setting.check(value)
        except SettingError as error:
            # "focus= names no such term 'x'" reads as the setting it is about
            joiner = "=" if isinstance(setting, Terms) else ":"
            problems.append(f"pane {pane_type}: {key}{joiner} {error}")
    return settings, problems


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(format_number(v, 6) if isinstance(v, float) else str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value, 6)
    return repr(value) if isinstance(value, str) else str(value)
