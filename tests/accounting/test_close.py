"""The quarter close on tiny inline books: inputs, ASC 815-40 classification, Level 3, activity, EPS.

Expected figures are worked independently (numpy on the quote list, Black-Scholes called directly with the
inputs, share counts by hand), never read back from the pack.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction as F

import numpy as np
import pytest

from tests.accounting.books import VALUATION, quotes, seed_close_book
from tests.conftest import make_book
from warrantbook.accounting.classification import Sequencing, classify
from warrantbook.accounting.close import build_close, cents
from warrantbook.accounting.eps import is_penny, tsm_increment
from warrantbook.accounting.inputs import resolve
from warrantbook.accounting.pricing import bs_call
from warrantbook.core.decide import decide, exercise_quote
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.events import ValuationInput
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.state import fold
from warrantbook.core.terms import PaymentMethod

END = date(2006, 3, 31)
PRIOR = date(2005, 12, 31)

# ATG-2: a $0.01 warrant (not penny at ~$0.02) issued 2006-01-16 with no cap; a financing on 2006-02-15 takes shares
# outstanding to 1.7 billion (300 million authorized and unissued < 140.25 + 200 million needed); the charter is
# amended on 2006-03-10 to 3 billion authorized.
SHORTFALL = """\
- {id: other-2, on: 2006-01-16, type: issue, actor: company:atg, option_no: ATG-2, holder: other,
   terms: {company: atg, issue_date: 2006-01-16, cap: null, tranches: [{shares: 200000000, exercise_price: "0.01"}]}}
- {id: out-financing, on: 2006-02-15, type: outstanding, actor: company:atg, company: atg, shares: 1700000000}
"""
CHARTER = "- {id: auth-2006, on: 2006-03-10, type: authorized, actor: company:atg, company: atg, shares: 3000000000}"


def vi(**fields: object) -> ValuationInput:
    base: dict[str, object] = dict(id="vi-x", on=date(2006, 1, 3), actor="company:atg", company="atg", rate=F("0.04"), source="test",
                                   volatility=F("0.9"))
    base.update(fields)
    return ValuationInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "error", "field"), [
    (dict(company="nope"), BadInput, "company"),
    (dict(actor="holder:gssf"), Refusal, "actor"),
    (dict(actor="company:other-co"), Refusal, "actor"),
    (dict(source="  "), BadInput, "source"),
    (dict(volatility=None), BadInput, "volatility"),  # neither a volatility nor a window
    (dict(volatility_window=20), BadInput, "volatility"),  # both
    (dict(volatility=F(0)), BadInput, "volatility"),
    (dict(volatility=F(11)), BadInput, "volatility"),
    (dict(volatility=None, volatility_window=1), BadInput, "volatility_window"),
    (dict(volatility=None, volatility_window=20, volatility_method="garch"), BadInput, "volatility_method"),
    (dict(rate=F("0.6")), BadInput, "rate"),
    (dict(rate=F("-0.2")), BadInput, "rate"),
    (dict(dividend_yield=F("-0.01")), BadInput, "dividend_yield"),
    (dict(term_years=F(0)), BadInput, "term_years"),
    (dict(term_years=F(51)), BadInput, "term_years"),
    (dict(share_price=F(0)), BadInput, "share_price"),
])
def test_valuation_input_refusals(fields: dict[str, object], error: type[Exception], field: str) -> None:
    """Every refusal branch of the valuation-input check, one row each, naming its field."""
    state = make_book().state
    with pytest.raises(error) as info:
        decide(state, vi(**fields))
    assert getattr(info.value, "field", None) == field


def test_valuation_input_accepted_and_kept_out_of_option_state() -> None:
    state = make_book().state
    decided = decide(state, vi(term_years=F(5)))
    assert decided == [vi(term_years=F(5))]


def test_inputs_from_the_ledger_alone() -> None:
    """Price: the §1.2 bid/ask mean of 2006-03-31; volatility: 20 log returns of the recorded means, sample sd x sqrt(252)."""
    book = seed_close_book()
    state = fold(list(book.events), END)
    inputs = resolve(state, "atg", END)
    q = state.companies["atg"].quotes
    mids = sorted((d, (x.bid + x.ask) / 2) for (_v, d), x in q.items() if d <= END)
    assert inputs.price == mids[-1][1] and inputs.price_day == END and inputs.price_clause == "§1.2(b)"
    logs = np.log([float(p) for _, p in mids[-21:]])
    assert inputs.volatility == pytest.approx(float(np.std(np.diff(logs), ddof=1) * math.sqrt(252)), rel=1e-12)
    assert (inputs.rate, inputs.input_id) == (0.0435, "vi-1")


def test_price_on_a_weekend_period_end_is_the_last_trading_day() -> None:
    """2006-04-01 is a Saturday: the §1.2 price is Friday 2006-03-31's."""
    state = fold(list(seed_close_book().events), date(2006, 4, 1))
    assert resolve(state, "atg", date(2006, 4, 1)).price_day == date(2006, 3, 31)


def test_missing_inputs_are_named() -> None:
    book = make_book(quotes(date(2005, 11, 1), date(2006, 3, 31)))
    with pytest.raises(BadInput) as info:
        build_close(list(book.events), "atg", END)
    assert info.value.field == "valuation-input"
    book = make_book(quotes(date(2005, 11, 1), date(2006, 3, 31)), VALUATION.replace("term_years: 5,", ""))
    with pytest.raises(BadInput) as info:
        build_close(list(book.events), "atg", END)
    assert info.value.field == "term_years" and info.value.clause == "§1.1"
    book = make_book(quotes(date(2006, 3, 20), date(2006, 3, 31)), VALUATION)
    with pytest.raises(BadInput) as info:
        build_close(list(book.events), "atg", END)
    assert info.value.field == "volatility_window"


def test_seed_option_is_equity_and_valued_by_black_scholes() -> None:
    pack = build_close(list(seed_close_book().events), "atg", END, PRIOR)
    (row,) = pack.closing
    assert pack.classes["ATG-1"].classification == "equity"
    i = pack.inputs
    T = (date(2010, 12, 29) - END).days / 365  # 5 years from 2005-12-30, ACT/365
    assert row.T == pytest.approx(T)
    expected = 140_250_000 * bs_call(float(i.price), 0.00001, T, 0.0435, i.volatility)
    assert row.fair_value == pytest.approx(expected, rel=1e-12)
    assert row.booked == cents(expected)
    assert any("states no Expiration Date" in f for f in pack.flags)
    assert pack.level3["closing"] == 0 and not pack.reclassified
    for c in pack.classes["ATG-1"].conditions:
        assert c.verdict == "meets" and c.clause


@pytest.mark.parametrize(("sequencing", "liability"), [(Sequencing.LATEST_FIRST, "ATG-2"), (Sequencing.EARLIEST_FIRST, "ATG-1")])
def test_insufficient_authorized_shares_sequencing(sequencing: Sequencing, liability: str) -> None:
    """ASC 815-40-35-12: 300,000,000 available covers one option, not both; the method decides which is reclassified."""
    state = fold(list(seed_close_book(SHORTFALL).events), date(2006, 2, 28))
    classes = classify(state, "atg", date(2006, 2, 28), sequencing)
    assert {no: c.classification for no, c in classes.items()} == {"ATG-1": "equity" if liability == "ATG-2" else "liability",
                                                                  "ATG-2": "equity" if liability == "ATG-1" else "liability"}
    failing = [c for c in classes[liability].conditions if c.verdict == "fails"]
    assert [c.clause for c in failing] == ["§6"] and "300,000,000 authorized and unissued" in failing[0].why


def test_reclassification_dates_and_level3_roll_forward() -> None:
    """ATG-2 becomes a liability on 2006-02-15 (ASC 815-40-35-8) and equity again on 2006-03-10; the Level 3 table ties."""
    book = seed_close_book(SHORTFALL, CHARTER)
    pack = build_close(list(book.events), "atg", END, PRIOR)
    assert [(r["option"], r["on"], r["to"]) for r in pack.reclassified] == [("ATG-2", "2006-02-15", "liability"), ("ATG-2", "2006-03-10", "equity")]
    state = fold(list(book.events), date(2006, 2, 15))
    i = resolve(state, "atg", date(2006, 2, 15))
    T = (date(2010, 12, 29) - date(2006, 2, 15)).days / 365
    into = cents(200_000_000 * bs_call(float(i.price), 0.01, T, i.rate, i.volatility))
    state = fold(list(book.events), date(2006, 3, 10))
    i = resolve(state, "atg", date(2006, 3, 10))
    T = (date(2010, 12, 29) - date(2006, 3, 10)).days / 365
    out = cents(200_000_000 * bs_call(float(i.price), 0.01, T, i.rate, i.volatility))
    L = pack.level3
    assert (L["opening"], L["reclassified_in"], L["reclassified_out"], L["closing"]) == (0, into, out, 0)
    assert L["change_in_fair_value"] == out - into
    assert L["opening"] + L["issued"] + L["reclassified_in"] - L["exercised"] - L["reclassified_out"] - L["expired"] + L["change_in_fair_value"] == L["closing"]


def test_level3_with_an_exercise_of_a_liability_warrant() -> None:
    """ATG-2 stays a liability to the period end; 20,000,000 of it is exercised cashless on 2006-03-20 (surrendered that day)."""
    exercise = """\
- {id: n-2, on: 2006-03-20, type: exercise-notice, actor: holder:other, option_no: ATG-2, shares: 20000000, method: cashless}
- {id: s-2, on: 2006-03-20, type: surrender, actor: company:atg, option_no: ATG-2, notice: n-2}
"""
    book = seed_close_book(SHORTFALL, exercise)
    pack = build_close(list(book.events), "atg", END, PRIOR)
    L = pack.level3
    state = fold(list(book.events), date(2006, 3, 20))
    i = resolve(state, "atg", date(2006, 3, 20))
    T = (date(2010, 12, 29) - date(2006, 3, 20)).days / 365
    assert L["exercised"] == cents(20_000_000 * bs_call(float(i.price), 0.01, T, i.rate, i.volatility))
    closing = [r for r in pack.closing if r.option_no == "ATG-2"]
    assert closing[0].shares == 180_000_000 and L["closing"] == closing[0].booked
    assert L["opening"] + L["reclassified_in"] - L["exercised"] + L["change_in_fair_value"] == L["closing"]
    act = pack.activity
    assert act["exercised"]["shares"] == "20000000" and act["ties"]
    assert act["outstanding_end"]["shares"] == str(140_250_000 + 180_000_000)
    assert L["change_in_fair_value"] != 0


def test_activity_with_a_split_and_an_exercise() -> None:
    """The seed's own life in Q1 2006: a 2-for-1 split (§4) on 2006-01-10, and an exercise; computed per instrument, it ties."""
    split = """\
- {id: split, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000,
   outstanding_after: 2400000000}
- {id: auth-split, on: 2006-01-10, type: authorized, actor: company:atg, company: atg, shares: 4000000000}
- {id: n-1, on: 2006-03-14, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 50000000, method: cashless}
- {id: s-1, on: 2006-03-15, type: surrender, actor: company:atg, option_no: ATG-1, notice: n-1}
"""
    pack = build_close(list(seed_close_book(split).events), "atg", END, PRIOR)
    a = pack.activity
    assert a["outstanding_start"]["shares"] == "140250000"
    assert a["outstanding_start"]["weighted_average_exercise_price"] == pytest.approx(0.00001)  # before the split
    assert a["exercised"]["weighted_average_exercise_price"] == pytest.approx(0.000005)  # after it
    assert a["adjusted_for_stock_events"]["shares"] == "140250000"
    assert a["exercised"]["shares"] == "50000000"
    assert a["outstanding_end"]["shares"] == "230500000"
    assert a["outstanding_end"]["weighted_average_exercise_price"] == pytest.approx(0.000005)
    S = pack.inputs.price
    assert a["outstanding_end"]["intrinsic_value"] == pytest.approx(float(230_500_000 * (S - F(1, 200_000))))
    assert a["ties"]
    # EPS: the split restates every day before it (ASC 260-10-55-12); the penny warrant counts in basic all period
    eps = pack.eps
    assert F(eps["weighted_average_outstanding"]) > 2_400_000_000
    assert F(eps["penny_warrants_in_basic"]["ATG-1"]) == (F(280_500_000) * 73 + F(230_500_000) * 17) / 90


def test_tsm_increment_equals_the_cashless_x_of_section_2_2_b() -> None:
    """ASC 260's treasury-stock increment at price A is §2.2(b)'s X = Y(A - B)/A, computed by the core's exercise rule."""
    state = make_book().state
    for A in ("0.0222", "0.05", "0.00002", "1.5"):
        for Y in (1_000_000, 140_250_000, 7):
            result = exercise_quote(state, "ATG-1", ExerciseRequest(F(Y), PaymentMethod.CASHLESS), date(2006, 3, 15), fmv=F(A),
                                    outstanding=F(10**12), owned=F(0))
            assert tsm_increment(F(Y), F("0.00001"), F(A)) == result.shares_issued
    assert tsm_increment(F(100), F("0.05"), F("0.04")) == 0  # out of the money: nothing added


def test_penny_threshold() -> None:
    assert is_penny(F("0.00001"), F("0.02"))
    assert not is_penny(F("0.01"), F("0.02"))
    assert is_penny(F("0.0002"), F("0.02")) and not is_penny(F("0.00021"), F("0.02"))


def test_eps_penny_from_issue_tsm_and_anti_dilution() -> None:
    """ATG-3, a penny warrant issued 2006-02-01, counts in basic for its 59 days of the 90; ATG-2 ($0.01) by the TSM."""
    penny = """\
- {id: other-3, on: 2006-02-01, type: issue, actor: company:atg, option_no: ATG-3, holder: other,
   terms: {company: atg, issue_date: 2006-02-01, cap: null, tranches: [{shares: 9000000, exercise_price: "0.00001"}]}}
"""
    events = list(seed_close_book(SHORTFALL.split("\n- {id: out-financing")[0] + "\n", penny).events)
    pack = build_close(events, "atg", END, PRIOR, net_income=Decimal("1000000"))
    e = pack.eps
    assert F(e["penny_warrants_in_basic"]["ATG-3"]) == F(9_000_000) * 59 / 90
    assert F(e["penny_warrants_in_basic"]["ATG-1"]) == 140_250_000
    assert F(e["weighted_average_outstanding"]) == 1_200_000_000
    A = F(e["average_price_exact"])
    n2 = F(200_000_000) * 75 / 90  # ATG-2 from 2006-01-16
    assert F(e["incremental_shares"]) == n2 * (A - F("0.01")) / A
    basic = F(1_200_000_000) + 140_250_000 + F(9_000_000) * 59 / 90
    assert F(e["basic_shares"]) == basic
    assert e["dilution"] == "dilutive" and F(e["diluted_shares"]) == basic + F(e["incremental_shares"])
    loss = build_close(events, "atg", END, PRIOR, net_income=Decimal("-1000000")).eps
    assert loss["diluted_eps"] == loss["basic_eps"] and "anti-dilutive" in loss["dilution"] and loss["diluted_shares"] == loss["basic_shares"]


def test_monte_carlo_check_recorded_with_seed_and_error() -> None:
    pack = build_close(list(seed_close_book().events), "atg", END, PRIOR, mc_paths=20_000, mc_seed=99)
    (mc,) = pack.monte_carlo
    assert (mc["paths"], mc["seed"]) == (20_000, 99) and mc["standard_error"] > 0 and mc["within_4_standard_errors"]


def test_a_shortfall_is_not_skipped_over() -> None:
    """ASC 815-40-35-12, latest-first: 100,000,000 available cannot cover ATG-1 (140,250,000), so ATG-1 is reclassified and so is
    ATG-2 after it, although ATG-2 alone (50,000,000) would fit: the sequence reclassifies from the latest until the rest fit."""
    small = SHORTFALL.replace("shares: 200000000", "shares: 50000000").replace("shares: 1700000000", "shares: 1900000000")
    state = fold(list(seed_close_book(small).events), date(2006, 2, 28))
    classes = classify(state, "atg", date(2006, 2, 28))
    assert {no: c.classification for no, c in classes.items()} == {"ATG-1": "liability", "ATG-2": "liability"}
    assert "already lacks shares" in next(c.why for c in classes["ATG-2"].conditions if c.verdict == "fails")
    earliest = classify(state, "atg", date(2006, 2, 28), Sequencing.EARLIEST_FIRST)
    assert {no: c.classification for no, c in earliest.items()} == {"ATG-1": "liability", "ATG-2": "equity"}


BETA = """\
- {id: beta, on: 2005-11-01, type: company, actor: company:beta, company: {id: beta, name: "Beta Corp.", state: Delaware}}
- {id: beta-listing, on: 2005-12-01, type: listing, actor: company:beta, company: beta, venue: otcbb}
- {id: beta-out, on: 2005-12-01, type: outstanding, actor: company:beta, company: beta, shares: 500000000}
- {id: beta-vi, on: 2005-12-30, type: valuation-input, actor: company:beta, company: beta, rate: "0.04", volatility: "0.8", source: test}
- {id: beta-1, on: 2006-02-01, type: issue, actor: company:beta, option_no: B-1, holder: other,
   terms: {company: beta, issue_date: 2006-02-01, cap: null, expiration: {on: 2006-03-15, source: stated in the warrant},
           tranches: [{shares: 1000000, exercise_price: "0.01"}]}}
"""


def test_issued_as_a_liability_then_expired() -> None:
    """With no authorized shares recorded, sufficiency cannot be shown: B-1 is a liability from its issue (Level 3 'issued', at its
    fair value that day); it expires after 2006-03-15 (stated), leaving the table through 'expired' at its value then."""
    book = make_book(BETA, quotes(date(2005, 11, 1), date(2006, 3, 31), company="beta", start_price="0.0150"))
    events = list(book.events)
    pack = build_close(events, "beta", END, PRIOR)
    state = fold(events, date(2006, 2, 1))
    i = resolve(state, "beta", date(2006, 2, 1))
    T = (date(2006, 3, 15) - date(2006, 2, 1)).days / 365
    L = pack.level3
    assert L["issued"] == cents(1_000_000 * bs_call(float(i.price), 0.01, T, 0.04, 0.8))
    state = fold(events, date(2006, 3, 16))
    i = resolve(state, "beta", date(2006, 3, 16))
    assert L["expired"] == cents(1_000_000 * max(float(i.price) - 0.01, 0.0))  # T = 0: what it was worth when it lapsed
    assert L["closing"] == 0 and L["issued"] - L["expired"] + L["change_in_fair_value"] == 0
    a = pack.activity
    assert (a["issued"]["shares"], a["expired_or_cancelled"]["shares"], a["outstanding_end"]["shares"]) == ("1000000", "1000000", "0")
    assert a["ties"]
    assert pack.classes == {}  # nothing outstanding at the end


def test_liability_warrants_numerator_adds_back_their_change_in_fair_value() -> None:
    """ASC 260-10-45-46: diluted EPS assumes exercise at the start, so the liability's change in fair value (in net income) is added back."""
    book = seed_close_book(SHORTFALL)
    pack = build_close(list(book.events), "atg", END, PRIOR, net_income=Decimal("5000000"))
    e = pack.eps
    change = pack.level3["change_in_fair_value"]
    assert pack.classes["ATG-2"].classification == "liability" and change != 0
    assert Decimal(e["numerator_adjustment"]) == change
    assert e["dilution"] == "dilutive"
    assert Decimal(e["diluted_numerator"]) == Decimal("5000000") + change


MERGER = """\
- {id: acq, on: 2006-01-01, type: company, actor: company:acq, company: {id: acq, name: Acquirer Corp, state: Delaware}}
- {id: acq-list, on: 2006-01-01, type: listing, actor: company:acq, company: acq, venue: exchange}
- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: Acquirer Corp,
   basket: [{item: security, issuer: acq, quantity: "0.002"}, {item: cash, quantity: "0.001"}]}
- {id: aq, on: 2006-06-30, type: quote, actor: system, company: acq, venue: exchange, close: "12.50"}
"""


def test_a_basket_option_is_valued_on_the_baskets_section_1_2_value() -> None:
    """§3.1: after the merger one option share delivers 0.002 Acquirer shares ($12.50 on 2006-06-30) and $0.001: S = $0.026."""
    pack = build_close(list(seed_close_book(MERGER).events), "atg", date(2006, 6, 30), date(2006, 3, 31))
    (row,) = pack.closing
    assert row.S == pytest.approx(0.026)
    assert row.fair_value == pytest.approx(140_250_000 * bs_call(0.026, 0.00001, row.T, row.r, row.sigma), rel=1e-12)
    assert any("§3 transaction" in f for f in pack.flags)
    assert pack.activity["outstanding_end"]["intrinsic_value"] == pytest.approx(140_250_000 * (0.026 - 0.00001))


def test_valuation_input_round_trips_through_the_book_file() -> None:
    """A `valuation-input` is written and read back by the book format like any event (exact numbers as text)."""
    from warrantbook.book.io import dumps, loads

    book = seed_close_book()
    again = loads(dumps(book.user_events))
    (first,) = [e for e in book.events if isinstance(e, ValuationInput)]
    (second,) = [e for e in again.events if isinstance(e, ValuationInput)]
    assert first == second and second.volatility_window == 20 and second.rate == F("0.0435")


def test_literal_reading_of_section_4_fails_indexation() -> None:
    """Under the literal §4 reading (price left fixed when the share number is adjusted) the option is not fixed-for-fixed:
    a liability, the deciding clause §4 and the reading named, flagged for counsel; the default reading meets the condition."""
    literal = """\
- {id: other-4, on: 2006-01-16, type: issue, actor: company:atg, option_no: ATG-4, holder: other,
   terms: {company: atg, issue_date: 2006-01-16, cap: null, readings: {adjustment: literal-fixed-price},
           tranches: [{shares: 1000000, exercise_price: "0.00001"}]}}
"""
    pack = build_close(list(seed_close_book(literal).events), "atg", END, PRIOR)
    c = pack.classes["ATG-4"]
    (failing,) = [x for x in c.conditions if x.verdict == "fails"]
    assert c.classification == "liability" and failing.clause == "§4 (reading: literal-fixed-price)" and failing.needs_judgment
    assert pack.classes["ATG-1"].classification == "equity"
    assert pack.level3["issued"] > 0 and {r.option_no for r in pack.closing if r.classification == "liability"} == {"ATG-4"}
