"""`nntui train`: train the 2-2-1 network on the four people and report what it learned."""

from __future__ import annotations

import json
import math
import os
import sys

from .common import ArgumentParser, epoch_count, positive_float
from .params_args import add_param_arguments, add_shift_argument, params_from_args

#: Exit status when training blew up: the run finished, but its result is not usable.
EXIT_DIVERGED = 1


def register(subparsers) -> None:
    """Add the `train` subcommand."""
    parser: ArgumentParser = subparsers.add_parser(
        "train",
        help="train the network with stochastic gradient descent and plot the loss",
        description="Train the 2-2-1 network on Alice, Bob, Charlie and Diana, one sample at a "
        "time, and print the loss curve, the final parameters and predictions for Emily and Frank.",
    )
    parser.add_argument(
        "--lr",
        type=positive_float,
        default=0.1,
        metavar="RATE",
        help="learning rate, greater than 0 (default: 0.1)",
    )
    parser.add_argument(
        "--epochs",
        type=epoch_count,
        default=1000,
        metavar="N",
        help="passes over the data set (default: 1000)",
    )
    add_shift_argument(parser)
    parser.add_argument(
        "--activation",
        choices=("sigmoid", "tanh", "relu"),
        default="sigmoid",
        help="the hidden neurons' activation (default: sigmoid)",
    )
    add_param_arguments(parser, "default: random, seed 0")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON instead of text")
    output.add_argument(
        "--plain",
        action="store_true",
        help="print an epoch/loss table instead of the plot (for screen readers and files)",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    """Train, then print the curve (or table, or JSON) and the results."""
    from nntui.core.data import EMILY, FRANK, dataset, shift_for
    from nntui.core.network import predict
    from nntui.core.train import train

    params, origin = params_from_args(args, default="seed0")
    shift = shift_for(args.shift)
    X, y = dataset(shift)
    progress = _Progress(args.epochs) if sys.stderr.isatty() and not args.json else None
    result = train(
        X,
        y,
        args.lr,
        args.epochs,
        params=params,
        activation=args.activation,
        on_epoch=progress.update if progress else None,
    )
    if progress:
        progress.done()
    newcomers = (EMILY, FRANK)
    guesses = predict(
        result.params,
        shift.apply([p.weight_lb for p in newcomers], [p.height_in for p in newcomers]),
        args.activation,
    )

    if args.json:
        data = {
            "learning_rate": args.lr,
            "epochs": args.epochs,
            "epochs_run": len(result.losses),
            "activation": args.activation,
            "shift": {"weight": shift.weight, "height": shift.height},
            "initial_params": result.initial.as_dict(),
            "params": result.params.as_dict(),
            "losses": [float(v) for v in result.losses],
            "final_loss": result.final_loss,
            "diverged_at": result.diverged_at,
            "predictions": {p.name: float(g) for p, g in zip(newcomers, guesses, strict=True)},
        }
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        if args.plain:
            print("epoch  loss")
            for epoch, loss in enumerate(result.losses, start=1):
                print(f"{epoch:>5}  {loss:.6f}")
        else:
            print(plot_losses(result.losses, args.lr))
        print()
        print(f"Start: {origin}. Learning rate {args.lr:g}, {len(result.losses)} of {args.epochs} epochs.")
        print(f"Loss: {result.losses[0]:.6f} after epoch 1, {result.final_loss:.6f} at the end.")
        print("Parameters: " + ", ".join(f"{k}={v:.4f}" for k, v in result.params.as_dict().items()))
        for person, guess in zip(newcomers, guesses, strict=True):
            verdict = "female" if guess > 0.5 else "male"
            print(
                f"{person.name} ({person.weight_lb:g} lb, {person.height_in:g} in): "
                f"{guess:.3f}, predicted {verdict}"
            )
    if result.diverged_at is not None:
        sys.stderr.write(
            f"nntui: stuck from epoch {result.diverged_at}: with learning rate {args.lr:g} the steps were "
            "so large that every neuron got pinned at 0 or 1, where no gradient flows; try a smaller --lr\n"
        )
        return EXIT_DIVERGED
    return 0


def plot_losses(losses, learning_rate: float, size: tuple[int, int] | None = None) -> str:
    """The loss curve drawn with plotext, sized to the terminal, coloured only on a terminal.

    Its axes are the training pane's (``nntui.app.panes.axes``): whole epochs, round loss
    ticks, and a run that does not visibly move drawn as a level line and titled "stuck".
    """
    import plotext as plt

    from nntui.app.panes.axes import count_ticks, value_axis

    width, height = size or _plot_size()
    values = [float(v) for v in losses]
    axis = value_axis(values, most=max(2, min(5, height // 3)))
    if axis.flat and len(values) > 1:
        # its moves are far below one dot: drawn as they are, float noise would look like a step
        finite = [v for v in values if math.isfinite(v)]
        values = [sum(finite) / len(finite)] * len(values)
    plt.clear_figure()
    plt.plot(list(range(1, len(values) + 1)), values, marker="braille")
    title = f"Loss (MSE) per epoch, learning rate {learning_rate:g}"
    plt.title(f"{title}: stuck" if axis.flat and len(values) > 1 else title)
    plt.xlabel("epoch")
    if axis.limits is not None:
        plt.ylim(*axis.limits)
    if axis.ticks:
        plt.yticks(axis.ticks, axis.labels)
    epochs = count_ticks(len(values))
    plt.xticks(epochs, [str(epoch) for epoch in epochs])
    plt.plotsize(width, height)
    drawing = plt.build()
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        # plotext emits colour codes even when told to drop colour; strip them for files and pipes.
        drawing = plt.uncolorize(drawing)
    return drawing


def _plot_size() -> tuple[int, int]:
    try:
        size = os.get_terminal_size()
        return min(size.columns, 100), max(12, min(size.lines - 10, 24))
    except OSError:
        return 80, 20


class _Progress:
    """A one-line epoch counter on stderr for long runs in a terminal."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs
        self.every = max(1, epochs // 100)
        self.active = epochs >= 20_000

    def update(self, epoch) -> None:
        if self.active and epoch.epoch % self.every == 0:
            sys.stderr.write(f"\rtraining: epoch {epoch.epoch:,} of {self.epochs:,}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.active:
            sys.stderr.write("\r" + " " * 40 + "\r")
