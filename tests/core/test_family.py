"""The family of instruments: price tranches, amendments (§14), the §1.3 acknowledgment, lineage."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core.decide import exercise_quote
from warrantbook.core.errors import BadInput
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.summary import open_items, option_summary
from warrantbook.core.terms import PaymentMethod as M

TRANCHES = PREAMBLE.replace('tranches: [{shares: 140250000, exercise_price: "0.00001"}]}',
                            'tranches: [{shares: 1000000, exercise_price: "0.10"}, {shares: 2000000, exercise_price: "0.25"}]}')


def test_two_price_tranches_exercised_in_order_or_by_choice() -> None:
    state = make_book(preamble=TRANCHES).state
    option = state.options["ATG-1"]
    assert option.remaining == 3_000_000
    first = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), date(2006, 1, 3))
    assert (first.tranche, first.cash_due) == (0, F(100))  # 1,000 x $0.10
    second = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH, tranche=1), date(2006, 1, 3))
    assert (second.tranche, second.cash_due) == (1, F(250))  # 1,000 x $0.25
    with pytest.raises(BadInput):
        exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH, tranche=2), date(2006, 1, 3))


def test_tranches_adjust_and_transfer_pro_rata() -> None:
    book = make_book("""
    - {id: s, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 3600000000}
    - {id: t, on: 2006-02-01, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, percent: "50%", shares: 4500000}],
       endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
    - {id: r, on: 2006-02-03, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: t, new_options: [T-2, T-3]}
    """, preamble=TRANCHES)
    s = book.state
    piece, balance = s.options["T-2"], s.options["T-3"]
    assert [(t.shares, t.exercise_price) for t in piece.tranches] == [(F(1_500_000), F(1, 30)), (F(3_000_000), F(1, 12))]
    assert [t.shares for t in piece.tranches] == [t.shares for t in balance.tranches]


def test_amendment_is_a_new_version_from_its_date() -> None:
    book = make_book("""
    - {id: a, on: 2007-01-02, type: amendment, actor: company:atg, option_no: ATG-1, binds: [company:atg, holder:gssf],
       signed_by: [company:atg, holder:gssf],
       terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 140250000, exercise_price: "0.00001"}],
               expiration: {on: 2012-09-07, source: "amendment of 2007-01-02 (§14)"}, cap: {percent: "9.99%"}}}
    """)
    option = book.state.options["ATG-1"]
    assert [d for d, _t in option.terms_history] == [date(2005, 9, 7), date(2007, 1, 2)]
    assert option.terms.expiration.on == date(2012, 9, 7)
    assert option.terms_history[0][1].expiration.on is None, "the earlier version is kept, not edited"
    summary = option_summary(book.state, option, date(2007, 2, 1))
    assert summary["cap"]["percent"] == "0.0999"


def test_acknowledgment_request_is_open_until_given() -> None:
    requested = """
    - {id: ar, on: 2006-03-01, type: acknowledgment-request, actor: holder:gssf, option_no: ATG-1}
    """
    state = make_book(requested).state
    assert [i.kind for i in open_items(state, state.options["ATG-1"], date(2006, 3, 2))] == ["acknowledgment"]
    state = make_book(requested, "- {id: ak, on: 2006-03-03, type: acknowledgment, actor: company:atg, option_no: ATG-1, request: ar}").state
    assert open_items(state, state.options["ATG-1"], date(2006, 3, 4)) == []
