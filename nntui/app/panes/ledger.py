"""The ledger pane: every chain-rule term for one person, and one SGD update per key press.

The table is the core's ``backprop_trace`` rendered row by row (formula, formula with the
numbers, value; see ``ledger_text``) with a finite-difference column from
``nntui.core.gradcheck`` beside each gradient, so the learner can see backpropagation agree
with plain nudging. A step's ``focus`` terms are scrolled to and highlighted when it opens.
"""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Select, Static

from nntui.core.data import LESSON_SHIFT, TRAINING_PEOPLE, get_person
from nntui.core.gradcheck import numerical_gradient
from nntui.core.network import PARAM_NAMES, Params
from nntui.core.trace import SgdStep, Trace, backprop_trace, sgd_step
from nntui.numbers import EXACT, format_number

from ..messages import MyCodeAnswer
from ..widgets.number_field import NumberField
from .base import Pane
from .choices import choice_select, next_choice
from .fields import LR_RULE, SEED_RULE, FieldRules, RuledFields
from .ledger_text import LedgerText, masked_values, render_trace
from .looks import StatusLine, pane_css
from .marks import hide_numbers
from .mycode import MY_CODE_BINDING, UsesMyCode, compare

__all__ = ["LedgerPane", "render_trace"]

PEOPLE = tuple(person.name.lower() for person in TRAINING_PEOPLE)
PRESETS = ("ones", "seed", "trained")


class TermsScroll(VerticalScroll):
    """The ledger's scrolling table, which can scroll to a line of content not laid out yet."""

    _pending: tuple[int, int] | None = None

    def scroll_to_line(self, line: int, lines: int) -> None:
        """Scroll ``line`` to the top once the table holds its ``lines`` lines: a scroll before
        that is cut short at the end of the table it replaces."""
        self._pending = (line, lines)
        self._apply_pending()
        if self._pending is not None:
            self.call_after_refresh(self._apply_pending)

    def watch_virtual_size(self) -> None:
        """The table was laid out again (Textual's watcher): scroll now if a scroll waits for it."""
        self._apply_pending()

    def _apply_pending(self) -> None:
        if self._pending is not None and self.virtual_size.height >= self._pending[1]:
            line, _ = self._pending
            self._pending = None
            self.scroll_to(y=line, animate=False)


class LedgerPane(RuledFields, UsesMyCode, Pane):
    """Backpropagation for one person, term by term, from ``nntui.core.trace``.

    ``u`` applies one stochastic gradient descent update (``nntui.core.trace.sgd_step``)
    with the chosen learning rate and shows every parameter's old and new value and the
    person's loss before and after.
    """

    PANE_TYPE = "ledger"
    DEFAULT_CSS = pane_css("ledger")

    BINDINGS = [
        Binding("u", "update", "Update", tooltip="apply one SGD update with the chosen learning rate"),
        Binding("c", "cycle_person", "Person", tooltip="next person: Alice, Bob, Charlie, Diana"),
        Binding(
            "s", "cycle_preset", "Start", tooltip="start from: all ones, random from the seed, or trained"
        ),
        Binding("r", "reset", "Reset", tooltip="back to the starting parameters"),
        Binding("a", "show_all", "All terms", tooltip="show every term, or only the step's (collapse)"),
        MY_CODE_BINDING,
    ]

    def __init__(self, settings: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self._person = self.settings["person"]
        self._preset = self.settings["preset"]
        self._rules = FieldRules()
        self._rules.add("ledger-lr", LR_RULE, float(self.settings["lr"]))
        self._rules.add("ledger-seed", SEED_RULE, int(self.settings["seed"]))
        self._note = ""
        self._load_focus()
        self._params = self._preset_params()
        self._last_step: SgdStep | None = None
        self._updates = 0
        self.recompute()
        #: The finite-difference estimates shown beside the gradients (by parameter).
        self._check: dict[str, float] = {}
        self._asked = 0  # numbers each request, so a late answer for an old trace is dropped

    def _load_focus(self) -> None:
        """The step's focused terms, and whether only the road to them is listed."""
        #: The terms the step points at (scrolled to and highlighted).
        self.focus_terms: tuple[str, ...] = tuple(self.settings.get("focus", ()))
        self._collapse = bool(self.settings.get("collapse", False)) and bool(self.focus_terms)
        self._width: int | None = None
        #: The text last shown (its lines and where the first focused term is).
        self.shown_text = LedgerText([])

    # -- values ----------------------------------------------------------------------

    @property
    def params(self) -> Params:
        """The parameters the table is computed at."""
        return self._params

    @property
    def trace(self) -> Trace:
        """The core's trace shown in the table."""
        return self._trace

    @property
    def last_step(self) -> SgdStep | None:
        """The last SGD update applied, if any."""
        return self._last_step

    @property
    def person(self) -> str:
        """Whose example the trace is for (lower case)."""
        return self._person

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next update."""
        return float(self._rules.values["ledger-lr"])

    def live_values(self) -> dict[str, float]:
        """Every trace term by name (h1, y_pred, loss, d_L_d_w1, ...)."""
        return self._trace.values()

    def _sample(self) -> tuple[Any, float]:
        person = get_person(self._person)
        shift = LESSON_SHIFT
        if self._preset == "trained" and self.shared is not None and self.shared.trained_params is not None:
            shift = self.shared.shift_of_trained()  # feed the trained network the way it learned
        return shift.apply(person.weight_lb, person.height_in), float(person.label)

    def _preset_params(self) -> Params:
        self._note = ""
        if self._preset == "ones":
            return Params.ones()
        if self._preset == "trained":
            trained = self.shared.trained_params if self.shared is not None else None
            if trained is not None:
                return trained
            self._note = "no trained network yet (run the training pane); using the seed's parameters"
        return Params.random(int(self._rules.values["ledger-seed"]))

    def recompute(self) -> None:
        """Trace backpropagation through the network for the chosen person."""
        x, y_true = self._sample()
        self._trace: Trace = backprop_trace(self._params, x, y_true, person=self._person)

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = "Chain-rule ledger"
        with Horizontal(classes="ledger-controls"):
            yield choice_select([(name.capitalize(), name) for name in PEOPLE], self._person, "ledger-person")
            yield choice_select([(f"start: {name}", name) for name in PRESETS], self._preset, "ledger-preset")
        with Horizontal(classes="ledger-controls"):
            yield NumberField(self.learning_rate, label="lr", step=0.1, id="ledger-lr")
            yield NumberField(self._rules.values["ledger-seed"], label="seed", step=1, id="ledger-seed")
        with TermsScroll(id="ledger-scroll"):
            yield Static("", id="ledger-terms")
        yield Static("", id="ledger-update")
        yield Static("", id="ledger-mine")
        yield StatusLine("", classes="pane-status")

    def on_mount(self) -> None:
        """Fill the table."""
        self._show()

    def on_resize(self, event: events.Resize) -> None:
        """Fit the lines to the new width (they are wrapped at spaces, never inside a number)."""
        width = self._terms_width()
        if width != self._width:
            self._width = width
            self._show()
            self._scroll_to_focus()

    def _terms_width(self) -> int | None:
        """The cells a line of the table has (None before the pane is laid out)."""
        scroll = self.query_one("#ledger-scroll", VerticalScroll)
        width = scroll.scrollable_content_region.width
        return width if width > 4 else None

    def _scroll_to_focus(self) -> None:
        """Bring the first focused term (or its section's title) to the top of the table."""
        first = self.shown_text.first_focus
        if first is not None:
            self.query_one("#ledger-scroll", TermsScroll).scroll_to_line(first, len(self.shown_text.lines))

    # -- actions ---------------------------------------------------------------------

    def action_update(self) -> None:
        """Apply one SGD update for the chosen person and show old -> new for each parameter."""
        x, y_true = self._sample()
        step = sgd_step(self._params, x, y_true, self.learning_rate, person=self._person)
        self._last_step = step
        self._updates += 1
        self._params = step.after
        self.update_values()
        # The update's lines open the list and push it down: keep the step's terms in view.
        self._scroll_to_focus()

    def action_show_all(self) -> None:
        """Show every term, or again only the step's focused terms and the road to them."""
        self._collapse = not self._collapse
        self._show()
        self._scroll_to_focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``a`` only matters (and only shows in the footer) on a step that focuses some terms."""
        if action == "show_all":
            return bool(self.focus_terms)
        return True

    def action_cycle_person(self) -> None:
        """Show the next person's trace (same parameters)."""
        self.query_one("#ledger-person", Select).value = next_choice(PEOPLE, self._person)

    def action_cycle_preset(self) -> None:
        """Start again from the next preset: all ones, random from the seed, or trained."""
        self.query_one("#ledger-preset", Select).value = next_choice(PRESETS, self._preset)

    def action_reset(self) -> None:
        """Go back to the preset's parameters (forgetting the updates)."""
        self._params = self._preset_params()
        self._last_step = None
        self._updates = 0
        self.update_values()

    def apply_settings(self) -> None:
        """Show ``settings`` as a new ledger pane would: their person, preset, lr and seed, no
        update applied, the list scrolled to the top, "my code" off."""
        # Set the choices before the Selects: their Changed messages then find nothing to do.
        self._person = self.settings["person"]
        self._preset = self.settings["preset"]
        self.query_one("#ledger-person", Select).value = self._person
        self.query_one("#ledger-preset", Select).value = self._preset
        self._rules.values["ledger-lr"] = float(self.settings["lr"])
        self._rules.values["ledger-seed"] = int(self.settings["seed"])
        for field_id in ("ledger-lr", "ledger-seed"):
            # notify=False: no field_changed; it also clears a refusal shown under the field.
            self.query_one(f"#{field_id}", NumberField).set_value(self._rules.values[field_id], notify=False)
        self._load_focus()
        self._width = self._terms_width()
        self.refresh_bindings()
        self.my_code_off()
        self.query_one("#ledger-mine", Static).update("")
        self.query_one("#ledger-scroll", VerticalScroll).scroll_home(animate=False)
        # Back to the preset's parameters, forgetting the updates; redraws the table, the update
        # box and the status line (which also drops a refusal said there).
        self.action_reset()
        self._scroll_to_focus()

    @on(Select.Changed, "#ledger-person")
    def _person_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self._person:
            self._person = event.value
            self._last_step = None
            self.update_values()

    @on(Select.Changed, "#ledger-preset")
    def _preset_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self._preset:
            self._preset = event.value
            self.action_reset()

    def field_changed(self, field_id: str) -> None:
        """A new seed starts again from its parameters (the learning rate acts on the next update)."""
        if field_id == "ledger-seed" and self._preset != "ones":
            self.action_reset()

    # -- drawing ---------------------------------------------------------------------

    def masked_changed(self) -> None:
        """Draw the table again with the masked terms as ``?``, the step's focus still in view.

        A checkpoint masks (and, answered, unmasks) the very term a step points at: the redrawn
        table must keep it on screen, where the learner sees the ``?`` become its number.
        """
        super().masked_changed()
        self._scroll_to_focus()

    def _hide(self, text: str) -> str:
        """``text`` with the masked terms' numbers shown as ``?``."""
        if not self.masked:
            return text
        return hide_numbers(text, masked_values(self._trace, self._check, self.masked))

    def show_values(self) -> None:
        """Draw the numbers, masked ones as ``?``, and the line comparing with the learner's code."""
        self._show()
        self._ask_my_code()

    def _show(self) -> None:
        trace = self._trace
        x, y_true = self._sample()
        check = self._check = numerical_gradient(self._params, x, y_true).as_dict()
        self.shown_text = render_trace(
            trace,
            check,
            self.masked,
            focus=self.focus_terms,
            collapse=self._collapse,
            width=self._width,
            head=self._update_lines(),
        )
        self.query_one("#ledger-terms", Static).update(self.shown_text.text)
        self._show_update()
        flagged = [term.name for term in trace if term.flags]
        status = self._note
        if flagged and not status:
            status = f"warnings (in words in the list) on: {', '.join(flagged)}"
        if not status:
            person = get_person(self._person)
            status = (
                f"{person.name}: x ({format_number(trace.x[0])}, {format_number(trace.x[1])}), "
                f"y_true {format_number(y_true)}\n"
                f"loss {self.shown('loss', format_number(trace.loss))}"
            )
        self.query_one(StatusLine).say(self._hide(status))

    # -- use my code -------------------------------------------------------------------

    def action_toggle_my_code(self) -> None:
        """Run the learner's passing ``backprop_terms`` on these numbers and compare every term (or stop)."""
        on, notice = self.switch_my_code("backprop")
        self.query_one("#ledger-mine", Static).update(
            "yours: asking your backprop_terms ..." if on else notice
        )
        self._ask_my_code()

    def _ask_my_code(self) -> None:
        if not self.my_code_on:
            return
        self._asked += 1
        x, y_true = self._sample()
        self._call_my_code(self._asked, self._params.as_dict(), [float(v) for v in x], y_true)

    @work(thread=True, exclusive=True, group=UsesMyCode.MY_CODE_GROUP)
    def _call_my_code(self, tag: int, params: dict, x: list[float], y_true: float) -> None:
        value, error = self.my_code.call("backprop", params, x, y_true)
        self.post_message(MyCodeAnswer(tag, value, error))

    @on(MyCodeAnswer)
    def _my_code_answered(self, event: MyCodeAnswer) -> None:
        event.stop()
        if event.tag != self._asked or not self.my_code_on:
            return
        mine = self.query_one("#ledger-mine", Static)
        if event.error:
            mine.update(f"yours: {event.error}")
            return
        if not isinstance(event.value, dict):
            mine.update(f"yours: gave {type(event.value).__name__}, not a dict of terms")
            return
        mine.update(self._hide(self._compare_terms(event.value)))

    def _compare_terms(self, terms: dict) -> str:
        """One line: every term of the learner's that the trace also has, checked against it."""
        ours = self._trace.values()
        shared = [name for name in terms if name in ours]
        if not shared:
            return "yours: none of your terms have the ledger's names (d_L_d_ypred, d_h1_d_w1, ...)"
        for name in shared:
            try:
                value = float(terms[name])
            except (TypeError, ValueError):
                return f"yours: {name} is not a number"
            line = compare(value, ours[name])
            if "✗" in line:
                return line.replace("yours:", f"yours: {name}", 1)
        return f"yours: all {len(shared)} terms ✓ match"

    def _update_lines(self) -> list[str]:
        """The last update's old -> new value of every parameter, for the top of the list."""
        step = self._last_step
        if step is None:
            return []
        before, after = step.before.as_dict(), step.after.as_dict()
        lines = [
            f"[b]── Update {self._updates}: p - {format_number(step.learning_rate, EXACT)} * d_L_d_p ──[/b]"
        ]
        for name in PARAM_NAMES:
            lines.append(
                f"{name} {format_number(before[name], EXACT)} -> {format_number(after[name], EXACT)}"
            )
        return lines  # render_trace puts a blank line before the first section

    def _show_update(self) -> None:
        step = self._last_step
        box = self.query_one("#ledger-update", Static)
        if step is None:
            rate = format_number(self.learning_rate, EXACT)
            box.update(f"start: {self._preset}, no update yet\nu: one update at lr {rate}")
            return
        direction = "falls" if step.loss_after < step.loss_before else "does NOT fall"
        after = self.shown("loss", format_number(step.loss_after, 6))
        box.update(
            self._hide(
                f"update {self._updates}: {get_person(self._person).name}'s loss\n"
                f"{format_number(step.loss_before, 6)} -> {after} ({direction})"
            )
        )
