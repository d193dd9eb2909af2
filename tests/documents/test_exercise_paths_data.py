"""Documents' data on the exercise paths of issue 9a: a notice held for a §1.2(c) value, and a §4 event or a §6
shortfall between the deemed issue and delivery (the delivery statement shows what is owed, never the held shares)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BadInput
from warrantbook.documents.data import Ledger, gather

HELD = """
- {id: nt, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: not-traded}
- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cashless}
- {id: sr, on: 2006-03-16, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
"""
VALUE = """
- {id: v, on: 2006-03-20, type: fmv-agreement, actor: company:atg, company: atg, value: "0.04", agreed_by: [holder:gssf, company:atg]}
"""
CASH = """
- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}
- {id: sr, on: 2006-03-15, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-03-15, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "10"}
"""


def figures(doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f["label"]: f["value"] for f in doc.fields["figures"]}


def test_exercise_notice_of_a_held_notice() -> None:
    """§1.2(c): before the value there are no figures to state (a clear refusal); after it, the value's worksheet."""
    waiting = list(make_book(HELD).events)
    with pytest.raises(BadInput) as info:
        gather("exercise-notice", Ledger(waiting), event_id="n", made_on=date(2006, 3, 17))
    assert info.value.clause == "§1.2(c)"
    priced = list(make_book(HELD, VALUE).events)
    doc = gather("exercise-notice", Ledger(priced), event_id="n", made_on=date(2006, 3, 21))
    rows = {w["label"]: w["value"] for w in doc.fields["worksheet"]}
    assert rows["Whole shares to deliver"] == "999,750"  # 1,000,000 x (0.04 - 0.00001) / 0.04


def test_delivery_statement_after_a_split_between_deemed_issue_and_delivery() -> None:
    """§2.1, §4: 1,000,000 deemed issued 3/15; a 2-for-1 split 3/16: the statement shows 2,000,000 owed and delivered."""
    events = list(make_book(CASH, """
    - {id: s, on: 2006-03-16, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1201000000, outstanding_after: 2402000000}
    - {id: d, on: 2006-03-17, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}
    """).events)
    f = figures(gather("delivery-statement", Ledger(events), event_id="d", made_on=date(2006, 3, 17)))
    assert f["Shares owed after §4 events since the deemed issue"].startswith("2,000,000")
    assert f["Shares delivered now"] == "2,000,000"


def test_delivery_statement_never_shows_shares_beyond_authorized_as_delivered() -> None:
    """§6: 500,000 authorized shares unissued; of 1,000,000 deemed issued, 500,000 are delivered and 500,000 held."""
    events = list(make_book("""
    - {id: a-low, on: 2006-01-02, type: authorized, actor: company:atg, company: atg, shares: 1200500000}
    """, CASH, """
    - {id: d, on: 2006-03-16, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}
    """).events)
    f = figures(gather("delivery-statement", Ledger(events), event_id="d", made_on=date(2006, 3, 16)))
    assert f["Shares delivered now"] == "500,000"
    assert f["Shares beyond the authorized shares, owed and not delivered"] == "500,000"
