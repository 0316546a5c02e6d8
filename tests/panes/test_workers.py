"""The plumbing the panes share: loss reports from a worker, the frame gate, cycling choices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntui.app.messages import RunReport
from nntui.app.panes.choices import next_choice
from nntui.app.panes.workers import FrameGate, LossReporter


@settings(deadline=None)  # timing on a shared machine is not what this test is about
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=60), st.integers(0, 5))
def test_each_report_is_the_losses_so_far_and_never_changes(losses, head):
    reports: list[np.ndarray] = []
    gate = FrameGate(limit=0)
    reporter = LossReporter(reports.append, gate, losses[:head], interval=0)  # report at every step
    for loss in losses[head:]:
        reporter.add(loss)
    assert [list(r) for r in reports] == [losses[:n] for n in range(head + 1, len(losses) + 1)]
    assert list(reporter.losses) == losses
    for report in reports:
        with pytest.raises(ValueError):
            report[:1] = 0.0  # read-only: the pane may still be drawing it


def test_a_report_for_a_replaced_run_lets_its_worker_go_on_at_once():
    gate = FrameGate()
    gate.close()
    report = RunReport(1, np.zeros(3), gate=gate)
    assert not report.accept(None, current_run_id=2)
    assert gate.is_open


def test_a_newer_report_replaces_a_pending_one_of_the_same_run_only():
    pending = RunReport(1, np.zeros(3))
    assert RunReport(1, np.zeros(4)).can_replace(pending)
    assert not RunReport(2, np.zeros(4)).can_replace(pending)
    assert not RunReport(1, np.zeros(4)).can_replace(RunReport(1, np.zeros(3), final=True))


def test_next_choice_wraps_round():
    assert [next_choice(("a", "b", "c"), x) for x in "abc"] == ["b", "c", "a"]
