"""§2 on the less-travelled paths: a §4 event between notice and completion (§2.2 with §4), a notice held for a
§1.2(c) value, an overpayment. Expected figures are worked by hand from §2.2(b) and §4 in each test's docstring.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_book
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, Refusal
from warrantbook.core.summary import open_items

QUOTE = """
- {id: q, on: 2006-03-14, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.048", ask: "0.052"}
"""
A = F("0.05")  # mean of 0.048 and 0.052, Tuesday 2006-03-14, the last trading day before the notice
B = F("0.00001")


def split(on: str, before: int = 1_200_000_000, after: int = 2_400_000_000, kind: str = "subdivision", id_: str = "s") -> str:
    return (f"- {{id: {id_}, on: {on}, type: stock-event, actor: company:atg, issuer: atg, event: {kind}, "
            f"outstanding_before: {before}, outstanding_after: {after}}}\n")


def exercise(method: str, shares: int, surrender_on: str, extra: str = "", pay: str = "") -> str:
    text = (f"- {{id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: {shares}, method: {method}{extra}}}\n"
            f"- {{id: sr, on: {surrender_on}, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}}\n")
    if pay:
        text += f"- {{id: p, on: {surrender_on}, type: payment, actor: company:atg, option_no: ATG-1, notice: n, {pay}}}\n"
    return text


def effected(book_events: list[ev.Event]) -> ev.ExerciseEffected:
    found = [e for e in book_events if isinstance(e, ev.ExerciseEffected)]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- §2.2 with a §4 event between notice and completion


def test_cashless_split_between_notice_and_surrender_changes_nothing_economically() -> None:
    """§2.2(b), §4: Y = 1,000,000 noticed on 3/15 at A = 0.05 (3/14's quote), a 2-for-1 split on 3/16, surrender 3/17.
    Before the event: X0 = 1,000,000 x (0.05 - 0.00001) / 0.05 = 999,800. After it, on one basis (Y = 2,000,000,
    B = 0.000005, A = 0.025): X = 2,000,000 x 0.024995 / 0.025 = 1,999,600 = 2 x X0."""
    before = effected(list(make_book(QUOTE, exercise("cashless", 1_000_000, "2006-03-15")).events))
    after = effected(list(make_book(QUOTE, split("2006-03-16"), exercise("cashless", 1_000_000, "2006-03-17")).events))
    assert before.shares_issued == F(999_800)
    assert after.shares_issued == 2 * before.shares_issued == F(1_999_600)
    assert after.shares_exercised == 2_000_000
    assert after.fair_market_value == A / 2, "A on the basis of B and Y"
    assert after.aggregate_exercise_price == before.aggregate_exercise_price == F(10)


def test_split_on_the_notice_day_converts_the_previous_days_quote() -> None:
    """§1.2(b), §4: the split opens 3/15, the notice comes that day; the FMV is 3/14's (pre-split) quote, so A is halved
    to meet the halved B: X = 1,000,000 x (0.025 - 0.000005) / 0.025 = 999,800."""
    events = list(make_book(QUOTE, split("2006-03-15"), exercise("cashless", 1_000_000, "2006-03-15")).events)
    x = effected(events)
    assert x.fair_market_value == F("0.025")
    assert x.shares_issued == F(999_800)


def test_stock_payment_before_a_split_counts_in_post_split_shares() -> None:
    """§2.2(a)(ii), §4: 1,000,000 shares paid with ceil(10 / 0.05) = 200 common shares on 3/15; a 2-for-1 split on 3/16
    makes them 400 of today's shares, exactly the ceil(10 / 0.025) = 400 due; surrendered 3/17: effected, nothing owed back."""
    text = (QUOTE + "- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: stock}\n"
            "- {id: p, on: 2006-03-15, type: payment, actor: company:atg, option_no: ATG-1, notice: n, stock_shares: 200}\n"
            + split("2006-03-16") + "- {id: sr, on: 2006-03-17, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}\n")
    x = effected(list(make_book(text).events))
    assert (x.shares_issued, x.refund_stock, x.refund_cash) == (F(2_000_000), F(0), F(0))


ratios = st.sampled_from([(1_200_000_000, 2_400_000_000), (1_200_000_000, 3_600_000_000), (1_200_000_000, 1_320_000_000),
                          (1_200_000_000, 100_000_000), (1_200_000_000, 171_428_571), (1_200_000_000, 1_200_000_007)])


@settings(max_examples=20, deadline=None)
@given(counts=ratios, y=st.integers(min_value=1, max_value=2_000_000), method=st.sampled_from(["cash", "cashless"]),
       kind_dividend=st.booleans())
def test_a_section_4_event_between_notice_and_completion_changes_nothing(counts: tuple[int, int], y: int, method: str,
                                                                         kind_dividend: bool) -> None:
    """Property (§2.2, §4): the shares issued equal those of the same exercise completed before the event, times its
    ratio; the aggregate price is the same; the value of what is issued (X x A) is the same."""
    before_n, after_n = counts
    kind = "combination" if after_n < before_n else ("dividend-on-common" if kind_dividend else "subdivision")
    pay = 'cash: "100"' if method == "cash" else ""
    first = effected(list(make_book(QUOTE, exercise(method, y, "2006-03-15", pay=pay)).events))
    later = effected(list(make_book(QUOTE, split("2006-03-16", before_n, after_n, kind),
                                    exercise(method, y, "2006-03-17", pay=pay)).events))
    r = F(after_n, before_n)
    assert later.shares_issued == first.shares_issued * r
    assert later.shares_exercised == first.shares_exercised * r
    assert later.aggregate_exercise_price == first.aggregate_exercise_price
    if method == "cashless":
        assert first.fair_market_value is not None and later.fair_market_value is not None
        assert later.shares_issued * later.fair_market_value == first.shares_issued * first.fair_market_value


# ---------------------------------------------------------------- §1.2(c): a notice held for a pending value


NOT_TRADED = """
- {id: nt, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: not-traded}
"""


@pytest.mark.parametrize("method", ["cashless", "stock"])
def test_notice_held_for_a_pending_value_is_recorded_and_priced_when_the_value_comes(method: str) -> None:
    """§1.2(c): stock not traded, no value yet. The notice of 3/15 is recorded and held (it used to be refused); the
    surrender of 3/16 effects nothing; the value agreed on 3/20 (0.04) prices it as of the notice's determination date:
    X = 1,000,000 x (0.04 - 0.00001) / 0.04 = 999,750 (cashless); 1,000,000 shares for ceil(10 / 0.04) = 250 (stock)."""
    pay = "- {id: p, on: 2006-03-16, type: payment, actor: company:atg, option_no: ATG-1, notice: n, stock_shares: 250}\n" if method == "stock" else ""
    held = make_book(NOT_TRADED, f"""
    - {{id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: {method}}}
    - {{id: sr, on: 2006-03-16, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}}
    """, pay)
    assert not any(isinstance(e, ev.ExerciseEffected) for e in held.events)
    option = held.state.options["ATG-1"]
    items = open_items(held.state, option, date(2006, 3, 17))
    assert any(i.clause.startswith("§1.2(c)") and "2006-03-15" in i.text for i in items)
    priced = make_book(NOT_TRADED, f"""
    - {{id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: {method}}}
    - {{id: sr, on: 2006-03-16, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}}
    """, pay, """
    - {id: v, on: 2006-03-20, type: fmv-agreement, actor: company:atg, company: atg, value: "0.04", agreed_by: [holder:gssf, company:atg]}
    """)
    x = effected(list(priced.events))
    assert x.on == date(2006, 3, 20) and x.fair_market_value == F("0.04")
    assert x.shares_issued == (F(999_750) if method == "cashless" else F(1_000_000))
    assert not priced.state.options["ATG-1"].pending


def test_held_notice_still_refused_for_what_can_be_checked_without_the_value() -> None:
    """A held notice is checked for everything but the price: more shares than remain is refused (§1.1)."""
    with pytest.raises(BookErrors) as info:
        make_book(NOT_TRADED, """
        - {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 140250001, method: cashless}
        """)
    assert info.value.errors[0].clause == "§1.1"


# ---------------------------------------------------------------- §2.2(a): an overpayment is owed back


def test_overpayment_creates_a_refund_item_closed_by_a_refund() -> None:
    """§2.2(a)(i): 1,000,000 shares cost $10.00; $25 paid: $15 is owed back until a refund is recorded."""
    book = make_book(exercise("cash", 1_000_000, "2006-03-15", pay='cash: "25"'))
    x = effected(list(book.events))
    assert x.refund_cash == F(15)
    items = open_items(book.state, book.state.options["ATG-1"], date(2006, 3, 16))
    assert [i.text for i in items if i.kind == "refund"] == ["return $15 paid beyond the price on n"]
    done = make_book(exercise("cash", 1_000_000, "2006-03-15", pay='cash: "25"'), """
    - {id: r, on: 2006-03-16, type: refund, actor: company:atg, option_no: ATG-1, notice: n, cash: "15"}
    """)
    assert done.state.options["ATG-1"].refunds_due == ()


@pytest.mark.parametrize(
    ("refund", "error", "field"),
    [
        ('notice: other, cash: "15"', BadInput, "notice"),  # nothing owed on another notice
        ('notice: n, cash: "0"', BadInput, "cash"),  # a refund of nothing
        ('notice: n, cash: "16"', Refusal, "cash"),  # more than is owed
    ],
)
def test_refund_refusals(refund: str, error: type, field: str) -> None:
    """§2.2(a): one row per refusal branch of the refund check."""
    with pytest.raises(BookErrors) as info:
        make_book(exercise("cash", 1_000_000, "2006-03-15", pay='cash: "25"'), f"""
        - {{id: r, on: 2006-03-16, type: refund, actor: company:atg, option_no: ATG-1, {refund}}}
        """)
    err = info.value.errors[0]
    assert isinstance(err, error) and err.field == field
