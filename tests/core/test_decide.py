"""Refusals across the agreement: each names its section and the field, and changes nothing."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.audit import head_of
from warrantbook.core.decide import decide
from warrantbook.core.errors import BadInput, BookErrors, Refusal
from warrantbook.core.state import fold
from warrantbook.core.terms import Address, PaymentMethod


@pytest.mark.parametrize(
    ("extra", "clause", "field"),
    [
        # §12: only the registered holder gives an exercise notice
        ("- {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:other, option_no: ATG-1, shares: 10, method: cash}", "§12", "actor"),
        # §1.1: nothing before the issue date
        ("- {id: n, on: 2005-09-06, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}", "§1.1", "option"),
        # more shares than remain
        ("- {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 140250001, method: cash}", "§1.1", "shares"),
        # §3.2: the trustee must be a bank or trust company with its principal office in New York City
        ("- {id: t, on: 2006-01-03, type: trustee, actor: holder:gssf, option_no: ATG-1, name: Boston Trust, principal_office: {lines: [1 State St, 'Boston, MA']}, bank_or_trust_company: true}",
         "§3.2", "principal_office"),
        ("- {id: t, on: 2006-01-03, type: trustee, actor: holder:gssf, option_no: ATG-1, name: Some LLC, principal_office: {lines: [1 Wall St, 'New York, NY 10005']}, bank_or_trust_company: false}",
         "§3.2", "bank_or_trust_company"),
        # §14: an amendment binding the holder must be signed by it
        ("- {id: a, on: 2006-01-03, type: amendment, actor: company:atg, option_no: ATG-1, binds: [holder:gssf], signed_by: [company:atg],"
         " terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 140250000, exercise_price: '0.00002'}]}}", "§14", "signed_by"),
        # §13: an address is furnished by the holder itself
        ("- {id: ad, on: 2006-01-03, type: address, actor: company:atg, holder: gssf, address: {lines: [x]}}", "§13", "actor"),
        # §11: an agent is appointed by the company
        ("- {id: ag, on: 2006-01-03, type: agent, actor: holder:gssf, company: atg, name: X, office: {lines: [y]}}", "§11", "actor"),
        # §10: waiver notice only by the holder
        ("- {id: w, on: 2006-01-03, type: waiver-notice, actor: company:atg, option_no: ATG-1}", "§12", "actor"),
        # §1.3: the acknowledgment is the company's to give
        ("- {id: k, on: 2006-01-03, type: acknowledgment, actor: holder:gssf, option_no: ATG-1}", "§1.3", "actor"),
    ],
)
def test_refusals_cite_section_and_field(extra: str, clause: str, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(extra)
    err = info.value.errors[0]
    assert (err.clause, err.field) == (clause, field), str(err)
    assert err.line is not None and err.line > 30  # points into the extra event, not the preamble


def test_stated_expiration_refuses_later_exercise_and_expires_the_option() -> None:
    preamble = PREAMBLE.replace('exercise_price: "0.00001"}]}',
                                'exercise_price: "0.00001"}], expiration: {on: 2010-09-07, source: "stated in the instrument"}}')
    book = make_book(preamble=preamble)
    assert fold(list(book.events), date(2010, 9, 7)).options["ATG-1"].active
    assert fold(list(book.events), date(2010, 9, 8)).options["ATG-1"].status.value == "expired"
    with pytest.raises(BookErrors) as info:
        make_book("- {id: n, on: 2010-09-08, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}",
                  preamble=preamble)
    assert info.value.errors[0].clause == "§1.1"


def test_a_refused_command_changes_nothing() -> None:
    book = make_book()
    before = head_of(book.events)
    state = book.state
    snapshot = (dict(state.options), len(state.events))
    bad = ev.ExerciseNoticeReceived(id="n", on=date(2006, 1, 3), actor="holder:other", option_no="ATG-1", shares=F(10),
                                    method=PaymentMethod.CASH)
    with pytest.raises(Refusal):
        decide(state, bad)
    assert (dict(state.options), len(state.events)) == snapshot
    assert head_of(book.events) == before


def test_exercise_runs_in_steps_and_is_deemed_at_close_of_surrender_and_payment() -> None:
    """§2.1: notice on day 1, surrender day 2, payment day 3: shares deemed issued on day 3, due +3 banking days."""
    book = make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash, channel: fax}
    - {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
    - {id: p1, on: 2006-01-05, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "4", instrument: certified check}
    """)
    option = book.state.options["ATG-1"]
    assert option.remaining == 140_250_000 and option.pending_notice("n") is not None  # $4 of $10: not yet paid
    book = make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash, channel: fax}
    - {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
    - {id: p1, on: 2006-01-05, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "4", instrument: certified check}
    - {id: p2, on: 2006-01-06, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "6"}
    """)
    effected = [e for e in book.events if isinstance(e, ev.ExerciseEffected)]
    assert len(effected) == 1 and effected[0].on == date(2006, 1, 6) and effected[0].delivery_due == date(2006, 1, 11)
    option = book.state.options["ATG-1"]
    assert option.remaining == 139_250_000 and option.deliveries_due == (effected[0],)
    # deliver in another name without the holder paying transfer taxes: refused (§2.1)
    with pytest.raises(BookErrors) as info:
        make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}
    - {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
    - {id: p, on: 2006-01-04, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "10"}
    - {id: d, on: 2006-01-05, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, certificates: [C-1], issued_in_name: Someone Else}
    """)
    assert info.value.errors[0].clause == "§2.1"


def test_agent_after_appointment_only_for_its_functions() -> None:
    base = """
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cashless}
    - {id: q, on: 2005-12-30, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.02", ask: "0.03"}
    """
    with pytest.raises(BookErrors) as info:
        make_book(base, "- {id: s, on: 2006-01-03, type: surrender, actor: agent:Illustrative Transfer Co, option_no: ATG-1, notice: n, place: agent}")
    assert info.value.errors[0].clause == "§11"
    book = make_book("""
    - {id: ag, on: 2005-12-01, type: agent, actor: company:atg, company: atg, name: Illustrative Transfer Co, office: {lines: [5 Agent Way, "New York, NY"]}, functions: [exercise]}
    """, base, "- {id: s, on: 2006-01-03, type: surrender, actor: agent:Illustrative Transfer Co, option_no: ATG-1, notice: n, place: agent}")
    assert book.state.options["ATG-1"].remaining == 140_250_000 - 1000


def test_notice_goes_to_last_furnished_address_with_fallback() -> None:
    """§13: the address the holder last furnished; a holder of another option is never a fallback (test_notices_address.py)."""
    book = make_book("""
    - {id: ad, on: 2006-02-01, type: address, actor: holder:gssf, holder: gssf, address: {lines: [2 New Street, "New York, NY 10001"]}}
    """)
    assert book.state.last_address("gssf") == ("gssf", Address(("2 New Street", "New York, NY 10001")))
    assert book.state.last_address("affiliate") is None  # affiliate holds no instrument of ATG-1's lineage
    with pytest.raises(BookErrors) as info:
        make_book("""
    - {id: ad, on: 2006-02-01, type: address, actor: holder:gssf, holder: gssf, address: {lines: [2 New Street, "New York, NY 10001"]}}
    - {id: m, on: 2006-02-02, type: notice, actor: company:atg, option_no: ATG-1, subject: x, addressee: gssf, address: {lines: ["1 Fund Street", "New York, NY 10022"]}}
    """)
    assert info.value.errors[0].clause == "§13"


def test_correction_names_what_it_corrects_and_views_keep_both() -> None:
    book = make_book("""
    - {id: own2, on: 2006-01-02, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: 90000000}
    - {id: fix, on: 2006-01-03, type: correction, actor: holder:gssf, corrects: own2, reason: "typo: 9,000,000 meant"}
    """)
    state = book.state
    assert "own2" in state.by_id and "fix" in state.by_id
    assert state.owned_on("gssf", "atg", date(2006, 1, 5)) == 10_000_000
    with pytest.raises(BookErrors):
        make_book("- {id: fix, on: 2006-01-03, type: correction, actor: holder:gssf, corrects: nothing, reason: x}")


def test_bad_input_names_field_and_line() -> None:
    with pytest.raises(BookErrors) as info:
        make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: lots, method: cash}
    - {id: q, on: 2006-02-30, type: quote, actor: system, company: atg, venue: otcbb, close: "1"}
    - {id: q2, on: 2006-03-01, type: quote, actor: system, company: atg, venue: nyse-arca, close: "1"}
    """)
    errors = info.value.errors
    assert len(errors) == 3, "every problem at once"
    assert [e.line for e in errors] == sorted(e.line for e in errors if e.line)
    assert "shares" in str(errors[0]) and "date" in str(errors[1]) and "venue" in str(errors[2])


def test_unknown_option_is_bad_input() -> None:
    with pytest.raises(BadInput):
        make_book().state.option("NOPE")


def test_split_between_notice_and_completion_adjusts_the_exercise_number() -> None:
    """§2.2(a): 1,000,000 shares noticed, a 3-for-2 split, then surrender and payment: 1,500,000 at the new price."""
    book = make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}
    - {id: s, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 1800000000}
    - {id: sr, on: 2006-01-11, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
    - {id: p, on: 2006-01-11, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "10"}
    """)
    (effected,) = [e for e in book.events if isinstance(e, ev.ExerciseEffected)]
    assert effected.shares_exercised == 1_500_000
    assert effected.aggregate_exercise_price == F(10)  # 1,500,000 x 0.00001 x 2/3
    assert book.state.options["ATG-1"].remaining == 140_250_000 * F(3, 2) - 1_500_000


def test_transfer_refused_while_an_exercise_is_open() -> None:
    with pytest.raises(BookErrors) as info:
        make_book("""
    - {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}
    - {id: t, on: 2006-01-04, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 10}]}
    """)
    assert info.value.errors[0].clause == "§7"
