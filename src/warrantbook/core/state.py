"""State as of a date: a pure fold of the events.

`fold(events, as_of)` sorts by the one ordering rule (events.sort_key), drops corrected events, and applies
each event in turn. Where no event's effect reaches two companies' parts of the book (core.commute.company_groups),
it applies them company by company, each company's in that order: the same state, walked with more locality.
Per-option state is an immutable value replaced on every change; the book-wide indexes
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
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, MutableMapping, ValuesView
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from fractions import Fraction
from itertools import repeat
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.commute import company_groups
from warrantbook.core.terms import Address, Company, Holder, Terms, Tranche, Venue
from warrantbook.core.values import make_builder, make_evolver


class Status(Enum):
    ACTIVE = "active"
    EXERCISED = "fully exercised"
    SUPERSEDED = "superseded by transfer"
    REPLACED = "replaced"
    EXPIRED = "expired"
    DISSOLVED = "ended under §3.2, §3.3"  # ended as an instrument for common stock; OptionState.dissolution says what is owed


@dataclass(frozen=True, slots=True)
class PendingExercise:
    notice: ev.ExerciseNoticeReceived
    surrender: ev.OptionSurrendered | None = None
    payments: tuple[ev.PaymentReceived, ...] = ()
    ratio: Fraction = Fraction(1)  # §2.2(a): a §4 event while the notice is open adjusts its share numbers
    stock_now: Fraction = Fraction(0)  # common stock paid so far, in shares of today's basis (§4 events since scale it)

    @property
    def cash_paid(self) -> Fraction:
        return sum((p.cash for p in self.payments), Fraction(0))

    @property
    def stock_paid(self) -> Fraction:
        return sum((p.stock_shares for p in self.payments), Fraction(0))


@dataclass(frozen=True, slots=True)
class DeliveryOwed:
    """What is still owed on one effected exercise (§2.1), in shares of today's basis.

    The holder is the record owner from the close of business of the deemed issue, so a §4 event before delivery
    scales what is due (`ratio`). Shares beyond the authorized shares (§6) are `held`: owed, never shown as delivered,
    until authorized shares are recorded."""

    notice: str
    whole: Fraction  # whole shares of the exercise, on the basis of its deemed issue
    ratio: Fraction = Fraction(1)  # §4 events since the deemed issue
    delivered: Fraction = Fraction(0)
    held: Fraction = Fraction(0)
    cash_paid: bool = False  # the cash in lieu went with the first delivery

    @property
    def total(self) -> Fraction:
        return self.whole * self.ratio

    @property
    def deliverable(self) -> Fraction:
        return self.total - self.delivered - self.held


@dataclass(frozen=True, slots=True)
class RefundDue:
    """§2.2(a): what the company holds beyond the price of an exercise (or of one that lapsed), owed back."""

    notice: str
    cash: Fraction
    stock_shares: Fraction
    reason: str  # "overpayment" or "lapsed"


@dataclass(frozen=True, slots=True)
class CertificateDue:
    """§5: a certificate as to an adjustment, to mail to the holder and any agent."""

    event: str
    on: date
    to: frozenset[str]  # roles still to be mailed: "holder", "agent"


@dataclass(frozen=True, slots=True)
class DissolutionDue:
    """§3.2, §3.3: what the holder is owed when the option ends as an instrument for common stock: what it would
    have received on exercising every remaining option share just before, and how the price is settled
    (`Readings.dissolution_price`). Open until a DissolutionDelivered event closes it; closed once."""

    event: str  # the Dissolved event, or the Reorganized event under which the option did not continue
    on: date
    option_shares: Fraction  # remaining option shares when the option ended
    baskets: Fraction  # baskets delivered (the option shares, or X under the cashless reading)
    items: tuple[ev.BasketDelivery, ...]
    price: Fraction  # aggregate exercise price of the option shares, exact
    price_from_cash: Fraction  # deducted from the cash component (reading from-cash)
    price_due: Fraction  # what the holder still pays, rounded up to the cent
    reading: str  # Readings.dissolution_price, as text
    problem: str = ""  # why it cannot be quantified yet (a §1.2 FMV unknown on the day); "" when it is
    delivered: str = ""  # the DissolutionDelivered event that closed it


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
    refunds_due: tuple[RefundDue, ...] = ()  # §2.2(a): payments beyond the price, or of a lapsed exercise, to return
    owed: tuple[DeliveryOwed, ...] = ()  # §2.1, §4, §6: what each exercise in deliveries_due still owes

    successor_company: str = ""  # after §3: the company whose common stock is Common Stock (definition (b)); §10, §6 follow it
    dissolution: DissolutionDue | None = None  # §3.2: the delivery owed once the option ended as an instrument for common stock
    last_exercised: date | None = None  # §2.1: the day of its latest exercise effected (at the close), for §7 and §8

    def owed_on(self, notice: str) -> DeliveryOwed | None:
        for d in self.owed:
            if d.notice == notice:
                return d
        return None

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


_evolve_option = make_evolver(OptionState)


# The values the fold builds on every exercise, notice and §4 event; each takes every field, in declaration order.
build_owed = make_builder(DeliveryOwed)  # (notice, whole, ratio, delivered, held, cash_paid)
build_pending = make_builder(PendingExercise)  # (notice, surrender, payments, ratio, stock_now)
build_certificate = make_builder(CertificateDue)  # (event, on, to)


class CompanyState:
    """One issuer's facts: listing, quotes, FMV values, outstanding and authorized shares, agent."""

    __slots__ = ("company", "listings", "quotes", "fmv_values", "liquidations", "outstanding", "authorized",
                 "agent", "agent_history", "reorganized", "dissolved", "stock_events", "asset_transfer", "last_exercised")

    def __init__(self, company: Company):
        self.company = company
        self.listings: list[tuple[date, Venue]] = []
        self.quotes: dict[tuple[Venue, date], ev.Quote] = {}
        # §1.2(c): (day, value, source, holders bound: None for an award, which binds every holder)
        self.fmv_values: list[tuple[date, Fraction, str, frozenset[str] | None]] = []
        self.liquidations: dict[date, tuple[Fraction, str]] = {}
        self.outstanding: list[tuple[date, Fraction]] = []  # running: facts, exercises, §4 events
        self.authorized: list[tuple[date, Fraction]] = []
        self.agent: ev.AgentAppointed | None = None
        self.agent_history: list[ev.AgentAppointed] = []
        self.reorganized: ev.Reorganized | None = None
        self.dissolved: date | None = None
        self.asset_transfer: ev.Reorganized | None = None  # §3.1(c): the transfer of assets a §3.2 dissolution follows
        self.stock_events: list[ev.StockEvent] = []
        # §2.1: the latest close at which an exercise of one of its options was effected; a step dated on or after it
        # sorts after every one, so the checks against exercises already effected need not read its options
        self.last_exercised: date | None = None

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

    def agreed_fmv(self, day: date, holder: str = "") -> tuple[Fraction, str] | None:
        """§1.2(c): the latest value on or before `day` that binds `holder` (an award, or an agreement it signed)."""
        i = bisect.bisect_right(self.fmv_values, day, key=lambda item: item[0])
        for _day, value, source, holders in reversed(self.fmv_values[:i]):
            if holders is None or holder in holders:
                return value, source
        return None

    def liquidation_total(self, day: date) -> tuple[Fraction, str] | None:
        return self.liquidations.get(day)

    def outstanding_on(self, day: date) -> Fraction | None:
        return self._latest(self.outstanding, day)

    def authorized_on(self, day: date) -> Fraction | None:
        return self._latest(self.authorized, day)

    @property
    def current_outstanding(self) -> Fraction | None:
        return self.outstanding[-1][1] if self.outstanding else None


class EventIndex(MutableMapping[str, ev.Event]):
    """A folded state's events by id (`BookState.by_id`), in the order applied, a later event of an id in the place of an
    earlier one: built from the state's list of events the first time it is read or changed.

    Most folds never look an event up by id: a snapshot does not save the index (store/snapshot.py) and views read
    options. Deciding a new event does, once a process; the index then costs what building it in the fold cost. No
    effect reads it while the fold runs (tests/core/test_fold_groups.py holds the fold to that)."""

    __slots__ = ("_events", "_index")

    def __init__(self, events: list[ev.Event]) -> None:
        self._events: list[ev.Event] | None = events
        self._index: dict[str, ev.Event] | None = None

    @property
    def built(self) -> bool:
        return self._index is not None

    def _built(self) -> dict[str, ev.Event]:
        index = self._index
        if index is None:
            events, self._events = self._events or [], None
            index = self._index = {e.id: e for e in events}
        return index

    def __getitem__(self, key: str) -> ev.Event:
        return self._built()[key]

    def __setitem__(self, key: str, value: ev.Event) -> None:
        self._built()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

    # the dict's own, not the mapping protocol's item by item: decide asks `in` on every event
    def __contains__(self, key: object) -> bool:
        return key in self._built()

    def get(self, key: str, default: Any = None) -> Any:
        return self._built().get(key, default)

    def keys(self) -> KeysView[str]:
        return self._built().keys()

    def values(self) -> ValuesView[ev.Event]:
        return self._built().values()

    def items(self) -> ItemsView[str, ev.Event]:
        return self._built().items()

    def __repr__(self) -> str:
        return f"EventIndex({self._index!r})" if self._index is not None else f"EventIndex(<{len(self._events or ())} events, not built>)"


@dataclass
class BookState:
    """Everything known as of `as_of`. Built by `fold`; treat as read-only."""

    as_of: date | None
    options: dict[str, OptionState] = field(default_factory=dict)
    by_company: dict[str, list[str]] = field(default_factory=dict)  # company id -> its option numbers, in issue order
    companies: dict[str, CompanyState] = field(default_factory=dict)
    holders: dict[str, Holder] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # cap group -> its holders, in `holders`' order: §10 reads one group
    owned: dict[tuple[str, str], list[tuple[date, Fraction]]] = field(default_factory=dict)  # (holder, company): its own certificates
    owners: dict[str, list[str]] = field(default_factory=dict)  # company -> the holders in `owned` for it, in order: §4 scales only these
    ownership_reports: list[ev.BeneficialOwnership] = field(default_factory=list)  # a company's or agent's figures: compared, never used
    addresses: list[tuple[date, str, Address]] = field(default_factory=list)  # furnished, in order
    events: list[ev.Event] = field(default_factory=list)  # applied, in order
    by_id: MutableMapping[str, ev.Event] = field(default_factory=dict)  # a fold's is an EventIndex, built when first read
    corrections: dict[str, ev.Correction] = field(default_factory=dict)  # corrected id -> correction
    documents: list[ev.DocumentIssued] = field(default_factory=list)
    reorganizations: int = 0
    folding: bool = False  # True only while `fold` builds this state and no one else can see it

    # -- look-ups the rules and views need

    def option(self, option_no: str) -> OptionState:
        found = self.options.get(option_no)
        if found is not None:
            return found
        from warrantbook.core.errors import BadInput

        try:
            return self.options[option_no]
        except KeyError:
            known = ", ".join(sorted(self.options)) or "none"
            error = BadInput(f"option: no option numbered {option_no!r} has been issued by then (known: {known})",
                             field="option", clause="§1.1")
            error.fatal = True
            raise error from None

    def holder_group(self, holder_id: str) -> str:
        holder = self.holders.get(holder_id)
        return holder.cap_group if holder else holder_id

    def group_members(self, holder_id: str) -> list[str]:
        """Every registered holder of `holder_id`'s cap group (affiliates under Rule 13d-3, 13d-5), itself included."""
        members = list(self.members.get(self.holder_group(holder_id), ()))  # the group's own list, not every holder's
        return members if holder_id in members else [holder_id, *members]

    def certified_on(self, holder_id: str, company: str, day: date) -> Fraction | None:
        """One holder's own certified holdings of `company` on `day` (with the shares its exercises issued since)."""
        history = self.owned.get((holder_id, company))
        return CompanyState._latest(history, day) if history else None

    def owned_on(self, holder_id: str, company: str, day: date) -> Fraction | None:
        """§10's H for the holder's group: the sum of every member's own certified holdings, or None when no
        member has certified. Members without a certificate are reported by `uncertified_members`."""
        figures = [f for m in self.group_members(holder_id) if (f := self.certified_on(m, company, day)) is not None]
        return sum(figures, Fraction(0)) if figures else None

    def uncertified_members(self, holder_id: str, company: str, day: date) -> list[str]:
        """Members of the group that hold (or held) an option of `company` but have certified no holdings by `day`:
        their holdings are unknown, so the group's H is too (§10)."""
        missing = [m for m in self.group_members(holder_id) if self.certified_on(m, company, day) is None]
        if not missing:
            return missing
        # the company's own options (by_company), not every option in the book: recording costs the same at any size
        with_options = {self.options[no].holder for no in self.by_company.get(company, ())}
        return [m for m in missing if m in with_options]

    def last_address(self, holder_id: str, option_no: str | None = None) -> tuple[str, Address] | None:
        """§13: the holder's last furnished address; until it furnishes one, the last holder *of this option*
        (`option_no`'s lineage: the instruments it came from and those that came from it, §7, §8) that furnished
        one. Never another option's holder; without `option_no` there is no fallback."""
        for _day, who, address in reversed(self.addresses):
            if who == holder_id:
                return who, address
        if option_no is None or option_no not in self.options:
            return None
        holders = self.lineage_holders(option_no)
        for _day, who, address in reversed(self.addresses):
            if who in holders:
                return who, address
        return None

    def lineage_holders(self, option_no: str) -> set[str]:
        """The holders of `option_no`, of every instrument it came from (parent chain) and that came from it (children)."""
        seen: set[str] = set()
        holders: set[str] = set()
        no = option_no
        while no and no in self.options and no not in seen:
            seen.add(no)
            holders.add(self.options[no].holder)
            no = self.options[no].parent
        todo = list(self.options[option_no].children)
        while todo:
            child = todo.pop()
            if child in self.options and child not in seen:
                seen.add(child)
                holders.add(self.options[child].holder)
                todo.extend(self.options[child].children)
        return holders

    def group_options(self, holder_id: str) -> Iterator[OptionState]:
        group = self.holder_group(holder_id)
        return (o for o in self.options.values() if self.holder_group(o.holder) == group)


# ---------------------------------------------------------------- the fold


def sort_keys(events: list[ev.Event]) -> list[int]:
    """Each event's place in the documented order as one integer: its date, then its phase (events of one key keep
    their order of recording). Compares as (date, phase) does, much faster."""
    phases = _PHASES
    return [e.on.toordinal() * phases + e.phase for e in events]


def ordered(events: Iterable[ev.Event], keys: list[int] | None = None) -> list[ev.Event]:
    """Events in the one documented order: date, phase, then order of recording (a stable sort). `keys`: their
    sort_keys, when already worked out."""
    items = list(events)
    if keys is None:
        keys = sort_keys(items)
    if all(map(operator.le, keys, keys[1:])):
        return items  # already in order: the usual case for a store read in recording order
    # sorted() is stable: events with the same key keep their order of recording; sorting the positions by their
    # key keeps the comparisons between plain integers
    return list(map(items.__getitem__, sorted(range(len(items)), key=keys.__getitem__)))


_PHASES = max(ev.Phase) + 1
assert min(ev.Phase) >= 0


def fold(events: Iterable[ev.Event], as_of: date | None = None, *, by_company: bool = True) -> BookState:
    """The state of every option as of `as_of` (inclusive; None: everything). `by_company=False` walks the whole
    ledger in date order even where it could walk it company by company (`fold_in_date_order`)."""
    all_events = list(events)
    state = BookState(as_of=as_of)
    correction, issue = ev.Correction, ev.OptionIssued
    issuers: set[str] = set()  # a book of one issuer's options gains nothing from a walk company by company
    for e in all_events:
        if isinstance(e, correction):
            if as_of is None or e.on <= as_of:
                state.corrections[e.corrects] = e
        elif type(e) is issue:
            issuers.add(e.terms.company)  # type: ignore[attr-defined]
    # The fold allocates millions of small immutable values and no cycles: the cyclic collector would only
    # rescan them again and again, so it is paused for the duration (and restored as it was).
    was_enabled = gc.isenabled()
    gc.disable()
    state.folding = True
    try:
        if as_of is not None:
            all_events = [e for e in all_events if e.on <= as_of]
        keys = sort_keys(all_events)
        todo = ordered(all_events, keys)
        state.events.extend(todo)
        state.by_id = EventIndex(state.events)  # built when first read: no effect reads it
        # the parts are worked out on the events as given (as recorded: where they lie in memory), not in date order
        groups = company_groups(all_events, keys) if by_company and len(issuers) > 1 else None
        if groups is None:
            _apply_in_order(state, todo)
        else:
            _apply_by_company(state, all_events, keys, groups)
    finally:
        state.folding = False
        if was_enabled:
            gc.enable()
    if as_of is not None:
        _expire(state, as_of)
    return state


def fold_in_date_order(events: Iterable[ev.Event], as_of: date | None = None) -> BookState:
    """`fold`, walking the whole ledger in date order even where it could walk it company by company: the reference
    the company-by-company walk is tested against."""
    return fold(events, as_of, by_company=False)


def _apply_in_order(state: BookState, todo: list[ev.Event]) -> None:
    """`apply`, inlined: the same steps in the same order, with the look-ups hoisted out of the loop. No effect
    reads the list of events or the index by id, so both are whole before the first (state.EventIndex)."""
    corrections = state.corrections
    handler_of = _effects().get
    for e in todo:
        if corrections and e.id in corrections:
            continue
        handler = handler_of(type(e))
        if handler is not None:
            handler(state, e)


def _apply_by_company(state: BookState, events: list[ev.Event], keys: list[int], groups: list[int]) -> None:
    """The events applied company by company (core.commute.company_groups: no effect reads another company's part
    of the book), each company's in the documented order. The state is the date-order walk's, value for value; a
    company's options, facts and holders stay together in the processor's caches while its events are applied.

    `events` come as recorded, with their sort keys and parts: one stable sort by (part, key) gives each company's
    events in the documented order. What is not a value but an order is put back: the book's indexes (options,
    companies, by company, holders' certificates and their owners) list their keys in the order the date-order walk
    would have created them, so each key's birth is noted with the place in the documented order of the event that
    created it."""
    corrections = state.corrections
    handler_of = _effects().get
    indexes: tuple[dict[Any, Any], ...] = (state.options, state.companies, state.owned, state.by_company, state.owners)
    born: list[list[tuple[tuple[int, int], Any]]] = [[] for _ in indexes]
    sizes = [0] * len(indexes)
    options, companies, owned = state.options, state.companies, state.owned
    known = 0
    span = max(keys, default=0) + 1  # (part, key) as one integer, which sorts the same way
    walk = list(map(operator.add, map(operator.mul, groups, repeat(span)), keys))
    handlers = list(map(handler_of, map(type, events)))  # read as the events lie, not in the walk's order
    for i in sorted(range(len(events)), key=walk.__getitem__):  # stable: events of one key keep their order
        handler = handlers[i]
        if handler is None:
            continue
        e = events[i]
        if corrections and e.id in corrections:
            continue
        handler(state, e)
        size = len(options) + len(companies) + len(owned)  # by_company and owners grow only with options and owned
        if size != known:
            known = size
            for index, births, before in zip(indexes, born, sizes):
                if len(index) != before:
                    place = (keys[i], i)  # its place in the documented order: key, then order of recording
                    births.extend((place, key) for key in _newest(index, len(index) - before))
            sizes = [len(index) for index in indexes]
    for index, births in zip(indexes, born):
        if len(births) > 1:
            births.sort(key=operator.itemgetter(0))  # stable: keys one event created keep their order
            reordered = {key: index[key] for _, key in births}
            index.clear()
            index.update(reordered)


def _newest(index: dict[Any, Any], n: int) -> list[Any]:
    """The `n` keys added last, oldest first."""
    keys: list[Any] = []
    for key in reversed(index):
        if len(keys) == n:
            break
        keys.append(key)
    return keys[::-1]


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


def basket_options(state: BookState, issuer: str) -> list[OptionState]:
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
    handler = _effects().get(type(e))
    if handler is not None:
        handler(state, e)


def _company(state: BookState, company_id: str) -> CompanyState:
    cs = state.companies.get(company_id)
    if cs is None:
        cs = state.companies[company_id] = CompanyState(Company(company_id, company_id, ""))
    return cs


_set = object.__setattr__  # frozen values are changed in place only while `fold` builds a state no one else sees



# The effects of each kind of event live with their clause (core/clauses/); the table is filled from there
# on first use.
_HANDLERS: dict[type, Callable[[BookState, Any], None]] = {}


def _effects() -> dict[type, Callable[[BookState, Any], None]]:
    """The table of effects, filled on first use (the clauses import this module, so not at import time)."""
    if not _HANDLERS:
        from warrantbook.core.clauses import EFFECTS

        _HANDLERS.update(EFFECTS)
    return _HANDLERS