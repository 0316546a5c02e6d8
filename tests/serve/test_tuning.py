"""The session's tuning thread: when it looks, and when it moves the session back or forward.

The decisions are driven through ``Tuning.look`` with made-up worker demands, so no thread,
timer or training run is involved; the real thread is tested end to end in
``test_ssh_real_app.py`` (a training session drops to nice 19 and comes back).
"""

from __future__ import annotations

from nntui.serve.tuning import Tuning

MS = 1_000_000  # nanoseconds


class RecordingTuning(Tuning):
    """A Tuning that records the autogroup nice values it would set instead of setting them."""

    def __init__(self) -> None:
        super().__init__(app=None)
        self.nices: list[int] = []

    def _set_autogroup_nice(self, nice: int) -> bool:
        self.nices.append(nice)
        return True


def test_an_idle_session_looks_slowly() -> None:
    tuning = RecordingTuning()
    wait = tuning.idle_period
    for _ in range(20):
        wait = tuning.look(0, wait)
        assert wait == tuning.idle_period
    assert tuning.nices == []


def test_work_speeds_the_looks_up_and_sustained_work_goes_to_the_back() -> None:
    tuning = RecordingTuning()
    # Seen on a slow look: speed up, but do not judge 0.5 s of demand against a 0.2 s test.
    wait = tuning.look(300 * MS, tuning.idle_period)
    assert wait == tuning.period
    assert tuning.nices == []
    wait = tuning.look(60 * MS, wait)
    assert tuning.nices == []  # one fast look is not yet sustained work
    wait = tuning.look(60 * MS, wait)
    assert tuning.nices == [19]
    assert tuning.background


def test_a_passing_computation_stays_in_front() -> None:
    tuning = RecordingTuning()
    wait = tuning.look(20 * MS, tuning.idle_period)
    for demand in (20 * MS, 20 * MS, 0, 0):
        wait = tuning.look(demand, wait)
    assert tuning.nices == []


def test_back_in_front_once_quiet_then_slow_again() -> None:
    tuning = RecordingTuning()
    wait = tuning.look(100 * MS, tuning.idle_period)
    wait = tuning.look(100 * MS, wait)
    wait = tuning.look(100 * MS, wait)
    assert tuning.nices == [19]
    looks = 0
    while tuning.background:
        wait = tuning.look(0, wait)
        looks += 1
        assert wait == tuning.period
    assert tuning.nices == [19, 0]
    assert looks * tuning.period >= tuning.quiet
    # It keeps looking quickly for a while (training is often run again), then slows down.
    waits = []
    for _ in range(int(tuning.linger / tuning.period) + 2):
        wait = tuning.look(0, wait)
        waits.append(wait)
    assert waits[0] == tuning.period
    assert waits[-1] == tuning.idle_period


def test_a_session_stays_in_front_until_its_first_screen_is_complete() -> None:
    class App:
        first_screen_complete = False

    app = App()
    tuning = RecordingTuning()
    tuning.app = app
    wait = tuning.look(100 * MS, tuning.idle_period)
    for _ in range(5):  # a training run that started with the screen
        wait = tuning.look(100 * MS, wait)
    assert tuning.nices == [] and not tuning.background
    app.first_screen_complete = True
    wait = tuning.look(100 * MS, wait)
    assert tuning.nices == [19]
