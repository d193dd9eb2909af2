"""§1.2: where the Fair Market Value comes from on the less-travelled paths: a day with nothing reported
(§1.2(a), (b), reading `missing_quote`), an agreed or awarded value (§1.2(c): who must agree, whom it binds,
what an award names), and the liquidation value after a transfer (§1.2(d): every piece of the original counts).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import decide
from warrantbook.core.engine import fmv_source, issuable_under_original
from warrantbook.core.errors import BadInput, BookErrors, Refusal, WarrantbookError
from warrantbook.core.rules.fmv import fair_market_value
from warrantbook.core.terms import MissingQuoteRule, Readings

# ---------------------------------------------------------------- §1.2(a), (b): nothing reported on the day

# the preamble lists ATG on the bulletin board; determination Friday 2006-03-17, so the day that counts is
# Thursday 2006-03-16, on which nothing is reported
WED = """
- {id: q-wed, on: 2006-03-15, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.02", ask: "0.03"}
"""
OLD = """
- {id: q-old, on: 2006-03-06, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.02", ask: "0.03"}
"""
FRIDAY = date(2006, 3, 17)


def test_last_quoted_day_within_the_look_back_is_the_default() -> None:
    fmv = fair_market_value(make_book(WED).state.companies["atg"], FRIDAY, Readings())
    assert fmv.value == F("0.025") and fmv.market_day == date(2006, 3, 15) and fmv.clause == "§1.2(b)"


@pytest.mark.parametrize(
    ("extra", "readings", "clause", "field"),
    [
        # §1.2(b): beyond the look-back (2006-03-06 is eight trading days before the 16th): no FMV
        (OLD, Readings(), "§1.2(b)", "quote"),
        # §1.2(b): a look-back of zero days takes the text literally
        (WED, Readings(quote_lookback=0), "§1.2(b)", "quote"),
        # §1.2(c): the other reading treats the day as not publicly traded: only an agreed or awarded value
        (WED, Readings(missing_quote=MissingQuoteRule.AS_NOT_TRADED), "§1.2(c)", "fair_market_value"),
        # §1.2(a): on an exchange only a closing price counts; a day with a bid and ask only has nothing reported
        ("""
         - {id: x, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: exchange}
         - {id: q-x, on: 2006-03-16, type: quote, actor: system, company: atg, venue: exchange, bid: "0.02", ask: "0.03"}
         """, Readings(quote_lookback=0), "§1.2(a)", "quote"),
    ],
)
def test_nothing_reported_refusals(extra: str, readings: Readings, clause: str, field: str) -> None:
    with pytest.raises(Refusal) as info:
        fair_market_value(make_book(extra).state.companies["atg"], FRIDAY, readings)
    assert (info.value.clause, info.value.field) == (clause, field)


def test_look_back_is_bounded() -> None:
    with pytest.raises(BadInput) as info:
        fair_market_value(make_book(WED).state.companies["atg"], FRIDAY, Readings(quote_lookback=31))
    assert info.value.field == "readings.quote_lookback"


def test_as_not_traded_reading_takes_the_agreed_value() -> None:
    state = make_book(WED, """
    - {id: ag, on: 2006-03-16, type: fmv-agreement, actor: company:atg, company: atg, value: "0.021", agreed_by: [holder:gssf, company:atg]}
    """).state
    readings = Readings(missing_quote=MissingQuoteRule.AS_NOT_TRADED)
    assert fair_market_value(state.companies["atg"], FRIDAY, readings, holder="gssf").value == F("0.021")
    # a quote on the day itself is used whatever the reading
    state = make_book(WED.replace("2006-03-15", "2006-03-16")).state
    assert fair_market_value(state.companies["atg"], FRIDAY, readings).value == F("0.025")


# ---------------------------------------------------------------- §1.2(c): agreed and awarded values

NOT_TRADED = """
- {id: nt, on: 2007-01-01, type: listing, actor: company:atg, company: atg, venue: not-traded}
- {id: issue-o, on: 2006-01-03, type: issue, actor: company:atg, option_no: OTH-1, holder: other,
   terms: {company: atg, issue_date: 2006-01-03, tranches: [{shares: 1000000, exercise_price: "0.00001"}]}}
"""


def agreement(agreed_by: str, actor: str = "company:atg", company: str = "atg") -> str:
    return (f"- {{id: ag, on: 2007-01-15, type: fmv-agreement, actor: {actor}, company: {company}, value: \"0.004\", "
            f"agreed_by: {agreed_by}}}")


def test_an_agreed_value_binds_only_the_holders_that_agreed() -> None:
    state = make_book(NOT_TRADED, agreement("[holder:gssf, company:atg]")).state
    on = date(2007, 2, 1)
    assert fmv_source(state, state.options["ATG-1"], on)(None).value == F("0.004")
    with pytest.raises(Refusal) as info:
        fmv_source(state, state.options["OTH-1"], on)(None)
    assert info.value.clause == "§1.2(c)"
    # an award binds every holder
    state = make_book(NOT_TRADED, agreement("[holder:gssf, company:atg]"), """
    - {id: aw, on: 2007-01-20, type: fmv-award, actor: arbitrator:aaa, company: atg, value: "0.005", case: "AAA 13-1"}
    """).state
    assert fmv_source(state, state.options["OTH-1"], on)(None).value == F("0.005")
    assert fmv_source(state, state.options["ATG-1"], on)(None).value == F("0.005")


@pytest.mark.parametrize(
    ("event", "clause", "field"),
    [
        # §1.2(c): the company must agree
        (agreement("[holder:gssf]"), "§1.2(c)", "agreed_by"),
        # §1.2(c): the holder must agree
        (agreement("[company:atg]"), "§1.2(c)", "agreed_by"),
        # §1.2(c): a holder of no option on the company's stock does not agree for the holder concerned
        (agreement("[holder:affiliate, company:atg]"), "§1.2(c)", "agreed_by"),
        # each party is named role:id
        (agreement("[gssf, company:atg]"), "§1.2(c)", "agreed_by[0]"),
        # the company must be registered
        (agreement("[holder:gssf, company:zzz]", actor="company:zzz", company="zzz"), None, "company"),
        # §1.2(c): an award names the arbitration
        ("- {id: aw, on: 2007-01-20, type: fmv-award, actor: arbitrator:aaa, company: atg, value: \"0.005\"}", "§1.2(c)", "case"),
    ],
)
def test_agreed_and_awarded_value_refusals(event: str, clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(NOT_TRADED, event)
    err = info.value.errors[0]
    problems: list[WarrantbookError] = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]


def test_the_recording_party_must_be_among_those_who_agreed() -> None:
    state = make_book(NOT_TRADED).state
    e = ev.FmvAgreed(id="ag", on=date(2007, 1, 15), actor="holder:gssf", company="atg", value=F("0.004"),
                     agreed_by=("holder:other", "company:atg"))
    with pytest.raises(WarrantbookError) as info:
        decide(state, e)
    problems = getattr(info.value, "all_problems", None) or [info.value]
    assert any(p.clause == "§1.2(c)" and "not among those who agreed" in str(p) for p in problems), [str(p) for p in problems]


# ---------------------------------------------------------------- §1.2(d): liquidation after a transfer

SPLIT = """
- {id: t1, on: 2006-06-01, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 40250000}],
   endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
- {id: t1r, on: 2006-06-05, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: t1, new_options: [ATG-2, ATG-3]}
- {id: liq, on: 2008-06-30, type: liquidation, actor: company:atg, company: atg, amount: "13402500"}
"""


def test_liquidation_value_counts_every_piece_of_the_original_option() -> None:
    """§1.2(d): 13,402,500 / (1,200,000,000 + 140,250,000), for either piece, not / (1,200,000,000 + its own piece)."""
    state = make_book(SPLIT).state
    expected = F(13_402_500) / (1_200_000_000 + 140_250_000)
    for no in ("ATG-2", "ATG-3"):
        option = state.options[no]
        assert issuable_under_original(state, option) == 140_250_000
        assert fmv_source(state, option, date(2008, 6, 30))(None).value == expected


def test_liquidation_value_excludes_another_grant() -> None:
    """§1.2(d) counts the shares issuable under *the* option: another option on the same stock is not counted."""
    state = make_book(SPLIT, NOT_TRADED.split("\n", 2)[2]).state
    assert issuable_under_original(state, state.options["ATG-2"]) == 140_250_000
    assert issuable_under_original(state, state.options["OTH-1"]) == 1_000_000
    assert issuable_under_original(state, state.options["ATG-1"]) == 140_250_000  # the superseded original: its pieces
