"""The book behind the web app: one source, read and written under a lock, states cached by ledger position.

The views are app.views' (one implementation for the CLI and the web): this module only feeds them the book's
states and the signed-in user's Visibility (web.roles.visibility), and keeps the web's 404 and 403 answers.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.app import views
from warrantbook.app.source import Entry, Source
from warrantbook.app.views import event_json
from warrantbook.book.io import check_names
from warrantbook.core import events as ev
from warrantbook.core.audit import Head
from warrantbook.core.errors import Refusal, WarrantbookError
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.state import BookState, OptionState
from warrantbook.web import roles
from warrantbook.web.auth import Principal

log = logging.getLogger(__name__)
STATE_CACHE = 64
FRESH_SECONDS = float(os.environ.get("WARRANTBOOK_WEB_FRESH_MS", "50")) / 1000  # float-ok: a time, not a figure


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

    def stored(self) -> list[Entry]:
        """Every recorded event with its place in the chain (app.source.Entry)."""
        with self.lock:
            return list(self.source.stored())

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
                log.info("refused %s by %s: %s", event.kind, p.acted_by, exc.message)
                if exc.field == "actor":  # the agreement says this party may not act: a denial, with its clause
                    raise roles.Denied(exc.message, field="actor", clause=exc.clause) from None
                raise
            finally:
                self._seen = None
            replayed = self.source.replayed
            log.info("%s %s by %s: %s", "replayed" if replayed else "recorded", event.kind, p.acted_by, ", ".join(e.id for e in decided))
            return Recorded(decided, replayed, self.source.head())

    def record_batch(self, p: Principal, events: list[ev.Event], *, idempotency_key: str | None = None,
                     on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None) -> Recorded:
        with self.lock:
            self._seen = None
            state = self.state()
            for e in events:
                check_names(e)
                roles.check_command(state, p, e)
            try:
                decided = self.source.record_all(events, idempotency_key=idempotency_key, on_error=on_error, acted_by=p.acted_by)
            finally:
                self._seen = None
            replayed = self.source.replayed
            log.info("%s %d event(s) by %s", "replayed" if replayed else "recorded", len(decided), p.acted_by)
            return Recorded(decided, replayed, self.source.head())


# ---------------------------------------------------------------- views: app.views on this book, filtered by the user's Visibility


def visibility(book: Book, p: Principal) -> views.Visibility:
    """What this user may see (web.roles.visibility on the latest state), cached by the ledger's position."""
    return book.view(("visibility", p.role, p.party), lambda: roles.visibility(book.state(), p))  # type: ignore[no-any-return]


def list_view(book: Book, p: Principal, day: date, active_only: bool = False) -> dict[str, Any]:
    return views.list_options(book.state(day), visibility(book, p), day, active_only=active_only)


def show_view(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    vis = visibility(book, p)
    roles.option_for(book.state(), p, option_no)
    return views.option_view(book.state(day), vis, option_no, day)


def terms_view(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    """The option's terms in force on `day`, encoded by the codec (exact numbers as text)."""
    vis = visibility(book, p)
    roles.option_for(book.state(), p, option_no)
    return views.terms(book.state(day), vis, option_no)


def history_view(book: Book, p: Principal, day: date, option_no: str | None = None, facts: bool = False) -> dict[str, Any]:
    """The timeline in the agreement's order: who recorded what and when, corrections, and the lineage."""
    now = book.state()
    if option_no:
        roles.option_for(now, p, option_no)
    return views.history(book.stored(), now, visibility(book, p), day, option_no, facts)


def due_view(book: Book, p: Principal, day: date) -> dict[str, Any]:
    return views.due(book.state(day), visibility(book, p), day)


def reserve_view(book: Book, p: Principal, day: date, company: str | None = None) -> dict[str, Any]:
    if p.role == "holder":
        raise roles.Denied("the §6 reserve is the company's books; a holder sees its own options", field="company", clause="§6")
    if company:
        roles.require_company(book.state(), p, company)
    return views.reserve(book.state(day), visibility(book, p), day, company)


parse_request = views.quote_request


def quote(book: Book, p: Principal, option_no: str, request: ExerciseRequest, on: date, *, fmv: Fraction | None = None,
          outstanding: Fraction | None = None, owned: Fraction | None = None) -> dict[str, Any]:
    """What an exercise on `on` would give, with its explanation: app.views.quote (the CLI's quote --json)."""
    now, state = book.states(on)
    roles.option_for(now, p, option_no)
    return views.quote(state, visibility(book, p), option_no, request, on, fmv=fmv, outstanding=outstanding, owned=owned)


def chart_series(book: Book, p: Principal, option_no: str, day: date) -> dict[str, Any]:
    now = book.state()
    roles.option_for(now, p, option_no)
    return views.chart(book, visibility(book, p), option_no, day, now)


def documents_view(book: Book, p: Principal, option_no: str | None = None) -> dict[str, Any]:
    now = book.state()
    if option_no:
        roles.option_for(now, p, option_no)
    return views.documents(now, visibility(book, p), option_no)


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
