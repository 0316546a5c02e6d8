"""`nntui trace`: backpropagation for one person, every chain-rule term written out."""

from __future__ import annotations

import json
import sys

from .common import ArgumentParser
from .params_args import add_param_arguments, add_shift_argument, params_from_args

PEOPLE_CHOICES = ("alice", "bob", "charlie", "diana")


def register(subparsers) -> None:
    """Add the `trace` subcommand."""
    parser: ArgumentParser = subparsers.add_parser(
        "trace",
        help="print every chain-rule term of backpropagation for one person",
        description="Run the 2-2-1 network forward on one person and print every term of "
        "backpropagation: its formula, the formula with the numbers in, and its value.",
    )
    parser.add_argument(
        "--person",
        choices=PEOPLE_CHOICES,
        default="alice",
        type=str.lower,
        help="whose sample to trace (default: alice)",
    )
    add_shift_argument(parser)
    add_param_arguments(parser, "default: every weight 1 and every bias 0, as in the lesson")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)


def run(args) -> int:
    """Compute the trace and print it."""
    from nntui.core.data import get_person, shift_for
    from nntui.core.gradcheck import numerical_gradient
    from nntui.core.trace import backprop_trace

    params, origin = params_from_args(args, default="ones")
    person = get_person(args.person)
    shift = shift_for(args.shift)
    x = shift.apply(person.weight_lb, person.height_in)
    trace = backprop_trace(params, x, person.label, person=person.name)
    if args.json:
        data = trace.to_dict()
        data["shift"] = {"weight": shift.weight, "height": shift.height}
        data["numerical_gradient"] = numerical_gradient(params, x, person.label).as_dict()
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(render_trace(trace, origin, shift))
    return 0


_SECTIONS = (
    ("forward", "Forward pass"),
    ("derivative", "Slopes of the activations"),
    ("local", "Local derivatives"),
    ("gradient", "Gradients (the chain rule: multiply along the path)"),
)


def render_trace(trace, origin: str, shift) -> str:
    """The trace as plain text: one term per block, formula, numbers, value, warnings."""
    from nntui.numbers import format_number

    x1, x2 = trace.x
    lines = [
        f"Backpropagation for {trace.person}: x = ({format_number(x1)}, {format_number(x2)}) "
        f"after subtracting {format_number(shift.weight)} lb and {format_number(shift.height)} in, "
        f"y_true = {format_number(trace.y_true)}",
        "Parameters ("
        + origin
        + "): "
        + ", ".join(f"{k}={format_number(v)}" for k, v in trace.params.as_dict().items()),
    ]
    width = max(len(term.name) for term in trace)
    for kind, heading in _SECTIONS:
        lines += ["", heading, "-" * len(heading)]
        for term in trace.of_kind(kind):
            pad = " " * width
            lines.append(f"{term.name:<{width}} = {term.formula}")
            if term.substituted != term.formula:
                lines.append(f"{pad} = {term.substituted}")
            lines.append(f"{pad} = {term.value:.6g}")
            for flag in term.flags:
                lines.append(f"{pad}   note: {flag}")
    return "\n".join(lines)
