"""§1.2 Fair Market Value and the two calendars behind it (trading days vs New York banking days)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import make_book
from warrantbook.core.calendars import add_banking_days, is_banking_day, is_trading_day, previous_trading_day
from warrantbook.core.errors import Refusal
from warrantbook.core.explain import Trace
from warrantbook.core.rules.fmv import fair_market_value
from warrantbook.core.terms import Readings, UnnamedVenueRule


@pytest.mark.parametrize(
    ("day", "trading", "banking", "why"),
    [
        (date(2001, 9, 11), False, True, "NYSE closed after the attacks; banks open"),
        (date(2001, 9, 14), False, True, "NYSE still closed"),
        (date(2007, 1, 2), False, True, "NYSE closed for President Ford's funeral"),
        (date(2012, 10, 29), False, True, "Hurricane Sandy"),
        (date(2012, 10, 30), False, True, "Hurricane Sandy, second day"),
        (date(2005, 10, 10), True, False, "Columbus Day: banks closed, market open"),
        (date(2005, 11, 11), True, False, "Veterans Day: banks closed, market open"),
        (date(2005, 11, 24), False, False, "Thanksgiving"),
        (date(2005, 9, 10), False, False, "a Saturday"),
    ],
)
def test_calendars_are_distinct(day: date, trading: bool, banking: bool, why: str) -> None:
    assert is_trading_day(day) is trading, why
    assert is_banking_day(day) is banking, why


@pytest.mark.parametrize(
    ("determination", "market_day"),
    [
        (date(2006, 3, 20), date(2006, 3, 17)),  # Monday -> the Friday before, never the day itself
        (date(2001, 9, 17), date(2001, 9, 10)),  # §1.2: skips the 2001-09-11..14 closure
        (date(2007, 1, 3), date(2006, 12, 29)),  # skips New Year's Day and the 2007-01-02 closure
        (date(2012, 10, 31), date(2012, 10, 26)),  # skips Sandy
    ],
)
def test_last_trading_day_before_determination(determination: date, market_day: date) -> None:
    assert previous_trading_day(determination) == market_day


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2006, 3, 15), 3, date(2006, 3, 20)),  # Wed -> Mon (weekend skipped)
        (date(2005, 11, 22), 3, date(2005, 11, 28)),  # Thanksgiving skipped, the Friday after is a banking day
        (date(2005, 10, 7), 3, date(2005, 10, 13)),  # Columbus Day skipped: a bank holiday
        (date(2001, 9, 10), 3, date(2001, 9, 13)),  # banks open while NYSE closed: §2.1 counts business days
    ],
)
def test_delivery_deadline_counts_banking_days(start: date, days: int, due: date) -> None:
    assert add_banking_days(start, days) == due


QUOTES = """
- {id: q-thu, on: 2006-03-16, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.020", ask: "0.024"}
- {id: q-fri, on: 2006-03-17, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.021", ask: "0.023"}
- {id: q-mon, on: 2006-03-20, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.030", ask: "0.040"}
"""


def test_otcbb_mean_of_bid_and_ask_of_preceding_day() -> None:
    """§1.2(b): the Friday's bid/ask mean for a Monday determination, not Monday's own quote."""
    state = make_book(QUOTES).state
    trace = Trace()
    fmv = fair_market_value(state.companies["atg"], date(2006, 3, 20), Readings(), trace)
    assert fmv.value == (F("0.021") + F("0.023")) / 2
    assert fmv.clause == "§1.2(b)"
    assert fmv.market_day == date(2006, 3, 17)
    assert trace.steps[-1].clause == "§1.2(b)"


def test_exchange_closing_price() -> None:
    """§1.2(a): closing price of the last trading day before."""
    state = make_book("""
    - {id: l2, on: 2006-01-01, type: listing, actor: company:atg, company: atg, venue: exchange}
    - {id: c1, on: 2006-03-17, type: quote, actor: system, company: atg, venue: exchange, close: "0.25"}
    - {id: c2, on: 2006-03-20, type: quote, actor: system, company: atg, venue: exchange, close: "0.99"}
    """).state
    fmv = fair_market_value(state.companies["atg"], date(2006, 3, 20), Readings())
    assert (fmv.value, fmv.clause) == (F("0.25"), "§1.2(a)")


def test_missing_quote_names_day_and_venue() -> None:
    state = make_book(QUOTES).state
    with pytest.raises(Refusal) as info:
        fair_market_value(state.companies["atg"], date(2006, 3, 16), Readings())
    assert "2006-03-15" in str(info.value) and "otcbb" in str(info.value)
    assert info.value.clause == "§1.2(b)"


def test_not_traded_uses_only_agreed_or_awarded_value() -> None:
    """§1.2(c): no guess; an agreed value, later an arbitration award."""
    extra = """
    - {id: nt, on: 2007-01-01, type: listing, actor: company:atg, company: atg, venue: not-traded}
    """
    state = make_book(extra).state
    with pytest.raises(Refusal) as info:
        fair_market_value(state.companies["atg"], date(2007, 2, 1), Readings())
    assert info.value.clause == "§1.2(c)"
    state = make_book(extra + """
    - {id: agreed, on: 2007-01-15, type: fmv-agreement, actor: company:atg, company: atg, value: "0.004", agreed_by: [holder:gssf, company:atg]}
    - {id: award, on: 2007-03-01, type: fmv-award, actor: arbitrator:aaa, company: atg, value: "0.005", arbitrator: J. Doe, case: "AAA 13-1"}
    """).state
    assert fair_market_value(state.companies["atg"], date(2007, 2, 1), Readings(), holder="gssf").value == F("0.004")
    assert fair_market_value(state.companies["atg"], date(2007, 3, 2), Readings(), holder="gssf").value == F("0.005")


def test_pink_sheets_follow_the_named_reading() -> None:
    extra = """
    - {id: pink, on: 2007-01-01, type: listing, actor: company:atg, company: atg, venue: pink}
    - {id: pq, on: 2007-01-05, type: quote, actor: system, company: atg, venue: pink, bid: "0.01", ask: "0.02"}
    """
    state = make_book(extra).state
    assert fair_market_value(state.companies["atg"], date(2007, 1, 8), Readings()).value == F("0.015")
    with pytest.raises(Refusal):
        fair_market_value(state.companies["atg"], date(2007, 1, 8), Readings(unnamed_venue=UnnamedVenueRule.AS_NOT_TRADED))


def test_liquidation_counts_option_shares_as_outstanding() -> None:
    """§1.2(d): amount payable to common / (outstanding + option shares issuable)."""
    state = make_book("""
    - {id: liq, on: 2008-06-30, type: liquidation, actor: company:atg, company: atg, amount: "13402500"}
    """).state
    fmv = fair_market_value(state.companies["atg"], date(2008, 6, 30), Readings(), option_shares=F(140_250_000))
    assert fmv.value == F(13_402_500) / (1_200_000_000 + 140_250_000)
    assert fmv.clause == "§1.2(d)"
