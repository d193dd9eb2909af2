"""§6 is the company's covenant, not a condition of the option; §2.1 with a §4 event between deemed issue and delivery.

Figures by hand in each docstring. The preamble has 1,200,000,000 outstanding and 2,000,000,000 authorized.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import make_book
from warrantbook.core import events as ev
from warrantbook.core.errors import BookErrors, Refusal
from warrantbook.core.summary import company_items, open_items

CASH_EXERCISE = """
- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}
- {id: sr, on: 2006-03-15, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-03-15, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "10"}
"""


def delivery(id_: str, on: str) -> str:
    return f"- {{id: {id_}, on: {on}, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}}\n"


def items(book, on: date, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.text for i in open_items(book.state, book.state.options["ATG-1"], on) if i.kind == kind]


# ---------------------------------------------------------------- §2.1 with §4 after the deemed issue


@pytest.mark.parametrize(
    ("event", "due"),
    [
        # 2-for-1 split opening 3/16, after the close of 3/15 when the 1,000,000 shares were deemed issued: 2,000,000 due
        ("{id: s, on: 2006-03-16, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, "
         "outstanding_before: 1201000000, outstanding_after: 2402000000}", "2000000"),
        # a 10% dividend with record date 3/15 (after the close): the record owner gets it: 1,100,000 due
        ("{id: s, on: 2006-03-15, type: stock-event, actor: company:atg, issuer: atg, event: dividend-on-common, "
         "outstanding_before: 1201000000, outstanding_after: 1321100000}", "1100000"),
        # a 1-for-4 combination opening 3/17: 250,000 due
        ("{id: s, on: 2006-03-17, type: stock-event, actor: company:atg, issuer: atg, event: combination, "
         "outstanding_before: 1201000000, outstanding_after: 300250000}", "250000"),
    ],
)
def test_shares_due_follow_a_section_4_event_after_the_deemed_issue(event: str, due: str) -> None:
    """§2.1: the holder is the record owner from the close of business of 3/15; what is still to deliver follows §4."""
    book = make_book(CASH_EXERCISE, "- " + event.strip().removeprefix("- ") + "\n")
    option = book.state.options["ATG-1"]
    owed = option.owed_on("n")
    assert owed is not None and owed.total == F(due) and owed.deliverable == F(due)
    assert [t.split(" (after")[0] for t in items(book, date(2006, 3, 17), "delivery")] == [f"deliver {due} shares"]
    done = make_book(CASH_EXERCISE, "- " + event.strip().removeprefix("- ") + "\n", delivery("d", "2006-03-20"))
    assert done.state.options["ATG-1"].deliveries_due == () and done.state.options["ATG-1"].owed == ()


def test_split_before_the_close_is_already_in_the_exercise() -> None:
    """A split opening 3/15 comes before the shares are deemed issued that evening: nothing more to scale."""
    book = make_book("""
    - {id: s, on: 2006-03-15, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 2400000000}
    """, CASH_EXERCISE)
    owed = book.state.options["ATG-1"].owed_on("n")
    assert owed is not None and (owed.ratio, owed.total) == (1, F(1_000_000))


# ---------------------------------------------------------------- §6: a covenant


def test_an_option_is_recorded_when_authorized_shares_fall_short_and_the_shortfall_is_an_item() -> None:
    """§6: ATG-2 for 800,000,000 more shares: required 940,250,000, available 2,000,000,000 - 1,200,000,000 = 800,000,000.
    It used to be refused; it is recorded, and the company owes a reserve short by 140,250,000."""
    book = make_book("""
    - {id: issue-2, on: 2006-01-03, type: issue, actor: company:atg, option_no: ATG-2, holder: other,
       terms: {company: atg, issue_date: 2006-01-03, tranches: [{shares: 800000000, exercise_price: "0.00001"}]}}
    """)
    assert "ATG-2" in book.state.options
    texts = [i.text for i in company_items(book.state, "atg", date(2006, 1, 4)) if i.kind == "reserve"]
    assert texts == ["atg: reserve short by 140250000 shares (required 940250000, available 800000000)"]


LOW_AUTHORIZED = """
- {id: a-low, on: 2006-01-02, type: authorized, actor: company:atg, company: atg, shares: 1200500000}
"""


def test_exercise_beyond_authorized_is_effected_and_the_excess_is_never_shown_delivered() -> None:
    """§6: 500,000 authorized shares unissued; an exercise of 1,000,000 is effected (the right is not lost), 500,000 are
    delivered and 500,000 stay owed as a §6 breach until 2,000,000,000 are authorized on 3/20; then they are delivered."""
    book = make_book(LOW_AUTHORIZED, CASH_EXERCISE)
    assert any(isinstance(e, ev.ExerciseEffected) for e in book.events)
    owed = book.state.options["ATG-1"].owed_on("n")
    assert owed is not None and (owed.deliverable, owed.held) == (F(500_000), F(500_000))
    assert book.state.companies["atg"].outstanding_on(date(2006, 3, 15)) == 1_200_500_000, "never issued beyond authorized"
    assert items(book, date(2006, 3, 16), "delivery") == ["deliver 500000 shares and $0 cash in lieu for n"]
    assert len(items(book, date(2006, 3, 16), "authorized")) == 1

    partly = make_book(LOW_AUTHORIZED, CASH_EXERCISE, delivery("d1", "2006-03-16"))
    assert items(partly, date(2006, 3, 17), "delivery") == []
    assert [t.split(":")[0] for t in items(partly, date(2006, 3, 17), "authorized")] == [
        "500000 shares owed on n are beyond the company's authorized shares"]

    released = make_book(LOW_AUTHORIZED, CASH_EXERCISE, delivery("d1", "2006-03-16"), """
    - {id: a-more, on: 2006-03-20, type: authorized, actor: company:atg, company: atg, shares: 2000000000}
    """)
    assert items(released, date(2006, 3, 20), "authorized") == []
    assert [t.split(" and")[0] for t in items(released, date(2006, 3, 20), "delivery")] == ["deliver 500000 shares"]
    assert released.state.companies["atg"].outstanding_on(date(2006, 3, 20)) == 1_201_000_000
    done = make_book(LOW_AUTHORIZED, CASH_EXERCISE, delivery("d1", "2006-03-16"), """
    - {id: a-more, on: 2006-03-20, type: authorized, actor: company:atg, company: atg, shares: 2000000000}
    """, delivery("d2", "2006-03-21"))
    assert done.state.options["ATG-1"].deliveries_due == ()


def test_delivering_only_shares_beyond_authorized_is_refused() -> None:
    """§6 refusal row: once what can be delivered is delivered, a delivery of the rest waits for authorized shares."""
    with pytest.raises(BookErrors) as info:
        make_book(LOW_AUTHORIZED, CASH_EXERCISE, delivery("d1", "2006-03-16"), delivery("d2", "2006-03-17"))
    err = info.value.errors[0]
    assert isinstance(err, Refusal) and err.clause == "§6" and "500,000 shares" in str(err)


def test_outstanding_beyond_authorized_after_a_stock_event_is_a_section_6_item() -> None:
    """§6: a 2-for-1 split takes 1,200,000,000 to 2,400,000,000 against 2,000,000,000 authorized: over by 400,000,000."""
    book = make_book("""
    - {id: s, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 2400000000}
    """)
    texts = [i.text for i in company_items(book.state, "atg", date(2006, 1, 10)) if i.kind == "authorized"]
    assert texts == ["atg: 2400000000 shares outstanding exceed the 2000000000 authorized by 400000000; record authorized shares"]


def test_shares_released_by_more_authorized_shares_count_in_the_holders_own_holdings() -> None:
    """§6, §10: GSSF (of the group gssf-group) certified 10,000,000 shares of its own. Its exercise of 1,000,000 issues
    500,000 at once (10,500,000) and 500,000 when 2,000,000,000 are authorized on 3/20: 11,000,000 from then, the figure
    §10's H sums for the group. The release once credited the group's id, which certifies nothing, and left 10,500,000."""
    released = make_book(LOW_AUTHORIZED, CASH_EXERCISE, delivery("d1", "2006-03-16"), """
    - {id: a-more, on: 2006-03-20, type: authorized, actor: company:atg, company: atg, shares: 2000000000}
    """)
    state = released.state
    assert state.certified_on("gssf", "atg", date(2006, 3, 16)) == 10_500_000
    assert state.certified_on("gssf", "atg", date(2006, 3, 20)) == 11_000_000
    assert state.owned_on("affiliate", "atg", date(2006, 3, 20)) == 11_000_000  # the group: gssf's own, affiliate certified none
    assert ("gssf-group", "atg") not in state.owned
