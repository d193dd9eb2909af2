"""§2 Procedure for exercise: the notice (§1.1, Exhibit A), surrender and payment (§2.1, §2.2(a)), the exercise effected
at the close of business (§2.1) and the delivery within the business days the terms give.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.arith import add, sub
from warrantbook.core.clauses.cap import as_of_defaults, check_exercise_before_capped
from warrantbook.core.clauses.fmv import agreeing_holders
from warrantbook.core.clauses.issue import changes_what_an_exercise_reads
from warrantbook.core.clauses.reorganization import basket_exercised
from warrantbook.core.clauses.reservation import check_exercise_before_exercises
from warrantbook.core.engine import (
    FmvValue,
    after_expiration,
    check_active,
    determination_date,
    exercise_quote,
    fmv_pending,
    option_of,
    request_of,
)
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.numbers import fmt
from warrantbook.core.rules.exercise import asked, needs_fmv
from warrantbook.core.state import (
    BookState,
    OptionState,
    PendingExercise,
    RefundDue,
    Status,
    _company,
    _evolve_option,
    _push,
    _put,
    _set,
    _update,
    build_owed,
    build_pending,
)
from warrantbook.core.terms import PaymentMethod, Tranche, build_tranche
from warrantbook.core.values import make_evolver

EFFECTED = ".effected"  # §2.1: an exercise effected on notice N is recorded as N.effected (the system names it)


def effected_id(notice_id: str) -> str:
    """The id of the exercise effected on `notice_id`: given by the system, so `decide` keeps it free (see there)."""
    return notice_id + EFFECTED


def _completes(state: BookState, option: OptionState, p: PendingExercise, on: date,
               new_value: FmvValue | None = None) -> ev.ExerciseEffected | None:
    """The exercise effected once surrender and payment are both in, or None while one is missing or the notice is
    held for a §1.2(c) value still pending (it is priced when the value is recorded: `_price_held`)."""
    if p.surrender is None:
        return None
    notice = p.notice
    det = determination_date(option, notice, on)
    try:
        result = exercise_quote(as_of_defaults(state, option, on), option.option_no, request_of(notice, p.ratio), on, determination=det,
                                check_status=False,
                                later_value=True, new_value=new_value)
    except Refusal as exc:
        if exc.clause == "§1.2(c)":
            return None  # held: the value the price needs is pending
        raise
    refund_cash = refund_stock = _ZERO
    if notice.method is not PaymentMethod.CASHLESS:
        if p.cash_paid < result.cash_due or p.stock_now < result.stock_due:
            return None
        refund_cash = p.cash_paid - result.cash_due
        refund_stock = p.stock_now - result.stock_due
    return ev.ExerciseEffected(
        id=effected_id(notice.id), on=on, actor="system", option_no=option.option_no, notice=notice.id,
        tranche=result.tranche, shares_exercised=result.shares_exercised, shares_issued=result.shares_issued,
        whole_shares=result.whole_shares, fraction=result.fraction,
        fair_market_value=result.fair_market_value.value if result.fair_market_value else None,
        cash_in_lieu=result.cash_in_lieu, cash_in_lieu_paid=result.cash_in_lieu_paid,
        aggregate_exercise_price=result.aggregate_exercise_price, delivery_due=result.delivery_due,
        holder=option.holder, company=option.company, refund_cash=refund_cash, refund_stock=refund_stock,
        basket=result.basket)


def _value_of(e: ev.FmvAgreed | ev.FmvAwarded) -> FmvValue:
    """The value being recorded, as the state will keep it (clauses/fmv.py), for decide to see it first."""
    if isinstance(e, ev.FmvAgreed):
        return e.on, e.value, f"agreed by {', '.join(e.agreed_by) or 'the parties'} on {e.on}", agreeing_holders(e)
    return e.on, e.value, f"arbitration award {e.case} ({e.arbitrator}) on {e.on}".replace(" ()", ""), None


def _price_held(state: BookState, e: ev.FmvAgreed | ev.FmvAwarded) -> list[ev.Event]:
    """§1.2(c), §2.1: a value agreed or awarded prices every notice held for it whose surrender and payment are in;
    each is effected at the close of business of the day the value is recorded (docs/interpretations-9a.md)."""
    candidates = [(no, p) for no in state.by_company.get(e.company, ()) if state.options[no].active
                  for p in state.options[no].pending
                  if p.surrender is not None and fmv_pending(state, state.options[no], determination_date(state.options[no], p.notice, e.on))]
    if not candidates:
        return []
    for no, _ in candidates:  # each is effected at the close of e's day, on the basis and the terms of now
        _before_basis_change(state, state.options[no], e, ev.Phase.CLOSE)
        _before_terms_change(state.options[no], e)
    from warrantbook.core.state import apply

    scratch = copy.deepcopy(state)  # later exercises see the earlier ones (balance, outstanding, cap); the state is not touched
    scratch.folding = False
    apply(scratch, e)
    out: list[ev.Event] = []
    for no, p in candidates:
        option = scratch.options[no]
        held = option.pending_notice(p.notice.id)
        effected = _completes(scratch, option, held, e.on) if held is not None else None
        if effected is not None:
            _check_late_exercise(state, option, effected)
            apply(scratch, effected)
            out.append(effected)
    return out


def _pending(option: OptionState, notice_id: str) -> PendingExercise:
    if option.status in (Status.SUPERSEDED, Status.REPLACED) and option.status_since is not None:
        check_active(option, option.status_since)  # its shares are carried by the options that replaced it
    p = option.pending_notice(notice_id)
    if p is None:
        open_ids = ", ".join(x.notice.id for x in option.pending) or "none"
        raise BadInput(f"notice: {notice_id!r} is not an open exercise notice of option {option.option_no} (open: {open_ids})",
                       field="notice", clause="§2.1")
    return p


def _open_or_lapsed(state: BookState, option: OptionState, e: ev.OptionSurrendered | ev.PaymentReceived) -> PendingExercise:
    """The open notice a surrender or payment is for. §1.1, §2.2(a): a notice that lapsed at the expiration and whose
    payment was refunded is no longer open; a step dated in time, recorded after the refund, would have the fold
    complete the exercise before the expiration under a refund of a lapse that then never happened. Refused, naming the
    refund: correct it first."""
    if option.pending_notice(e.notice) is None:
        refunds = [x for x in state.by_id.values() if isinstance(x, ev.RefundPaid) and x.option_no == option.option_no
                   and x.notice == e.notice and x.id not in state.corrections]
        if refunds:
            r = refunds[0]
            raise Refusal("§1.1, §2.2(a)", f"exercise notice {e.notice} of option {option.option_no} lapsed at the expiration "
                          f"({option.terms.expiration.describe()}) and refund {r.id} of what was paid on it, dated {r.on}, is recorded; "
                          f"this {e.kind} dated {e.on} cannot complete it: correct the refund first", field="notice")
    return _pending(option, e.notice)


_ZERO = Fraction(0)
_ONE = Fraction(1)
_evolve_pending = make_evolver(PendingExercise)  # `replace` without the __init__ round trip


def _replace_pending(o: OptionState, new: PendingExercise) -> tuple[PendingExercise, ...]:
    return tuple(new if p.notice.id == new.notice.id else p for p in o.pending)


def _lapse(option: OptionState, notice_id: str, at: str) -> Refusal:
    return Refusal("§1.1", f"option {option.option_no} expired at {option.terms.expiration.describe()}"
                   + (f"; this came at {at}" if at else "") + f": exercise notice {notice_id} lapsed, as notice, surrender "
                   "and payment were not all complete by the expiration; any payment is owed back (record a 'refund')", field="on")


def lapsed(state: BookState, option: OptionState, p: PendingExercise, day: date) -> bool:
    """§1.1: a notice still open after the Expiration Date has lapsed (its payments are owed back), unless the holder
    did its part in time and the exercise only waits for a §1.2(c) value (it is priced when the value comes)."""
    exp = option.terms.expiration.on
    if exp is None or day <= exp:
        return False
    waits_for_value = (p.surrender is not None and (p.notice.method is PaymentMethod.CASHLESS or bool(p.payments))
                       and needs_fmv(request_of(p.notice, p.ratio))
                       and fmv_pending(state, option, determination_date(option, p.notice, day)))
    return not waits_for_value


def _before_basis_change(state: BookState, option: OptionState, e: ev.Event, phase: ev.Phase | None = None) -> None:
    """§4, §3.1, §2.2(a): a step of an exercise (notice, surrender, payment) sorting before a §4 event or §3 transaction
    of the option's company already recorded is refused. Decided now, it is checked on the basis after that event
    (the notice's shares, the exercise's figures), while the fold applies it before the event, which then scales it
    again: a 80,000,000-share notice and its payment dated the day of a 2-for-1 stock dividend recorded before them
    were effected for 160,000,000 shares and the fold left -120,000,000 remaining."""
    company = state.companies.get(option.company)
    if company is None:
        return
    key = (e.on, e.phase if phase is None else phase)  # `phase`: of the exercise `e` effects (a §1.2(c) value's, at the close)
    later: list[ev.Event] = [x for x in company.stock_events if (x.on, x.phase) > key]
    if company.reorganized is not None and (company.reorganized.on, company.reorganized.phase) > key:
        later.append(company.reorganized)
    if later:
        x = later[0]
        raise Refusal("§4, §2.2(a)", f"{x.kind} {x.id} of {option.company} dated {x.on} is already recorded and comes after this "
                      f"{e.kind} dated {e.on}, which was decided on the share basis after it: date the {e.kind} after {x.on}, "
                      f"or correct {x.id} first", field="on")


def _before_terms_change(option: OptionState, e: ev.Event) -> None:
    """§14, §2.1: a step of an exercise (notice, surrender, payment) dated before an amendment of the option already
    recorded is refused when the amendment changed what an exercise reads: decided now, it is worked out on the terms
    after the amendment, while the fold (and a replay) apply it under the terms of its day (a cash exercise dated
    before a tenfold price increase was charged $100 where $10 were due and $90 are owed back). Dated on or after the
    amendment's day it is taken. The same-day amendment, recorded before, sorts before it."""
    history = option.terms_history
    if len(history) < 2 or e.on >= history[-1][0]:
        return
    then = [t for day, t in history if day <= e.on]
    if not then:
        return
    for day, terms in history:
        if day > e.on and changes_what_an_exercise_reads(then[-1], terms):
            raise Refusal("§14, §2.1", f"the terms of option {option.option_no} were changed from {day} by an amendment already "
                          f"recorded; this {e.kind} dated {e.on} comes before it and would be decided on the terms after it: "
                          f"date the {e.kind} on or after {day}, or correct the amendment first", field="on")


def _check_late_exercise(state: BookState, option: OptionState, effected: ev.ExerciseEffected) -> None:
    """§2.1 with §10, §6, §1.1: an exercise effected at a close that sorts before what is already recorded (other
    exercises, open notices, acts on the option) is refused when the fold would read those differently."""
    check_exercise_before_capped(state, option, effected)
    check_exercise_before_exercises(state, option.company, effected)
    _before_open_notices(option, effected)
    _exhausts_before_acts(option, effected)


def _before_open_notices(option: OptionState, effected: ev.ExerciseEffected) -> None:
    """§1.1, Exhibit A, §2.1: an exercise effected at the close of a day before an open notice of the same option already
    recorded takes shares that notice was checked against when received (a notice must be honourable on its day's
    facts): a notice of 100,000,000 of 140,250,000 given 2006-06-01, then an exercise of 100,000,000 dated 2006-05-01,
    left the notice open with 40,250,000 remaining, and a replay refuses it. Refused when what would remain is less than
    the open notice asks; correct the notice first, or date this step on or after its day."""
    for p in option.pending:
        if p.notice.id == effected.notice or p.notice.on <= effected.on or p.notice.shares is None:
            continue
        t = p.notice.tranche
        tranches = [option.tranches[t]] if t is not None and 0 <= t < len(option.tranches) else list(option.tranches)
        left = sum((x.shares for x in tranches), _ZERO)
        if effected.tranche in ([t] if t is not None else range(len(option.tranches))):
            left -= effected.shares_exercised
        if p.notice.shares * p.ratio > left:
            raise Refusal("§1.1", f"exercise notice {p.notice.id} of option {option.option_no}, dated {p.notice.on}, asks "
                          f"{fmt(p.notice.shares * p.ratio)} shares; this exercise of {fmt(effected.shares_exercised)} dated {effected.on} "
                          f"comes before it (§2.1) and would leave {fmt(left)}: correct that notice first, or date this step on or "
                          "after its day", field="on")


def _exhausts_before_acts(option: OptionState, effected: ev.ExerciseEffected) -> None:
    """§1.1, §2.1: an exercise in full effected at the close of a day before acts on the option already recorded (a §10
    notice or cure, an amendment, another open notice) leaves them, in the fold's order, on an option exercised in full,
    which takes no act (a replay refuses them). Refused, naming the first; correct it first, or date this step on or
    after its day."""
    tranches = option.tranches
    total = tranches[0].shares if len(tranches) == 1 else sum((t.shares for t in tranches), _ZERO)  # one tranche: no sum
    if total != effected.shares_exercised:
        return
    acts = [(day, what) for day, what in ((option.waiver_received, "the waiver notice"), (option.default_since, "the default notice"),
                                          (option.default_cured, "the cure"))
            if day is not None and day > effected.on]
    acts += [(day, "an amendment") for day, _terms in option.terms_history[1:] if day > effected.on]
    acts += [(p.notice.on, f"exercise notice {p.notice.id}") for p in option.pending
             if p.notice.id != effected.notice and p.notice.on > effected.on]
    if acts:
        day, what = min(acts)
        raise Refusal("§1.1", f"this exercise of {fmt(effected.shares_exercised)} shares dated {effected.on} exercises option "
                      f"{option.option_no} in full; {what} dated {day}, already recorded, comes after it and would be on an option "
                      "exercised in full: correct it first, or date this step on or after its day", field="on")


def _check_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    option = option_of(state, e)
    _before_basis_change(state, option, e)
    _before_terms_change(option, e)
    check_active(option, e.on)
    # a transfer or replacement under way supersedes this instrument when it is registered: a notice given meanwhile
    # would be completed on the old option while the new ones carry every share (the mirror of §7's and §8's own check)
    if option.pending_transfer is not None:
        raise Refusal("§7, §12", f"transfer {option.pending_transfer.id} of option {option.option_no} is pending: exercise the option "
                      "that replaces it once registered", field="option")
    if option.pending_replacement is not None:
        raise Refusal("§8", f"replacement {option.pending_replacement.id} of option {option.option_no} is pending: exercise the new "
                      "option once issued", field="option")
    if after_expiration(option, e.on, e.at, "notice"):
        raise Refusal("§1.1", f"option {option.option_no} expired at {option.terms.expiration.describe()}; the notice came at {e.at}",
                      field="at")
    for name in ("cash", "cancel_shares", "stock_shares"):  # whatever the method, nothing the form states is below zero
        if (value := getattr(e, name)) is not None and value < 0:
            raise BadInput(f"{name}: zero or more", field=name, clause="Exhibit A")
    if e.stated_fmv is not None and e.stated_fmv <= 0:
        raise BadInput("stated_fmv: a Fair Market Value more than zero", field="stated_fmv", clause="Exhibit A, §1.2")
    if e.method is PaymentMethod.COMBINATION and e.cash is None and e.cancel_shares is None and e.stock_shares is None:
        raise BadInput("a combination names its parts: cash, cancel_shares and/or stock_shares (§2.2(a)(iv))", field="method", clause="§2.2(a)")
    if e.shares is None and e.method is not PaymentMethod.CASHLESS:
        raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
    request = request_of(e)
    if needs_fmv(request) and fmv_pending(state, option, determination_date(option, e, e.on)):
        # §1.2(c): recorded and held for the value; what can be checked without it is checked now
        terms = option.terms
        if e.method not in terms.payment_methods:
            allowed = ", ".join(sorted(m.value for m in terms.payment_methods))
            raise Refusal("§2.2(a)", f"payment by {e.method.value} is not allowed by these terms (allowed: {allowed})", field="method")
        tranche = option.tranches[e.tranche if e.tranche is not None and 0 <= e.tranche < len(option.tranches) else 0]
        asked(request, tranche.shares, None)
        return
    # The notice is irrevocable once received: check now that it can be honoured on today's facts.
    exercise_quote(as_of_defaults(state, option, e.on), option.option_no, request, e.on, determination=e.on)


def _on_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    o = state.options[e.option_no]
    pending = o.pending + (build_pending(e, None, (), _ONE, _ZERO),)  # PendingExercise(e), its defaults
    if state.folding:
        _set(o, "pending", pending)
    else:
        _put(state, _evolve_option(o, pending=pending))


def _check_surrender(state: BookState, e: ev.OptionSurrendered) -> list[ev.Event]:
    option = option_of(state, e)
    p = _open_or_lapsed(state, option, e)
    if p.surrender is not None:
        raise Refusal("§2.1", f"the option was already surrendered for notice {e.notice} on {p.surrender.on}", field="notice")
    if e.on < p.notice.on:
        raise Refusal("§2.1", "a surrender cannot precede its exercise notice", field="on")
    _before_basis_change(state, option, e)
    _before_terms_change(option, e)
    if after_expiration(option, e.on, e.at, "surrender"):
        raise _lapse(option, p.notice.id, e.at)
    if e.place not in ("company", "agent"):
        raise BadInput("place: 'company' (principal office) or 'agent' (§11 office)", field="place", clause="§2.2(b)")
    if e.place == "agent":
        agent = state.companies[option.company].agent if option.company in state.companies else None
        if agent is None or ev.AgentFunction.EXERCISE not in agent.functions:
            raise Refusal("§11", "no agent is appointed for exercises: surrender at the company's principal office", field="place")
    after = _evolve_pending(p, surrender=e)
    effected = _completes(state, option, after, e.on)
    if effected is not None:
        _check_late_exercise(state, option, effected)
    return [effected] if effected else []


def _on_surrender(state: BookState, e: ev.OptionSurrendered) -> None:
    o = state.options[e.option_no]
    p = o.pending_notice(e.notice)
    if p is None:
        return
    _update(state, o, pending=_replace_pending(o, _evolve_pending(p, surrender=e)), original_at=e.place)


def _check_payment(state: BookState, e: ev.PaymentReceived) -> list[ev.Event]:
    option = option_of(state, e)
    p = _open_or_lapsed(state, option, e)
    if e.on < p.notice.on:
        raise Refusal("§2.2(a)", "a payment cannot precede its exercise notice", field="on")
    _before_basis_change(state, option, e)
    _before_terms_change(option, e)
    if after_expiration(option, e.on, e.at, "payment"):
        raise _lapse(option, p.notice.id, e.at)
    if p.notice.method is PaymentMethod.CASHLESS:
        raise Refusal("§2.2(b)", "a cashless exercise is paid by the surrender itself; no payment is recorded", field="notice")
    if e.cash < 0 or e.stock_shares < 0 or (e.cash == 0 and e.stock_shares == 0):
        raise BadInput("cash or stock_shares: a payment of more than zero", field="cash", clause="§2.2(a)")
    after = _evolve_pending(p, payments=p.payments + (e,))
    effected = _completes(state, option, after, e.on)
    if effected is not None:
        _check_late_exercise(state, option, effected)
    return [effected] if effected else []


def _on_payment(state: BookState, e: ev.PaymentReceived) -> None:
    o = state.options[e.option_no]
    p = o.pending_notice(e.notice)
    if p is None:
        return
    _update(state, o, pending=_replace_pending(o, _evolve_pending(p, payments=p.payments + (e,), stock_now=p.stock_now + e.stock_shares)))


def _on_exercise(state: BookState, e: ev.ExerciseEffected) -> None:
    options = state.options
    o = options[e.option_no]
    old = o.tranches
    i = e.tranche
    t = old[i]
    changed = build_tranche(sub(t.shares, e.shares_exercised), t.exercise_price)
    if len(old) == 1:
        tranches: tuple[Tranche, ...] = (changed,)  # old[i] worked, so i names the one tranche
    else:
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
    if e.refund_cash or e.refund_stock:
        refund = RefundDue(notice, e.refund_cash, e.refund_stock, "overpayment")
        _update(state, o, refunds_due=o.refunds_due + (refund,))
        o = options[e.option_no]
    whole = e.whole_shares
    held = _ZERO
    company = current = None
    issuer = state.companies.get(o.company)
    if issuer is not None and (issuer.last_exercised is None or e.on > issuer.last_exercised):
        issuer.last_exercised = e.on
    if o.basket is None:
        company = issuer or _company(state, o.company)
        current = company.outstanding[-1][1] if company.outstanding else None
        if current is not None and company.authorized:
            authorized = company.authorized_on(e.on)
            if authorized is not None:  # §6: shares beyond the authorized are owed, never issued, until more are authorized
                held = min(whole, max(_ZERO, current + whole - authorized))
    owed = build_owed(notice, whole, _ONE, _ZERO, held, False)  # DeliveryOwed(notice, whole, held=held)
    # after a partial exercise the company holds the surrendered paper until it issues one for the balance
    if state.folding:
        _set(o, "tranches", tranches)
        _set(o, "pending", pending)
        _set(o, "deliveries_due", o.deliveries_due + (e,))
        _set(o, "owed", o.owed + (owed,))
        _set(o, "status", status)
        _set(o, "status_since", status_since)
        _set(o, "last_exercised", e.on)
    else:
        _put(state, _evolve_option(o, tranches=tranches, pending=pending, deliveries_due=o.deliveries_due + (e,), status=status,
                                   status_since=status_since, owed=o.owed + (owed,), last_exercised=e.on))
    if company is not None:
        # nothing held (the usual case): the whole shares are issued, the same Fraction without a subtraction
        issued = whole if held is _ZERO and type(whole) is Fraction else whole - held
        if current is not None:
            counts = company.outstanding  # state._push, inlined (one an exercise): the day's figure, or a new day's
            if counts[-1][0] == e.on:
                counts[-1] = (e.on, add(current, issued))
            else:
                counts.append((e.on, add(current, issued)))
        if state.owned:
            key = (o.holder, o.company)  # the exercising holder's own holdings grow (§10 sums the group's members)
            history = state.owned.get(key)
            if history:
                _push(history, e.on, history[-1][1] + issued)
    if o.basket is not None:
        basket_exercised(state, o, e)  # §3.1: the successor's common stock delivered counts as its outstanding


def _check_delivery(state: BookState, e: ev.SharesDelivered) -> None:
    option = option_of(state, e)
    due = [d for d in option.deliveries_due if d.notice == e.notice]
    if not due:
        raise BadInput(f"notice: no delivery is due for {e.notice!r} on option {option.option_no}", field="notice", clause="§2.1")
    if e.on < due[0].on:  # it would sort before the exercise (a future-dated one) and deliver nothing
        raise Refusal("§2.1", f"the exercise on {e.notice} is effected at the close of business on {due[0].on}: a delivery cannot "
                      f"precede it ({e.on})", field="on")
    owed = option.owed_on(e.notice)
    if owed is not None and owed.deliverable <= 0 and owed.cash_paid:
        raise Refusal("§6", f"the {fmt(owed.held)} shares still owed on {e.notice} are beyond the company's authorized shares: "
                      "record more authorized shares before delivering them", field="notice")
    if not e.certificates and not e.book_entry:
        raise BadInput("certificates: give the certificate numbers, or book_entry: true", field="certificates", clause="§2.1")
    holder = state.holders.get(option.holder)
    if e.issued_in_name and holder and e.issued_in_name != holder.name and not e.transfer_taxes_paid:
        raise Refusal("§2.1", f"shares issued in another name ({e.issued_in_name}) need the holder's payment of any transfer taxes",
                      field="transfer_taxes_paid")


def _on_delivery(state: BookState, e: ev.SharesDelivered) -> None:
    """Delivers what can be delivered: every share owed but those beyond the authorized shares (§6), which stay owed."""
    o = state.options[e.option_no]
    notice = e.notice
    owed = o.owed_on(notice)
    if owed is not None and owed.held and owed.held > 0:  # (truth first: the usual zero is told without a comparison)
        after = replace(owed, delivered=owed.delivered + owed.deliverable, cash_paid=True)
        _update(state, o, owed=tuple(after if d.notice == notice else d for d in o.owed))
        return
    due = o.deliveries_due
    if len(due) == 1:
        due = () if due[0].notice == notice else due
    else:
        due = tuple(d for d in due if d.notice != notice)
    rest = o.owed
    if len(rest) == 1:
        rest = () if rest[0].notice == notice else rest
    elif rest:
        rest = tuple(d for d in rest if d.notice != notice)
    if state.folding:
        _set(o, "deliveries_due", due)
        _set(o, "owed", rest)
    else:
        _put(state, _evolve_option(o, deliveries_due=due, owed=rest))


def _refunds_owed(state: BookState, option: OptionState, on: date) -> list[RefundDue]:
    """Refunds owed on `on`: overpayments, and what was paid on notices that lapsed at the expiration."""
    owed = list(option.refunds_due)
    for p in option.pending:
        if lapsed(state, option, p, on) and (p.cash_paid or p.stock_now):
            owed.append(RefundDue(p.notice.id, p.cash_paid, p.stock_now, "lapsed"))
    return owed


def _check_refund(state: BookState, e: ev.RefundPaid) -> None:
    option = option_of(state, e)
    due = [r for r in _refunds_owed(state, option, e.on) if r.notice == e.notice]
    if not due:
        raise BadInput(f"notice: nothing is owed back on {e.notice!r} of option {option.option_no}", field="notice", clause="§2.2(a)")
    owed = due[0]
    if e.cash < 0 or e.stock_shares < 0 or (e.cash == 0 and e.stock_shares == 0):
        raise BadInput("cash or stock_shares: a refund of more than zero", field="cash", clause="§2.2(a)")
    if e.cash > owed.cash or e.stock_shares > owed.stock_shares:
        raise Refusal("§2.2(a)", f"the company owes back ${fmt(owed.cash)} and {fmt(owed.stock_shares)} shares on {e.notice}, "
                      "not more", field="cash" if e.cash > owed.cash else "stock_shares")


def _on_refund(state: BookState, e: ev.RefundPaid) -> None:
    o = state.options[e.option_no]
    lapsed_notice = [p for p in o.pending if p.notice.id == e.notice and lapsed(state, o, p, e.on)]
    if lapsed_notice:  # the lapsed notice becomes what is still owed back on it
        p = lapsed_notice[0]
        _update(state, o, pending=tuple(x for x in o.pending if x is not p),
                refunds_due=o.refunds_due + (RefundDue(p.notice.id, p.cash_paid, p.stock_now, "lapsed"),))
        o = state.options[e.option_no]
    out = []
    for r in o.refunds_due:
        if r.notice == e.notice:
            r = RefundDue(r.notice, r.cash - e.cash, r.stock_shares - e.stock_shares, r.reason)
            if not r.cash and not r.stock_shares:
                continue
        out.append(r)
    _update(state, o, refunds_due=tuple(out))


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.ExerciseNoticeReceived: (_check_notice,),
    ev.OptionSurrendered: (_check_surrender,),
    ev.PaymentReceived: (_check_payment,),
    ev.ExerciseEffected: (),
    ev.SharesDelivered: (_check_delivery,),
    ev.RefundPaid: (_check_refund,),
}

ENTAILS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.FmvAgreed: (_price_held,),
    ev.FmvAwarded: (_price_held,),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.ExerciseNoticeReceived: _on_notice,
    ev.OptionSurrendered: _on_surrender,
    ev.PaymentReceived: _on_payment,
    ev.ExerciseEffected: _on_exercise,
    ev.SharesDelivered: _on_delivery,
    ev.RefundPaid: _on_refund,
}
