"""One row per refusal branch of the clause checks (mutation testing switches each off; its row must then fail).

Each row: events before, the event refused, the clause it cites and the field it names. Rows for §2, §3, §4, §6,
§1.2 and §7 live beside their clauses' other tests; these are the branches of issue, §1.3, §10, §11, §13, §14
and the record that no other table pins.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core.errors import BookErrors

ISSUE = "- {{id: i2, on: 2005-09-07, type: issue, actor: company:atg, option_no: {no}, holder: {holder}, terms: {{company: {company}, issue_date: {date}, tranches: {tranches}{more}}}}}"


def issue(no: str = "X-2", holder: str = "gssf", company: str = "atg", date: str = "2005-09-07",
          tranches: str = "[{shares: 10, exercise_price: '1'}]", more: str = "") -> str:
    return ISSUE.format(no=no, holder=holder, company=company, date=date, tranches=tranches, more=more)


NO_CAP = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], cap: null}')
NO_WAIVER = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], cap: {waiver_notice_days: null, void_on_default: false}}')


@pytest.mark.parametrize(
    ("preamble", "setup", "event", "clause", "field"),
    [
        # §1.1 issue
        (PREAMBLE, "", issue(no="ATG-1"), None, "option_no"),  # the number is taken
        (PREAMBLE, "", issue(holder="nobody"), None, "holder"),  # not a registered holder
        (PREAMBLE, "", issue(company="zzz").replace("actor: company:atg", "actor: company:zzz"), None, "terms.company"),
        (PREAMBLE, "", issue(tranches="[]"), None, "terms.tranches"),
        (PREAMBLE, "", issue(tranches="[{shares: '10.5', exercise_price: '1'}]"), "§1.1", "terms.tranches[0].shares"),
        (PREAMBLE, "", issue(tranches="[{shares: 10, exercise_price: '0'}]"), "§1(c)", "terms.tranches[0].exercise_price"),
        (PREAMBLE, "", issue(more=", cap: {percent: '100%'}"), "§10", "terms.cap.percent"),
        (PREAMBLE, "", issue(date="2005-09-08"), "§1.1", "on"),
        # preamble: a holder has an id and a name
        (PREAMBLE, "", "- {id: h9, on: 2005-09-08, type: holder, actor: holder:h9, holder: {id: h9, name: ' '}}", None, "holder.id"),
        # §14: the issuer is changed by §3, never by an amendment
        (PREAMBLE, "", "- {id: a, on: 2006-01-03, type: amendment, actor: company:atg, option_no: ATG-1, binds: [], signed_by: [company:atg, holder:gssf],"
         " terms: {company: other, issue_date: 2005-09-07, tranches: [{shares: 140250000, exercise_price: '0.00001'}]}}", "§14", "terms.company"),
        # §1.3: an acknowledgment answers an open request
        (PREAMBLE, "", "- {id: k, on: 2006-01-03, type: acknowledgment, actor: company:atg, option_no: ATG-1, request: nothing}", "§1.3", "request"),
        # §11: an agent for a company not on the books
        (PREAMBLE, "", "- {id: ag, on: 2006-01-02, type: agent, actor: company:zzz, company: zzz, name: X, office: {lines: [y]}}", None, "company"),
        # §11: an appointment names at least one function
        (PREAMBLE, "", "- {id: ag, on: 2006-01-02, type: agent, actor: company:atg, company: atg, name: X, office: {lines: [y]}, functions: []}", "§11", "functions"),
        # §13: an address for a holder not on the books; an address with no lines
        (PREAMBLE, "", "- {id: ad, on: 2006-01-03, type: address, actor: holder:nobody, holder: nobody, address: {lines: [x]}}", None, "holder"),
        (PREAMBLE, "", "- {id: ad, on: 2006-01-03, type: address, actor: holder:gssf, holder: gssf, address: {lines: []}}", None, "address"),
        # §13: a notice regarding an event that does not exist
        (PREAMBLE, "", "- {id: ns, on: 2006-01-03, type: notice, actor: company:atg, option_no: ATG-1, subject: s, addressee: gssf, regarding: nothing,"
         " address: {lines: ['1 Fund Street', 'New York, NY 10022']}}", None, "regarding"),
        # §10: ownership of an unregistered holder
        (PREAMBLE, "", "- {id: o9, on: 2006-01-03, type: ownership, actor: company:atg, holder: nobody, company: atg, shares: 1}", "§10", "holder"),
        # §10: notices on an option with no cap, or terms with no waiver or no release on default
        (NO_CAP, "", "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}", "§10", "option"),
        (NO_WAIVER, "", "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}", "§10", "option"),
        (NO_WAIVER, "", "- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}", "§10", "option"),
        # §10: a second waiver notice; a second default notice while the first continues
        (PREAMBLE, "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}",
         "- {id: w2, on: 2006-01-04, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}", "§10", "option"),
        (PREAMBLE, "- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}",
         "- {id: d2, on: 2006-01-04, type: default-notice, actor: holder:gssf, option_no: ATG-1}", "§10", "option"),
    ],
)
def test_each_refusal_branch(preamble: str, setup: str, event: str, clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(setup, event, preamble=preamble)
    err = info.value.errors[0]
    assert err.line is not None and err.line > preamble.count("\n")  # the refused event, not the preamble
    assert err.field == field, err.message
    if clause is not None:
        assert err.clause == clause, err.message


def test_a_correction_of_nothing_or_without_a_reason() -> None:
    """Straight through decide (a ledger's path): the book's loader catches an unknown id before decide does."""
    from datetime import date

    from warrantbook.core import events as ev
    from warrantbook.core.decide import decide
    from warrantbook.core.errors import BadInput

    state = make_book().state
    with pytest.raises(BadInput) as info:
        decide(state, ev.Correction(id="c", on=date(2006, 1, 3), actor="holder:gssf", corrects="nothing", reason="x"))
    assert info.value.field == "corrects"
    with pytest.raises(BookErrors) as book_info:
        make_book("- {id: c, on: 2006-01-03, type: correction, actor: holder:gssf, corrects: own, reason: ' '}")
    assert book_info.value.errors[0].field == "reason"


TRANSFERRED = """
- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}],
   endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
- {id: reg, on: 2006-01-04, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: tr, new_options: [A, B]}
"""
REPLACED = """
- {id: rr, on: 2006-01-03, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: lost, evidence: affidavit, indemnity: "1000"}
- {id: rp, on: 2006-01-04, type: replacement, actor: company:atg, option_no: ATG-1, request: rr, new_option: ATG-1R}
"""
NO_OWNERSHIP = PREAMBLE.replace("  - {id: own, on: 2005-09-07, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: 10000000}\n", "")
NO_OUTSTANDING = PREAMBLE.replace("  - {id: out, on: 2005-09-07, type: outstanding, actor: company:atg, company: atg, shares: 1200000000}\n", "")


@pytest.mark.parametrize(
    ("preamble", "setup", "event", "clause", "field"),
    [
        # §7, §12: the superseded original takes no act
        (PREAMBLE, TRANSFERRED, "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}",
         "§7, §12", "option"),
        # §8: nor does a replaced one
        (PREAMBLE, REPLACED, "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}",
         "§8", "option"),
        # §10: the cap needs the shares outstanding, and the holder's certificate
        (NO_OUTSTANDING, "", "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}",
         "§10", "outstanding"),
        (NO_OWNERSHIP, "", "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}",
         "§10", "owned"),
    ],
)
def test_acts_on_instruments_and_facts_the_engine_needs(preamble: str, setup: str, event: str, clause: str, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(setup, event, preamble=preamble)
    err = info.value.errors[0]
    assert (err.clause, err.field) == (clause, field), err.message


@pytest.mark.parametrize(("setup", "option", "holder", "clause"), [(TRANSFERRED, "A", "other", "§7, §12"), (REPLACED, "ATG-1R", "gssf", "§8")])
def test_an_act_back_dated_before_its_instrument_came_into_being(setup: str, option: str, holder: str, clause: str) -> None:
    """A ledger takes events after the fact: one dated before a piece's registration or a replacement's issue is refused."""
    from datetime import date

    from warrantbook.core import events as ev
    from warrantbook.core.decide import decide
    from warrantbook.core.errors import Refusal

    state = make_book(setup).state
    with pytest.raises(Refusal) as info:
        decide(state, ev.ExerciseNoticeReceived(id="n", on=date(2006, 1, 3), actor=f"holder:{holder}", option_no=option, shares=F(10)))
    assert (info.value.clause, info.value.field) == (clause, "on")
