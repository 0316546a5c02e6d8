""" "Use my code": the learner's functions called through the sandboxed worker."""

from __future__ import annotations

import numpy as np
import pytest

from nntui.core.data import dataset
from nntui.core.network import Params
from nntui.core.neuron import Neuron
from nntui.core.train import train as core_train
from nntui.exercises.bridge import BridgeError, LearnerCode, call_learner
from nntui.exercises.catalogue import get_exercise


def _pass(workspace, name, source=None):
    ex = get_exercise(name)
    workspace.path(ex).write_text(source if source is not None else ex.solution())
    workspace.mark_passed(ex)


@pytest.fixture
def code(workspace):
    worker = LearnerCode(workspace.root, time_limit=3.0)
    yield worker
    worker.close()


def test_calls_a_passing_function_and_matches_the_core(workspace, code):
    _pass(workspace, "neuron")
    got = code.call("neuron", np.array([0.0, 1.0]), 4.0, np.array([2.0, 3.0]))
    assert got == pytest.approx(Neuron([0.0, 1.0], 4.0).feedforward([2.0, 3.0]))
    assert got == pytest.approx(0.9990889488055994)


def test_refuses_an_exercise_that_has_not_passed(workspace, code):
    with pytest.raises(BridgeError) as error:
        code.call("sigmoid", 0.0)
    assert error.value.status == "not-ready"
    _pass(workspace, "sigmoid")
    workspace.path("sigmoid").write_text(workspace.path("sigmoid").read_text() + "\n# edited\n")
    assert not code.ready("sigmoid")


def test_training_loop_streams_each_epochs_loss(workspace, code):
    _pass(workspace, "train")
    X, y = dataset("lesson")
    start = Params.ones()
    seen = []
    run = code.train(
        start.as_dict(), X, y, lr=0.1, epochs=50, on_epoch=lambda e, loss: seen.append((e, loss))
    )
    expected = core_train(X, y, learning_rate=0.1, epochs=50, params=start)
    assert [e for e, _ in seen] == list(range(50))
    assert run.losses == pytest.approx(list(expected.losses))
    assert run.params == pytest.approx(expected.params.as_dict())
    assert not run.cancelled


def test_training_can_be_stopped(workspace, code):
    _pass(workspace, "train")
    X, y = dataset("lesson")
    seen = []
    run = code.train(
        Params.ones().as_dict(),
        X,
        y,
        epochs=10**7,
        on_epoch=lambda e, loss: seen.append(loss),
        should_stop=lambda: len(seen) >= 5,
    )
    assert run.cancelled and run.params is None and len(run.losses) >= 5
    assert code.call("train", Params.ones().as_dict(), X, y, epochs=2)[1] is not None  # a new worker starts


def test_endless_loop_times_out_and_the_worker_recovers(workspace, code):
    _pass(workspace, "sigmoid", "def sigmoid(x):\n    while True:\n        pass\n")
    with pytest.raises(BridgeError) as error:
        code.call("sigmoid", 0.0, timeout=1.0)
    assert error.value.status == "timeout"
    assert str(error.value) == "took longer than 1 s (an endless loop?)"
    _pass(workspace, "sigmoid")
    assert code.call("sigmoid", 0.0) == pytest.approx(0.5)


def test_memory_hog_is_stopped(workspace, code):
    _pass(
        workspace,
        "sigmoid",
        "import numpy as np\n\n\ndef sigmoid(x):\n    return np.ones(10 * 1024**3 // 8)\n",
    )
    with pytest.raises(BridgeError) as error:
        code.call("sigmoid", 0.0)
    assert error.value.status == "memory"


def test_call_learner_one_shot(workspace):
    _pass(workspace, "sigmoid")
    assert call_learner("sigmoid", np.array([0.0]), workspace=workspace.root)[0] == pytest.approx(0.5)
