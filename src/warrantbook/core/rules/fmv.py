"""§1.2 Fair Market Value of one share on a Determination Date.

(a) exchange or Nasdaq: the closing (exchange) or last sale (Nasdaq) price of the last trading day before
    the Determination Date; (b) OTC Bulletin Board: the mean of the closing bid and ask of that day;
(c) not publicly traded: only a value the holder and the company agreed, or an arbitrator awarded; never a
    guess; (d) on a liquidation date: the per-share amount payable to common, counting the option's shares
    as outstanding. The last market day is an NYSE trading day, which is not always a bank's business day
    (docs/interpretations.md). Venues the seed does not name follow `Readings.unnamed_venue`.

Nothing reported for that day (`Readings.missing_quote`): the last trading day with the figure, within
`Readings.quote_lookback` trading days (default), or as not publicly traded (§1.2(c)). An agreed value binds
only the holders that agreed to it (`holder`); an award binds every holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Protocol

from warrantbook.core.arith import add, div
from warrantbook.core.calendars import previous_trading_day
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.terms import MissingQuoteRule, Readings, UnnamedVenueRule, Venue

_TWO = Fraction(2)

MAX_QUOTE_LOOKBACK = 30  # trading days: a bound on Readings.quote_lookback


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
    def agreed_fmv(self, day: date, holder: str = "") -> tuple[Fraction, str] | None: ...
    def liquidation_total(self, day: date) -> tuple[Fraction, str] | None: ...
    def outstanding_on(self, day: date) -> Fraction | None: ...


@dataclass(frozen=True, slots=True)
class Fmv:
    value: Fraction
    clause: str
    source: str
    market_day: date | None = None


def fair_market_value(market: Market, determination_date: date, readings: Readings, trace: Trace | None = None,
                      *, option_shares: Fraction = Fraction(0), holder: str = "") -> Fmv:
    """The FMV of one share of `market`'s stock for `holder`'s option; a Refusal naming the day and venue when it
    cannot be known. `option_shares`: every share issuable under the original option (§1.2(d))."""
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
        return _agreed(market, determination_date, holder, trace)

    exchange = venue_rule in (Venue.EXCHANGE, Venue.NASDAQ)
    clause = "§1.2(a)" if exchange else "§1.2(b)"
    first = previous_trading_day(determination_date)
    day, quote = _reported(market, venue, first, exchange, readings)
    if quote is None:
        if readings.missing_quote is MissingQuoteRule.AS_NOT_TRADED:
            record(trace, clause, f"nothing reported on {first}", "reading: as not publicly traded, §1.2(c)", "not-traded")
            return _agreed(market, determination_date, holder, trace, why=f"nothing was reported on {venue.value} for {first}")
        looked = f" nor on the {readings.quote_lookback} trading days before it (reading: last quoted day)" if readings.quote_lookback else ""
        raise Refusal(clause, f"no {venue.value} {'closing or last sale price' if exchange else 'closing bid and ask'} for "
                      f"{market.name} on {first} (the last trading day before the determination date {determination_date}){looked}",
                      field="quote")
    stale = f" (reading: nothing reported on {first}; the last quoted day within {readings.quote_lookback} trading days)" if day != first else ""
    if exchange:
        assert quote.close is not None
        label = "closing price" if venue_rule is Venue.EXCHANGE else "last sale price"
        record(trace, clause, f"FMV: {label} on the last trading day before the determination date{stale}",
               f"{label} on {day}", quote.close, determination_date=determination_date, market_day=day)
        return Fmv(quote.close, clause, f"{venue.value} {label} {day.isoformat()}", day)
    assert quote.bid is not None and quote.ask is not None
    mean = div(add(quote.bid, quote.ask), _TWO)  # (bid + ask) / 2 (core.arith: every FMV on the board)
    if trace is not None:  # the derivation, when someone listens
        rule_note = " (reading: unnamed venue as the bulletin board)" if venue is Venue.PINK else ""
        record(trace, clause, f"FMV: mean of closing bid and ask on the last trading day before the determination date{rule_note}{stale}",
               "(bid + ask) / 2", mean, bid=quote.bid, ask=quote.ask, market_day=day, determination_date=determination_date)
    return Fmv(mean, clause, f"{venue.value} bid/ask mean {day.isoformat()}", day)


def _has_figure(quote: QuoteLike | None, exchange: bool) -> bool:
    if quote is None:
        return False
    return quote.close is not None if exchange else (quote.bid is not None and quote.ask is not None)


def _reported(market: Market, venue: Venue, first: date, exchange: bool, readings: Readings) -> tuple[date, QuoteLike | None]:
    """The trading day whose figure counts and its quote: `first`, or under LAST_QUOTED the latest earlier trading
    day with the figure within the look-back. (first, None) when there is none."""
    lookback = readings.quote_lookback
    if not 0 <= lookback <= MAX_QUOTE_LOOKBACK:
        raise BadInput(f"readings.quote_lookback: {lookback} is not between 0 and {MAX_QUOTE_LOOKBACK} trading days",
                       field="readings.quote_lookback", clause="§1.2")
    quote = market.quote(venue, first)
    if _has_figure(quote, exchange):
        return first, quote
    if readings.missing_quote is not MissingQuoteRule.LAST_QUOTED:
        return first, None
    day = first
    for _ in range(lookback):
        day = previous_trading_day(day)
        quote = market.quote(venue, day)
        if _has_figure(quote, exchange):
            return day, quote
    return first, None


def _agreed(market: Market, determination_date: date, holder: str, trace: Trace | None, why: str = "") -> Fmv:
    agreed = market.agreed_fmv(determination_date, holder)
    if agreed is None:
        reason = why or f"{market.name} stock is not publicly traded"
        raise Refusal("§1.2(c)", f"{reason} and no FMV binding {holder or 'this holder'} has been agreed or awarded "
                      f"on or before {determination_date}: a cashless exercise waits; a cash exercise may proceed",
                      field="fair_market_value")
    value, source = agreed
    record(trace, "§1.2(c)", "FMV agreed or awarded (stock not publicly traded)", "value as agreed or awarded", value, source=source)
    return Fmv(value, "§1.2(c)", source)
