"""The chain-rule ledger as text: the core's trace, term by term, fitted to the pane's width.

Three lines a term (name = value, the formula, the formula with the numbers), grouped under
section titles. A step can point at some terms (``focus``): they are marked ``▶`` and shown in
reverse, and with ``collapse`` only they and the terms their formulas use are listed (the road
from L to them). Lines are wrapped here, at spaces only, continuing indented under their
start, so a number is never cut in two and no continuation starts at column 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from rich.markup import escape

from nntui.core.trace import Trace
from nntui.numbers import EXACT, format_number

from .marks import hide_numbers

__all__ = ["LedgerText", "render_trace", "masked_values", "road", "wrap_line"]

SECTIONS = {
    "forward": "Forward pass",
    "derivative": "Slopes of the activations",
    "local": "Local derivatives",
    "gradient": "Gradients (chain rule)   check = finite differences",
}
#: The markup tags the ledger writes (not part of what the line shows).
_TAG = re.compile(r"\[/?(?:b|reverse)?\]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def road(trace: Trace, focus: Iterable[str]) -> list[str]:
    """The focused terms and every term their formulas use, in the trace's order.

    For ``d_L_d_w1`` that is d_L_d_ypred, d_ypred_d_h1, d_h1_d_w1 and d_L_d_w1 itself: the
    road from the loss back to w1.
    """
    wanted = set(focus)
    for name in list(wanted):
        if name in trace.terms:
            wanted.update(used for used in _NAME.findall(trace[name].formula) if used in trace.terms)
    return [name for name in trace.terms if name in wanted]


def masked_values(trace: Trace, check: dict[str, float], masked: Iterable[str]) -> list[float]:
    """The numbers of the masked terms (and of their finite-difference checks) to hide."""
    values = []
    for name in masked:
        if name in trace.terms:
            values.append(trace.value(name))
            param = name.removeprefix("d_L_d_")
            if name != param and param in check:
                values.append(check[param])
    return values


def wrap_line(line: str, width: int | None, indent: int) -> list[str]:
    """``line`` (markup) in pieces of at most ``width`` cells, broken at spaces only; every
    piece after the first starts with ``indent`` spaces. A word longer than a line keeps a
    line of its own (the widget then cuts it, rather than this splitting a number)."""
    if not width or _cells(line) <= width:
        return [line]
    words = line.lstrip(" ").split(" ")
    pieces: list[str] = []
    current = line[: len(line) - len(line.lstrip(" "))] + words[0]
    for word in words[1:]:
        if not current.strip():  # a fresh continuation line: no space before its first word
            current += word
        elif _cells(current) + 1 + _cells(word) > width:
            pieces.append(current)
            current = " " * indent + word
        else:
            current += " " + word
    pieces.append(current)
    return pieces


def _cells(text: str) -> int:
    return len(_TAG.sub("", text))


@dataclass(frozen=True)
class LedgerText:
    """The ledger's lines (markup), where the first focused term starts (its section's title when
    it is the first there), how many terms are left out."""

    lines: list[str]
    first_focus: int | None = None
    hidden: int = 0

    @property
    def text(self) -> str:
        """The lines as one markup string."""
        return "\n".join(self.lines)


def render_trace(
    trace: Trace,
    check: dict[str, float],
    masked: Iterable[str] = (),
    *,
    focus: Sequence[str] = (),
    collapse: bool = False,
    width: int | None = None,
    head: Sequence[str] = (),
) -> LedgerText:
    """The trace as lines of at most ``width`` cells, ``head`` lines (an update) first.

    Gradients also show ``check``, the finite-difference estimate of the same number; warnings
    (saturated, exploding, dead) are written out under the term they concern. The terms named in
    ``masked`` show ``?`` for their value and check, and wherever their number appears (see
    ``marks.hide_numbers``); their formulas stay. Focused terms are marked; with ``collapse``
    only the road to them is listed (see :func:`road`).
    """
    masked = frozenset(masked)
    hide = masked_values(trace, check, masked)
    shown = set(road(trace, focus)) if collapse and focus else set(trace.terms)
    lines: list[str] = []
    first_focus = None

    def add(line: str, indent: int) -> None:
        lines.extend(wrap_line(hide_numbers(line, hide) if hide else line, width, indent))

    for line in head:
        add(line, 4)
    kind = None
    for term in trace:
        if term.name not in shown:
            continue
        # where a focused term's lines start: with its section's title if it comes first there
        starts = len(lines)
        if term.kind != kind:
            kind = term.kind
            if lines:
                lines.append("")
            starts = len(lines)
            add(f"[b]── {SECTIONS.get(kind, kind)} ──[/b]", 4)
        value = "?" if term.name in masked else format_number(term.value, EXACT)
        title = f"{term.name} = {value}"
        if term.kind == "gradient":
            estimate = check[term.name.removeprefix("d_L_d_")]
            # a no-break space: "check" stays with its number when the line wraps
            title += f"   check\u00a0{'?' if term.name in masked else format_number(estimate, EXACT)}"
        focused = term.name in focus
        if focused:
            first_focus = starts if first_focus is None else first_focus
            add(f"[reverse]▶ [b]{term.name}[/b]{title[len(term.name) :]}[/reverse]", 4)
        else:
            add(f"[b]{term.name}[/b]{title[len(term.name) :]}", 4)
        bar = "┃ " if focused else "  "
        add(f"{bar}{escape(term.formula)}", 6)
        add(f"{bar}= {escape(term.substituted)}", 6)
        for flag in term.flags:
            add(f"{bar}[b]! {escape(flag)}[/b]", 6)
    hidden = len(trace.terms) - len(shown)
    if hidden:
        lines.extend(["", f"({hidden} more terms not shown: a shows all)"])
    return LedgerText(lines, first_focus, hidden)
