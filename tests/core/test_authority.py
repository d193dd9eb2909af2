"""Who may give each event (events.GIVEN_BY): one row per party that may not, each citing its clause.

Every row is an event a party tries to give for another (or one nobody may give); each must be refused with the
clause and the field, and the same event from the right party must pass (so the row fails if its check goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from tests.conftest import make_book
from warrantbook.core import events as ev
from warrantbook.core.clauses import CHECKS, EFFECTS
from warrantbook.core.decide import decide
from warrantbook.core.errors import BookErrors, Refusal

AGENT = "- {id: ag, on: 2006-01-02, type: agent, actor: company:atg, company: atg, name: Transfer Co, office: {lines: [1 Agent Way]}, functions: [exercise]}"
NOTICE = "- {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}"
ASSETS = ("- {id: r, on: 2006-01-02, type: reorganization, actor: company:atg, company: atg, transaction: asset-transfer, "
          "successor: Acquirer Corp, basket: [{item: cash, quantity: '0.01'}]}")  # §3.1(c): what §3.2, and so §1.4, follows
TRUSTEE = ("- {id: t, on: 2006-01-02, type: trustee, actor: holder:gssf, option_no: ATG-1, name: NY Trust, "
           "principal_office: {lines: [1 Wall St, 'New York, NY 10005']}, bank_or_trust_company: true}")


def test_every_kind_declares_who_may_give_it_and_its_checks() -> None:
    """Coverage over the registry: a kind with no authority or no checks would be refused, so none may lack them."""
    for kind, cls in ev.REGISTRY.items():
        assert cls in ev.GIVEN_BY, f"{kind}: no entry in events.GIVEN_BY"
        if ev.GIVEN_BY[cls].computed:
            assert cls.derived, f"{kind}: computed but not derived"
            continue
        assert cls in CHECKS, f"{kind}: no checks declared in core/clauses"
    assert set(EFFECTS) <= set(ev.REGISTRY.values())


def test_a_kind_without_checks_is_refused_not_allowed() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Unchecked(ev.Event):
        kind: ClassVar[str] = "unchecked"
        clause: ClassVar[str] = "record"

    state = make_book().state
    with pytest.raises(Refusal) as info:
        decide(state, Unchecked(id="u", on=state.options["ATG-1"].issued_on, actor="system"))
    assert info.value.field == "kind"


def test_a_computed_event_cannot_be_recorded_by_anyone() -> None:
    state = make_book(NOTICE).state
    effected = ev.ExerciseEffected(id="x", on=state.options["ATG-1"].issued_on, actor="company:atg", option_no="ATG-1", notice="n",
                                   tranche=0, shares_exercised=1, shares_issued=1, whole_shares=1, fraction=0, fair_market_value=None,  # type: ignore[arg-type]
                                   cash_in_lieu=0, cash_in_lieu_paid=0, aggregate_exercise_price=0, delivery_due=state.options["ATG-1"].issued_on,  # type: ignore[arg-type]
                                   holder="gssf", company="atg")
    with pytest.raises(Refusal) as info:
        decide(state, effected)
    assert (info.value.clause, info.value.field) == ("§2.1", "kind") and "computed" in info.value.message


def test_a_kind_with_checks_but_no_authority_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks alone never let an event through: who may give it must be declared too."""
    monkeypatch.delitem(ev.GIVEN_BY, ev.WaiverNoticeReceived)
    state = make_book().state
    with pytest.raises(Refusal) as info:
        decide(state, ev.WaiverNoticeReceived(id="w", on=state.options["ATG-1"].issued_on, actor="holder:gssf", option_no="ATG-1"))
    assert info.value.field == "actor" and "no rule says who" in info.value.message


@pytest.mark.parametrize(
    ("setup", "wrong", "right", "clause"),
    [
        # §1.1: the company issues; a holder cannot issue itself an option
        ("", "- {id: i2, on: 2005-09-07, type: issue, actor: holder:gssf, option_no: X-2, holder: gssf, terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 10, exercise_price: '1'}]}}",
         "- {id: i2, on: 2005-09-07, type: issue, actor: company:atg, option_no: X-2, holder: gssf, terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 10, exercise_price: '1'}]}}", "§1.1"),
        # §12: another holder cannot give this holder's exercise notice
        ("", NOTICE.replace("holder:gssf", "holder:other"), NOTICE, "§12"),
        # §12: nor can the company
        ("", NOTICE.replace("holder:gssf", "company:atg"), NOTICE, "§12"),
        # §2.1: the holder cannot record the company's receipt of the surrender
        (NOTICE, "- {id: s, on: 2006-01-03, type: surrender, actor: holder:gssf, option_no: ATG-1, notice: n}",
         "- {id: s, on: 2006-01-03, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}", "§2.1"),
        # §2.1: another company cannot either
        (NOTICE, "- {id: s, on: 2006-01-03, type: surrender, actor: company:other, option_no: ATG-1, notice: n}",
         "- {id: s, on: 2006-01-03, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}", "§2.1"),
        # §11: an agent before its appointment
        (NOTICE, "- {id: s, on: 2006-01-03, type: surrender, actor: agent:Transfer Co, option_no: ATG-1, notice: n}",
         AGENT + "\n- {id: s, on: 2006-01-03, type: surrender, actor: agent:Transfer Co, option_no: ATG-1, notice: n}", "§11"),
        # §11: an agent under another name than the appointed one
        (AGENT + "\n" + NOTICE, "- {id: s, on: 2006-01-03, type: surrender, actor: agent:Someone Else, option_no: ATG-1, notice: n}",
         "- {id: s, on: 2006-01-03, type: surrender, actor: agent:Transfer Co, option_no: ATG-1, notice: n}", "§11"),
        # §11: an agent outside its functions (exchange on transfer)
        (AGENT + "\n- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}], "
         "endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}",
         "- {id: reg, on: 2006-01-04, type: transfer-registration, actor: agent:Transfer Co, option_no: ATG-1, request: tr, new_options: [A, B]}",
         "- {id: reg, on: 2006-01-04, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: tr, new_options: [A, B]}", "§11"),
        # §1.4: a trustee receives payments only once designated, and only under its own name (and only once §3.2 applies,
        # after a transfer of the company's assets: test_adversarial.test_a_trustee_takes_no_payment_before_section_3_2_applies)
        (ASSETS + "\n" + NOTICE, "- {id: p, on: 2006-01-03, type: payment, actor: trustee:NY Trust, option_no: ATG-1, notice: n, cash: '0.01'}",
         TRUSTEE + "\n- {id: p, on: 2006-01-03, type: payment, actor: trustee:NY Trust, option_no: ATG-1, notice: n, cash: '0.01'}", "§1.4"),
        (ASSETS + "\n" + TRUSTEE + "\n" + NOTICE, "- {id: p, on: 2006-01-03, type: payment, actor: trustee:Other Trust, option_no: ATG-1, notice: n, cash: '0.01'}",
         "- {id: p, on: 2006-01-03, type: payment, actor: trustee:NY Trust, option_no: ATG-1, notice: n, cash: '0.01'}", "§1.4"),
        # §4: the holder cannot record a split
        ("", "- {id: se, on: 2006-01-03, type: stock-event, actor: holder:gssf, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 2400000000}",
         "- {id: se, on: 2006-01-03, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 2400000000}", "§4"),
        # §3.1: nor a merger
        ("", "- {id: m, on: 2006-01-03, type: reorganization, actor: holder:gssf, company: atg, transaction: merger, successor: NewCo, basket: [{item: cash, quantity: '0.01'}]}",
         "- {id: m, on: 2006-01-03, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: NewCo, basket: [{item: cash, quantity: '0.01'}]}", "§3.1"),
        # §10: a holder certifies its own holdings only
        ("", "- {id: o2, on: 2006-01-03, type: ownership, actor: holder:other, holder: gssf, company: atg, shares: 1}",
         "- {id: o2, on: 2006-01-03, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: 1}", "§10"),
        # §12: the company cannot give the holder's waiver notice
        ("", "- {id: w, on: 2006-01-03, type: waiver-notice, actor: company:atg, option_no: ATG-1}",
         "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}", "§12"),
        # §12: nor its default notice
        ("", "- {id: d, on: 2006-01-03, type: default-notice, actor: company:atg, option_no: ATG-1}",
         "- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}", "§12"),
        # §12: nor its transfer request
        ("", "- {id: tr, on: 2006-01-03, type: transfer-request, actor: company:atg, option_no: ATG-1, pieces: [{holder: other, shares: 1000}]}",
         "- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}]}", "§12"),
        # §13: the holder furnishes its own address, not another's
        ("", "- {id: ad, on: 2006-01-03, type: address, actor: holder:other, holder: gssf, address: {lines: [x]}}",
         "- {id: ad, on: 2006-01-03, type: address, actor: holder:gssf, holder: gssf, address: {lines: [x]}}", "§13"),
        # §13: notices come from the company, not the holder
        ("", "- {id: ns, on: 2006-01-03, type: notice, actor: holder:gssf, option_no: ATG-1, subject: s, addressee: gssf, address: {lines: ['1 Fund Street', 'New York, NY 10022']}}",
         "- {id: ns, on: 2006-01-03, type: notice, actor: company:atg, option_no: ATG-1, subject: s, addressee: gssf, address: {lines: ['1 Fund Street', 'New York, NY 10022']}}", "§13"),
        # §1.2(a), (b): a holder cannot make the market
        ("", "- {id: q, on: 2006-01-03, type: quote, actor: holder:gssf, company: atg, venue: otcbb, bid: '0.1', ask: '0.2'}",
         "- {id: q, on: 2006-01-03, type: quote, actor: system, company: atg, venue: otcbb, bid: '0.1', ask: '0.2'}", "§1.2(a), §1.2(b)"),
        # §11: an agent is appointed by the company
        ("", "- {id: ag, on: 2006-01-02, type: agent, actor: holder:gssf, company: atg, name: X, office: {lines: [y]}}",
         "- {id: ag, on: 2006-01-02, type: agent, actor: company:atg, company: atg, name: X, office: {lines: [y]}}", "§11"),
        # §1.3: the acknowledgment is the company's, the request the holder's
        ("", "- {id: k, on: 2006-01-03, type: acknowledgment-request, actor: company:atg, option_no: ATG-1}",
         "- {id: k, on: 2006-01-03, type: acknowledgment-request, actor: holder:gssf, option_no: ATG-1}", "§12"),
        # the keeper records market data, never a party's act
        ("", "- {id: w, on: 2006-01-03, type: waiver-notice, actor: system, option_no: ATG-1}",
         "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}", "§12"),
    ],
)
def test_only_the_party_named_may_give_it(setup: str, wrong: str, right: str, clause: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(setup, wrong)
    err = info.value.errors[0]
    assert (err.clause, err.field) == (clause, "actor"), str(err)
    make_book(setup, right)  # the right party passes: the refusal is about who, nothing else


def test_every_problem_of_an_event_is_reported() -> None:
    """A wrong actor and a malformed body: both come back, not only the first."""
    with pytest.raises(BookErrors) as info:
        make_book("- {id: q, on: 2006-01-03, type: quote, actor: holder:gssf, company: atg, venue: otcbb, bid: '0.3', ask: '0.2'}")
    err = info.value.errors[0]
    assert len(err.all_problems) == 2
    assert {p.field for p in err.all_problems} == {"actor", "bid"}
