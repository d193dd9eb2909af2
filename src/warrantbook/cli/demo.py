"""`warrantbook demo`: the seed option's illustrative life, decided step by step and explained."""

from __future__ import annotations

from datetime import date
from typing import Any

from warrantbook.app.views import quote_json
from warrantbook.book.io import dumps, write_text_atomic
from warrantbook.cli.common import console, emit
from warrantbook.cli.main import print_quote
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, exercise_quote, request_of
from warrantbook.core.explain import Trace
from warrantbook.core.rules.adjustment import adjust
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.state import BookState, apply, ordered
from warrantbook.core.summary import cap_summary, option_summary
from warrantbook.describe import describe
from warrantbook.seed import HEADER, seed_life


def _explain(state: BookState, e: ev.Event) -> list[str] | None:
    """The derivation behind an event's figures, computed before it is applied."""
    trace = Trace()
    if isinstance(e, ev.StockEvent):
        for o in state.options.values():
            if o.active and o.company == e.issuer:
                for t in o.tranches:
                    adjust(t.shares, t.exercise_price, e.outstanding_before, e.outstanding_after, o.terms.readings.adjustment, trace)
        return trace.as_text()
    if isinstance(e, ev.TransferRequested):
        o = state.options[e.option_no]
        split_remaining(o.remaining, [(p.holder, p.percent, p.shares) for p in e.pieces], trace)
        return trace.as_text()
    return None


def run_demo(out: str | None = None, as_json: bool = False) -> None:
    life = seed_life()
    state = BookState(as_of=None)
    steps: list[dict[str, Any]] = []
    quotes = [e for e in life if isinstance(e, ev.Quote)]
    say = (lambda *a, **k: None) if as_json else console.print
    say("[bold]warrantbook demo[/]: the 2005 option of American Technologies Group, Inc. to GSSF Master Fund, L.P.")
    say("The parties and terms are the agreement's; every later event is [bold]illustrative[/].\n")
    for e in ordered(life):
        explanation = _explain(state, e)
        quote_block = None
        if isinstance(e, ev.ExerciseNoticeReceived):
            trace = Trace()
            request = request_of(e)
            result = exercise_quote(state, e.option_no, request, e.on, determination=e.on, trace=trace)
            quote_block = (result, trace)
        decided = decide(state, e)
        for d in decided:
            apply(state, d)
        if isinstance(e, ev.Quote):
            if e is quotes[0]:
                say(f"{e.on}  [§1.2(b)] {len(quotes)} illustrative OTCBB quotes recorded ({quotes[0].on} .. {quotes[-1].on})", markup=False)
            continue
        for d in decided:
            step: dict[str, Any] = {"on": d.on.isoformat(), "event": d.id, "type": d.kind, "clause": d.clause, "text": describe(d)}
            say(f"{d.on}  [{d.clause}] {describe(d)}", highlight=False, markup=False)
            if d is e and explanation:
                step["explanation"] = explanation
                for line in explanation:
                    say("            " + line, markup=False, highlight=False)
            if d is e and quote_block:
                step["quote"] = quote_json(*quote_block)
                if not as_json:
                    print_quote(*quote_block)
            if isinstance(d, ev.WaiverNoticeReceived):
                cap = cap_summary(state.options[d.option_no], d.on)
                step["cap"] = cap
                say(f"            [§10] cap of {d.option_no}: {cap['reason']}", markup=False)
            steps.append(step)
    end = date(2006, 12, 31)
    from warrantbook.core.state import fold

    final = fold([x for x in state.events], end)
    summaries = [option_summary(final, o, end) for o in final.options.values()]
    if out:
        write_text_atomic(out, dumps(state.events, HEADER), check=True)
    if as_json:
        emit({"steps": steps, "as_of": end.isoformat(), "options": summaries, "book": out})
        return
    from warrantbook.cli.main import print_options

    console.print()
    print_options(summaries, end)
    if out:
        console.print(f"\nThe book was written to {out}; try: warrantbook show --book {out} --as-of 2006-12-31")
