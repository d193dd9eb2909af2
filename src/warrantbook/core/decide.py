"""decide(state, event) -> events: the agreement's gatekeeper.

A proposed event (what someone asks to record) is checked against the state and the agreement; the answer
is the event with whatever it entails (an exercise effected when surrender and payment are complete), or a
Refusal citing the section. Nothing is recorded here: the shells append what this returns.

`exercise_quote` assembles the facts an exercise needs from the state (FMV, shares outstanding, beneficial
ownership, the cap's status) and runs the §2 rule; the CLI's `quote`, the web calculator and `decide` all
call it, so a what-if and a real exercise cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from fractions import Fraction

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import fmt
from warrantbook.core.rules import cap as cap_rule
from warrantbook.core.rules.exercise import ExerciseRequest, ExerciseResult, Limit, compute_exercise
from warrantbook.core.rules.fmv import Fmv, fair_market_value
from warrantbook.core.rules.reorganization import basket_fmv
from warrantbook.core.rules.reservation import Reserve, reserve
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.state import BookState, OptionState, PendingExercise, Status
from warrantbook.core.terms import FmvDetermination, PaymentMethod

# ---------------------------------------------------------------- facts for the rules


def fmv_source(state: BookState, option: OptionState, determination_date: date,
               override: Fraction | None = None) -> Callable[[Trace | None], Fmv]:
    """A function giving the FMV of what one option share delivers on the determination date."""

    def security_fmv(issuer: str, trace: Trace | None) -> Fmv:
        market = state.companies.get(issuer)
        if market is None:
            raise Refusal("§1.2", f"no market data kept for {issuer!r}", field="quote")
        return fair_market_value(market, determination_date, option.terms.readings, trace)

    def source(trace: Trace | None) -> Fmv:
        if override is not None:
            record(trace, "§1.2", "FMV given by the user for this what-if", "given", override)
            return Fmv(override, "§1.2", "given")
        if option.basket is not None:
            return basket_fmv(option.basket, security_fmv, trace)
        market = state.companies.get(option.company)
        if market is None:
            raise Refusal("§1.2", f"no market data for {option.company!r}", field="quote")
        return fair_market_value(market, determination_date, option.terms.readings, trace, option_shares=option.remaining)

    return source


def outstanding_on(state: BookState, company: str, day: date) -> Fraction | None:
    cs = state.companies.get(company)
    return cs.outstanding_on(day) if cs else None


def cap_limit(state: BookState, option: OptionState, on: date, *, outstanding: Fraction | None = None,
              owned: Fraction | None = None, trace: Trace | None = None) -> Limit | None:
    """The §10 limit for an exercise on `on` (and any hard ceiling), or None when nothing limits it."""
    terms = option.terms
    cap = terms.cap
    if cap is None:
        record(trace, "§10", "no cap in these terms", "none", None)
        return None
    if option.basket is not None:
        if trace is not None:
            trace.note("§10", "cap after a §3 transaction", "not applied to a basket of other securities (docs/interpretations.md)")
        return None
    status = cap_rule.cap_status(cap, on, waiver_received=option.waiver_received, default_since=option.default_since,
                                 default_cured=option.default_cured, cure_restores=terms.readings.cure_restores_cap)
    record(trace, "§10", "cap status", status.reason, status.in_force)
    if not status.in_force and cap.hard_ceiling is None:
        return None
    O = outstanding if outstanding is not None else outstanding_on(state, option.company, on)
    if O is None:
        raise Refusal("§10", f"the cap needs the shares outstanding of {option.company!r} on or before {on}: record an "
                      "'outstanding' fact or pass --outstanding", field="outstanding")
    H = owned if owned is not None else state.owned_on(option.holder, option.company, on)
    if H is None:
        raise Refusal("§10", f"the cap needs the holder's beneficial ownership on or before {on} (as the holder certifies it, "
                      "this option's unexercised shares excluded): record an 'ownership' fact or pass --owned", field="owned")
    limits: list[Limit] = []
    if status.in_force:
        limits.append(Limit(cap_rule.allowance(cap.percent, O, H, terms.readings.cap_measure, trace),
                            terms.readings.over_cap, f"{fmt(cap.percent * 100)}% cap: {status.reason}"))
    if cap.hard_ceiling is not None:
        limits.append(Limit(cap_rule.allowance(cap.hard_ceiling, O, H, terms.readings.cap_measure, trace, label="hard ceiling"),
                            terms.readings.over_cap, f"{fmt(cap.hard_ceiling * 100)}% ceiling that no waiver lifts"))
    return min(limits, key=lambda lim: lim.shares)


def _tranche(option: OptionState, request: ExerciseRequest) -> int:
    if request.tranche is not None:
        if not 0 <= request.tranche < len(option.tranches):
            raise BadInput(f"tranche: {request.tranche} is not a tranche of option {option.option_no} "
                           f"(0..{len(option.tranches) - 1})", field="tranche")
        return request.tranche
    for i, t in enumerate(option.tranches):
        if t.shares > 0:
            return i
    return 0


def _check_exists(option: OptionState, on: date) -> None:
    """Nothing happens to an option before it was issued, or (a piece of a transfer, a replacement) before it came into being."""
    if on < option.issued_on:
        raise Refusal("§1.1", f"{on} is before option {option.option_no} was issued ({option.issued_on})", field="on")
    if option.exists_from is not None and on < option.exists_from:
        clause = "§8" if option.origin == "replacement" else "§7, §12"
        raise Refusal(clause, f"option {option.option_no} came into being on {option.exists_from} ({option.origin} of {option.parent}); "
                      f"{on} is before that", field="on")


def _check_active(option: OptionState, on: date, clause: str = "§1.1") -> None:
    _check_exists(option, on)
    if option.status is Status.SUPERSEDED:
        raise Refusal("§7, §12", f"option {option.option_no} was superseded by transfer on {option.status_since}; "
                      f"act on {', '.join(option.children)}", field="option")
    if option.status is Status.REPLACED:
        raise Refusal("§8", f"option {option.option_no} was replaced on {option.status_since} by {', '.join(option.children)}; "
                      "it is void (presenting it is recorded as a claim)", field="option")
    if option.status is Status.EXERCISED:
        raise Refusal(clause, f"option {option.option_no} is fully exercised", field="option")
    if option.status is Status.DISSOLVED:
        raise Refusal("§3.2", f"option {option.option_no} was settled on dissolution", field="option")
    exp = option.terms.expiration.on
    if exp is not None and on > exp:
        raise Refusal("§1.1", f"option {option.option_no} expired after {exp} ({option.terms.expiration.source})", field="on")


def determination_date(option: OptionState, notice: ev.ExerciseNoticeReceived | None, on: date) -> date:
    if notice is not None and option.terms.readings.fmv_determination is FmvDetermination.NOTICE_DATE:
        return notice.on
    return on


def exercise_quote(state: BookState, option_no: str, request: ExerciseRequest, on: date, *,
                   fmv: Fraction | None = None, outstanding: Fraction | None = None, owned: Fraction | None = None,
                   determination: date | None = None, trace: Trace | None = None, check_status: bool = True) -> ExerciseResult:
    """What an exercise of `option_no` deemed on `on` gives, from the state's facts unless overridden."""
    option = state.option(option_no)
    if check_status:
        _check_active(option, on)
    terms = option.terms
    if request.method not in terms.payment_methods:
        allowed = ", ".join(sorted(m.value for m in terms.payment_methods))
        raise Refusal("§2.2(a)", f"payment by {request.method.value} is not allowed by these terms (allowed: {allowed})", field="method")
    if request.method is PaymentMethod.CASHLESS and not terms.cashless_allowed:
        raise Refusal("§2.2(b)", "these terms have no cashless exercise", field="method")
    if terms.expiration.on is None:
        if trace is not None:
            trace.note("§1.1", "expiration", "the Expiration Date is not defined by the agreement; none is enforced")
    else:
        record(trace, "§1.1", "exercisable through the Expiration Date", terms.expiration.source, terms.expiration.on)
    t = _tranche(option, request)
    det = determination or on
    source = fmv_source(state, option, det, fmv)
    limit = cap_limit(state, option, on, outstanding=outstanding, owned=owned, trace=trace)
    return compute_exercise(request=request, tranche=t, remaining=option.tranches[t].shares,
                            exercise_price=option.tranches[t].exercise_price, fmv=source, limit=limit,
                            deemed_issued=on, delivery_days=terms.delivery_days, trace=trace)


def reservation(state: BookState, company: str, on: date, trace: Trace | None = None) -> Reserve:
    cs = state.companies.get(company)
    required = sum((o.remaining for o in state.options.values() if o.company == company and o.active and o.basket is None),
                   Fraction(0))
    return reserve(required, cs.authorized_on(on) if cs else None, cs.outstanding_on(on) if cs else None, trace)


# ---------------------------------------------------------------- decide


def request_of(notice: ev.ExerciseNoticeReceived, ratio: Fraction = Fraction(1)) -> ExerciseRequest:
    """The notice's election; a §4 event since it was given scales its share numbers (§2.2(a))."""
    def scaled(value: Fraction | None) -> Fraction | None:
        return None if value is None else value * ratio

    return ExerciseRequest(shares=scaled(notice.shares), method=notice.method, cash=notice.cash, cancel_shares=scaled(notice.cancel_shares),
                           stock_shares=notice.stock_shares, tranche=notice.tranche, whole_only=ratio == 1)


def _require_holder(state: BookState, option: OptionState, e: ev.Event, what: str) -> None:
    if e.role != "holder" or e.actor_id != option.holder:
        holder = state.holders.get(option.holder)
        name = holder.name if holder else option.holder
        raise Refusal("§12", f"only the registered holder ({name}, holder:{option.holder}) may give {what}; "
                      f"{e.actor!r} is not it", field="actor")


def _require_company(state: BookState, option: OptionState, e: ev.Event, what: str, function: ev.AgentFunction | None) -> None:
    if e.role == "company" and e.actor_id in ("", option.company):
        return
    if e.role == "agent" and function is not None:
        agent = state.companies[option.company].agent if option.company in state.companies else None
        if agent is None:
            raise Refusal("§11", f"no option agent has been appointed; {e.actor!r} may not record {what}", field="actor")
        if function not in agent.functions:
            raise Refusal("§11", f"the agent's appointment does not cover {function.value}", field="actor")
        if e.actor_id not in ("", agent.name):
            raise Refusal("§11", f"the appointed agent is {agent.name!r}, not {e.actor_id!r}", field="actor")
        return
    raise Refusal("§2.1" if function is ev.AgentFunction.EXERCISE else "§7", f"{what} is recorded by the company"
                  + (" or its §11 agent" if function else "") + f"; {e.actor!r} may not", field="actor")


def decide(state: BookState, e: ev.Event) -> list[ev.Event]:
    """Check `e` against the agreement and the state; return it with what it entails, or raise Refusal."""
    if e.id in state.by_id:
        raise BadInput(f"id: an event with id {e.id!r} is already recorded", field="id")
    check = _CHECKS.get(type(e))
    entailed = check(state, e) if check else None
    return [e, *(entailed or [])]


def _option_event(state: BookState, e: ev.Event) -> OptionState:
    option = state.option(getattr(e, "option_no"))  # noqa: B009 - every option event has one
    _check_exists(option, e.on)
    return option


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
    # §6: an option the company cannot reserve for would be in breach from its first day (when the facts are known)
    held = reservation(state, e.terms.company, e.on)
    if held.available is not None and held.required + e.terms.shares > held.available:
        raise Refusal("§6", f"issuing {fmt(e.terms.shares)} option shares would need {fmt(held.required + e.terms.shares)} shares reserved "
                      f"for {e.terms.company}'s options, but only {fmt(held.available)} authorized shares are unissued on {e.on}; "
                      "record more authorized shares first", field="terms.tranches")


def _check_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    option = _option_event(state, e)
    _require_holder(state, option, e, "an exercise notice")
    _check_active(option, e.on)
    if e.method is PaymentMethod.COMBINATION and e.cash is None and e.cancel_shares is None and e.stock_shares is None:
        raise BadInput("a combination names its parts: cash, cancel_shares and/or stock_shares (§2.2(a)(iv))", field="method", clause="§2.2(a)")
    if e.shares is None and e.method is not PaymentMethod.CASHLESS:
        raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
    # The notice is irrevocable once received: check now that it can be honoured on today's facts.
    exercise_quote(state, option.option_no, request_of(e), e.on, determination=e.on)


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
        holder=option.holder, company=option.company)


def _pending(option: OptionState, notice_id: str) -> PendingExercise:
    p = option.pending_notice(notice_id)
    if p is None:
        open_ids = ", ".join(x.notice.id for x in option.pending) or "none"
        raise BadInput(f"notice: {notice_id!r} is not an open exercise notice of option {option.option_no} (open: {open_ids})",
                       field="notice", clause="§2.1")
    return p


def _check_surrender(state: BookState, e: ev.OptionSurrendered) -> list[ev.Event]:
    option = _option_event(state, e)
    _require_company(state, option, e, "a surrender", ev.AgentFunction.EXERCISE)
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


def _check_payment(state: BookState, e: ev.PaymentReceived) -> list[ev.Event]:
    option = _option_event(state, e)
    _require_company(state, option, e, "a payment", ev.AgentFunction.EXERCISE)
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


def _check_delivery(state: BookState, e: ev.SharesDelivered) -> None:
    option = _option_event(state, e)
    _require_company(state, option, e, "a delivery", ev.AgentFunction.EXERCISE)
    due = [d for d in option.deliveries_due if d.notice == e.notice]
    if not due:
        raise BadInput(f"notice: no delivery is due for {e.notice!r} on option {option.option_no}", field="notice", clause="§2.1")
    if not e.certificates and not e.book_entry:
        raise BadInput("certificates: give the certificate numbers, or book_entry: true", field="certificates", clause="§2.1")
    holder = state.holders.get(option.holder)
    if e.issued_in_name and holder and e.issued_in_name != holder.name and not e.transfer_taxes_paid:
        raise Refusal("§2.1", f"shares issued in another name ({e.issued_in_name}) need the holder's payment of any transfer taxes",
                      field="transfer_taxes_paid")


def _check_stock_event(state: BookState, e: ev.StockEvent) -> None:
    if e.outstanding_before <= 0 or e.outstanding_after <= 0:
        raise BadInput("outstanding_before and outstanding_after: more than zero", field="outstanding_before", clause="§4")
    if e.outstanding_before.denominator != 1 or e.outstanding_after.denominator != 1:
        raise BadInput("outstanding counts are whole shares", field="outstanding_after", clause="§4")
    grows = e.outstanding_after > e.outstanding_before
    if e.event is ev.StockEventKind.COMBINATION and grows:
        raise BadInput("a combination reduces the shares outstanding (§4(c))", field="outstanding_after", clause="§4(c)")
    if e.event is not ev.StockEventKind.COMBINATION and not grows:
        raise BadInput(f"a {e.event.value} increases the shares outstanding (§4(a), (b))", field="outstanding_after", clause="§4")
    if e.role not in ("company", "system"):
        raise Refusal("§4", "stock events are recorded by the company", field="actor")


def _check_reorganized(state: BookState, e: ev.Reorganized) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if not e.basket:
        raise BadInput("basket: what one share of common stock receives (§3.1)", field="basket", clause="§3.1")
    for i, item in enumerate(e.basket):
        if item.quantity <= 0:
            raise BadInput(f"basket[{i}].quantity: more than zero", field=f"basket[{i}].quantity", clause="§3.1")
    if not e.successor:
        raise BadInput("successor: who now owes the option (definition (a))", field="successor", clause="§3.1")


def _check_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    option = _option_event(state, e)
    _require_holder(state, option, e, "a trustee designation")
    if not e.bank_or_trust_company:
        raise Refusal("§3.2", f"{e.name} is not a bank or trust company", field="bank_or_trust_company")
    text = " ".join(e.principal_office.lines).lower()
    if not any(city in text for city in ("new york, ny", "new york, new york", "new york ny", "new york, n.y.")):
        raise Refusal("§3.2", f"{e.name}'s principal office ({e.principal_office}) is not in New York, New York", field="principal_office")


def _check_transfer_request(state: BookState, e: ev.TransferRequested) -> None:
    option = _option_event(state, e)
    _require_holder(state, option, e, "a transfer")
    _check_active(option, e.on, "§7")
    if option.pending:
        raise Refusal("§7", f"exercise notice {option.pending[0].notice.id} is still open on option {option.option_no}: "
                      "complete it before the option is surrendered for transfer", field="option")
    if option.pending_transfer is not None:
        raise Refusal("§7", f"transfer {option.pending_transfer.id} is already pending on option {option.option_no}", field="option")
    for i, p in enumerate(e.pieces):
        if p.holder not in state.holders:
            raise BadInput(f"pieces[{i}].holder: {p.holder!r} is not registered; record a 'holder' with name and address",
                           field=f"pieces[{i}].holder")
    split_remaining(option.remaining, [(p.holder, p.percent, p.shares) for p in e.pieces])


def _check_transfer_registered(state: BookState, e: ev.TransferRegistered) -> None:
    option = _option_event(state, e)
    _require_company(state, option, e, "a transfer registration", ev.AgentFunction.EXCHANGE)
    _check_active(option, e.on, "§7")
    request = option.pending_transfer
    if request is None or request.id != e.request:
        raise BadInput(f"request: {e.request!r} is not the pending transfer of option {option.option_no}", field="request", clause="§7")
    missing = [what for what, ok in (("the transferor's endorsement (Exhibit B)", request.endorsement_signed),
                                     ("the surrender of the original", request.original_surrendered),
                                     ("the legal opinion", request.opinion_received),
                                     ("payment of transfer taxes by the transferor", request.transfer_taxes_paid)) if not ok]
    if missing:
        raise Refusal("§7", "a transfer is registered only with " + "; ".join(missing), field="request")
    split = split_remaining(option.remaining, [(p.holder, p.percent, p.shares) for p in request.pieces])
    needed = len(split.pieces) + (1 if split.balance else 0)
    if len(e.new_options) != needed:
        raise BadInput(f"new_options: {needed} numbers needed (one per transferee" + (", one for the transferor's balance" if split.balance else "")
                       + f"), got {len(e.new_options)}", field="new_options", clause="§7")
    clash = [n for n in e.new_options if n in state.options] or ([n for n in e.new_options if e.new_options.count(n) > 1])
    if clash:
        raise BadInput(f"new_options: {clash[0]!r} is already used", field="new_options")


def _check_replacement_request(state: BookState, e: ev.ReplacementRequested) -> None:
    option = _option_event(state, e)
    _require_holder(state, option, e, "a replacement request")
    _check_active(option, e.on, "§8")
    if option.pending:
        raise Refusal("§8", f"exercise notice {option.pending[0].notice.id} is still open on option {option.option_no}", field="option")
    if not e.evidence.strip():
        raise Refusal("§8", "a replacement needs evidence of the loss, theft, destruction or mutilation", field="evidence")
    if e.cause is ev.ReplacementCause.MUTILATED:
        if not e.original_surrendered:
            raise Refusal("§8", "a mutilated option is replaced only on its surrender", field="original_surrendered")
    elif e.indemnity is None or e.indemnity <= 0:
        raise Refusal("§8", f"a {e.cause.value} option is replaced only against an indemnity agreement or security; give its amount",
                      field="indemnity")


def _check_replacement(state: BookState, e: ev.ReplacementIssued) -> None:
    option = _option_event(state, e)
    _require_company(state, option, e, "a replacement", ev.AgentFunction.REPLACEMENT)
    request = option.pending_replacement
    if request is None or request.id != e.request:
        raise BadInput(f"request: {e.request!r} is not the pending replacement of option {option.option_no}", field="request", clause="§8")
    if e.new_option in state.options:
        raise BadInput(f"new_option: {e.new_option!r} is already used", field="new_option")


def _check_void_presented(state: BookState, e: ev.VoidInstrumentPresented) -> None:
    option = state.option(e.option_no)
    if option.status not in (Status.REPLACED, Status.SUPERSEDED):
        raise BadInput(f"option {option.option_no} is {option.status.value}, not void: nothing to claim", field="option_no")


def _check_holder_notice(state: BookState, e: ev.Event, what: str) -> OptionState:
    option = _option_event(state, e)
    _require_holder(state, option, e, what)
    if option.terms.cap is None:
        raise Refusal("§10", f"option {option.option_no} has no cap", field="option")
    return option


def _check_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    option = _check_holder_notice(state, e, "a waiver notice")
    assert option.terms.cap is not None
    if option.terms.cap.waiver_notice_days is None:
        raise Refusal("§10", "these terms allow no waiver of the cap by notice", field="option")
    if option.waiver_received is not None:
        raise Refusal("§10", f"a waiver notice was already received on {option.waiver_received}", field="option")


def _check_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    option = _check_holder_notice(state, e, "a notice of an Event of Default")
    assert option.terms.cap is not None
    if not option.terms.cap.void_on_default:
        raise Refusal("§10", "under these terms an Event of Default does not void the cap", field="option")
    if option.default_since is not None and option.default_cured is None:
        raise Refusal("§10", f"an Event of Default noticed {option.default_since} is already continuing", field="option")


def _check_cure(state: BookState, e: ev.DefaultCured) -> None:
    option = _option_event(state, e)
    if option.default_since is None or option.default_cured is not None:
        raise BadInput("no continuing Event of Default to cure", field="option", clause="§10")


def _check_agent(state: BookState, e: ev.AgentAppointed) -> None:
    if e.company not in state.companies:
        raise BadInput(f"company: {e.company!r} is not registered", field="company")
    if e.role not in ("company", "system"):
        raise Refusal("§11", "only the company appoints an option agent", field="actor")
    if not e.functions:
        raise BadInput("functions: at least one of exercise, exchange, replacement", field="functions", clause="§11")


def _check_address(state: BookState, e: ev.AddressFurnished) -> None:
    if e.holder not in state.holders:
        raise BadInput(f"holder: {e.holder!r} is not registered", field="holder")
    if e.role != "holder" or e.actor_id != e.holder:
        raise Refusal("§13", "an address is furnished in writing by the holder itself", field="actor")
    if not e.address.lines:
        raise BadInput("address: at least one line", field="address")


def _check_notice_sent(state: BookState, e: ev.NoticeSent) -> None:
    option = _option_event(state, e)
    if e.role not in ("company", "agent", "system"):
        raise Refusal("§13", "notices under §13 come from the company", field="actor")
    if e.regarding and e.regarding not in state.by_id:
        raise BadInput(f"regarding: no event {e.regarding!r}", field="regarding")
    if e.recipient_role == "holder":
        expected = state.last_address(option.holder)
        if expected is not None and (expected[0], expected[1]) != (e.addressee, e.address):
            raise Refusal("§13", f"notices go to the address last furnished: {expected[1]} ({expected[0]})", field="address")


def _check_amended(state: BookState, e: ev.Amended) -> None:
    option = _option_event(state, e)
    if not e.binds:
        raise BadInput("binds: the parties the change binds", field="binds", clause="§14")
    unsigned = [party for party in e.binds if party not in e.signed_by]
    if unsigned:
        raise Refusal("§14", f"the amendment binds {', '.join(unsigned)} but is not signed by them", field="signed_by")
    if e.terms.company != option.terms.company:
        raise BadInput("terms.company: an amendment does not change the issuer (§3 does)", field="terms.company")


def _check_ack_request(state: BookState, e: ev.AcknowledgmentRequested) -> None:
    option = _option_event(state, e)
    _require_holder(state, option, e, "a request for acknowledgment")


def _check_ack(state: BookState, e: ev.AcknowledgmentGiven) -> None:
    option = _option_event(state, e)
    if e.role not in ("company", "system"):
        raise Refusal("§1.3", "the acknowledgment is the company's", field="actor")
    if e.request and e.request not in option.acknowledgments_due:
        raise BadInput(f"request: {e.request!r} is not an open request on option {option.option_no}", field="request", clause="§1.3")


def _check_positive_fact(state: BookState, e: ev.Event) -> None:
    shares: Fraction = getattr(e, "shares")  # noqa: B009 - facts with a share count
    if shares < 0 or shares.denominator != 1:
        raise BadInput("shares: a whole number, zero or more", field="shares")


def _check_quote(state: BookState, e: ev.Quote) -> None:
    for name in ("close", "bid", "ask"):
        value = getattr(e, name)
        if value is not None and value <= 0:
            raise BadInput(f"{name}: a price more than zero", field=name, clause=e.clause)
    if e.bid is not None and e.ask is not None and e.bid > e.ask:
        raise BadInput(f"bid {fmt(e.bid)} is above ask {fmt(e.ask)}", field="bid", clause="§1.2(b)")
    if e.close is None and e.bid is None and e.ask is None:
        raise BadInput("a quote needs a close, or a bid and an ask", field="close")
    if e.company in state.companies and (e.venue, e.on) in state.companies[e.company].quotes:
        raise BadInput(f"a {e.venue.value} quote for {e.on} is already recorded; correct it instead", field="on")


def _check_fmv_value(state: BookState, e: ev.Event) -> None:
    if getattr(e, "value") <= 0:  # noqa: B009 - FMV agreed or awarded
        raise BadInput("value: more than zero", field="value", clause="§1.2(c)")


def _check_correction(state: BookState, e: ev.Correction) -> None:
    if e.corrects not in state.by_id:
        raise BadInput(f"corrects: no event {e.corrects!r}", field="corrects")
    if e.corrects in state.corrections:
        raise BadInput(f"corrects: {e.corrects!r} was already corrected", field="corrects")
    if not e.reason.strip():
        raise BadInput("reason: say why the event is wrong", field="reason")


_CHECKS: dict[type, Callable] = {  # type: ignore[type-arg]
    ev.OptionIssued: _check_issue, ev.ExerciseNoticeReceived: _check_notice, ev.OptionSurrendered: _check_surrender,
    ev.PaymentReceived: _check_payment, ev.SharesDelivered: _check_delivery, ev.StockEvent: _check_stock_event,
    ev.Reorganized: _check_reorganized, ev.TrusteeDesignated: _check_trustee, ev.TransferRequested: _check_transfer_request,
    ev.TransferRegistered: _check_transfer_registered, ev.ReplacementRequested: _check_replacement_request,
    ev.ReplacementIssued: _check_replacement, ev.VoidInstrumentPresented: _check_void_presented,
    ev.WaiverNoticeReceived: _check_waiver, ev.DefaultNoticeReceived: _check_default, ev.DefaultCured: _check_cure,
    ev.AgentAppointed: _check_agent, ev.AddressFurnished: _check_address, ev.NoticeSent: _check_notice_sent,
    ev.Amended: _check_amended, ev.AcknowledgmentRequested: _check_ack_request, ev.AcknowledgmentGiven: _check_ack,
    ev.SharesOutstanding: _check_positive_fact, ev.AuthorizedShares: _check_positive_fact,
    ev.BeneficialOwnership: _check_positive_fact, ev.Quote: _check_quote, ev.FmvAgreed: _check_fmv_value,
    ev.FmvAwarded: _check_fmv_value, ev.Correction: _check_correction,
    ev.ValuationInput: ev.check_valuation_input,
}


def replay(events: list[ev.Event], *, on_error: Callable[[ev.Event, Exception], None] | None = None) -> tuple[BookState, list[ev.Event]]:
    """Decide each user-level event in order against the state so far; the final state and every event.

    Derived events in the input are dropped and recomputed, so a book cannot hold what the agreement forbids.
    A corrected event stays in the record with no effect. With `on_error`, a refused event is reported and
    skipped and the replay goes on (a book shows every problem at once); without it the first one raises.
    """
    from warrantbook.core.state import apply, ordered

    state = BookState(as_of=None)
    ids = {x.id for x in events}
    for x in events:
        if isinstance(x, ev.Correction):
            state.corrections[x.corrects] = x
    out: list[ev.Event] = []
    for e in ordered([x for x in events if not x.derived]):
        try:
            if e.id in state.by_id:
                raise BadInput(f"id: an event with id {e.id!r} is already recorded", field="id")
            if isinstance(e, ev.Correction):
                if e.corrects not in ids:
                    raise BadInput(f"corrects: no event {e.corrects!r}", field="corrects")
                if not e.reason.strip():
                    raise BadInput("reason: say why the event is wrong", field="reason")
                decided: list[ev.Event] = [e]
            elif e.id in state.corrections:
                decided = [e]  # apply() records it without effect
            else:
                decided = decide(state, e)
        except (BadInput, Refusal) as exc:
            if on_error is None:
                raise
            on_error(e, exc)
            continue
        for d in decided:
            apply(state, d)
        out.extend(decided)
    return state, out
