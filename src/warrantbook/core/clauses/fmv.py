"""§1.2 Fair Market Value: the market facts it is read from (listing, quotes, agreed or awarded values, liquidation).
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import fmt
from warrantbook.core.state import (
    BookState,
    _company,
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


def _on_fmv_agreed(state: BookState, e: ev.FmvAgreed) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"agreed by {', '.join(e.agreed_by) or 'the parties'} on {e.on}"))


def _on_fmv_awarded(state: BookState, e: ev.FmvAwarded) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"arbitration award {e.case} ({e.arbitrator}) on {e.on}".replace(" ()", "")))


def _on_liquidation(state: BookState, e: ev.LiquidationAmount) -> None:
    _company(state, e.company).liquidations[e.on] = (e.amount, e.source)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.Listed: (),
    ev.Quote: (_check_quote,),
    ev.FmvAgreed: (_check_fmv_value,),
    ev.FmvAwarded: (_check_fmv_value,),
    ev.LiquidationAmount: (),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.Listed: _on_listed,
    ev.Quote: _on_quote,
    ev.FmvAgreed: _on_fmv_agreed,
    ev.FmvAwarded: _on_fmv_awarded,
    ev.LiquidationAmount: _on_liquidation,
}
