"""§2 Procedure for exercise: the notice (§1.1, Exhibit A), surrender and payment (§2.1, §2.2(a)), the exercise effected
at the close of business (§2.1) and the delivery within the business days the terms give.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.clauses.reorganization import basket_exercised
from warrantbook.core.engine import check_active, determination_date, exercise_quote, option_of, request_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.state import (
    BookState,
    OptionState,
    PendingExercise,
    Status,
    _company,
    _evolve_option,
    _push,
    _put,
    _set,
    _update,
)
from warrantbook.core.terms import PaymentMethod, Tranche


def _completes(state: BookState, option: OptionState, p: PendingExercise, on: date) -> ev.ExerciseEffected | None:
    """The exercise effected once surrender and payment are both in, or None while one is missing."""
    if p.surrender is None:
        return None
    notice = p.notice
    det = determination_date(option, notice, on)
    result = exercise_quote(state, option.option_no, request_of(notice, p.ratio), on, determination=det, check_status=False)
    if notice.method is not PaymentMethod.CASHLESS:
        if p.cash_paid < result.cash_due or p.stock_paid < result.stock_due:
            return None
    return ev.ExerciseEffected(
        id=f"{notice.id}.effected", on=on, actor="system", option_no=option.option_no, notice=notice.id,
        tranche=result.tranche, shares_exercised=result.shares_exercised, shares_issued=result.shares_issued,
        whole_shares=result.whole_shares, fraction=result.fraction,
        fair_market_value=result.fair_market_value.value if result.fair_market_value else None,
        cash_in_lieu=result.cash_in_lieu, cash_in_lieu_paid=result.cash_in_lieu_paid,
        aggregate_exercise_price=result.aggregate_exercise_price, delivery_due=result.delivery_due,
        holder=option.holder, company=option.company, basket=result.basket)


def _pending(option: OptionState, notice_id: str) -> PendingExercise:
    p = option.pending_notice(notice_id)
    if p is None:
        open_ids = ", ".join(x.notice.id for x in option.pending) or "none"
        raise BadInput(f"notice: {notice_id!r} is not an open exercise notice of option {option.option_no} (open: {open_ids})",
                       field="notice", clause="§2.1")
    return p


def _new_pending(notice: ev.ExerciseNoticeReceived) -> PendingExercise:
    """`PendingExercise(notice)` with every other field at its default, without the __init__ round trip."""
    p = object.__new__(PendingExercise)
    _set(p, "notice", notice)
    _set(p, "surrender", None)
    _set(p, "payments", ())
    _set(p, "ratio", _ONE)
    return p


_ONE = Fraction(1)


def _replace_pending(o: OptionState, new: PendingExercise) -> tuple[PendingExercise, ...]:
    return tuple(new if p.notice.id == new.notice.id else p for p in o.pending)


def _check_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    option = option_of(state, e)
    check_active(option, e.on)
    if e.method is PaymentMethod.COMBINATION and e.cash is None and e.cancel_shares is None and e.stock_shares is None:
        raise BadInput("a combination names its parts: cash, cancel_shares and/or stock_shares (§2.2(a)(iv))", field="method", clause="§2.2(a)")
    if e.shares is None and e.method is not PaymentMethod.CASHLESS:
        raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
    # The notice is irrevocable once received: check now that it can be honoured on today's facts.
    exercise_quote(state, option.option_no, request_of(e), e.on, determination=e.on)


def _on_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    o = state.options[e.option_no]
    pending = o.pending + (_new_pending(e),)
    if state.folding:
        _set(o, "pending", pending)
    else:
        _put(state, _evolve_option(o, pending=pending))


def _check_surrender(state: BookState, e: ev.OptionSurrendered) -> list[ev.Event]:
    option = option_of(state, e)
    p = _pending(option, e.notice)
    if p.surrender is not None:
        raise Refusal("§2.1", f"the option was already surrendered for notice {e.notice} on {p.surrender.on}", field="notice")
    if e.on < p.notice.on:
        raise Refusal("§2.1", "a surrender cannot precede its exercise notice", field="on")
    if e.place not in ("company", "agent"):
        raise BadInput("place: 'company' (principal office) or 'agent' (§11 office)", field="place", clause="§2.2(b)")
    if e.place == "agent":
        agent = state.companies[option.company].agent if option.company in state.companies else None
        if agent is None or ev.AgentFunction.EXERCISE not in agent.functions:
            raise Refusal("§11", "no agent is appointed for exercises: surrender at the company's principal office", field="place")
    after = replace(p, surrender=e)
    effected = _completes(state, option, after, e.on)
    return [effected] if effected else []


def _on_surrender(state: BookState, e: ev.OptionSurrendered) -> None:
    o = state.options[e.option_no]
    p = o.pending_notice(e.notice)
    if p is None:
        return
    _update(state, o, pending=_replace_pending(o, replace(p, surrender=e)), original_at=e.place)


def _check_payment(state: BookState, e: ev.PaymentReceived) -> list[ev.Event]:
    option = option_of(state, e)
    p = _pending(option, e.notice)
    if e.on < p.notice.on:
        raise Refusal("§2.2(a)", "a payment cannot precede its exercise notice", field="on")
    if p.notice.method is PaymentMethod.CASHLESS:
        raise Refusal("§2.2(b)", "a cashless exercise is paid by the surrender itself; no payment is recorded", field="notice")
    if e.cash < 0 or e.stock_shares < 0 or (e.cash == 0 and e.stock_shares == 0):
        raise BadInput("cash or stock_shares: a payment of more than zero", field="cash", clause="§2.2(a)")
    after = replace(p, payments=p.payments + (e,))
    effected = _completes(state, option, after, e.on)
    return [effected] if effected else []


def _on_payment(state: BookState, e: ev.PaymentReceived) -> None:
    o = state.options[e.option_no]
    p = o.pending_notice(e.notice)
    if p is None:
        return
    _update(state, o, pending=_replace_pending(o, replace(p, payments=p.payments + (e,))))


def _on_exercise(state: BookState, e: ev.ExerciseEffected) -> None:
    o = state.options[e.option_no]
    old = o.tranches
    i = e.tranche
    t = old[i]
    changed = Tranche(t.shares - e.shares_exercised, t.exercise_price)
    if i < 0:
        i += len(old)  # a negative index names the same tranche, as list assignment does
    tranches = old[:i] + (changed,) + old[i + 1:]
    status = o.status if changed.shares or any(x.shares for x in tranches) else Status.EXERCISED
    pending = o.pending
    notice = e.notice
    if len(pending) == 1:
        pending = () if pending[0].notice.id == notice else pending
    else:
        pending = tuple(p for p in pending if p.notice.id != notice)
    status_since = e.on if status is not o.status else o.status_since
    # after a partial exercise the company holds the surrendered paper until it issues one for the balance
    if state.folding:
        _set(o, "tranches", tranches)
        _set(o, "pending", pending)
        _set(o, "deliveries_due", o.deliveries_due + (e,))
        _set(o, "status", status)
        _set(o, "status_since", status_since)
    else:
        _put(state, _evolve_option(o, tranches=tranches, pending=pending, deliveries_due=o.deliveries_due + (e,), status=status,
                                   status_since=status_since))
    if o.basket is None:
        company = _company(state, o.company)
        current = company.current_outstanding
        if current is not None:
            _push(company.outstanding, e.on, current + e.whole_shares)
        key = (state.holder_group(o.holder), o.company)
        history = state.owned.get(key)
        if history:
            _push(history, e.on, history[-1][1] + e.whole_shares)
    else:
        basket_exercised(state, o, e)  # §3.1: the successor's common stock delivered counts as its outstanding


def _check_delivery(state: BookState, e: ev.SharesDelivered) -> None:
    option = option_of(state, e)
    due = [d for d in option.deliveries_due if d.notice == e.notice]
    if not due:
        raise BadInput(f"notice: no delivery is due for {e.notice!r} on option {option.option_no}", field="notice", clause="§2.1")
    if not e.certificates and not e.book_entry:
        raise BadInput("certificates: give the certificate numbers, or book_entry: true", field="certificates", clause="§2.1")
    holder = state.holders.get(option.holder)
    if e.issued_in_name and holder and e.issued_in_name != holder.name and not e.transfer_taxes_paid:
        raise Refusal("§2.1", f"shares issued in another name ({e.issued_in_name}) need the holder's payment of any transfer taxes",
                      field="transfer_taxes_paid")


def _on_delivery(state: BookState, e: ev.SharesDelivered) -> None:
    o = state.options[e.option_no]
    due = o.deliveries_due
    notice = e.notice
    if len(due) == 1:
        due = () if due[0].notice == notice else due
    else:
        due = tuple(d for d in due if d.notice != notice)
    if state.folding:
        _set(o, "deliveries_due", due)
    else:
        _put(state, _evolve_option(o, deliveries_due=due))


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.ExerciseNoticeReceived: (_check_notice,),
    ev.OptionSurrendered: (_check_surrender,),
    ev.PaymentReceived: (_check_payment,),
    ev.ExerciseEffected: (),
    ev.SharesDelivered: (_check_delivery,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.ExerciseNoticeReceived: _on_notice,
    ev.OptionSurrendered: _on_surrender,
    ev.PaymentReceived: _on_payment,
    ev.ExerciseEffected: _on_exercise,
    ev.SharesDelivered: _on_delivery,
}
