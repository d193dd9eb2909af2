"""The option itself: its issue (preamble, §1.1), the company's acknowledgment (§1.3) and amendments (§14).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.engine import check_active, exercised_after, option_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.rules.amendment import COMPANY, HOLDER, Burden, burdens
from warrantbook.core.state import (
    BookState,
    CompanyState,
    OptionState,
    _company,
    _put,
    _update,
)
from warrantbook.core.terms import Terms, Tranche

_HOLDER_ONLY = frozenset({"holder"})


MAX_DAYS = 100_000  # a period of days in the terms: more is no period the agreement could mean (and overflows a date)


def _check_days(terms: Terms) -> None:
    """§2.1's delivery period and §10's waiver notice period: whole numbers of days, not negative, bounded."""
    periods = (("delivery_days", terms.delivery_days, "§2.1"),
               ("cap.waiver_notice_days", terms.cap.waiver_notice_days if terms.cap is not None else None, "§10"))
    for name, value, clause in periods:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS):
            raise BadInput(f"terms.{name}: {value!r} is not a whole number of days from 0 to {MAX_DAYS:,} ({clause})", field=f"terms.{name}",
                           clause=clause)


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
    _check_days(e.terms)
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


def _check_holder(state: BookState, e: ev.HolderRegistered) -> None:
    """A holder's record: the company may put a new holder on its books (§12), but only the holder changes its own
    notice address (§13) or group; joining a group that has other members needs one of them to consent (§10)."""
    h = e.holder
    if not h.id.strip() or not h.name.strip():
        raise BadInput("holder: an id and a name", field="holder.id")
    existing = state.holders.get(h.id)
    if existing is not None and e.role == "company":
        raise Refusal("§13", f"holder {h.id!r} is already registered; its address and group are its own to change", field="actor")
    if existing is not None and e.role != "holder":
        # the keeper may record a group from a filing, never the holder's notice address (§13: "furnished ... by such
        # Holder") nor its registered name (§12): notices would go where the holder never said
        last = state.last_address(h.id)
        if h.address is not None and (last is None or last[1] != h.address):
            raise Refusal("§13", f"holder {h.id!r}'s address is furnished by the holder itself (an 'address' event)", field="holder.address")
        if h.name != existing.name:
            raise Refusal("§12", f"holder {h.id!r} is registered as {existing.name!r}; the keeper does not rename it", field="holder.name")
    group = h.cap_group
    others = [m for m in state.members.get(group, ()) if m != h.id]  # the group's index, not every holder
    if group != h.id and group in state.holders and group not in others:
        others.append(group)  # a group named after a holder is that holder's group
    joining = others and (existing is None or existing.cap_group != group)
    if joining and e.role != "system":
        members = {f"holder:{m}" for m in others}
        if not members & set(e.consented_by):
            raise Refusal("§10", f"joining group {group!r} (members: {', '.join(sorted(others))}) puts their holdings together under "
                          "Rule 13d-5; it needs the consent of one of them (consented_by)", field="holder.group")


    if existing is not None and existing.cap_group != group and e.role != "system":
        # leaving: the members left behind and the leaver each count less H from then on (§10), on the holder's word alone
        left = [m for m in state.members.get(existing.cap_group, ()) if m != h.id]
        if existing.cap_group != h.id and existing.cap_group in state.holders and existing.cap_group not in left:
            left.append(existing.cap_group)
        if left:
            raise Refusal("§10", f"leaving group {existing.cap_group!r} (members: {', '.join(sorted(left))}) takes their holdings out of "
                          "each other's H under Rule 13d-5; a group ends as a fact of record (the keeper's entry from the Schedule 13D "
                          "amendment), not on one member's word", field="holder.group")


def _on_holder(state: BookState, e: ev.HolderRegistered) -> None:
    h = e.holder
    before = state.holders.get(h.id)
    state.holders[h.id] = h
    if before is None:
        state.members.setdefault(h.cap_group, []).append(h.id)  # the newest holder: last in its group, as in `holders`
    elif before.cap_group != h.cap_group:  # §10: it left one group for another (rare): both lists follow `holders`' order
        for group in (before.cap_group, h.cap_group):
            listed = [m for m, x in state.holders.items() if x.cap_group == group]
            if listed:
                state.members[group] = listed
            else:
                state.members.pop(group, None)
    if h.address is not None:
        state.addresses.append((e.on, h.id, h.address))


# ---------------------------------------------------------------- §14: changes in a writing signed by the party bound


def _check_amended(state: BookState, e: ev.Amended) -> None:
    option = option_of(state, e)
    check_active(option, e.on, "§14")
    if e.terms.company != option.terms.company:
        raise BadInput("terms.company: an amendment does not change the issuer (§3 does)", field="terms.company", clause="§14")
    _check_days(e.terms)
    parties = {HOLDER: f"holder:{option.holder}", COMPANY: f"company:{option.company}"}
    burdened = burdens(option.terms, e.terms)
    if e.restores_exercised:
        # the new numbers replace what remains (after exercises and §4 adjustments), not the numbers as first written:
        # who the change burdens is read against what remains too, or 120,000,000 "fewer" than 140,250,000 could hand a
        # holder with 100,250,000 left more shares on its own signature
        now = replace(option.terms, tranches=option.tranches)
        after = replace(option.terms, tranches=_amended_tranches(option, e))
        seen = {b.party for b in burdened}
        burdened += [Burden(b.party, f"{b.reason} against what remains") for b in burdens(now, after) if b.party not in seen]
    if not burdened:
        raise BadInput("terms: the amendment changes nothing", field="terms", clause="§14")
    required = {parties[b.party] for b in burdened} | set(e.binds)
    stray = sorted(set(e.binds) - set(parties.values()))
    if stray:
        raise BadInput(f"binds: {', '.join(stray)} is not a party to option {option.option_no}", field="binds", clause="§14")
    if e.actor not in e.signed_by:
        raise Refusal("§14", f"the amendment is recorded by {e.actor}, who has not signed it", field="signed_by")
    unsigned = sorted(required - set(e.signed_by))
    if unsigned:
        why = "; ".join(f"{b.reason} burdens the {b.party}" for b in burdened if parties[b.party] in unsigned)
        raise Refusal("§14", f"not signed by {', '.join(unsigned)}, against whom it would be enforced ({why or 'named in binds'})",
                      field="signed_by")
    _amended_tranches(option, e)  # refuses a change that would bring back exercised shares unless it says so
    _check_amended_order(state, option, e)


# what an exercise never reads (§14 records them; the figures and the right to exercise do not depend on them)
_NOT_READ_BY_EXERCISE = frozenset({"issue_date", "option_no", "option_no_on_instrument", "related", "disputes", "legend"})


def changes_what_an_exercise_reads(old: Terms, new: Terms) -> bool:
    """Whether two versions of the terms differ in anything an exercise reads (all but `_NOT_READ_BY_EXERCISE`)."""
    return any(getattr(old, f.name) != getattr(new, f.name) for f in fields(new) if f.name not in _NOT_READ_BY_EXERCISE)


def _check_amended_order(state: BookState, option: OptionState, e: ev.Amended) -> None:
    """§14, §2.1, §1.1: terms take effect from the writing's date, and the fold applies them from there. An amendment
    dated before one already recorded was weighed (whom it burdens, §14) against the later writing's terms, and the
    later writing against the terms before both, while the fold puts this one between them: a later expiration signed
    by the holder alone, then an earlier one dated before it, left the fold moving the expiration later with no company
    signature (a replay refuses it). Refused. And one that changes what an exercise reads (shares and price, expiration, cap, ways to pay, delivery
    period, FMV rules, readings), dated before an exercise already effected or a step of an open exercise already
    recorded, would have the fold apply that exercise, decided under the old terms, after the new ones: an earlier
    expiration left a 1,000,000-share exercise effected a month after it, and a price raised tenfold left one effected
    on $10 paid where $100 was due (a replay holds it unpaid). Refused; correct the exercise first or date the
    amendment after it."""
    last = option.terms_history[-1][0] if option.terms_history else None
    if last is not None and e.on < last:
        raise Refusal("§14", f"the terms of option {option.option_no} were changed from {last} by a writing already recorded; this "
                      f"one, dated {e.on}, comes before it: correct that amendment first, or date this one on or after {last}",
                      field="on")
    if not changes_what_an_exercise_reads(option.terms, e.terms):
        return
    if exercised_after([option], e) is not None:
        raise Refusal("§14, §2.1", f"an exercise of option {option.option_no} was effected at the close of business on "
                      f"{option.last_exercised} under the terms of then; this amendment dated {e.on} comes before it: correct that "
                      "exercise first, or date the amendment after it", field="on")
    for p in option.pending:
        step = max((x.on for x in (p.notice, p.surrender, *p.payments) if x is not None), default=p.notice.on)
        if step > e.on:
            raise Refusal("§14, §2.1", f"exercise notice {p.notice.id} of option {option.option_no} is open, its last step dated {step} "
                          f"taken under the terms of then; this amendment dated {e.on} comes before it: correct that step first, "
                          f"or date the amendment on or after {step}", field="on")


def _amended_tranches(option: OptionState, e: ev.Amended) -> tuple[Tranche, ...]:
    """The remaining shares and prices after the change. A change of share numbers applies as a difference to what
    remains, on the basis of any §4 adjustment since issue; only `restores_exercised` starts over from the new numbers."""
    old, new = option.terms.tranches, e.terms.tranches
    if old == new:
        return option.tranches
    if e.restores_exercised:
        return new
    if len(old) != len(new):
        if option.tranches == old:
            return new  # nothing exercised or adjusted yet: the new tranches stand as written
        raise Refusal("§14", "a change in the number of tranches after an exercise or adjustment would reset what remains; "
                      "say so explicitly (restores_exercised) or keep the tranches", field="terms.tranches")
    out = []
    for i, (o, n, now) in enumerate(zip(old, new, option.tranches)):
        ratio = now.exercise_price / o.exercise_price  # §4 scales shares by the inverse of the price ratio
        shares = now.shares + (n.shares - o.shares) / ratio
        if shares < 0:
            raise Refusal("§14", f"tranche {i}: the new number ({n.shares}) is below the shares already exercised from it",
                          field=f"terms.tranches[{i}].shares")
        out.append(Tranche(shares, n.exercise_price * ratio))
    return tuple(out)


def _on_amended(state: BookState, e: ev.Amended) -> None:
    o = state.options[e.option_no]
    _update(state, o, terms=e.terms, terms_history=o.terms_history + ((e.on, e.terms),), tranches=_amended_tranches(o, e))


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
    ev.HolderRegistered: (_check_holder,),
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
