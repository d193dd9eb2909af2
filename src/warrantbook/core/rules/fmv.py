"""§1.2 Fair Market Value of one share on a Determination Date.

(a) exchange or Nasdaq: the closing (exchange) or last sale (Nasdaq) price of the last trading day before
    the Determination Date; (b) OTC Bulletin Board: the mean of the closing bid and ask of that day;
(c) not publicly traded: only a value the holder and the company agreed, or an arbitrator awarded; never a
    guess; (d) on a liquidation date: the per-share amount payable to common, counting the option's shares
    as outstanding. The last market day is an NYSE trading day, which is not always a bank's business day
    (docs/interpretations.md). Venues the seed does not name follow `Readings.unnamed_venue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Protocol

from warrantbook.core.calendars import previous_trading_day
from warrantbook.core.errors import Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.terms import Readings, UnnamedVenueRule, Venue


class QuoteLike(Protocol):
    @property
    def close(self) -> Fraction | None: ...
    @property
    def bid(self) -> Fraction | None: ...
    @property
    def ask(self) -> Fraction | None: ...


class Market(Protocol):
    """What the FMV rule needs to know about one issuer's stock; the state supplies it."""

    @property
    def name(self) -> str: ...

    def venue_on(self, day: date) -> Venue | None: ...
    def quote(self, venue: Venue, day: date) -> QuoteLike | None: ...
    def agreed_fmv(self, day: date) -> tuple[Fraction, str] | None: ...
    def liquidation_total(self, day: date) -> tuple[Fraction, str] | None: ...
    def outstanding_on(self, day: date) -> Fraction | None: ...


@dataclass(frozen=True, slots=True)
class Fmv:
    value: Fraction
    clause: str
    source: str
    market_day: date | None = None


def fair_market_value(market: Market, determination_date: date, readings: Readings, trace: Trace | None = None,
                      *, option_shares: Fraction = Fraction(0)) -> Fmv:
    """The FMV of one share of `market`'s stock; a Refusal naming the day and venue when it cannot be known."""
    liquidation = market.liquidation_total(determination_date)
    if liquidation is not None:
        total, source = liquidation
        outstanding = market.outstanding_on(determination_date)
        if outstanding is None:
            raise Refusal("§1.2(d)", f"no shares-outstanding fact for {market.name} on {determination_date}: the liquidation FMV needs it",
                          field="outstanding")
        per_share = total / (outstanding + option_shares)
        record(trace, "§1.2(d)", "FMV on a liquidation date", "amount payable to common / (outstanding + option shares issuable)",
               per_share, amount=total, outstanding=outstanding, option_shares=option_shares)
        return Fmv(per_share, "§1.2(d)", source or "liquidation amount", determination_date)

    venue = market.venue_on(determination_date)
    if venue is None:
        raise Refusal("§1.2", f"no listing recorded for {market.name} on {determination_date}: record where the stock trades "
                      "(exchange, nasdaq, otcbb, pink or not-traded)", field="listing")
    if venue is Venue.PINK and readings.unnamed_venue is UnnamedVenueRule.AS_NOT_TRADED:
        record(trace, "§1.2", "venue not named by the agreement", "reading: unnamed venue as not traded", "not-traded")
        venue_rule = Venue.NOT_TRADED
    else:
        venue_rule = venue

    if venue_rule is Venue.NOT_TRADED:
        agreed = market.agreed_fmv(determination_date)
        if agreed is None:
            raise Refusal("§1.2(c)", f"{market.name} stock is not publicly traded and no FMV has been agreed or awarded "
                          f"on or before {determination_date}: a cashless exercise waits; a cash exercise may proceed",
                          field="fair_market_value")
        value, source = agreed
        record(trace, "§1.2(c)", "FMV agreed or awarded (stock not publicly traded)", "value as agreed or awarded", value, source=source)
        return Fmv(value, "§1.2(c)", source)

    day = previous_trading_day(determination_date)
    quote = market.quote(venue, day)
    clause = "§1.2(a)" if venue_rule in (Venue.EXCHANGE, Venue.NASDAQ) else "§1.2(b)"
    if quote is None:
        raise Refusal(clause, f"no {venue.value} quote for {market.name} on {day} (the last trading day before the "
                      f"determination date {determination_date})", field="quote")
    if venue_rule in (Venue.EXCHANGE, Venue.NASDAQ):
        if quote.close is None:
            raise Refusal(clause, f"the {venue.value} quote for {day} has no closing or last sale price", field="close")
        label = "closing price" if venue_rule is Venue.EXCHANGE else "last sale price"
        record(trace, clause, f"FMV: {label} on the last trading day before the determination date",
               f"{label} on {day}", quote.close, determination_date=determination_date, market_day=day)
        return Fmv(quote.close, clause, f"{venue.value} {label} {day.isoformat()}", day)
    if quote.bid is None or quote.ask is None:
        raise Refusal(clause, f"the {venue.value} quote for {day} lacks a closing bid or ask", field="bid" if quote.bid is None else "ask")
    mean = (quote.bid + quote.ask) / 2
    rule_note = " (reading: unnamed venue as the bulletin board)" if venue is Venue.PINK else ""
    record(trace, clause, f"FMV: mean of closing bid and ask on the last trading day before the determination date{rule_note}",
           "(bid + ask) / 2", mean, bid=quote.bid, ask=quote.ask, market_day=day, determination_date=determination_date)
    return Fmv(mean, clause, f"{venue.value} bid/ask mean {day.isoformat()}", day)
