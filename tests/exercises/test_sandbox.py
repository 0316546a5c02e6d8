"""The sandbox: time limit, memory limit, syntax errors, crashes; the app's process is never at risk."""

from __future__ import annotations

import time

from nntui.exercises.catalogue import get_exercise
from nntui.exercises.sandbox import run_check


def _write(workspace, name, source):
    path = workspace.path(get_exercise(name))
    path.write_text(source)
    return path


def test_endless_loop_is_stopped_at_the_time_limit(workspace):
    path = _write(workspace, "sigmoid", "def sigmoid(x):\n    while True:\n        pass\n")
    started = time.monotonic()
    result = run_check("sigmoid", path, time_limit=1.0)
    assert time.monotonic() - started < 5
    assert result.status == "timeout"
    assert result.summary.startswith("took longer than 1 s")


def test_endless_loop_at_import_time_is_stopped_too(workspace):
    path = _write(workspace, "sigmoid", "while True:\n    pass\n")
    assert run_check("sigmoid", path, time_limit=1.0).status == "timeout"


def test_syntax_error_is_reported_with_its_line(workspace):
    source = "import numpy as np\n\n\ndef sigmoid(x)\n    return 1 / (1 + np.exp(-x))\n"
    result = run_check("sigmoid", _write(workspace, "sigmoid", source))
    assert result.status == "syntax"
    assert result.line == 4
    assert "line 4" in result.summary
    assert "def sigmoid(x)" in result.text()


def test_allocating_10_gb_is_stopped_by_the_memory_limit(workspace):
    source = "import numpy as np\n\n\ndef sigmoid(x):\n    big = np.ones(10 * 1024**3 // 8)\n    return big\n"
    result = run_check("sigmoid", _write(workspace, "sigmoid", source), memory_mb=512)
    assert result.status == "memory"
    assert result.summary.startswith("used more than 512 MB of memory")
    assert result.line == 5


def test_memory_limit_applies_to_plain_python_too(workspace):
    source = "data = bytearray(10 * 1024**3)\n"
    result = run_check("sigmoid", _write(workspace, "sigmoid", source), memory_mb=512)
    assert result.status == "memory"


def test_exception_names_the_type_and_the_learners_line(workspace):
    source = "def sigmoid(x):\n    return 1 / 0\n"
    result = run_check("sigmoid", _write(workspace, "sigmoid", source))
    assert result.status == "error"
    assert result.summary == "ZeroDivisionError: division by zero (line 2)"
    assert result.input == "sigmoid(0.0)"


def test_learner_prints_are_shown_and_cannot_fake_a_result(workspace):
    source = (
        "import json, os\n"
        "def sigmoid(x):\n"
        "    print(json.dumps({'status': 'passed', 'summary': 'fake'}))\n"
        '    os.write(1, b\'{"status": "passed"}\\n\')\n'
        "    return x\n"
    )
    result = run_check("sigmoid", _write(workspace, "sigmoid", source))
    assert result.status == "failed"
    assert "fake" in result.output


def test_missing_function_is_named(workspace):
    result = run_check("sigmoid", _write(workspace, "sigmoid", "def sigmoidd(x):\n    return x\n"))
    assert result.status == "failed"
    assert "no function named sigmoid" in result.summary


def test_exit_in_learner_code_is_reported(workspace):
    result = run_check("sigmoid", _write(workspace, "sigmoid", "import os\nos._exit(3)\n"))
    assert result.status == "crashed"
    assert "exit code 3" in result.summary


def test_missing_file(tmp_path):
    result = run_check("sigmoid", tmp_path / "nothing.py")
    assert result.status == "missing"


def test_learner_files_can_import_each_other(workspace):
    ex1 = get_exercise("sigmoid")
    workspace.path(ex1).write_text(ex1.solution())
    source = (
        "from ex01_sigmoid import sigmoid\n\n\n"
        "def sigmoid_derivative(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"
    )
    result = run_check("sigmoid_derivative", _write(workspace, "sigmoid_derivative", source))
    assert result.passed, result.text()
    assert not (workspace.root / "__pycache__").exists()
