"""The facts the clauses need, assembled from the state: who the parties are, the FMV source (§1.2), the cap's
limit (§10), the reservation (§6) and the exercise quote (§2).

`exercise_quote` is the one place an exercise is computed: the CLI's `quote`, the web calculator, documents
and `decide` all call it, so a what-if and a real exercise cannot differ.
"""

from __future__ import annotations

import math
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
from warrantbook.core.rules.reorganization import basket_delivery, basket_fmv, common_per_basket
from warrantbook.core.rules.reservation import Reserve, reserve
from warrantbook.core.state import BookState, OptionState, Status
from warrantbook.core.terms import FmvDetermination, PaymentMethod

# ---------------------------------------------------------------- facts for the rules


def security_fmv_source(state: BookState, option: OptionState, determination_date: date) -> Callable[[str, Trace | None], Fmv]:
    """A function giving the §1.2 FMV of one unit of an issuer's security in the option's basket."""

    def security_fmv(issuer: str, trace: Trace | None) -> Fmv:
        market = state.companies.get(issuer)
        if market is None:
            raise Refusal("§1.2", f"no market data kept for {issuer!r}", field="quote")
        return fair_market_value(market, determination_date, option.terms.readings, trace, holder=option.holder)

    return security_fmv


def fmv_source(state: BookState, option: OptionState, determination_date: date,
               override: Fraction | None = None) -> Callable[[Trace | None], Fmv]:
    """A function giving the FMV of what one option share delivers on the determination date."""
    security_fmv = security_fmv_source(state, option, determination_date)

    def source(trace: Trace | None) -> Fmv:
        if override is not None:
            record(trace, "§1.2", "FMV given by the user for this what-if", "given", override)
            return Fmv(override, "§1.2", "given")
        if option.basket is not None:
            return basket_fmv(option.basket, security_fmv, trace)
        market = state.companies.get(option.company)
        if market is None:
            raise Refusal("§1.2", f"no market data for {option.company!r}", field="quote")
        return fair_market_value(market, determination_date, option.terms.readings, trace,
                                 option_shares=issuable_under_original(state, option), holder=option.holder)

    return source


def issuable_under_original(state: BookState, option: OptionState) -> Fraction:
    """§1.2(d): every share then issuable under the original option, across all its pieces: the remaining shares of
    every active instrument that came, by §7 transfer or §8 replacement, from the same original as `option`."""
    root = option
    while root.parent and root.parent in state.options:
        root = state.options[root.parent]
    total = Fraction(0)
    todo = [root.option_no]
    seen: set[str] = set()
    while todo:
        no = todo.pop()
        if no in seen or no not in state.options:
            continue
        seen.add(no)
        o = state.options[no]
        if o.active:
            total += o.remaining
        todo.extend(o.children)
    return total


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
        return _basket_cap_limit(state, option, on, outstanding=outstanding, owned=owned, trace=trace)
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


def _basket_cap_limit(state: BookState, option: OptionState, on: date, *, outstanding: Fraction | None,
                      owned: Fraction | None, trace: Trace | None) -> Limit | None:
    """§10 after a §3 transaction: the cap follows the successor's common stock (definition (b)), never cash or
    property. The allowance in the successor's shares becomes whole baskets: floor(allowance / shares per basket)."""
    successor = option.successor_company
    per_basket = common_per_basket(option.basket or (), successor) if successor else Fraction(0)
    if not per_basket:
        if trace is not None:
            trace.note("§10", "cap after a §3 transaction", "the basket holds no common stock of a successor: nothing for the cap to limit")
        return None
    proxy = replace(option, company=successor, basket=None)
    limit = cap_limit(state, proxy, on, outstanding=outstanding, owned=owned, trace=trace)
    if limit is None:
        return None
    baskets = Fraction(math.floor(limit.shares / per_basket))
    record(trace, "§10, §3.1", f"cap in baskets: {successor} common per basket", "floor(allowance / common per basket)", baskets,
           allowance=limit.shares, per_basket=per_basket)
    return Limit(baskets, limit.policy, f"{limit.reason} ({successor} common stock, {per_basket} a basket)")


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


def check_exists(option: OptionState, on: date) -> None:
    """Nothing happens to an option before it was issued, or (a piece of a transfer, a replacement) before it came into being."""
    if on < option.issued_on:
        raise Refusal("§1.1", f"{on} is before option {option.option_no} was issued ({option.issued_on})", field="on")
    if option.exists_from is not None and on < option.exists_from:
        clause = "§8" if option.origin == "replacement" else "§7, §12"
        raise Refusal(clause, f"option {option.option_no} came into being on {option.exists_from} ({option.origin} of {option.parent}); "
                      f"{on} is before that", field="on")


def check_active(option: OptionState, on: date, clause: str = "§1.1", *, allow_exercised: bool = False) -> None:
    """Refuse any act on an option that is no longer active: superseded by transfer (§7, §12), replaced (§8),
    exercised in full, settled on dissolution (§3.2) or expired (§1.1)."""
    check_exists(option, on)
    if option.status is Status.SUPERSEDED:
        raise Refusal("§7, §12", f"option {option.option_no} was superseded by transfer on {option.status_since}; "
                      f"act on {', '.join(option.children)}", field="option")
    if option.status is Status.REPLACED:
        raise Refusal("§8", f"option {option.option_no} was replaced on {option.status_since} by {', '.join(option.children)}; "
                      "it is void (presenting it is recorded as a claim)", field="option")
    if option.status is Status.EXERCISED and not allow_exercised:
        raise Refusal(clause, f"option {option.option_no} is fully exercised", field="option")
    if option.status is Status.DISSOLVED:
        raise Refusal("§3.2", f"option {option.option_no} ended under §3.2, §3.3 on {option.status_since}: the holder receives the "
                      "§3.2 delivery instead", field="option")
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
        check_active(option, on)
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
    result = compute_exercise(request=request, tranche=t, remaining=option.tranches[t].shares,
                              exercise_price=option.tranches[t].exercise_price, fmv=source, limit=limit,
                              deemed_issued=on, delivery_days=terms.delivery_days, trace=trace)
    if option.basket is None:
        return result
    return with_basket(result, option, security_fmv_source(state, option, det), trace)


def with_basket(result: ExerciseResult, option: OptionState, security_fmv: Callable[[str, Trace | None], Fmv],
                trace: Trace | None = None) -> ExerciseResult:
    """§3.1: after a §3 transaction the shares issued are baskets, delivered item by item; no common stock of the
    company is issued, so whole shares and the fraction are zero and cash in lieu is the sum over the items."""
    assert option.basket is not None
    if trace is not None:
        trace.note("§3.1", "after the §3 transaction", f"the {fmt(result.shares_issued)} shares issued above are baskets, "
                   "delivered item by item below (the rounding of a whole share above does not apply)")
    items = basket_delivery(result.shares_issued, option.basket, security_fmv, option.terms.readings.basket_cash, trace)
    return replace(result, whole_shares=Fraction(0), fraction=Fraction(0),
                   cash_in_lieu=sum((i.cash_in_lieu for i in items), Fraction(0)),
                   cash_in_lieu_paid=sum((i.cash_in_lieu_paid for i in items), Fraction(0)), basket=items)


def reservation(state: BookState, company: str, on: date, trace: Trace | None = None) -> Reserve:
    """§6: every share issuable on the options on `company`'s common stock: its own, and after a §3 transaction
    its common stock in the baskets of options it succeeded to (whole shares, rounded up; never cash)."""
    cs = state.companies.get(company)
    required = sum((o.remaining for o in state.options.values() if o.company == company and o.active and o.basket is None),
                   Fraction(0))
    for o in state.options.values():
        if o.active and o.basket is not None and o.successor_company == company:
            required += math.ceil(o.remaining * common_per_basket(o.basket, company))
    return reserve(required, cs.authorized_on(on) if cs else None, cs.outstanding_on(on) if cs else None, trace)


def request_of(notice: ev.ExerciseNoticeReceived, ratio: Fraction = Fraction(1)) -> ExerciseRequest:
    """The notice's election; a §4 event since it was given scales its share numbers (§2.2(a))."""
    def scaled(value: Fraction | None) -> Fraction | None:
        return None if value is None else value * ratio

    return ExerciseRequest(shares=scaled(notice.shares), method=notice.method, cash=notice.cash, cancel_shares=scaled(notice.cancel_shares),
                           stock_shares=notice.stock_shares, tranche=notice.tranche, whole_only=ratio == 1)



def option_of(state: BookState, e: ev.Event) -> OptionState:
    """The option an event concerns; refused if the event is dated before the option came into being."""
    option = state.option(getattr(e, "option_no"))  # noqa: B009 - every option event has one
    check_exists(option, e.on)
    return option
