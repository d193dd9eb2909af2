# float-ok: whole module (valuation inputs become floats for the pricing models; the ledger keeps them exact)
"""Valuation inputs of a measurement date, found in the ledger alone (docs/close.md, "Inputs").

- Share price: the §1.2 price as of the close of the measurement date, i.e. the core's fair-market-value
  rule with the next day as the Determination Date (the last trading day on or before the measurement
  date: closing or last sale price on an exchange or Nasdaq, the bid/ask mean on the bulletin board, an
  agreed or awarded value when not traded). Only where §1.2 gives no price does a recorded
  `share_price` serve, and the pack says so.
- Volatility, rate, dividend yield and term assumption: the latest `valuation-input` event of the company
  on or before the measurement date (a corrected one does not count). A volatility window is computed
  from the recorded §1.2 prices by the named method.
- Term: the option's stated Expiration Date, or else the recorded assumption read as an assumed
  expiration (input date + term), so the remaining term shortens from one period to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.rules.fmv import fair_market_value
from warrantbook.core.state import BookState, CompanyState, OptionState
from warrantbook.core.terms import Readings, Venue

DAYS_A_YEAR = 365  # ACT/365 fixed, as in the workbook
TRADING_DAYS_A_YEAR = 252


@dataclass(frozen=True, slots=True)
class Inputs:
    company: str
    measured_on: date
    price: Fraction
    price_day: date | None
    price_clause: str
    price_source: str
    volatility: float  # float-ok (valuation)
    volatility_source: str
    rate: float  # float-ok (valuation)
    dividend_yield: float  # float-ok (valuation)
    input_id: str
    input_on: date
    input_source: str
    term_years: Fraction | None  # the recorded assumption, if any
    flags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"company": self.company, "measured_on": self.measured_on.isoformat(), "price": str(float(self.price)),  # float-ok (valuation)
                "price_exact": f"{self.price.numerator}/{self.price.denominator}" if self.price.denominator != 1 else str(self.price),
                "price_day": self.price_day.isoformat() if self.price_day else None, "price_clause": self.price_clause,
                "price_source": self.price_source, "volatility": self.volatility, "volatility_source": self.volatility_source,
                "rate": self.rate, "dividend_yield": self.dividend_yield, "valuation_input": self.input_id,
                "valuation_input_on": self.input_on.isoformat(), "valuation_input_source": self.input_source,
                "term_assumption_years": float(self.term_years) if self.term_years is not None else None, "flags": list(self.flags)}  # float-ok (valuation)


@dataclass(frozen=True, slots=True)
class Term:
    years: float  # float-ok (valuation)
    expiration: date
    basis: str  # "stated" or "assumed"
    source: str


def latest_input(state: BookState, company: str, day: date) -> ev.ValuationInput:
    found: ev.ValuationInput | None = None
    for e in state.events:
        if isinstance(e, ev.ValuationInput) and e.company == company and e.on <= day and e.id not in state.corrections:
            found = e  # state.events is in the one order, so the last one seen is the latest
    if found is None:
        raise BadInput(f"valuation-input: no valuation inputs recorded for {company!r} on or before {day}; record them with "
                       "'warrantbook valuation-input'", field="valuation-input")
    return found


def price_series(market: CompanyState, until: date) -> list[tuple[date, Fraction]]:
    """The recorded §1.2 price of each day on or before `until` that has a quote on the venue of that day."""
    out = []
    for (venue, day), q in market.quotes.items():
        if day > until or market.venue_on(day) is not venue:
            continue
        if venue in (Venue.EXCHANGE, Venue.NASDAQ):
            if q.close is not None:
                out.append((day, q.close))
        elif q.bid is not None and q.ask is not None:
            out.append((day, (q.bid + q.ask) / 2))
    out.sort()
    return out


def historical_volatility(series: list[tuple[date, Fraction]], window: int, method: str) -> tuple[float, str]:
    """Volatility over the last `window` daily returns of a price series, by `method` (ev.VOLATILITY_METHODS)."""
    if method != "log-returns":
        raise BadInput(f"volatility_method: {method!r} is not a known method", field="volatility_method")
    if len(series) < window + 1:
        raise BadInput(f"volatility_window: {window} returns need {window + 1} recorded prices; only {len(series)} are recorded "
                       f"on or before {series[-1][0] if series else 'then'}", field="volatility_window")
    used = series[-(window + 1):]
    logs = [math.log(p.numerator / p.denominator) for _, p in used]
    returns = [b - a for a, b in zip(logs, logs[1:])]
    mean = sum(returns) / len(returns)
    variance = sum((x - mean) ** 2 for x in returns) / (len(returns) - 1)
    vol = math.sqrt(variance) * math.sqrt(TRADING_DAYS_A_YEAR)
    text = (f"{ev.VOLATILITY_METHODS[method]}: {window} returns of the recorded prices from {used[0][0]} to {used[-1][0]}")
    return vol, text


def resolve(state: BookState, company: str, day: date, readings: Readings | None = None) -> Inputs:
    """Every input of a measurement date, each with where it came from."""
    market = state.companies.get(company)
    if market is None:
        raise BadInput(f"company: no company {company!r}", field="company")
    chosen = latest_input(state, company, day)
    flags: list[str] = []
    try:
        fmv = fair_market_value(market, day + timedelta(days=1), readings or Readings())
        price, price_day, clause, source = fmv.value, fmv.market_day, fmv.clause, fmv.source
        if chosen.share_price is not None and chosen.share_price != price:
            flags.append(f"the share price recorded in {chosen.id} is not used: §1.2 gives {float(price):.6g} for {day}")  # float-ok (valuation)
    except Refusal as exc:
        if chosen.share_price is None:
            raise BadInput(f"share_price: §1.2 gives no price for {company} on {day} ({exc.reason}); record quotes, or a "
                           "share price with its source in a valuation-input", field="share_price") from None
        price, price_day, clause, source = chosen.share_price, None, "issuer's estimate", f"{chosen.id}: {chosen.source}"
        flags.append(f"no §1.2 price for {day} ({exc.reason}): the issuer's share price from {chosen.id} is used (a Level 3 input)")
    if chosen.volatility is not None:
        vol, vol_source = float(chosen.volatility), f"given in {chosen.id} ({chosen.source})"  # float-ok (valuation)
    else:
        assert chosen.volatility_window is not None
        vol, vol_source = historical_volatility(price_series(market, day), chosen.volatility_window, chosen.volatility_method)
    return Inputs(company=company, measured_on=day, price=price, price_day=price_day, price_clause=clause, price_source=source,
                  volatility=vol, volatility_source=vol_source, rate=float(chosen.rate), dividend_yield=float(chosen.dividend_yield),  # float-ok (valuation)
                  input_id=chosen.id, input_on=chosen.on, input_source=chosen.source, term_years=chosen.term_years, flags=tuple(flags))


def term_of(option: OptionState, inputs: Inputs) -> Term:
    """The remaining term of an option at the measurement date (§1.1: stated, else the recorded assumption)."""
    stated = option.terms.expiration.on
    if stated is not None:
        exp, basis, source = stated, "stated", option.terms.expiration.source or "stated in the terms"
    elif inputs.term_years is not None:
        exp = inputs.input_on + timedelta(days=round(inputs.term_years * DAYS_A_YEAR))
        basis = "assumed"
        source = (f"the agreement states no Expiration Date (§1.1): issuer's assumption of {float(inputs.term_years):g} years "  # float-ok (valuation)
                  f"from {inputs.input_on} in {inputs.input_id}")
    else:
        raise BadInput(f"term_years: option {option.option_no} has no stated Expiration Date (§1.1) and {inputs.input_id} records no "
                       "term assumption; record one with --term-years", field="term_years", clause="§1.1")
    days = max((exp - inputs.measured_on).days, 0)
    return Term(days / DAYS_A_YEAR, exp, basis, source)
