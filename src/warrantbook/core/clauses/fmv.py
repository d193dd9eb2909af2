"""§1.2 Fair Market Value: the market facts it is read from (listing, quotes, agreed or awarded values, liquidation).
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.state import (
    BookState,
    _company,
    basket_options,
)


def _on_listed(state: BookState, e: ev.Listed) -> None:
    company = _company(state, e.company)
    company.listings.append((e.on, e.venue))


def _check_quote(state: BookState, e: ev.Quote) -> None:
    for name in ("close", "bid", "ask"):
        value = getattr(e, name)
        if value is not None and value <= 0:
            raise BadInput(f"{name}: a price more than zero", field=name, clause=e.clause)
    if e.bid is not None and e.ask is not None and e.bid > e.ask:
        raise BadInput(f"bid {fmt(e.bid)} is above ask {fmt(e.ask)}", field="bid", clause="§1.2(b)")
    if e.close is None and e.bid is None and e.ask is None:
        raise BadInput("a quote needs a close, or a bid and an ask", field="close")
    if e.company in state.companies and (e.venue, e.on) in state.companies[e.company].quotes:
        raise BadInput(f"a {e.venue.value} quote for {e.on} is already recorded; correct it instead", field="on")


def _on_quote(state: BookState, e: ev.Quote) -> None:
    _company(state, e.company).quotes[(e.venue, e.on)] = e


def _check_fmv_value(state: BookState, e: ev.Event) -> None:
    if getattr(e, "value") <= 0:  # noqa: B009 - FMV agreed or awarded
        raise BadInput("value: more than zero", field="value", clause="§1.2(c)")


def _holders_of(state: BookState, company: str) -> set[str]:
    """Holders of an option on `company`'s stock: issued by it, or delivering its securities after §3."""
    own = {state.options[no].holder for no in state.by_company.get(company, ())}  # its own options: an index, not a walk
    if not state.reorganizations:
        return own  # no §3 transaction yet: no basket delivers anyone's securities
    return own | {o.holder for o in basket_options(state, company)}


def agreeing_holders(e: ev.FmvAgreed) -> frozenset[str]:
    return frozenset(a.split(":", 1)[1] for a in e.agreed_by if a.startswith("holder:"))


def _check_fmv_agreed(state: BookState, e: ev.FmvAgreed) -> None:
    """§1.2(c): "as the Holder and the Company agree": both sign; the value binds only the holders that signed."""
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    for i, party in enumerate(e.agreed_by):
        role, _, who = party.partition(":")
        if role not in ("holder", "company") or not who:
            raise BadInput(f"agreed_by[{i}]: {party!r} is not 'holder:ID' or 'company:ID'", field=f"agreed_by[{i}]", clause="§1.2(c)")
    if f"company:{e.company}" not in e.agreed_by:
        raise Refusal("§1.2(c)", f"an agreed value needs the company's agreement: agreed_by names no company:{e.company}",
                      field="agreed_by")
    holders = agreeing_holders(e)
    if not holders:
        raise Refusal("§1.2(c)", "an agreed value needs the holder's agreement: agreed_by names no holder", field="agreed_by")
    strangers = sorted(holders - _holders_of(state, e.company))
    if strangers:
        raise Refusal("§1.2(c)", f"{', '.join(strangers)} holds no option on {e.company}'s stock: only the holder of the option "
                      "concerned agrees its value", field="agreed_by")
    if e.actor not in e.agreed_by:
        raise Refusal("§1.2(c)", f"{e.actor!r} records the agreement but is not among those who agreed ({', '.join(e.agreed_by)})",
                      field="actor")


def _check_fmv_awarded(state: BookState, e: ev.FmvAwarded) -> None:
    """§1.2(c): an award by a single AAA arbitrator: it names the arbitration (the case or the arbitrator)."""
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if not e.case.strip() and not e.arbitrator.strip():
        raise Refusal("§1.2(c)", "an award names the arbitration: give the AAA case number or the arbitrator", field="case")


def _on_fmv_agreed(state: BookState, e: ev.FmvAgreed) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"agreed by {', '.join(e.agreed_by) or 'the parties'} on {e.on}",
                                                  agreeing_holders(e)))


def _on_fmv_awarded(state: BookState, e: ev.FmvAwarded) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"arbitration award {e.case} ({e.arbitrator}) on {e.on}".replace(" ()", ""),
                                                  None))


def _on_liquidation(state: BookState, e: ev.LiquidationAmount) -> None:
    _company(state, e.company).liquidations[e.on] = (e.amount, e.source)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.Listed: (),
    ev.Quote: (_check_quote,),
    ev.FmvAgreed: (_check_fmv_value, _check_fmv_agreed),
    ev.FmvAwarded: (_check_fmv_value, _check_fmv_awarded),
    ev.LiquidationAmount: (),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.Listed: _on_listed,
    ev.Quote: _on_quote,
    ev.FmvAgreed: _on_fmv_agreed,
    ev.FmvAwarded: _on_fmv_awarded,
    ev.LiquidationAmount: _on_liquidation,
}
