"""The book behind the web app: one source, read and written under a lock, states cached by ledger position.

Every view here returns plain data made by core functions (core.summary, core.decide.exercise_quote, the
fold); nothing computes a figure of its own. Access control (web.roles) filters what a user sees.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.book.io import check_names
from warrantbook.core import events as ev
from warrantbook.core.audit import Head
from warrantbook.core.decide import cap_limit, determination_date, exercise_quote, fmv_source, outstanding_on
from warrantbook.core.errors import BadInput, Refusal, WarrantbookError
from warrantbook.core.explain import Trace
from warrantbook.core.numbers import exact, to_text
from warrantbook.core.rules.exercise import ExerciseRequest, ExerciseResult
from warrantbook.core.state import BookState, OptionState
from warrantbook.core.summary import cap_summary, company_items, open_items, option_summary, reserve_summary
from warrantbook.core.summary import lineage as lineage_of
from warrantbook.core.terms import PaymentMethod
from warrantbook.describe import describe
from warrantbook.sources import Source
from warrantbook.web import roles
from warrantbook.web.auth import Principal

STATE_CACHE = 64
FRESH_SECONDS = float(os.environ.get("WARRANTBOOK_WEB_FRESH_MS", "50")) / 1000  # float-ok: a time, not a figure


def event_json(e: ev.Event) -> dict[str, Any]:
    from warrantbook.core.codec import event_to_data

    return {"id": e.id, "kind": e.kind, "clause": e.clause, "on": e.on.isoformat(), "actor": e.actor, "derived": e.derived,
            "description": describe(e), "data": event_to_data(e)}


@dataclass(frozen=True, slots=True)
class Recorded:
    events: list[ev.Event]
    replayed: bool
    head: Head

    def as_json(self) -> dict[str, Any]:
        return {"recorded": [event_json(e) for e in self.events], "replayed": self.replayed, "head": self.head.as_json()}


class Book:
    """A source shared by the requests of one process. Reads and writes hold one lock (the sources keep caches)."""

    def __init__(self, source: Source, *, today: Callable[[], date] | None = None):
        self.source = source
        self.lock = threading.RLock()
        self._states: OrderedDict[tuple[int, str, date | None], BookState] = OrderedDict()
        self._views: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._today = today or date.today
        self._seen: tuple[float, tuple[int, str]] | None = None
        self._folding: dict[tuple[Any, ...], threading.Event] = {}  # folds under way, by (ledger position, day)

    def today(self) -> date:
        """The app's clock (the demo may pin it to the book's last day): the only place a page reads the date."""
        return self._today()

    @property
    def label(self) -> str:
        return self.source.label

    def events(self) -> list[ev.Event]:
        with self.lock:
            return self.source.events()

    def head(self) -> Head:
        with self.lock:
            return self.source.head()

    def _snapshot(self, fresh: bool = False) -> tuple[int, str]:
        """The ledger's position (count and chain head). Another process's writes show within FRESH_SECONDS (50 ms);
        this process's own writes at once (they invalidate), and recording always reads the ledger anew. Only the head
        is read: the events themselves stay in the store (and its snapshots), never copied here."""
        now = time.monotonic()
        seen = self._seen
        if not fresh and seen is not None and now - seen[0] < FRESH_SECONDS:
            return seen[1]
        head = self.source.head()
        key = (head.count, head.hash)
        self._seen = (now, key)
        return key

    def invalidate(self) -> None:
        with self.lock:
            self._seen = None

    def view(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A view's result, cached by the ledger's position and the view's inputs (views are pure functions of both)."""
        with self.lock:
            position = self._snapshot()
            full = (position, *key)
            hit = self._views.get(full)
            if hit is not None:
                self._views.move_to_end(full)
                return hit
        result = make()
        with self.lock:
            self._views[full] = result
            while len(self._views) > 256:
                self._views.popitem(last=False)
        return result

    def _cached(self, key: tuple[int, str], as_of: date | None) -> BookState | None:
        full = (*key, as_of)
        hit = self._states.get(full)
        if hit is not None:
            self._states.move_to_end(full)
        return hit

    def _keep(self, key: tuple[int, str], as_of: date | None, state: BookState) -> None:
        self._states[(*key, as_of)] = state
        while len(self._states) > STATE_CACHE:
            self._states.popitem(last=False)

    def _state_for(self, key: tuple[int, str], as_of: date | None) -> BookState:
        """The state as of a day for this snapshot. Called without the lock: a fold for a new day (the slow part) runs
        while other requests go on; the latest state comes from the source's projection (under the lock)."""
        full = (*key, as_of)
        with self.lock:
            hit = self._cached(key, as_of)
            if hit is not None:
                return hit
            if as_of is None:
                state = self.source.state()
                self._keep(key, None, state)
                return state
            running = self._folding.get(full)
            if running is None:  # this request folds; the ones asking meanwhile wait for its result instead of folding too
                running = self._folding[full] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            running.wait()
            with self.lock:
                hit = self._cached(key, as_of)
            if hit is not None:
                return hit
            return self.source.state(as_of)  # the folder failed (or the cache moved on): fold here
        try:
            state = self.source.state(as_of)  # from the store's nearest snapshot before the day; no lock of ours held
            with self.lock:
                self._keep(key, as_of, state)
            return state
        finally:
            with self.lock:
                self._folding.pop(full, None)
            running.set()

    def state(self, as_of: date | None = None) -> BookState:
        """The state as of a day (None: everything), cached by the ledger's length so repeated views fold once."""
        with self.lock:
            key = self._snapshot()
        return self._state_for(key, as_of)

    def states(self, as_of: date) -> tuple[BookState, BookState]:
        """The latest state (for who may see what) and the state as of a day, from one read of the ledger."""
        with self.lock:
            key = self._snapshot()
        return self._state_for(key, None), self._state_for(key, as_of)

    def record(self, p: Principal, event: ev.Event, *, idempotency_key: str | None = None) -> Recorded:
        """Check the user may give this command (web.roles), then let the source decide it (core) and append it."""
        check_names(event)
        with self.lock:
            self._seen = None
            roles.check_command(self.state(), p, event)
            try:
                decided = self.source.record(event, idempotency_key=idempotency_key, acted_by=p.acted_by)
            except Refusal as exc:
                if exc.field == "actor":  # the agreement says this party may not act: a denial, with its clause
                    raise roles.Denied(exc.message, field="actor", clause=exc.clause) from None
                raise
            finally:
                self._seen = None
            replayed = bool(getattr(self.source, "replayed", False))
            return Recorded(decided, replayed, self.source.head())

    def record_batch(self, p: Principal, events: list[ev.Event], *, idempotency_key: str | None = None,
                     on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None) -> Recorded:
        with self.lock:
            self._seen = None
            state = self.state()
            for e in events:
                check_names(e)
                roles.check_command(state, p, e)
            record_all = getattr(self.source, "record_all", None)
            if record_all is None:  # pragma: no cover - every source in the project has it
                raise BadInput("this source cannot record a batch", field="source")
            try:
                decided = record_all(events, idempotency_key=idempotency_key, on_error=on_error, acted_by=p.acted_by)
            finally:
                self._seen = None
            return Recorded(decided, bool(getattr(self.source, "replayed", False)), self.source.head())


# ---------------------------------------------------------------- views (plain data)


def list_view(book: Book, p: Principal, day: date, active_only: bool = False) -> dict[str, Any]:
    now, state = book.states(day)
    rows = []
    for o in state.options.values():
        if active_only and not o.active:
            continue
        if o.option_no not in now.options or not roles.can_see(now, p, now.options[o.option_no]):
            continue
        s = option_summary(state, o, day)
        rows.append({"option": s["option"], "holder": s["holder"], "company": s["company"], "status": s["status"],
                     "status_since": s["status_since"], "remaining_shares": s["remaining_shares"], "tranches": s["tranches"],
                     "cap": s["cap"], "parent": s["parent"], "children": s["children"], "open_items": len(s["open_items"]),
                     "current_fmv": current_fmv(state, o, day)})
    return {"as_of": day.isoformat(), "options": rows}


def current_fmv(state: BookState, option: OptionState, day: date) -> dict[str, Any] | None:
    """The §1.2 FMV for a determination on `day`, as the engine finds it, or None when it cannot be known."""
    try:
        fmv = fmv_source(state, option, day)(None)
    except (Refusal, BadInput):
        return None
    return {"value": to_text(fmv.value), "clause": fmv.clause, "source": fmv.source}


def show_view(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    now, state = book.states(day)
    roles.option_for(now, p, option_no)
    return option_summary(state, state.option(option_no), day)


def terms_view(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    """The option's terms in force on `day`, encoded by the codec (exact numbers as text)."""
    from warrantbook.core.codec import encode

    roles.option_for(book.state(), p, option_no)
    option = book.state(day).option(option_no)
    return encode(option.terms, keep_defaults=True)  # type: ignore[no-any-return]


def _touches(e: ev.Event, options: set[str], companies: set[str]) -> bool:
    no = getattr(e, "option_no", None)
    if isinstance(no, str) and no in options:
        return True
    created = set(getattr(e, "new_options", ()) or ()) | ({getattr(e, "new_option", "")} - {""})
    if created & options:
        return True
    if isinstance(e, ev.StockEvent):
        return e.issuer in companies
    if isinstance(e, (ev.Reorganized, ev.Dissolved, ev.AgentAppointed)):
        return e.company in companies
    return False


def _stored(book: Book) -> list[tuple[int, ev.Event, str | None, str | None, str | None]]:
    """(seq, event, recorded at, hash, who recorded it) for every stored event; a book file keeps only the events."""
    stored = getattr(book.source, "stored", None)
    with book.lock:
        if stored is not None:
            return [(s.seq, s.event, s.recorded_at, s.hash, getattr(s, "acted_by", None)) for s in stored()]
        return [(i, e, None, None, None) for i, e in enumerate(book.source.events(), start=1)]


_FACTS = (ev.SharesOutstanding, ev.AuthorizedShares, ev.Listed, ev.FmvAgreed, ev.FmvAwarded, ev.LiquidationAmount)


def history_view(book: Book, p: Principal, day: date, option_no: str | None = None, facts: bool = False) -> dict[str, Any]:
    """The timeline in the agreement's order: who recorded what and when, corrections, and the lineage."""
    now = book.state()
    seen_options = {o.option_no for o in roles.visible(now, p)}
    lineage: list[str] = []
    if option_no:
        roles.option_for(now, p, option_no)
        lineage = [n for n in lineage_of(now, option_no) if n in seen_options]
        options = set(lineage)
        companies = {now.options[option_no].company}
    else:
        options = seen_options
        companies = roles.companies_seen(now, p)
    rows = []
    everything = [x for x in _stored(book) if x[1].on <= day]
    corrected_by = {e.corrects: e.id for _s, e, _r, _h, _a in everything if isinstance(e, ev.Correction)}
    chosen: set[str] = set()
    for _seq, e, _r, _h, _a in everything:
        mine = p.actor is not None and e.actor == p.actor
        fact = isinstance(e, _FACTS) and getattr(e, "company", None) in companies and (facts or not option_no)
        if p.role == "auditor" and not option_no:
            chosen.add(e.id)
        elif _touches(e, options, companies) or (mine and not option_no) or fact:
            chosen.add(e.id)
    chosen |= {e.id for _s, e, _r, _h, _a in everything if isinstance(e, ev.Correction) and e.corrects in chosen}
    picked = [x for x in everything if x[1].id in chosen]
    picked.sort(key=lambda x: ev.sort_key(x[1], x[0]))
    for seq, e, recorded_at, h, acted_by in picked:
        rows.append({"seq": seq, **event_json(e), "recorded_at": recorded_at, "acted_by": acted_by, "hash": h,
                     "corrected_by": corrected_by.get(e.id),
                     "corrects": getattr(e, "corrects", None)})
    lineage_json = [{"option": no, "parent": now.options[no].parent or None, "origin": now.options[no].origin,
                     "children": [c for c in now.options[no].children if c in seen_options], "status": now.options[no].status.value,
                     "holder": now.options[no].holder, "remaining_shares": to_text(now.options[no].remaining)} for no in lineage]
    return {"as_of": day.isoformat(), "option": option_no, "lineage": lineage_json, "events": rows}


def due_view(book: Book, p: Principal, day: date) -> dict[str, Any]:
    state = book.state(day)
    now = book.state()
    items: list[dict[str, Any]] = []
    for o in state.options.values():
        if o.option_no not in now.options or not roles.can_see(now, p, now.options[o.option_no]):
            continue
        if o.active or o.deliveries_due or o.dissolution_delivery_due or o.refunds_due or o.pending:
            items.extend(i.as_json() for i in open_items(state, o, day))
    if p.role in ("company", "auditor", "agent"):
        for company in sorted(roles.companies_seen(now, p) & set(state.companies)):
            items.extend(i.as_json() for i in company_items(state, company, day))
    items.sort(key=lambda i: (i["due"] is None, i["due"] or "", i["option"] or ""))
    return {"as_of": day.isoformat(), "items": items}


def reserve_view(book: Book, p: Principal, day: date, company: str | None = None) -> dict[str, Any]:
    now = book.state()
    if p.role == "holder":
        raise roles.Denied("the §6 reserve is the company's books; a holder sees its own options", field="company", clause="§6")
    seen = roles.companies_seen(now, p)
    if company:
        roles.require_company(now, p, company)
        chosen = [company]
    else:
        chosen = sorted(seen)
    state = book.state(day)
    return {"as_of": day.isoformat(), "reserve": [reserve_summary(state, c, day) for c in chosen if c in state.companies]}


def parse_request(shares: str, method: PaymentMethod, *, cash: str | None = None, cancel: str | None = None,
                  stock_shares: str | None = None, tranche: int | None = None) -> ExerciseRequest:
    text = shares.strip().lower()
    y = None if text in ("max", "") and method is PaymentMethod.CASHLESS else exact(shares, "shares")
    if y is not None and (y <= 0):
        raise BadInput("shares: more than zero, or 'max' for the cashless maximum", field="shares", clause="Exhibit A")

    def num(value: str | None, field: str) -> Fraction | None:
        return None if value is None or not value.strip() else exact(value, field)

    return ExerciseRequest(shares=y, method=method, cash=num(cash, "cash"), cancel_shares=num(cancel, "cancel"),
                           stock_shares=num(stock_shares, "stock_shares"), tranche=tranche)


def quote(book: Book, p: Principal, option_no: str, request: ExerciseRequest, on: date, *, fmv: Fraction | None = None,
          outstanding: Fraction | None = None, owned: Fraction | None = None) -> tuple[ExerciseResult, Trace]:
    """What an exercise on `on` would give: core.decide.exercise_quote with its explanation (as the CLI's quote)."""
    now, state = book.states(on)
    roles.option_for(now, p, option_no)
    trace = Trace()
    det = determination_date(state.option(option_no), None, on)
    result = exercise_quote(state, option_no, request, on, fmv=fmv, outstanding=outstanding, owned=owned, determination=det, trace=trace)
    return result, trace


def chart_series(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    """Remaining shares, exercise price, cap allowance and shares outstanding at each day something changed.

    Each point is the engine's own answer on that day (the fold as of the day, core.decide.cap_limit for §10,
    the company's outstanding-share facts); nothing is interpolated.
    """
    now = book.state()
    option = roles.option_for(now, p, option_no)
    days = {option.issued_on, day}
    for e in book.events():
        if e.on > day or isinstance(e, ev.Quote) or e.derived and not isinstance(e, ev.ExerciseEffected):
            continue
        if _touches(e, {option_no}, {option.company}) or isinstance(e, (ev.SharesOutstanding, ev.BeneficialOwnership, ev.AuthorizedShares)):
            days.add(e.on)
        if isinstance(e, ev.WaiverNoticeReceived) and e.option_no == option_no and option.terms.cap and option.terms.cap.waiver_notice_days:
            void_from = cap_summary(now.options[option_no], day).get("void_from")
            if void_from and date.fromisoformat(void_from) <= day:
                days.add(date.fromisoformat(void_from))
    points = []
    for d in sorted(days):
        if d > day:
            continue
        state = book.state(d)
        o = state.options.get(option_no)
        if o is None:
            continue
        allowance: str | None = None
        reason = ""
        try:
            limit = cap_limit(state, o, d)
            allowance = to_text(limit.shares) if limit is not None else None
            reason = limit.reason if limit is not None else "no cap applies"
        except (Refusal, BadInput) as exc:
            reason = exc.message
        out = outstanding_on(state, o.company, d)
        points.append({"on": d.isoformat(), "remaining_shares": to_text(o.remaining), "exercise_price": to_text(o.exercise_price),
                       "cap_allowance": allowance, "cap_reason": reason, "outstanding": to_text(out) if out is not None else None,
                       "status": o.status.value})
    return {"option": option_no, "as_of": day.isoformat(), "points": points}


def documents_view(book: Book, p: Principal, option_no: str | None = None) -> dict[str, Any]:
    now = book.state()
    seen = {o.option_no for o in roles.visible(now, p)}
    if option_no:
        roles.option_for(now, p, option_no)
    rows = [{"id": d.id, "on": d.on.isoformat(), "kind": d.document, "option": d.option_no or None, "regarding": d.regarding or None,
             "sha256": d.sha256} for d in now.documents
            if (d.option_no in seen or (p.role == "auditor" and not d.option_no)) and (not option_no or d.option_no == option_no)]
    return {"documents": rows}


def document_choices(state: BookState, option: OptionState) -> list[dict[str, str]]:
    """The documents an option's events can be made into: (kind, event id, what it is)."""
    out: list[dict[str, str]] = [{"kind": "option-certificate", "event": "", "label": f"Option certificate for {option.option_no}"}]
    kinds = {ev.ExerciseNoticeReceived: "exercise-notice", ev.TransferRequested: "transfer-form", ev.NoticeSent: "notice",
             ev.AcknowledgmentGiven: "acknowledgment", ev.SharesDelivered: "delivery-statement"}
    for e in state.events:
        if e.id in state.corrections:
            continue
        kind = kinds.get(type(e))
        if kind and getattr(e, "option_no", None) == option.option_no:
            out.append({"kind": kind, "event": e.id, "label": f"{kind.replace('-', ' ')} for {e.id} ({e.on.isoformat()})"})
        if isinstance(e, ev.StockEvent) and e.issuer == option.company:
            out.append({"kind": "adjustment-certificate", "event": e.id, "label": f"adjustment certificate for {e.id} ({e.on.isoformat()})"})
    return out
