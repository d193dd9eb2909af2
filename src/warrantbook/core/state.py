"""State as of a date: a pure fold of the events.

`fold(events, as_of)` sorts by the one ordering rule (events.sort_key), drops corrected events, and applies
each event in turn. Per-option state is an immutable value replaced on every change; the book-wide indexes
(companies, holders, market data) are built inside the fold and never changed after it returns, so the
fold is a pure function: the same events give the same state, every time.

The running counts of shares outstanding and of each holder group's ownership start from the latest fact
and add the whole shares each exercise issued after it (and follow §4 events), so a second exercise on the
same day sees the first.
"""

from __future__ import annotations

import bisect
import gc
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.rules.adjustment import adjust_tranches
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.terms import Address, Company, Holder, Terms, Tranche, Venue


class Status(Enum):
    ACTIVE = "active"
    EXERCISED = "fully exercised"
    SUPERSEDED = "superseded by transfer"
    REPLACED = "replaced"
    EXPIRED = "expired"
    DISSOLVED = "delivered on dissolution"


@dataclass(frozen=True, slots=True)
class PendingExercise:
    notice: ev.ExerciseNoticeReceived
    surrender: ev.OptionSurrendered | None = None
    payments: tuple[ev.PaymentReceived, ...] = ()
    ratio: Fraction = Fraction(1)  # §2.2(a): a §4 event while the notice is open adjusts its share numbers

    @property
    def cash_paid(self) -> Fraction:
        return sum((p.cash for p in self.payments), Fraction(0))

    @property
    def stock_paid(self) -> Fraction:
        return sum((p.stock_shares for p in self.payments), Fraction(0))


@dataclass(frozen=True, slots=True)
class CertificateDue:
    """§5: a certificate as to an adjustment, to mail to the holder and any agent."""

    event: str
    on: date
    to: frozenset[str]  # roles still to be mailed: "holder", "agent"


@dataclass(frozen=True, slots=True)
class OptionState:
    option_no: str
    holder: str
    company: str
    obligor: str  # who owes the option: the company, or its successor after §3
    terms: Terms
    terms_history: tuple[tuple[date, Terms], ...]
    tranches: tuple[Tranche, ...]  # remaining shares and current price, per tranche
    issued_on: date  # the original issue date, which options of like tenor keep (§7, §8)
    exists_from: date | None = None  # the day this instrument came into being (its issue, transfer or replacement)
    basket: tuple[ev.BasketItem, ...] | None = None  # what one option share delivers after §3
    status: Status = Status.ACTIVE
    status_since: date | None = None
    parent: str = ""
    origin: str = "issue"  # "issue", "transfer" or "replacement"
    children: tuple[str, ...] = ()
    trustee: str = ""
    original_at: str = "holder"  # where the paper instrument is: "holder", "company", "agent"
    pending: tuple[PendingExercise, ...] = ()
    deliveries_due: tuple[ev.ExerciseEffected, ...] = ()
    pending_transfer: ev.TransferRequested | None = None
    pending_replacement: ev.ReplacementRequested | None = None
    waiver_received: date | None = None
    default_since: date | None = None
    default_cured: date | None = None
    certificates_due: tuple[CertificateDue, ...] = ()
    acknowledgments_due: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    dissolution_delivery_due: bool = False

    @property
    def remaining(self) -> Fraction:
        return sum((t.shares for t in self.tranches), Fraction(0))

    @property
    def exercise_price(self) -> Fraction:
        return self.tranches[0].exercise_price if self.tranches else Fraction(0)

    @property
    def active(self) -> bool:
        return self.status is Status.ACTIVE

    def pending_notice(self, notice_id: str) -> PendingExercise | None:
        for p in self.pending:
            if p.notice.id == notice_id:
                return p
        return None


def _make_evolver(cls: type) -> Callable[..., Any]:
    """A `dataclasses.replace` for one frozen slots class, without the __init__ round trip (the fold's hot path)."""
    names = [f.name for f in fields(cls)]
    body = "\n".join(f"    set_(new, {n!r}, changes.pop({n!r}) if {n!r} in changes else old.{n})" for n in names)
    source = (f"def evolve(old, new_=object.__new__, set_=object.__setattr__, cls_=cls, **changes):\n"
              f"    new = new_(cls_)\n{body}\n    if changes:\n        raise TypeError(f'unknown fields {{sorted(changes)}}')\n    return new\n")
    namespace: dict[str, Any] = {"cls": cls}
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names
    return namespace["evolve"]  # type: ignore[no-any-return]


_evolve_option = _make_evolver(OptionState)


class CompanyState:
    """One issuer's facts: listing, quotes, FMV values, outstanding and authorized shares, agent."""

    __slots__ = ("company", "listings", "quotes", "fmv_values", "liquidations", "outstanding", "authorized",
                 "agent", "agent_history", "reorganized", "dissolved", "stock_events")

    def __init__(self, company: Company):
        self.company = company
        self.listings: list[tuple[date, Venue]] = []
        self.quotes: dict[tuple[Venue, date], ev.Quote] = {}
        self.fmv_values: list[tuple[date, Fraction, str]] = []
        self.liquidations: dict[date, tuple[Fraction, str]] = {}
        self.outstanding: list[tuple[date, Fraction]] = []  # running: facts, exercises, §4 events
        self.authorized: list[tuple[date, Fraction]] = []
        self.agent: ev.AgentAppointed | None = None
        self.agent_history: list[ev.AgentAppointed] = []
        self.reorganized: ev.Reorganized | None = None
        self.dissolved: date | None = None
        self.stock_events: list[ev.StockEvent] = []

    @property
    def name(self) -> str:
        return self.company.name

    @staticmethod
    def _latest(history: list[tuple[date, Fraction]], day: date) -> Fraction | None:
        i = bisect.bisect_right(history, day, key=lambda item: item[0])
        return history[i - 1][1] if i else None

    def venue_on(self, day: date) -> Venue | None:
        i = bisect.bisect_right(self.listings, day, key=lambda item: item[0])
        return self.listings[i - 1][1] if i else None

    def quote(self, venue: Venue, day: date) -> ev.Quote | None:
        return self.quotes.get((venue, day))

    def agreed_fmv(self, day: date) -> tuple[Fraction, str] | None:
        i = bisect.bisect_right(self.fmv_values, day, key=lambda item: item[0])
        return (self.fmv_values[i - 1][1], self.fmv_values[i - 1][2]) if i else None

    def liquidation_total(self, day: date) -> tuple[Fraction, str] | None:
        return self.liquidations.get(day)

    def outstanding_on(self, day: date) -> Fraction | None:
        return self._latest(self.outstanding, day)

    def authorized_on(self, day: date) -> Fraction | None:
        return self._latest(self.authorized, day)

    @property
    def current_outstanding(self) -> Fraction | None:
        return self.outstanding[-1][1] if self.outstanding else None


@dataclass
class BookState:
    """Everything known as of `as_of`. Built by `fold`; treat as read-only."""

    as_of: date | None
    options: dict[str, OptionState] = field(default_factory=dict)
    by_company: dict[str, list[str]] = field(default_factory=dict)  # company id -> its option numbers, in issue order
    companies: dict[str, CompanyState] = field(default_factory=dict)
    holders: dict[str, Holder] = field(default_factory=dict)
    owned: dict[tuple[str, str], list[tuple[date, Fraction]]] = field(default_factory=dict)  # (group, company)
    addresses: list[tuple[date, str, Address]] = field(default_factory=list)  # furnished, in order
    events: list[ev.Event] = field(default_factory=list)  # applied, in order
    by_id: dict[str, ev.Event] = field(default_factory=dict)
    corrections: dict[str, ev.Correction] = field(default_factory=dict)  # corrected id -> correction
    documents: list[ev.DocumentIssued] = field(default_factory=list)
    reorganizations: int = 0
    folding: bool = False  # True only while `fold` builds this state and no one else can see it

    # -- look-ups the rules and views need

    def option(self, option_no: str) -> OptionState:
        from warrantbook.core.errors import BadInput

        try:
            return self.options[option_no]
        except KeyError:
            known = ", ".join(sorted(self.options)) or "none"
            raise BadInput(f"option: no option numbered {option_no!r} has been issued by then (known: {known})",
                           field="option", clause="§1.1") from None

    def holder_group(self, holder_id: str) -> str:
        holder = self.holders.get(holder_id)
        return holder.cap_group if holder else holder_id

    def owned_on(self, holder_id: str, company: str, day: date) -> Fraction | None:
        history = self.owned.get((self.holder_group(holder_id), company))
        return CompanyState._latest(history, day) if history else None

    def last_address(self, holder_id: str) -> tuple[str, Address] | None:
        """§13: the holder's last furnished address, else the last holder who furnished one."""
        for _day, who, address in reversed(self.addresses):
            if who == holder_id:
                return who, address
        if self.addresses:
            return self.addresses[-1][1], self.addresses[-1][2]
        return None

    def group_options(self, holder_id: str) -> Iterator[OptionState]:
        group = self.holder_group(holder_id)
        return (o for o in self.options.values() if self.holder_group(o.holder) == group)


# ---------------------------------------------------------------- the fold


def ordered(events: Iterable[ev.Event]) -> list[ev.Event]:
    """Events in the one documented order: date, phase, then order of recording (a stable sort)."""
    items = list(events)
    # (date, phase) as one integer, which orders the same way (phases are 0..3) and compares much faster
    keys = [e.on.toordinal() * _PHASES + e.phase for e in items]
    if all(map(operator.le, keys, keys[1:])):
        return items  # already in order: the usual case for a store read in recording order
    # a stable sort by key, as buckets: few distinct (day, phase) keys, each bucket in the order of recording
    buckets: dict[int, list[ev.Event]] = {}
    for k, e in zip(keys, items):
        bucket = buckets.get(k)
        if bucket is None:
            buckets[k] = [e]
        else:
            bucket.append(e)
    out: list[ev.Event] = []
    for k in sorted(buckets):
        out += buckets[k]
    return out


_PHASES = max(ev.Phase) + 1
assert min(ev.Phase) >= 0


def fold(events: Iterable[ev.Event], as_of: date | None = None) -> BookState:
    """The state of every option as of `as_of` (inclusive; None: everything)."""
    all_events = list(events)
    state = BookState(as_of=as_of)
    for e in all_events:
        if isinstance(e, ev.Correction) and (as_of is None or e.on <= as_of):
            state.corrections[e.corrects] = e
    # The fold allocates millions of small immutable values and no cycles: the cyclic collector would only
    # rescan them again and again, so it is paused for the duration (and restored as it was).
    was_enabled = gc.isenabled()
    gc.disable()
    state.folding = True
    try:
        # `apply`, inlined: the same steps in the same order, with the look-ups hoisted out of the loop
        by_id = state.by_id
        append = state.events.append
        corrections = state.corrections
        handlers = _HANDLERS
        for e in ordered(all_events):
            if as_of is not None and e.on > as_of:
                continue
            eid = e.id
            by_id[eid] = e
            append(e)
            if eid in corrections:
                continue
            handler = handlers.get(type(e))
            if handler is not None:
                handler(state, e)
    finally:
        state.folding = False
        if was_enabled:
            gc.enable()
    if as_of is not None:
        _expire(state, as_of)
    return state


def _expire(state: BookState, as_of: date) -> None:
    for no, option in state.options.items():
        exp = option.terms.expiration.on
        if option.active and exp is not None and as_of > exp:
            state.options[no] = replace(option, status=Status.EXPIRED, status_since=exp)


def _put(state: BookState, option: OptionState) -> None:
    if option.option_no not in state.options:
        state.by_company.setdefault(option.company, []).append(option.option_no)
    state.options[option.option_no] = option


def _update(state: BookState, option: OptionState, **changes: Any) -> None:
    """Change an option's state. Inside `fold` no one else can hold the value yet, so it is changed where it
    stands (the fold's hot path); otherwise (`apply` on a state someone may be reading) a new value replaces it."""
    if state.folding:
        for name, value in changes.items():
            object.__setattr__(option, name, value)
        state.options[option.option_no] = option
    else:
        _put(state, _evolve_option(option, **changes))


def _company_options(state: BookState, company: str) -> list[OptionState]:
    return [state.options[no] for no in state.by_company.get(company, ())]


def _basket_options(state: BookState, issuer: str) -> list[OptionState]:
    return [o for o in state.options.values() if o.basket is not None and any(i.issuer == issuer for i in o.basket)]


def _push(history: list[tuple[date, Fraction]], day: date, value: Fraction) -> None:
    if history and history[-1][0] == day:
        history[-1] = (day, value)
    else:
        history.append((day, value))


def apply(state: BookState, e: ev.Event) -> None:
    """Apply one event to the state being built by `fold`."""
    state.by_id[e.id] = e
    state.events.append(e)
    if e.id in state.corrections:
        return  # recorded and shown, but corrected: it has no effect
    handler = _HANDLERS.get(type(e))
    if handler is not None:
        handler(state, e)


def _company(state: BookState, company_id: str) -> CompanyState:
    cs = state.companies.get(company_id)
    if cs is None:
        cs = state.companies[company_id] = CompanyState(Company(company_id, company_id, ""))
    return cs


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


def _on_issue(state: BookState, e: ev.OptionIssued) -> None:
    company = _company(state, e.terms.company)
    _put(state, OptionState(option_no=e.option_no, holder=e.holder, company=e.terms.company, obligor=company.name,
                            terms=e.terms, terms_history=((e.on, e.terms),), tranches=e.terms.tranches, issued_on=e.on, exists_from=e.on,
                            status_since=e.on))


_set = object.__setattr__  # frozen values are changed in place only while `fold` builds a state no one else sees


def _new_pending(notice: ev.ExerciseNoticeReceived) -> PendingExercise:
    """`PendingExercise(notice)` with every other field at its default, without the __init__ round trip."""
    p = object.__new__(PendingExercise)
    _set(p, "notice", notice)
    _set(p, "surrender", None)
    _set(p, "payments", ())
    _set(p, "ratio", _ONE)
    return p


_ONE = Fraction(1)


def _on_notice(state: BookState, e: ev.ExerciseNoticeReceived) -> None:
    o = state.options[e.option_no]
    pending = o.pending + (_new_pending(e),)
    if state.folding:
        _set(o, "pending", pending)
    else:
        _put(state, _evolve_option(o, pending=pending))


def _replace_pending(o: OptionState, new: PendingExercise) -> tuple[PendingExercise, ...]:
    return tuple(new if p.notice.id == new.notice.id else p for p in o.pending)


def _on_surrender(state: BookState, e: ev.OptionSurrendered) -> None:
    o = state.options[e.option_no]
    p = o.pending_notice(e.notice)
    if p is None:
        return
    _update(state, o, pending=_replace_pending(o, replace(p, surrender=e)), original_at=e.place)


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


def _on_stock_event(state: BookState, e: ev.StockEvent) -> None:
    company = state.companies.get(e.issuer)
    if company is not None:
        company.stock_events.append(e)
        _push(company.outstanding, e.on, e.outstanding_after)
        for (_group, company_id), history in state.owned.items():
            if company_id == e.issuer and history:
                _push(history, e.on, history[-1][1] * e.outstanding_after / e.outstanding_before)
    options = state.options
    affected = [options[no] for no in state.by_company.get(e.issuer, ())]
    if state.reorganizations:  # after a §3 transaction, an issuer's events may reach other options' baskets (§3.3)
        affected = affected + [o for o in _basket_options(state, e.issuer) if o.company != e.issuer]
    for o in affected:
        if o.status is not Status.ACTIVE:
            continue
        if o.basket is None and o.company == e.issuer:
            tranches = adjust_tranches(o.tranches, e.outstanding_before, e.outstanding_after, o.terms.readings.adjustment)
        elif o.basket is not None and any(i.issuer == e.issuer for i in o.basket):
            tranches = o.tranches
            r = e.outstanding_after / e.outstanding_before
            basket = tuple(replace(i, quantity=i.quantity * r) if i.issuer == e.issuer and i.item is ev.ItemKind.SECURITY else i
                           for i in o.basket)
            o = replace(o, basket=basket)  # §3.3: the successor's events adjust the basket
        else:
            continue
        recipients = _WITH_AGENT if company is not None and company.agent else _HOLDER_ONLY
        pending = o.pending
        if pending and o.basket is None:
            r = e.outstanding_after / e.outstanding_before
            pending = tuple(replace(p, ratio=p.ratio * r) for p in pending)
        due = o.certificates_due + (_new_certificate(e.id, e.on, recipients),)
        if state.folding and options.get(o.option_no) is o:
            _set(o, "tranches", tranches)
            _set(o, "pending", pending)
            _set(o, "certificates_due", due)
        else:
            _update(state, o, tranches=tranches, pending=pending, certificates_due=due)


def _new_certificate(event: str, on: date, to: frozenset[str]) -> CertificateDue:
    """`CertificateDue(event, on, to)` without the __init__ round trip."""
    c = object.__new__(CertificateDue)
    _set(c, "event", event)
    _set(c, "on", on)
    _set(c, "to", to)
    return c


_HOLDER_ONLY = frozenset({"holder"})
_WITH_AGENT = frozenset({"holder", "agent"})


def _on_reorganized(state: BookState, e: ev.Reorganized) -> None:
    company = _company(state, e.company)
    company.reorganized = e
    state.reorganizations += 1
    for o in _company_options(state, e.company):
        if o.active and o.basket is None:
            recipients = {"holder"} | ({"agent"} if company.agent else set())
            _update(state, o, basket=e.basket, obligor=e.successor,
                                certificates_due=o.certificates_due + (CertificateDue(e.id, e.on, frozenset(recipients)),))


def _on_dissolved(state: BookState, e: ev.Dissolved) -> None:
    _company(state, e.company).dissolved = e.on
    for o in _company_options(state, e.company):
        if o.active:
            _update(state, o, dissolution_delivery_due=True)


def _on_trustee(state: BookState, e: ev.TrusteeDesignated) -> None:
    o = state.options[e.option_no]
    _update(state, o, trustee=e.name)


def _on_transfer_request(state: BookState, e: ev.TransferRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, pending_transfer=e, original_at="company" if e.original_surrendered else o.original_at)


def _child(parent: OptionState, number: str, holder: str, tranches: tuple[Tranche, ...], origin: str, on: date) -> OptionState:
    terms = replace(parent.terms, option_no=number, option_no_on_instrument=False)
    return replace(parent, option_no=number, holder=holder, terms=terms, terms_history=((on, terms),), tranches=tranches, exists_from=on,
                   status=Status.ACTIVE, status_since=on, parent=parent.option_no, origin=origin, children=(),
                   original_at="holder", pending=(), deliveries_due=(), pending_transfer=None, pending_replacement=None,
                   certificates_due=(), acknowledgments_due=(), claims=())


def _scale(tranches: tuple[Tranche, ...], share: Fraction, whole: Fraction) -> tuple[Tranche, ...]:
    """A piece of `share` shares out of `whole`, taken from every tranche pro rata (exact)."""
    return tuple(Tranche(t.shares * share / whole, t.exercise_price) for t in tranches)


def _on_transfer_registered(state: BookState, e: ev.TransferRegistered) -> None:
    o = state.options[e.option_no]
    request = state.by_id[e.request]
    assert isinstance(request, ev.TransferRequested)
    split = split_remaining(o.remaining, [(p.holder, p.percent, p.shares) for p in request.pieces])
    children = []
    whole = o.remaining
    allotted = [Tranche(Fraction(0), t.exercise_price) for t in o.tranches]
    for piece, number in zip(split.pieces, e.new_options):
        tranches = _scale(o.tranches, piece.shares, whole)
        allotted = [Tranche(a.shares + t.shares, a.exercise_price) for a, t in zip(allotted, tranches)]
        children.append(_child(o, number, piece.holder, tranches, "transfer", e.on))
    if split.balance:
        # the transferor's balance gets exactly what is left of each tranche, so the sum is the whole
        tranches = tuple(Tranche(t.shares - a.shares, t.exercise_price) for t, a in zip(o.tranches, allotted))
        children.append(_child(o, e.new_options[len(split.pieces)], o.holder, tranches, "transfer", e.on))
    for child in children:
        _put(state, child)
    _update(state, o, status=Status.SUPERSEDED, status_since=e.on, pending_transfer=None, original_at="company",
                        children=o.children + tuple(c.option_no for c in children))


def _on_replacement_request(state: BookState, e: ev.ReplacementRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, pending_replacement=e, original_at="company" if e.original_surrendered else o.original_at)


def _on_replacement(state: BookState, e: ev.ReplacementIssued) -> None:
    o = state.options[e.option_no]
    child = _child(o, e.new_option, o.holder, o.tranches, "replacement", e.on)
    child = replace(child, basket=o.basket, waiver_received=o.waiver_received, default_since=o.default_since,
                    default_cured=o.default_cured, trustee=o.trustee)
    _put(state, child)
    _update(state, o, status=Status.REPLACED, status_since=e.on, pending_replacement=None,
                        children=o.children + (e.new_option,))


def _on_void_presented(state: BookState, e: ev.VoidInstrumentPresented) -> None:
    o = state.options[e.option_no]
    _update(state, o, claims=o.claims + (e.id,))


def _on_waiver(state: BookState, e: ev.WaiverNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, waiver_received=o.waiver_received or e.on)


def _on_default(state: BookState, e: ev.DefaultNoticeReceived) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_since=e.on, default_cured=None)


def _on_cure(state: BookState, e: ev.DefaultCured) -> None:
    o = state.options[e.option_no]
    _update(state, o, default_cured=e.on)


def _on_agent(state: BookState, e: ev.AgentAppointed) -> None:
    company = _company(state, e.company)
    company.agent = e
    company.agent_history.append(e)


def _on_address(state: BookState, e: ev.AddressFurnished) -> None:
    state.addresses.append((e.on, e.holder, e.address))


def _on_notice_sent(state: BookState, e: ev.NoticeSent) -> None:
    o = state.options.get(e.option_no)
    if o is None or not e.regarding:
        return
    due = []
    for c in o.certificates_due:
        if c.event == e.regarding:
            c = replace(c, to=c.to - {e.recipient_role})
        if c.to:
            due.append(c)
    _update(state, o, certificates_due=tuple(due))


def _on_amended(state: BookState, e: ev.Amended) -> None:
    o = state.options[e.option_no]
    tranches = e.terms.tranches if e.terms.tranches != o.terms.tranches else o.tranches
    _update(state, o, terms=e.terms, terms_history=o.terms_history + ((e.on, e.terms),), tranches=tranches)


def _on_ack_request(state: BookState, e: ev.AcknowledgmentRequested) -> None:
    o = state.options[e.option_no]
    _update(state, o, acknowledgments_due=o.acknowledgments_due + (e.id,))


def _on_ack(state: BookState, e: ev.AcknowledgmentGiven) -> None:
    o = state.options[e.option_no]
    remaining = tuple(r for r in o.acknowledgments_due if r != e.request) if e.request else o.acknowledgments_due[1:]
    _update(state, o, acknowledgments_due=remaining)


def _on_outstanding(state: BookState, e: ev.SharesOutstanding) -> None:
    _push(_company(state, e.company).outstanding, e.on, e.shares)


def _on_authorized(state: BookState, e: ev.AuthorizedShares) -> None:
    _push(_company(state, e.company).authorized, e.on, e.shares)


def _on_ownership(state: BookState, e: ev.BeneficialOwnership) -> None:
    _push(state.owned.setdefault((state.holder_group(e.holder), e.company), []), e.on, e.shares)


def _on_listed(state: BookState, e: ev.Listed) -> None:
    company = _company(state, e.company)
    company.listings.append((e.on, e.venue))


def _on_quote(state: BookState, e: ev.Quote) -> None:
    _company(state, e.company).quotes[(e.venue, e.on)] = e


def _on_fmv_agreed(state: BookState, e: ev.FmvAgreed) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"agreed by {', '.join(e.agreed_by) or 'the parties'} on {e.on}"))


def _on_fmv_awarded(state: BookState, e: ev.FmvAwarded) -> None:
    _company(state, e.company).fmv_values.append((e.on, e.value, f"arbitration award {e.case} ({e.arbitrator}) on {e.on}".replace(" ()", "")))


def _on_liquidation(state: BookState, e: ev.LiquidationAmount) -> None:
    _company(state, e.company).liquidations[e.on] = (e.amount, e.source)


def _on_document(state: BookState, e: ev.DocumentIssued) -> None:
    state.documents.append(e)


_HANDLERS: dict[type, Callable[[BookState, Any], None]] = {
    ev.CompanyRegistered: _on_company, ev.HolderRegistered: _on_holder, ev.OptionIssued: _on_issue,
    ev.ExerciseNoticeReceived: _on_notice, ev.OptionSurrendered: _on_surrender, ev.PaymentReceived: _on_payment,
    ev.ExerciseEffected: _on_exercise, ev.SharesDelivered: _on_delivery, ev.StockEvent: _on_stock_event,
    ev.Reorganized: _on_reorganized, ev.Dissolved: _on_dissolved, ev.TrusteeDesignated: _on_trustee,
    ev.TransferRequested: _on_transfer_request, ev.TransferRegistered: _on_transfer_registered,
    ev.ReplacementRequested: _on_replacement_request, ev.ReplacementIssued: _on_replacement,
    ev.VoidInstrumentPresented: _on_void_presented, ev.WaiverNoticeReceived: _on_waiver,
    ev.DefaultNoticeReceived: _on_default, ev.DefaultCured: _on_cure, ev.AgentAppointed: _on_agent,
    ev.AddressFurnished: _on_address, ev.NoticeSent: _on_notice_sent, ev.Amended: _on_amended,
    ev.AcknowledgmentRequested: _on_ack_request, ev.AcknowledgmentGiven: _on_ack,
    ev.SharesOutstanding: _on_outstanding, ev.AuthorizedShares: _on_authorized, ev.BeneficialOwnership: _on_ownership,
    ev.Listed: _on_listed, ev.Quote: _on_quote, ev.FmvAgreed: _on_fmv_agreed, ev.FmvAwarded: _on_fmv_awarded,
    ev.LiquidationAmount: _on_liquidation, ev.DocumentIssued: _on_document,
}
