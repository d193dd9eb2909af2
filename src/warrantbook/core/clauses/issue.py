"""The option itself: its issue (preamble, §1.1), the company's acknowledgment (§1.3) and amendments (§14).
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
    CompanyState,
    OptionState,
    _company,
    _put,
    _update,
)

_HOLDER_ONLY = frozenset({"holder"})


def _check_issue(state: BookState, e: ev.OptionIssued) -> None:
    if e.option_no in state.options:
        raise BadInput(f"option_no: option {e.option_no!r} already exists", field="option_no")
    if e.holder not in state.holders:
        raise BadInput(f"holder: {e.holder!r} is not a registered holder; record a 'holder' first", field="holder")
    if e.terms.company not in state.companies:
        raise BadInput(f"terms.company: {e.terms.company!r} is not a registered company", field="terms.company")
    if not e.terms.tranches:
        raise BadInput("terms.tranches: at least one tranche of shares and price", field="terms.tranches")
    for i, t in enumerate(e.terms.tranches):
        if t.shares <= 0 or t.shares.denominator != 1:
            raise BadInput(f"terms.tranches[{i}].shares: a whole number more than zero", field=f"terms.tranches[{i}].shares", clause="§1.1")
        if t.exercise_price <= 0:
            raise BadInput(f"terms.tranches[{i}].exercise_price: more than zero", field=f"terms.tranches[{i}].exercise_price", clause="§1(c)")
    if e.terms.cap is not None:
        for name, value in (("percent", e.terms.cap.percent), ("hard_ceiling", e.terms.cap.hard_ceiling)):
            if value is not None and not 0 < value < 1:
                raise BadInput(f"terms.cap.{name}: between 0% and 100%", field=f"terms.cap.{name}", clause="§10")
    if e.on != e.terms.issue_date:
        raise BadInput(f"on: the issue event's date ({e.on}) must be the terms' issue date ({e.terms.issue_date})", field="on", clause="§1.1")
    # §6 is the company's covenant, not a condition of the option: a shortfall of authorized shares is recorded as an
    # open item for the company (summary.company_items), never a reason to refuse the option.


def _on_issue(state: BookState, e: ev.OptionIssued) -> None:
    company = _company(state, e.terms.company)
    _put(state, OptionState(option_no=e.option_no, holder=e.holder, company=e.terms.company, obligor=company.name,
                            terms=e.terms, terms_history=((e.on, e.terms),), tranches=e.terms.tranches, issued_on=e.on, exists_from=e.on,
                            status_since=e.on))


def _on_company(state: BookState, e: ev.CompanyRegistered) -> None:
    existing = state.companies.get(e.company.id)
    if existing is None:
        state.companies[e.company.id] = CompanyState(e.company)
    else:
        existing.company = e.company


def _on_holder(state: BookState, e: ev.HolderRegistered) -> None:
    state.holders[e.holder.id] = e.holder
    if e.holder.address is not None:
        state.addresses.append((e.on, e.holder.id, e.holder.address))


def _check_amended(state: BookState, e: ev.Amended) -> None:
    option = option_of(state, e)
    if not e.binds:
        raise BadInput("binds: the parties the change binds", field="binds", clause="§14")
    unsigned = [party for party in e.binds if party not in e.signed_by]
    if unsigned:
        raise Refusal("§14", f"the amendment binds {', '.join(unsigned)} but is not signed by them", field="signed_by")
    if e.terms.company != option.terms.company:
        raise BadInput("terms.company: an amendment does not change the issuer (§3 does)", field="terms.company")


def _on_amended(state: BookState, e: ev.Amended) -> None:
    o = state.options[e.option_no]
    tranches = e.terms.tranches if e.terms.tranches != o.terms.tranches else o.tranches
    _update(state, o, terms=e.terms, terms_history=o.terms_history + ((e.on, e.terms),), tranches=tranches)


def _check_ack_request(state: BookState, e: ev.AcknowledgmentRequested) -> None:
    # §1.3 is about rights that continue after an exercise, so an option exercised in full may still ask
    check_active(option_of(state, e), e.on, "§1.3", allow_exercised=True)


def _on_ack_request(state: BookState, e: ev.AcknowledgmentRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, acknowledgments_due=o.acknowledgments_due + (e.id,))


def _check_ack(state: BookState, e: ev.AcknowledgmentGiven) -> None:
    option = option_of(state, e)
    if e.request and e.request not in option.acknowledgments_due:
        raise BadInput(f"request: {e.request!r} is not an open request on option {option.option_no}", field="request", clause="§1.3")


def _on_ack(state: BookState, e: ev.AcknowledgmentGiven) -> None:
    o = state.options[e.option_no]
    remaining = tuple(r for r in o.acknowledgments_due if r != e.request) if e.request else o.acknowledgments_due[1:]
    _update(state, o, acknowledgments_due=remaining)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.OptionIssued: (_check_issue,),
    ev.CompanyRegistered: (),
    ev.HolderRegistered: (),
    ev.Amended: (_check_amended,),
    ev.AcknowledgmentRequested: (_check_ack_request,),
    ev.AcknowledgmentGiven: (_check_ack,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.OptionIssued: _on_issue,
    ev.CompanyRegistered: _on_company,
    ev.HolderRegistered: _on_holder,
    ev.Amended: _on_amended,
    ev.AcknowledgmentRequested: _on_ack_request,
    ev.AcknowledgmentGiven: _on_ack,
}
