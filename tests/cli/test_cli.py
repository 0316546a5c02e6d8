"""`nntui trace` and `nntui train` as a user runs them: output, JSON, and bad input."""

import json
import subprocess
import sys

import pytest

from nntui.core.data import dataset
from nntui.core.network import Params
from nntui.core.trace import GRADIENT_NAMES, LOCAL_NAMES, backprop_trace
from nntui.core.train import train


def nntui(*args):
    return subprocess.run([sys.executable, "-m", "nntui", *args], capture_output=True, text=True, timeout=120)


def test_trace_json_carries_every_term_with_formula_and_value():
    done = nntui("trace", "--person", "alice", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = backprop_trace(Params.ones(), (-2, -1), 1)
    for name in LOCAL_NAMES + GRADIENT_NAMES:
        assert data["terms"][name]["value"] == expected.value(name)
        assert data["terms"][name]["formula"] == expected[name].formula
    assert data["numerical_gradient"]["w1"] == pytest.approx(expected.value("d_L_d_w1"), abs=1e-8)


def test_trace_text_shows_formula_numbers_and_value():
    done = nntui("trace", "--person", "bob", "--weights", "1,1,1,1,1,1", "--biases", "0,0,0")
    assert done.returncode == 0
    assert "Backpropagation for Bob" in done.stdout
    assert "d_L_d_w1 " in done.stdout and "= d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1" in done.stdout


def test_train_json_matches_the_core():
    done = nntui("train", "--lr", "0.1", "--epochs", "200", "--seed", "3", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    X, y = dataset()
    expected = train(X, y, 0.1, 200, seed=3)
    assert data["losses"] == expected.losses.tolist()
    assert data["params"] == expected.params.as_dict()
    assert set(data["predictions"]) == {"Emily", "Frank"}


def test_train_plain_prints_one_row_per_epoch_and_the_predictions():
    done = nntui("train", "--epochs", "30", "--plain")
    lines = done.stdout.splitlines()
    assert lines[0] == "epoch  loss"
    assert lines[30].split()[0] == "30"
    assert "Emily" in done.stdout and "Frank" in done.stdout


def test_train_draws_a_plot_without_colour_codes_in_a_pipe():
    done = nntui("train", "--epochs", "50")
    assert "Loss (MSE) per epoch" in done.stdout
    assert "\x1b[" not in done.stdout


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["train", "--lr", "abc"], "'abc' is not a number"),
        (["train", "--lr", "nan"], "not a finite number"),
        (["train", "--lr", "-1"], "must be greater than 0"),
        (["train", "--epochs", "0"], "must be at least 1"),
        (["train", "--epochs", "5000000000"], "at most 1,000,000 epochs"),
        (["train", "--weights", "1,2,3,4,5"], "expected 6 weights"),
        (["train", "--seed", "1", "--weights", "1,1,1,1,1,1"], "either --seed or --weights"),
        (["trace", "--person", "zoe"], "invalid choice: 'zoe'"),
        (["trace", "--biases", "1,x,2"], "'x' is not a number"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_and_status_2(args, fragment):
    done = nntui(*args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_divergence_is_said_in_words_with_a_nonzero_status():
    done = nntui("train", "--lr", "100", "--plain")
    assert done.returncode == 1
    assert "stuck from epoch 1" in done.stderr
    assert "nan" not in done.stdout.lower()
    assert "RuntimeWarning" not in done.stderr


def test_version_and_help():
    assert nntui("--version").stdout.startswith("nntui ")
    for command in ("trace", "train"):
        help_text = nntui(command, "-h").stdout
        assert "usage: nntui " + command in help_text


def test_starting_the_app_does_not_load_the_subcommands():
    # Start-up time matters (each workshop attendee pays it): parsing the app's own options
    # must not import the trace/train/serve/exercises modules.
    code = (
        "import sys; from nntui.cli import build_parser; build_parser(['--lesson', '2']); "
        "print(sorted(m for m in sys.modules if m.startswith('nntui.cli.') and m.endswith('_cmd')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['nntui.cli.app_cmd']"
