"""The session starter loads, before forking, what every session would otherwise load itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: preloading runs the app once and freezes the garbage collector.
CHECK = textwrap.dedent(
    """
    import json, sys
    from nntui.serve.zygote.starter import _preload

    _preload({"lessons": sys.argv[1]})
    import nntui.course
    from nntui.app.run import read_course
    from nntui.course import resolve_lessons_dir

    def no_reading(folder):
        raise AssertionError("the course was read again")

    nntui.course.load_course = no_reading
    course = read_course(resolve_lessons_dir(sys.argv[1]))
    print(json.dumps({
        "numpy.random": "numpy.random" in sys.modules,
        "lessons": len(course.lessons),
    }))
    """
)


def test_a_forked_session_finds_the_course_read_and_numpy_random_imported():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(ROOT / "lessons")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["numpy.random"]  # each session reseeds it: importing it there cost ~20 ms
    assert found["lessons"] == len(list((ROOT / "lessons").glob("[0-9][0-9]-*.md")))
