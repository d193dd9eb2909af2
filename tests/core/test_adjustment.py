"""§4 extraordinary events (dividends, subdivisions, combinations) and §5 certificates due."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core.errors import BookErrors
from warrantbook.core.rules.adjustment import adjust
from warrantbook.core.state import fold
from warrantbook.core.terms import AdjustmentReading as R


def stock_event(kind: str, before: int, after: int, on: str = "2006-01-10", id_: str = "se") -> str:
    """The event, after an 'outstanding' fact of `before` that morning (§4 checks the count against the ledger's)."""
    return (f"- {{id: {id_}-out, on: {on}, type: outstanding, actor: company:atg, company: atg, shares: {before}}}\n"
            f"- {{id: {id_}, on: {on}, type: stock-event, actor: company:atg, issuer: atg, event: {kind}, "
            f"outstanding_before: {before}, outstanding_after: {after}}}\n")


@pytest.mark.parametrize(
    ("clause", "kind", "before", "after", "shares", "price"),
    [
        # a 2-for-1 split doubles the shares once (never 561,000,000) and halves the price
        ("§4(b)", "subdivision", 1_200_000_000, 2_400_000_000, F(280_500_000), F("0.000005")),
        # a 1-for-7 combination: 140,250,000 / 7 = 20,035,714 2/7 shares at $0.00007
        ("§4(c)", "combination", 1_400_000_000, 200_000_000, F(140_250_000, 7), F("0.00007")),
        # a 10% stock dividend on common: x 1.1, price / 1.1 (no finite decimal: 1/110000)
        ("§4(a)", "dividend-on-common", 1_000_000_000, 1_100_000_000, F(154_275_000), F(1, 110_000)),
        # common issued as a dividend on preferred stock also adjusts, by actual counts
        ("§4(a)", "dividend-on-preferred", 1_200_000_000, 1_260_000_000, F(147_262_500), F(1, 105_000)),
    ],
)
def test_events_adjust_shares_and_price_once(clause: str, kind: str, before: int, after: int, shares: F, price: F) -> None:
    state = make_book(stock_event(kind, before, after)).state
    option = state.options["ATG-1"]
    assert option.remaining == shares, clause
    assert option.exercise_price == price, clause
    assert option.remaining * option.exercise_price == F(140_250_000) * F("0.00001"), "aggregate price unchanged"


def test_literal_reading_keeps_the_price() -> None:
    """The switch: §4's first sentence alone; shares still adjusted once, price kept."""
    a = adjust(F(140_250_000), F("0.00001"), F(1_200_000_000), F(2_400_000_000), R.LITERAL_FIXED_PRICE)
    assert (a.shares, a.exercise_price) == (F(280_500_000), F("0.00001"))
    preamble = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], readings: {adjustment: literal-fixed-price}}')
    option = make_book(stock_event("subdivision", 1_200_000_000, 2_400_000_000), preamble=preamble).state.options["ATG-1"]
    assert (option.remaining, option.exercise_price) == (F(280_500_000), F("0.00001"))


def test_combination_then_split_gives_back_exact_numbers() -> None:
    """1-for-7 then 7-for-1 with exact multiples: back to 140,250,000 at $0.00001 exactly."""
    state = make_book(stock_event("combination", 1_400_000_000, 200_000_000, "2006-01-10", "c")
                      + stock_event("subdivision", 200_000_000, 1_400_000_000, "2006-06-10", "s")).state
    option = state.options["ATG-1"]
    assert (option.remaining, option.exercise_price) == (F(140_250_000), F("0.00001"))


def test_certificate_due_until_mailed_to_holder_and_agent() -> None:
    """§5: a certificate for each adjustment, open until mailed to the holder and to any §11 agent."""
    extra = """
- {id: ag, on: 2005-12-01, type: agent, actor: company:atg, company: atg, name: Illustrative Transfer Co, office: {lines: [5 Agent Way, "New York, NY 10004"]}}
""" + stock_event("subdivision", 1_200_000_000, 2_400_000_000)
    events = list(make_book(extra).events)
    option = fold(events).options["ATG-1"]
    assert [(c.event, sorted(c.to)) for c in option.certificates_due] == [("se", ["agent", "holder"])]
    book = make_book(extra, """
    - {id: m1, on: 2006-01-12, type: notice, actor: company:atg, option_no: ATG-1, subject: "§5 certificate", addressee: gssf,
       address: {lines: ["1 Fund Street", "New York, NY 10022"]}, regarding: se}
    - {id: m2, on: 2006-01-12, type: notice, actor: company:atg, option_no: ATG-1, subject: "§5 certificate", addressee: gssf,
       address: {lines: [5 Agent Way, "New York, NY 10004"]}, regarding: se, recipient_role: agent}
    """)
    assert book.state.options["ATG-1"].certificates_due == ()


@pytest.mark.parametrize(
    ("kind", "before", "after"),
    [("combination", 100, 200), ("subdivision", 200, 100), ("dividend-on-common", 100, 100), ("subdivision", 0, 100)],
)
def test_inconsistent_counts_are_refused(kind: str, before: int, after: int) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(stock_event(kind, before, after))
    assert info.value.errors[0].clause and info.value.errors[0].clause.startswith("§4")


def test_event_before_exercise_on_same_day_ordering() -> None:
    """Same-day rule: a split (opening) applies before an exercise that day; a dividend (record date, after close) after it."""
    from warrantbook.core import events as ev
    from warrantbook.core.state import ordered

    split = ev.StockEvent(id="s", on=date(2006, 1, 10), issuer="atg", event=ev.StockEventKind.SUBDIVISION,
                          outstanding_before=F(1), outstanding_after=F(2))
    dividend = ev.StockEvent(id="d", on=date(2006, 1, 10), issuer="atg", event=ev.StockEventKind.DIVIDEND_ON_COMMON,
                             outstanding_before=F(1), outstanding_after=F(2))
    notice = ev.ExerciseNoticeReceived(id="n", on=date(2006, 1, 10), option_no="ATG-1", shares=F(1))
    assert [e.id for e in ordered([dividend, notice, split])] == ["s", "n", "d"]


def _split(id_: str, before: int, after: int, extra: str = "") -> str:
    return (f"- {{id: {id_}, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, "
            f"outstanding_before: {before}, outstanding_after: {after}{extra}}}\n")


@pytest.mark.parametrize(
    ("events", "field", "named"),
    [
        # §4: the ledger counts 1,200,000,000 outstanding on 2006-01-10 (the preamble's fact), not 1,000,000,000
        (_split("s1", 1_000_000_000, 2_000_000_000), "outstanding_before", "1,200,000,000"),
        # the same split recorded twice on one day (the second's count matches the ledger after the first)
        (_split("s1", 1_200_000_000, 2_400_000_000) + _split("s2", 2_400_000_000, 4_800_000_000), "distinct", "(s1)"),
    ],
)
def test_stock_event_facts_checked_against_the_ledger(events: str, field: str, named: str) -> None:
    """§4: one row per refusal branch of the ledger checks; each refusal names the ledger's figure or the event."""
    from warrantbook.core.errors import Refusal

    with pytest.raises(BookErrors) as info:
        make_book(events)
    err = info.value.errors[0]
    assert isinstance(err, Refusal) and err.clause == "§4" and err.field == field and named in str(err)


def test_a_second_event_marked_distinct_is_applied() -> None:
    """Two 2-for-1 splits the same day, the second marked distinct: 140,250,000 x 4 = 561,000,000 at $0.0000025."""
    option = make_book(_split("s1", 1_200_000_000, 2_400_000_000) + _split("s2", 2_400_000_000, 4_800_000_000, ", distinct: true")
                       ).state.options["ATG-1"]
    assert (option.remaining, option.exercise_price) == (F(561_000_000), F("0.0000025"))
