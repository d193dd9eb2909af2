"""The facts the clauses need, assembled from the state: who the parties are, the FMV source (§1.2), the cap's
limit (§10), the reservation (§6) and the exercise quote (§2).

`exercise_quote` is the one place an exercise is computed: the CLI's `quote`, the web calculator, documents
and `decide` all call it, so a what-if and a real exercise cannot differ.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
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
from warrantbook.core.state import BookState, CompanyState, OptionState, Status, ordered
from warrantbook.core.terms import FmvDetermination, PaymentMethod, UnnamedVenueRule, Venue

# ---------------------------------------------------------------- facts for the rules

_ZERO = Fraction(0)
_ONE = Fraction(1)

FmvValue = tuple[date, Fraction, str, "frozenset[str] | None"]  # §1.2(c): day, value, how, the holders it binds (None: all)


def security_fmv_source(state: BookState, option: OptionState, determination_date: date) -> Callable[[str, Trace | None], Fmv]:
    """A function giving the §1.2 FMV of one unit of an issuer's security in the option's basket."""

    def security_fmv(issuer: str, trace: Trace | None) -> Fmv:
        market = state.companies.get(issuer)
        if market is None:
            raise Refusal("§1.2", f"no market data kept for {issuer!r}", field="quote")
        return fair_market_value(market, determination_date, option.terms.readings, trace, holder=option.holder)

    return security_fmv


def fmv_source(state: BookState, option: OptionState, determination_date: date,
               override: Fraction | None = None, *, later_value: bool = False,
               new_value: FmvValue | None = None) -> Callable[[Trace | None], Fmv]:
    """A function giving the FMV of what one option share delivers on the determination date, on the share basis
    of the option's current price and shares (§4 events after the value's day convert it, `on_basis`).

    `later_value`: a notice held while a §1.2(c) value was pending is priced by the first value agreed or awarded
    on or after its determination date (docs/interpretations-9a.md)."""
    def source(trace: Trace | None) -> Fmv:
        if override is not None:
            record(trace, "§1.2", "FMV given by the user for this what-if", "given", override)
            return Fmv(override, "§1.2", "given")
        if option.basket is not None:
            return basket_fmv(option.basket, security_fmv_source(state, option, determination_date), trace)
        market = state.companies.get(option.company)
        if market is None:
            raise Refusal("§1.2", f"no market data for {option.company!r}", field="quote")
        terms_market = _as_terms_allow(market, option, determination_date)
        # §1.2(d) alone counts the shares issuable under the original option: summed only on a liquidation date
        liquidating = terms_market.liquidation_total(determination_date) is not None
        try:
            value = fair_market_value(terms_market, determination_date, option.terms.readings, trace,
                                      option_shares=issuable_under_original(state, option) if liquidating else _ZERO,
                                      holder=option.holder)
        except Refusal as exc:
            held = (held_value(state, option.company, determination_date, new_value, holder=option.holder)
                    if later_value and exc.clause == "§1.2(c)" else None)
            if held is None:
                raise
            day, amount, how = held
            record(trace, "§1.2(c)", "FMV agreed or awarded after the notice was held for it (stock not publicly traded)",
                   "value as agreed or awarded, as of the determination date", amount, source=how, determination_date=determination_date)
            value = Fmv(amount, "§1.2(c)", f"{how}, for the determination date {determination_date}", None)
            return on_basis(state, option.company, value, determination_date, trace)
        return on_basis(state, option.company, value, _value_day(market, value, determination_date), trace)

    return source


class _WithoutLiquidation:
    """A company's market data with §1.2(d) left out, for terms that give no liquidation value (Terms.liquidation_fmv)."""

    def __init__(self, market: CompanyState):
        self._market = market
        self.name = market.name
        self.venue_on = market.venue_on
        self.quote = market.quote
        self.agreed_fmv = market.agreed_fmv
        self.outstanding_on = market.outstanding_on

    def liquidation_total(self, day: date) -> tuple[Fraction, str] | None:
        return None


def _as_terms_allow(market: CompanyState, option: OptionState, day: date) -> CompanyState | _WithoutLiquidation:
    """Terms.fmv_venues and Terms.liquidation_fmv act: a venue whose §1.2 rule the terms do not give is refused (never a
    guess), and without §1.2(d) a liquidation date is valued by the venue's own rule."""
    terms = option.terms
    venue = market.venue_on(day)
    if venue is not None and not (terms.liquidation_fmv and market.liquidation_total(day) is not None):
        rule = venue
        if venue is Venue.PINK:
            rule = Venue.NOT_TRADED if terms.readings.unnamed_venue is UnnamedVenueRule.AS_NOT_TRADED else Venue.OTCBB
        if rule not in terms.fmv_venues:
            given = ", ".join(sorted(v.value for v in terms.fmv_venues)) or "none"
            raise Refusal("§1.2", f"the stock trades on {venue.value} on {day}, and these terms give no Fair Market Value rule for "
                          f"it (they give: {given})", field="fmv_venues")
    if terms.liquidation_fmv or not market.liquidations:
        return market  # nothing to leave out
    return _WithoutLiquidation(market)


def held_value(state: BookState, company: str, determination: date, new_value: FmvValue | None = None, *,
               holder: str = "") -> tuple[date, Fraction, str] | None:
    """§1.2(c): the first value agreed or awarded on or after `determination` that binds `holder` (a held notice waits
    for it); `new_value` is one being recorded now (decide sees it before the state does)."""
    cs = state.companies.get(company)
    values = list(cs.fmv_values) if cs is not None else []
    if new_value is not None:
        values.append(new_value)
    for day, value, how, holders in values:
        if day >= determination and (holders is None or holder in holders):
            return day, value, how
    return None


def fmv_pending(state: BookState, option: OptionState, determination: date) -> bool:
    """True while the FMV of `option`'s stock on `determination` awaits a §1.2(c) value (not publicly traded, none
    agreed or awarded yet), so a notice that needs it is recorded and held (docs/interpretations-9a.md)."""
    if option.basket is not None:
        return False
    try:
        fmv_source(state, option, determination, later_value=True)(None)
    except Refusal as exc:
        return exc.clause == "§1.2(c)"
    return False


def _value_day(market: CompanyState, value: Fmv, determination: date) -> date:
    """The day whose share basis a value is on: its market day; the day it was agreed or awarded (§1.2(c)); else the
    determination date (§1.2(d))."""
    if value.market_day is not None:
        return value.market_day
    if value.clause == "§1.2(c)":
        days = [day for day, _v, _how, _holders in market.fmv_values if day <= determination]
        if days:
            return days[-1]
    return determination


def basis_ratio(state: BookState, company: str, value_day: date) -> Fraction:
    """The product of the §4 ratios (after / before) of `company`'s stock events recorded so far that came after the
    close of `value_day`: events on later days, and a dividend whose record date is that day (after the close)."""
    cs = state.companies.get(company)
    r = Fraction(1)
    if cs is None:
        return r
    for e in cs.stock_events:
        if e.on > value_day or (e.on == value_day and e.phase is ev.Phase.AFTER_CLOSE):
            r *= e.outstanding_after / e.outstanding_before
    return r


def on_basis(state: BookState, company: str, value: Fmv, value_day: date, trace: Trace | None) -> Fmv:
    """§2.2(b), §4: A on the basis of B and Y. A value per share of a day before a §4 event is divided by the event's
    ratio, as the option's price was: the same exercise gives the same economics either side of the event."""
    cs = state.companies.get(company)
    if cs is None or not cs.stock_events:
        return value  # no §4 event: every value is on the one basis
    r = basis_ratio(state, company, value_day)
    if r == 1:
        return value
    converted = value.value / r
    record(trace, "§2.2(b), §4", "FMV put on the share basis of B and Y (a §4 event came after the value's day)",
           "A / (outstanding_after / outstanding_before of each event since)", converted, A=value.value, ratio=r, value_day=value_day)
    return Fmv(converted, value.clause, f"{value.source}, / {fmt(r)} for §4 events after {value_day}", value.market_day)


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
    if owned is None:
        missing = state.uncertified_members(option.holder, option.company, on)
        if missing:
            raise Refusal("§10", f"the cap needs the certified holdings of every member of the holder's group; {', '.join(missing)} "
                          f"holds options of {option.company!r} but has certified none on or before {on}: record its 'ownership' fact "
                          "or pass --owned", field="owned")
    H = owned if owned is not None else state.owned_on(option.holder, option.company, on)
    if owned is None and H is not None and trace is not None:
        parts = [f"{m} {fmt(f)}" for m in state.group_members(option.holder) if (f := state.certified_on(m, option.company, on)) is not None]
        record(trace, "§10", "H, the group's holdings (Rule 13d-3, 13d-5)", "each member's own certificate: " + " + ".join(parts), H)
    if H is None:
        raise Refusal("§10", f"the cap needs the holder's beneficial ownership on or before {on} (as the holder certifies it, "
                      "this option's unexercised shares excluded): record an 'ownership' fact or pass --owned", field="owned")
    limits: list[Limit] = []
    if status.in_force:
        limits.append(Limit(cap_rule.allowance(cap.percent, O, H, terms.readings.cap_measure, trace),
                            terms.readings.over_cap, f"{_percent(cap.percent)}% cap: {status.reason}"))
    if cap.hard_ceiling is not None:
        limits.append(Limit(cap_rule.allowance(cap.hard_ceiling, O, H, terms.readings.cap_measure, trace, label="hard ceiling"),
                            terms.readings.over_cap, f"{_percent(cap.hard_ceiling)}% ceiling that no waiver lifts"))
    return limits[0] if len(limits) == 1 else min(limits, key=lambda lim: lim.shares)


_PERCENTS: dict[tuple[int, int], str] = {}


def _percent(share: Fraction) -> str:
    """A §10 percentage as text, written once per cap (every exercise quotes its cap's reason). Kept by numerator and
    denominator: a Fraction's own hash is worked out in Python on every look-up."""
    key = (share.numerator, share.denominator)
    text = _PERCENTS.get(key)
    if text is None:
        if len(_PERCENTS) >= 64:
            _PERCENTS.clear()
        text = _PERCENTS[key] = fmt(share * 100)
    return text


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
        if t.shares.numerator > 0:  # t.shares > 0 (a Fraction's sign is its numerator's)
            return i
    return 0


def exercised_after(options: Iterable[OptionState], e: ev.Event) -> OptionState | None:
    """The first of `options` with an exercise effected at a close that `e` sorts before (its date and phase), if any.

    An exercise's figures (§2.1, §2.2) are worked out when it is effected, on the share basis and the facts of then;
    an event recorded afterwards that sorts before it and changes that basis (a §4 split or combination, a §3
    reorganization) would have the fold apply those figures on the new basis, mixing the two."""
    for o in options:
        day = o.last_exercised
        if day is not None and (e.on < day or (e.on == day and e.phase < ev.Phase.CLOSE)):
            return o
    return None


def exercised_later(state: BookState, company_id: str, e: ev.Event) -> bool:
    """Whether some option of `company_id` may have an exercise effected at a close that `e` sorts before: False when
    `e` sorts after the company's latest (the usual case of a step recorded in date order), so a check against the
    exercises already effected need not read the company's options; True sends it to `exercised_after`."""
    company = state.companies.get(company_id)
    day = company.last_exercised if company is not None else None
    return day is not None and (e.on < day or (e.on == day and e.phase < ev.Phase.CLOSE))


def exercises_from(state: BookState, options: Iterable[OptionState], day: date) -> list[ev.ExerciseEffected]:
    """The exercises of `options` effected at the close of `day` or later, not corrected, in the fold's order.

    Only options whose last exercise is that late are looked at. A state the ledger restored from a snapshot finds
    their exercises by the option's column (store.stored `exercises_of`); any other state's list of events is in the
    fold's order (fold, replay and the ledger's projection keep it so) and is read back from its end down to `day`. The
    cost is what came on or after `day`, never the whole ledger."""
    late = {o.option_no for o in options if o.last_exercised is not None and o.last_exercised >= day}
    if not late:
        return []
    events = state.events
    by_option = getattr(events, "exercises_of", None)
    found: list[ev.ExerciseEffected]
    if by_option is not None:
        found = [x for x in ordered(x for no in sorted(late) for x in by_option(no)) if isinstance(x, ev.ExerciseEffected) and x.on >= day]
    else:
        found = []
        for i in range(len(events) - 1, -1, -1):
            x = events[i]
            if x.on < day:
                break
            if isinstance(x, ev.ExerciseEffected) and x.option_no in late:
                found.append(x)
        found.reverse()
    return [x for x in found if x.id not in state.corrections]


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


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def after_expiration(option: OptionState, on: date, at: str, what: str) -> bool:
    """§1.1: True when an act on `on` at `at` ("HH:MM", local time where the terms tell the expiration) comes after
    the Expiration Date (and its time of day, when the terms give one). On a timed Expiration Date the time is
    required: an act that cannot be shown to be in time is not taken to be (docs/interpretations-9a.md)."""
    exp = option.terms.expiration
    if at and not _CLOCK.fullmatch(at):
        raise BadInput(f"at: {at!r} is not a time of day (HH:MM, 24-hour)", field="at", clause="§1.1")
    if exp.on is None or on < exp.on:
        return False
    if on > exp.on:
        return True
    if not exp.time_of_day:
        return False  # "through and including the Expiration Date"
    if not _CLOCK.fullmatch(exp.time_of_day):
        raise BadInput(f"terms.expiration.time_of_day: {exp.time_of_day!r} is not HH:MM", field="terms.expiration.time_of_day",
                       clause="§1.1")
    if not at:
        raise BadInput(f"at: the option expires at {exp.describe()}; give the time the {what} came (HH:MM"
                       + (f", {exp.city} time)" if exp.city else ")"), field="at", clause="§1.1")
    return at > exp.time_of_day


def determination_date(option: OptionState, notice: ev.ExerciseNoticeReceived | None, on: date) -> date:
    if notice is not None and option.terms.readings.fmv_determination is FmvDetermination.NOTICE_DATE:
        return notice.on
    return on


def exercise_quote(state: BookState, option_no: str, request: ExerciseRequest, on: date, *,
                   fmv: Fraction | None = None, outstanding: Fraction | None = None, owned: Fraction | None = None,
                   determination: date | None = None, trace: Trace | None = None, check_status: bool = True,
                   later_value: bool = False, new_value: FmvValue | None = None) -> ExerciseResult:
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
    source = fmv_source(state, option, det, fmv, later_value=later_value, new_value=new_value)
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


def request_of(notice: ev.ExerciseNoticeReceived, ratio: Fraction = _ONE) -> ExerciseRequest:
    """The notice's election; a §4 event since it was given scales its share numbers (§2.2(a)): the option shares
    asked and cancelled, and the common stock offered in payment (the holder's shares split too). Cash is dollars."""
    if ratio == 1:  # the usual case: nothing to scale
        return ExerciseRequest(shares=notice.shares, method=notice.method, cash=notice.cash, cancel_shares=notice.cancel_shares,
                               stock_shares=notice.stock_shares, tranche=notice.tranche, whole_only=True)

    def scaled(value: Fraction | None) -> Fraction | None:
        return None if value is None else value * ratio

    return ExerciseRequest(shares=scaled(notice.shares), method=notice.method, cash=notice.cash, cancel_shares=scaled(notice.cancel_shares),
                           stock_shares=scaled(notice.stock_shares), tranche=notice.tranche, whole_only=False)



def option_of(state: BookState, e: ev.Event) -> OptionState:
    """The option an event concerns; refused if the event is dated before the option came into being."""
    option = state.option(getattr(e, "option_no"))  # noqa: B009 - every option event has one
    check_exists(option, e.on)
    return option
