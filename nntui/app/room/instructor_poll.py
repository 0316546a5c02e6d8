"""Poll the room (Peer Instruction): one checkpoint's answers, live, as a histogram.

The instructor picks a checkpoint from the course's list; the app asks the hub to ``watch`` it
and the hub pushes a ``poll`` on every change. The answers are binned with
``nntui.room.bins.bin_answers`` (the attendees' shown histogram bins the same way); the bar
holding the right answer is coloured and labelled "right" under it, and the counts line says
the right answer and the counts in words.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from nntui.numbers import format_number
from nntui.room.bins import bin_answers

from .instructor_course import CheckRef, CourseIndex, StepRef, short
from .instructor_picker import PickerView

__all__ = ["AnswerHistogram", "PollView", "counts_line"]

#: Bins of the histogram (the attendees' view uses the same number).
BINS = 10


def counts_line(poll: dict) -> str:
    """ "right 12 · wrong 5 · not yet 14 · right answer 0.5237 · shown to the room" for a poll."""
    parts = [
        f"right {poll.get('right', 0)}",
        f"wrong {poll.get('wrong', 0)}",
        f"not yet {poll.get('waiting', 0)}",
    ]
    expected = poll.get("expected")
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        parts.append(f"right answer {format_number(expected)}")
    parts.append("shown to the room" if poll.get("shown") else "not shown to the room")
    return " · ".join(parts)


class AnswerHistogram(PlotextPlot):
    """The room's answers in bins: the right answer's bar in green and labelled "right"."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        #: The bins drawn last (see ``bin_answers``).
        self.bins: list[dict] = []

    def show(self, bins: list[dict]) -> None:
        """Draw ``bins`` (from ``bin_answers``)."""
        self.bins = bins
        self.refresh()

    def tick_labels(self) -> list[str]:
        """The label under each bar: its middle value, or "right" under the right answer's bar."""
        return ["right" if b["right"] else f"{(b['lo'] + b['hi']) / 2:.3g}" for b in self.bins]

    def placed_ticks(self, columns: int) -> list[int]:
        """The bars (indexes) whose labels fit side by side in ``columns`` of plot: every k-th
        and the right one.

        Labels must never touch: plotext drops a label that would, and which one it drops
        depends on the order it places them in (a set's, different in every process).
        """
        labels = self.tick_labels()
        if not labels:
            return []
        per_bar = max(columns, 1) / len(labels)
        widest = max(len(label) for label in labels) + 3  # a space each side, and rounding
        stride = max(1, -(-widest // max(int(per_bar), 1)))
        right = next((i for i, b in enumerate(self.bins) if b["right"]), None)
        placed = [i for i in range(0, len(labels), stride) if right is None or abs(i - right) >= stride]
        return sorted(placed + ([right] if right is not None else []))

    def render(self):
        """Load the bins into plotext and draw them."""
        plt = self.plt
        plt.clear_data()
        plt.xlabel("answer (the bar marked 'right' holds the right answer)")
        if not self.bins:
            plt.title("no numeric answers yet")
            plt.xticks([], [])
            return super().render()
        plt.title("")
        positions = list(range(len(self.bins)))
        others = [0 if b["right"] else b["count"] for b in self.bins]
        rights = [b["count"] if b["right"] else 0 for b in self.bins]
        plt.stacked_bar(positions, [others, rights], color=["blue", "green"], width=0.6)
        labels = self.tick_labels()
        placed = self.placed_ticks(self.size.width - 8)  # less the y axis and its labels
        plt.xticks([positions[i] for i in placed], [labels[i] for i in placed])
        top = max(b["count"] for b in self.bins)
        step = max(1, -(-top // 4))
        ticks = list(range(0, top + step, step))
        plt.yticks(ticks, [str(t) for t in ticks])
        plt.ylim(0, max(1, top))
        return super().render()


class PollView(PickerView):
    """A checkpoint picker, the poll's counts in words and its histogram."""

    BINDINGS = [("s", "toggle_show", "Show the room / hide"), ("a", "ask_again", "Ask again")]

    class Picked(Message):
        """The instructor picked another checkpoint (the app re-sends ``watch``)."""

    def __init__(self, index: CourseIndex, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(index, id=id)
        self.choices = index.checks
        #: The latest ``poll`` message for the picked checkpoint (None: none yet).
        self.poll: dict | None = None

    def compose(self) -> ComposeResult:
        options = [Option(f"{ref.step.label} {short(ref.question, 70)}") for ref in self.index.checks]
        yield OptionList(*options, id="poll-checks")
        yield Static("Pick a checkpoint above.", id="poll-counts", markup=False)
        yield AnswerHistogram(id="poll-plot")

    @property
    def check(self) -> CheckRef | None:
        """The checkpoint picked (highlighted in the list)."""
        return self.picked_ref()

    @staticmethod
    def step_key(ref: CheckRef) -> tuple[int, int]:
        """A checkpoint's (lesson, step)."""
        return ref.step.key

    def selected_step(self) -> StepRef | None:
        """The picked checkpoint's step (for "follow me")."""
        check = self.check
        return None if check is None else check.step

    def forget(self) -> None:
        """Another checkpoint: the previous one's poll is not this one's."""
        self.poll = None

    def show_poll(self, poll: dict) -> None:
        """Show a ``poll`` message if it is about the picked checkpoint."""
        check = self.check
        if check is None or poll.get("check") != check.id:
            return
        self._last_ref = check  # its state is shown now
        self.poll = poll
        self.draw()

    def bins(self) -> list[dict]:
        """The histogram's bins for the latest poll."""
        if self.poll is None:
            return []
        numbers = self.poll.get("numbers") or []
        # The poll's tolerance: the same bins as the attendees' shown histogram.
        return bin_answers(
            numbers, self.poll.get("expected"), bins=BINS, tolerance=self.poll.get("tolerance")
        )

    def draw(self) -> None:
        check = self.check
        counts = self.query_one("#poll-counts", Static)
        if check is None:
            counts.update("This course has no checkpoints.")
        elif self.poll is None:
            counts.update(f"{check.step.label}: waiting for the room's answers…")
        else:
            counts.update(f"{check.step.label}: {counts_line(self.poll)}")
        self.query_one(AnswerHistogram).show(self.bins())

    def action_toggle_show(self) -> None:
        """Put the histogram on every attendee's screen, or take it off."""
        check = self.check
        if check is None:
            return
        shown = bool(self.poll and self.poll.get("shown"))
        self.app.send_room({"t": "poll_hide" if shown else "poll_show", "check": check.id})
        if self.poll is not None:
            self.poll = {**self.poll, "shown": not shown}  # until the hub's push confirms it
            self.draw()

    def action_ask_again(self) -> None:
        """After a confirmation: clear the room's answers to the checkpoint and ask again."""
        check = self.check
        if check is None:
            return
        from .instructor_dialogs import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.send_room({"t": "poll_again", "check": check.id})

        self.app.push_screen(
            Confirm(f"Clear the room's answers to {check.step.label} and ask again?\n{check.question}"),
            answered,
        )
