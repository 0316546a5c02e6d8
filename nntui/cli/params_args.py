"""Options shared by `nntui trace` and `nntui train`: where the nine parameters come from, the shift."""

from __future__ import annotations

from .common import CliError, float_list, seed_number


def add_param_arguments(parser, default_hint: str) -> None:
    """Add --weights, --biases and --seed to ``parser``."""
    group = parser.add_argument_group("starting parameters", default_hint)
    group.add_argument(
        "--weights",
        type=float_list(6, "weights"),
        metavar="W1,...,W6",
        help="the six weights w1..w6, separated by commas",
    )
    group.add_argument(
        "--biases",
        type=float_list(3, "biases"),
        metavar="B1,B2,B3",
        help="the three biases b1..b3, separated by commas",
    )
    group.add_argument(
        "--seed",
        type=seed_number,
        metavar="N",
        help="draw all nine parameters as standard normals from this seed (0 to 4294967295)",
    )


def add_shift_argument(parser) -> None:
    """Add --shift (what is subtracted from the weights and heights) to ``parser``."""
    parser.add_argument(
        "--shift",
        choices=("lesson", "mean"),
        default="lesson",
        help="subtract 135 lb / 66 in (lesson, the default) or the column means",
    )


def params_from_args(args, default: str):
    """The Params the options ask for; ``default`` is "ones" or "seed0" when none are given."""
    from nntui.core.network import Params

    explicit = args.weights is not None or args.biases is not None
    if explicit and args.seed is not None:
        raise CliError("give either --seed or --weights/--biases, not both")
    if args.seed is not None:
        return Params.random(args.seed), f"random, seed {args.seed}"
    if explicit:
        ones = Params.ones()
        weights = args.weights if args.weights is not None else [ones.w1] * 6
        biases = args.biases if args.biases is not None else [0.0] * 3
        return Params.from_weights_biases(weights, biases), "given"
    if default == "ones":
        return Params.ones(), "every weight 1, every bias 0"
    return Params.random(0), "random, seed 0"
