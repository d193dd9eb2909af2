"""§4 Extraordinary events regarding common stock (stock dividends, subdivisions, combinations) and the §5
certificate each adjustment calls for.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.arith import div
from warrantbook.core.engine import exercised_after
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.rules.adjustment import scale_tranches
from warrantbook.core.state import (
    BookState,
    Status,
    _push,
    _set,
    _update,
    basket_options,
    build_certificate,
)

_WITH_AGENT = frozenset({"holder", "agent"})


_HOLDER_ONLY = frozenset({"holder"})


def _check_stock_event(state: BookState, e: ev.StockEvent) -> None:
    if e.outstanding_before <= 0 or e.outstanding_after <= 0:
        raise BadInput("outstanding_before and outstanding_after: more than zero", field="outstanding_before", clause="§4")
    if e.outstanding_before.denominator != 1 or e.outstanding_after.denominator != 1:
        raise BadInput("outstanding counts are whole shares", field="outstanding_after", clause="§4")
    grows = e.outstanding_after > e.outstanding_before
    if e.event is ev.StockEventKind.COMBINATION and grows:
        raise BadInput("a combination reduces the shares outstanding (§4(c))", field="outstanding_after", clause="§4(c)")
    if e.event is not ev.StockEventKind.COMBINATION and not grows:
        raise BadInput(f"a {e.event.value} increases the shares outstanding (§4(a), (b))", field="outstanding_after", clause="§4")


def _check_against_ledger(state: BookState, e: ev.StockEvent) -> None:
    """§4, §5(b): the count before the event is the ledger's count that day (facts, exercises, earlier events)."""
    company = state.companies.get(e.issuer)
    if company is None:
        return
    figure = company.outstanding_on(e.on)
    if figure is not None and figure != e.outstanding_before:
        raise Refusal("§4", f"outstanding_before is {fmt(e.outstanding_before)}, but the ledger counts {fmt(figure)} shares of "
                      f"{e.issuer} outstanding on {e.on}; give {fmt(figure)}, or record an 'outstanding' fact first if the ledger "
                      "is wrong", field="outstanding_before")


def _check_after_exercises(state: BookState, e: ev.StockEvent) -> None:
    """§4, §2.1: a split, combination or dividend sorting before an exercise already effected (its figures worked out
    on the basis before the event) is refused: the exercise is corrected first, or the event is dated after it."""
    options = [state.options[no] for no in state.by_company.get(e.issuer, ())]
    if state.reorganizations:  # §3.3: the issuer's events reach the baskets of options it succeeded to
        options += [o for o in basket_options(state, e.issuer) if o.company != e.issuer]
    o = exercised_after(options, e)
    if o is not None:
        raise Refusal("§4", f"an exercise of option {o.option_no} was effected at the close of business on {o.last_exercised}, its "
                      f"figures worked out on the share basis before this {e.event.value}; a {e.event.value} dated {e.on} comes "
                      "before it (§2.1): correct that exercise (its exercise event) first, or date the event after it", field="on")


def _check_not_twice(state: BookState, e: ev.StockEvent) -> None:
    """The same stock event recorded twice would adjust the option twice: refused unless marked distinct."""
    company = state.companies.get(e.issuer)
    if company is None or e.distinct:
        return
    same = [x for x in company.stock_events if x.on == e.on and x.event is e.event]
    if same:
        raise Refusal("§4", f"a {e.event.value} of {e.issuer} on {e.on} is already recorded ({same[0].id}); if this is another "
                      "event, mark it distinct: true", field="distinct")


def _on_stock_event(state: BookState, e: ev.StockEvent) -> None:
    issuer = e.issuer
    company = state.companies.get(issuer)
    if company is not None:
        company.stock_events.append(e)
        counts = company.outstanding  # state._push, inlined (one a §4 event): the day's figure, or a new day's
        if counts and counts[-1][0] == e.on:
            counts[-1] = (e.on, e.outstanding_after)
        else:
            counts.append((e.on, e.outstanding_after))
        for holder in state.owners.get(issuer, ()):  # each holder's own certificate of the issuer's stock follows it
            history = state.owned[(holder, issuer)]
            if history:
                _push(history, e.on, history[-1][1] * e.outstanding_after / e.outstanding_before)
    options = state.options
    affected = state.by_company.get(issuer, ())  # option numbers; each iteration below changes only its own option
    if state.reorganizations:  # after a §3 transaction, an issuer's events may reach other options' baskets (§3.3)
        affected = [*affected, *(o.option_no for o in basket_options(state, issuer) if o.company != issuer)]
    # the ratio, worked out once: the shares still owed, the tranches and the open notices all scale by it
    r = div(e.outstanding_after, e.outstanding_before)
    recipients = _WITH_AGENT if company is not None and company.agent else _HOLDER_ONLY
    certificate = build_certificate(e.id, e.on, recipients)  # §5: one value, the same for every option it reaches
    folding = state.folding
    for no in affected:
        o = options[no]
        own = o.basket is None and o.company == issuer  # the company's own option, not a §3.3 basket holding its stock
        if own and o.owed:
            # §2.1: the holder is the record owner from the deemed issue, so what is still to deliver follows the event
            _update(state, o, owed=tuple(replace(d, ratio=d.ratio * r, delivered=d.delivered * r, held=d.held * r) for d in o.owed))
            o = options[o.option_no]
        if o.status is not Status.ACTIVE:
            continue
        if own:
            tranches = scale_tranches(o.tranches, r, o.terms.readings.adjustment)
        elif o.basket is not None and any(i.issuer == issuer for i in o.basket):
            tranches = o.tranches
            basket = tuple(replace(i, quantity=i.quantity * r) if i.issuer == issuer and i.item is ev.ItemKind.SECURITY else i
                           for i in o.basket)
            o = replace(o, basket=basket)  # §3.3: the successor's events adjust the basket
        else:
            continue
        pending = o.pending
        if pending and own:
            pending = tuple(replace(p, ratio=p.ratio * r, stock_now=p.stock_now * r) for p in pending)
        due = o.certificates_due + (certificate,)
        if folding and options.get(o.option_no) is o:
            _set(o, "tranches", tranches)
            _set(o, "pending", pending)
            _set(o, "certificates_due", due)
        else:
            _update(state, o, tranches=tranches, pending=pending, certificates_due=due)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.StockEvent: (_check_stock_event, _check_against_ledger, _check_not_twice, _check_after_exercises),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.StockEvent: _on_stock_event,
}
