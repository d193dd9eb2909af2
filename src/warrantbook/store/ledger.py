"""The durable ledger: an append-only event store in SQLite or PostgreSQL behind the `Source` protocol.

Recording, the same on both backends (docs/ledger.md):

1. with an idempotency key, a request already recorded under that key returns its first result;
2. `decide` the proposed event against the state this process last read (the rules live in core; nothing
   is decided here), outside any transaction; a first record or a batch reads what is there first;
3. one short write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: READ COMMITTED):
   - `UPDATE chain ... WHERE count = <what the decision read>` locks the head of the global hash chain and
     proves nobody appended since (the usual case); otherwise the head is locked with `FOR UPDATE` and, if
     any company, holder group, basket issuer or new option number the decided events touch was changed
     after the read (the lock rows say by which event), the command stops with Conflict: the state the
     decision needed (a group's §10 cap, a company's §6 reservation, an option's balance) moved;
   - the lock rows are upserted (one statement, sorted keys), the events appended with the next global
     sequence numbers, their per-option versions (unique per option: a second writer on one option fails
     there even if everything else were missed), actor, time recorded and hash links; the idempotency
     result stored; commit;
4. the cached state moves forward (store.projection keeps it equal to `fold(events)`).

Any failure rolls the whole transaction back: nothing is half-written. Database errors that mean "someone
else won" (SQLite busy, serialization failures, deadlocks, lock timeouts, unique violations) become
Conflict (exit code 3, safe to retry).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warrantbook.core import events as ev
from warrantbook.core.audit import GENESIS, Head, canonical, link
from warrantbook.core.codec import encode, event_from_json
from warrantbook.core.decide import decide
from warrantbook.core.errors import BadInput, BookErrors, Conflict, Refusal, WarrantbookError
from warrantbook.core.state import BookState, _expire, apply, fold, ordered
from warrantbook.store import schema as t
from warrantbook.store import snapshot as snap
from warrantbook.store.engine import HeldWriter, make_engine, parse_url, reading, redact, sqlite_path, writing_raw
from warrantbook.store.keys import lock_keys, primary_option
from warrantbook.store.migrate import current_revision, has_ledger, head_revision, upgrade
from warrantbook.store.projection import Projection
from warrantbook.store.stored import Prefix, RecordedEvents, StoredEvents, StoredIndex, decode_payload, exercise_totals

log = logging.getLogger(__name__)

CHUNK = 2000
MAX_PROBLEMS = 1000  # audit verify lists at most this many problems (and counts the rest)
AT_ONCE = 16  # up to this many events, PostgreSQL appends in one statement (_Sql.at_once)

_EVENT_COLUMNS = ("seq", "event_id", "option_no", "version", "kind", "on_date", "actor", "recorded_at", "corrects",
                  "idempotency_key", "payload", "prev_hash", "hash", "acted_by")

# each column of VALUES typed as its column (a column of NULLs would otherwise be text)
_EVENT_CASTS = ", ".join(f"CAST(v.{c} AS {t})" for c, t in zip(_EVENT_COLUMNS, (
    "BIGINT", "VARCHAR", "VARCHAR", "INTEGER", "VARCHAR", "DATE", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TEXT", "VARCHAR",
    "VARCHAR", "VARCHAR"), strict=True))


class _Sql:
    """The append's statements as the driver's own text, written once per backend: the write transaction runs
    on the DBAPI cursor (store.engine.writing_raw), without SQLAlchemy's compile and bind work per statement.
    The same statements as the Core ones they replace; `mark` is the driver's positional parameter marker."""

    def __init__(self, backend: str):
        p = self.mark = "?" if backend == "sqlite" else "%s"
        self.sqlite = backend == "sqlite"
        self.advance_head = f"UPDATE chain SET count={p}, hash={p} WHERE chain.id = 1 AND chain.count = {p}"
        self.set_head = f"UPDATE chain SET count={p}, hash={p} WHERE chain.id = 1"
        self.lock_head = "SELECT chain.count, chain.hash FROM chain WHERE chain.id = 1" + ("" if self.sqlite else " FOR UPDATE")
        self.head_count = "SELECT chain.count FROM chain WHERE chain.id = 1"
        self.insert_event = (f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES ({', '.join([p] * len(_EVENT_COLUMNS))})")
        self.event_at = f"SELECT event_id, kind FROM events WHERE seq = {p}"
        self.idempotency_of = f'SELECT request_hash, result, first_seq FROM idempotency WHERE "key" = {p}'
        self.insert_idempotency = (f'INSERT INTO idempotency ("key", request_hash, result, first_seq, recorded_at) '
                                   f"VALUES ({p}, {p}, {p}, {p}, {p})")
        self._locks: dict[int, str] = {}
        self.at_once_ok = not self.sqlite  # SQLite has no data-modifying WITH (and no round trips to save)
        self._at_once: dict[tuple[int, int], str] = {}

    @property
    def at_once(self) -> Any:
        return self._at_once_text if self.at_once_ok else None

    def _at_once_text(self, n_keys: int, n_rows: int) -> str:
        """PostgreSQL: the head's conditional UPDATE, the lock rows' upsert (only if the head advanced) and the events'
        INSERT (only if no lock row moved after the read) in one statement; it returns the lock rows' previous
        last_seq, then '#head' with 1 if the head advanced, '#events' with the rows inserted. The same steps and
        order as the separate statements: the head row first (the lock rows read its result), the lock rows in
        the sorted order of their keys."""
        stmt = self._at_once.get((n_keys, n_rows))
        if stmt is None:
            p = self.mark
            keys = ", ".join(f"({p})" for _ in range(n_keys))
            row = "(" + ", ".join([p] * len(_EVENT_COLUMNS)) + ")"
            locks = (f'lk AS (INSERT INTO locks ("key", last_seq, prev_seq) SELECT v.k, CAST({p} AS BIGINT), 0 '
                     f"FROM (VALUES {keys}) AS v(k) WHERE EXISTS (SELECT 1 FROM head) "
                     'ON CONFLICT ("key") DO UPDATE SET prev_seq = locks.last_seq, last_seq = excluded.last_seq '
                     'RETURNING locks."key" AS what, locks.prev_seq AS number), ') if n_keys else ""
            unmoved = f" AND NOT EXISTS (SELECT 1 FROM lk WHERE lk.number > CAST({p} AS BIGINT))" if n_keys else ""
            stmt = self._at_once[(n_keys, n_rows)] = (
                f"WITH head AS (UPDATE chain SET count={p}, hash={p} WHERE chain.id = 1 AND chain.count = {p} RETURNING chain.id), "
                + locks
                + f"evs AS (INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) SELECT {_EVENT_CASTS} FROM (VALUES {', '.join([row] * n_rows)}) "
                f"AS v({', '.join(_EVENT_COLUMNS)}) WHERE EXISTS (SELECT 1 FROM head){unmoved} RETURNING 1) "
                + ("SELECT what, number FROM lk UNION ALL " if n_keys else "")
                + "SELECT '#head', count(*) FROM head UNION ALL SELECT '#events', count(*) FROM evs")
        return stmt

    def lock(self, n: int) -> str:
        """INSERT ... ON CONFLICT DO UPDATE ... RETURNING the previous last_seq: creates, locks and reads the rows at once.

        The same text on SQLite and PostgreSQL; one statement for all rows, in the sorted order of their keys.
        """
        stmt = self._locks.get(n)
        if stmt is None:
            p = self.mark
            values = ", ".join(f"({p}, {p}, 0)" for _ in range(n))
            stmt = self._locks[n] = (f'INSERT INTO locks ("key", last_seq, prev_seq) VALUES {values} '
                                     'ON CONFLICT ("key") DO UPDATE SET prev_seq = locks.last_seq, last_seq = excluded.last_seq '
                                     'RETURNING "key", prev_seq')
        return stmt

    def day(self, on: date) -> Any:
        """A date as the Core `Date` type binds it: ISO text on SQLite, the date itself for psycopg."""
        return on.isoformat() if self.sqlite else on


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the ledger keeps it: the event, where it sits in the chain, who and when."""

    seq: int
    event: ev.Event
    version: int | None
    recorded_at: str
    idempotency_key: str | None
    hash: str
    prev_hash: str
    acted_by: str | None = None  # the user (and token) that recorded it; None before issue 10


@dataclass
class _Cache:
    seq: int  # the last sequence number applied
    proj: Projection  # fold(events), kept up to date (store.projection)
    versions: dict[str, int] = field(default_factory=dict)
    head_hash: str = GENESIS  # the hash of event `seq`

    @property
    def events(self) -> list[ev.Event] | RecordedEvents:
        return self.proj.events

    @property
    def state(self) -> BookState:
        return self.proj.state


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    event_id: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event_id, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    count: int  # rows checked
    head: Head  # as recomputed from the rows
    problems: tuple[Problem, ...]
    anchored: int | None = None  # how many events the kept head covers, when one was given

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.count, "head": self.head.as_json(),
                "first_bad": self.first.as_json() if self.first else None,
                "problems": [p.as_json() for p in self.problems], "anchored": self.anchored}


@dataclass(frozen=True, slots=True)
class _Written:
    count: int  # the head's count before this append
    versions: dict[str, int]  # per-option versions written
    head: str  # the new head hash


class _Replayed(Exception):
    def __init__(self, events: list[ev.Event]):
        self.events = events


def _as_of(state: BookState, as_of: date) -> BookState:
    """`fold(events, as_of)` when no event is dated after `as_of`: the same state, with the options expired by then."""
    clone = object.__new__(BookState)
    clone.__dict__.update(state.__dict__)
    clone.as_of = as_of
    clone.options = dict(state.options)
    _expire(clone, as_of)
    return clone


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def content(payload: str, acted_by: str | None) -> str:
    """What the chain hashes for one event: its canonical payload and, when recorded, who acted (the user, and the
    token when one was used). Events recorded without one hash exactly as before."""
    return f"{payload}\nacted-by {acted_by}" if acted_by else payload


def request_hash(proposed: list[ev.Event]) -> str:
    """What a request asked for, without the ids the shell generated for it: a retry hashes the same."""
    items = []
    for e in proposed:
        data = encode(e, keep_defaults=True)
        data.pop("id", None)
        items.append(data)
    text = json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


T = TypeVar("T")


def checked(step: Callable[[], T]) -> T:
    """Run a step of the projection: an event the fold cannot apply becomes a clear error, not a crash."""
    try:
        return step()
    except WarrantbookError:
        raise
    except Exception as exc:
        raise BadInput(f"on: an event cannot take effect where its date places it in the ledger ({type(exc).__name__}: {exc}); "
                       "nothing was written", field="on") from None


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(method: F) -> F:
    """One thread at a time in this process reads or moves the cached state (a web server shares a source)."""

    @functools.wraps(method)
    def wrapper(self: DbSource, *args: Any, **kwargs: Any) -> Any:
        with self._guard:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class DbSource:
    """A ledger in a database. Implements warrantbook.sources.Source, plus batch recording and audit."""

    def __init__(self, url: str, *, create: bool = False, busy_timeout: float | None = None,  # float-ok: seconds
                 snapshot_every: int | None = None, use_snapshots: bool = True):
        self.url = url
        self.snapshot_every = snap.EVERY if snapshot_every is None else snapshot_every  # 0: no automatic snapshots
        # False (or $WARRANTBOOK_SNAPSHOTS=off): always fold from scratch (tests, benchmarks, a check of the snapshots)
        self.use_snapshots = use_snapshots and os.environ.get("WARRANTBOOK_SNAPSHOTS", "").lower() not in ("off", "0", "no")
        self.loaded_from: int | None = None  # the position of the snapshot the cached state was restored from
        self._saved_at = 0  # the position of the newest snapshot this process knows of
        self._from_scratch = False  # the cached state was folded from every event: worth a snapshot at once
        self._dropped = False  # whether a state folded from scratch was let go for its snapshot (once per source)
        self._as_of: tuple[date, int, BookState] | None = None  # the last earlier-date view, while nothing new is recorded
        self.label = f"database {redact(url)}"
        u = parse_url(url)
        path = sqlite_path(u)
        if path is not None and not path.exists() and not create:
            raise BadInput(f"db: no ledger at {path}; create one with 'warrantbook init --db {url}'", field="db")
        self.backend = u.get_backend_name()
        self.engine = make_engine(u, busy_timeout=busy_timeout)
        self._cache: _Cache | None = None
        self._guard = threading.RLock()  # one thread at a time reads or moves this process's cached state
        self._sql = _Sql(self.backend)
        self._writer = HeldWriter(self.engine)  # the records' write transactions, on one kept connection
        self.migrated: tuple[str | None, str] | None = None
        self.replayed = False  # whether the last record returned an earlier result under its idempotency key
        try:
            if create:
                self.migrated = upgrade(self.engine)
            elif not has_ledger(self.engine):
                raise BadInput(f"db: no ledger at {redact(url)}; create one with 'warrantbook init'", field="db")
            elif current_revision(self.engine) != head_revision():
                self.migrated = upgrade(self.engine)
        except sa.exc.OperationalError as exc:
            self.engine.dispose()
            raise BadInput(f"db: cannot open {redact(url)}: {str(exc.orig).strip().splitlines()[0]}", field="db") from None

    def close(self) -> None:
        self._writer.close()
        self.engine.dispose()

    # ------------------------------------------------------------------ reading

    def _rows(self, conn: Connection, after: int, upto: int | None = None) -> list[Any]:
        stmt = (sa.select(t.events.c.seq, t.events.c.option_no, t.events.c.version, t.events.c.payload, t.events.c.hash)
                .where(t.events.c.seq > after))
        if upto is not None:
            stmt = stmt.where(t.events.c.seq <= upto)
        return list(conn.execute(stmt.order_by(t.events.c.seq)).all())

    def _refresh(self, conn: Connection) -> _Cache:
        """Bring the cached state up to what is committed, reading only what was recorded since.

        A fresh process starts from the newest usable snapshot (store.snapshot) and reads only the rows after
        it; without one, the first read streams every row. Like the fold, a first read pauses the cyclic garbage
        collector, which would otherwise rescan the million small immutable values it allocates again and again.
        """
        cache = self._cache
        first = cache is None
        was_enabled = gc.isenabled()
        if first:
            gc.disable()
        try:
            if cache is None and self.use_snapshots:
                cache = self._cache = self._restore(conn)
            stmt = (sa.select(t.events.c.seq, t.events.c.option_no, t.events.c.version, t.events.c.payload, t.events.c.hash)
                    .where(t.events.c.seq > (cache.seq if cache else 0)).order_by(t.events.c.seq))
            new: list[ev.Event] = []
            versions: dict[str, int] = {}
            last: Any = None
            for r in conn.execute(stmt.execution_options(yield_per=CHUNK)):
                new.append(decode_payload(r.payload, r.seq))
                if r.option_no is not None:
                    versions[r.option_no] = r.version
                last = r
            if cache is None:
                cache = _Cache(0, checked(functools.partial(Projection, new)))
                self._from_scratch = True
                self._cache = cache
            elif new:
                checked(functools.partial(cache.proj.advance, new))
        finally:
            if first and was_enabled:
                gc.enable()
        cache.versions.update(versions)
        if last is not None:
            cache.seq = last.seq
            cache.head_hash = last.hash
        return cache

    # ------------------------------------------------------------------ snapshots

    def _restore(self, conn: Connection) -> _Cache | None:
        """The cached state from the newest snapshot that fits (store.snapshot), with the rows after it; None: none fits."""
        try:
            candidates = snap.infos(conn, version=snap.schema_version())
        except sa.exc.DBAPIError:  # pragma: no cover - the migration creates the table
            return None
        for info in candidates:
            self._saved_at = max(self._saved_at, info.seq)
            earliest = conn.execute(sa.select(sa.func.min(t.events.c.on_date)).where(t.events.c.seq > info.seq)).scalar()
            if earliest is not None and snap._day(earliest) < info.since:
                continue  # an event recorded after it is dated before its checkpoint: an older one may fit
            if snap.head_at(conn, info.seq) != info.head:
                continue
            payload = snap.payload_of(conn, info)
            if payload is None:
                continue
            try:
                cache = self._restore_from(conn, info, payload)
            except (WarrantbookError, LookupError, TypeError, ValueError, AttributeError):
                cache = None  # a snapshot that does not fold cleanly is not used
            if cache is not None:
                self.loaded_from = info.seq
                log.debug("%s: state restored from the snapshot at event #%d (%s)", self.label, info.seq, info.since)
                return cache
        return None

    def _checkpoint(self, info: snap.SnapshotInfo, payload: dict[str, Any]) -> BookState:
        """The saved checkpoint as a state whose events and index are read from the rows it was folded from."""
        prefix = Prefix(self.engine, info.seq, payload["since"], int(payload["applied"]), exercised=payload.get("exercised"))
        checkpoint = object.__new__(BookState)
        for name, value in payload["fields"].items():
            object.__setattr__(checkpoint, name, value)
        checkpoint.events = StoredEvents(prefix)  # type: ignore[assignment]
        checkpoint.by_id = StoredIndex(prefix)  # type: ignore[assignment]
        checkpoint.folding = False
        return checkpoint

    def _window_rows(self, conn: Connection, ids: list[str], upto: date | None = None) -> list[Any]:
        rows: list[Any] = []
        cols = (t.events.c.seq, t.events.c.option_no, t.events.c.version, t.events.c.payload, t.events.c.hash, t.events.c.on_date)
        for i in range(0, len(ids), 500):
            stmt = sa.select(*cols).where(t.events.c.event_id.in_(ids[i:i + 500]))
            if upto is not None:
                stmt = stmt.where(t.events.c.on_date <= upto)
            rows += conn.execute(stmt).all()
        rows.sort(key=lambda r: r.seq)
        return rows

    @staticmethod
    def _reaches_into(conn: Connection, events: list[ev.Event], info: snap.SnapshotInfo) -> bool:
        """Whether a correction among `events` corrects an event folded into the snapshot's checkpoint."""
        targets = [e.corrects for e in events if isinstance(e, ev.Correction)]
        for i in range(0, len(targets), 500):
            rows = conn.execute(sa.select(t.events.c.seq, t.events.c.on_date).where(t.events.c.event_id.in_(targets[i:i + 500]))).all()
            if any(int(r.seq) <= info.seq and snap._day(r.on_date) < info.since for r in rows):
                return True
        return False

    def _restore_from(self, conn: Connection, info: snap.SnapshotInfo, payload: dict[str, Any]) -> _Cache | None:
        window_ids = list(payload["window"])
        window = self._window_rows(conn, window_ids)
        if len(window) != len(window_ids) or any(int(r.seq) > info.seq for r in window):
            return None
        tail = conn.execute(sa.select(t.events.c.seq, t.events.c.option_no, t.events.c.version, t.events.c.payload, t.events.c.hash)
                            .where(t.events.c.seq > info.seq).order_by(t.events.c.seq).execution_options(yield_per=CHUNK)).all()
        window_events = [decode_payload(r.payload, r.seq) for r in window]
        tail_events = [decode_payload(r.payload, r.seq) for r in tail]
        if any(e.on < info.since for e in tail_events) or self._reaches_into(conn, tail_events, info):
            return None
        versions: dict[str, int] = dict(payload["versions"])
        for r in tail:
            if r.option_no is not None:
                versions[r.option_no] = r.version
        recorded = RecordedEvents(Prefix(self.engine, info.seq, None, info.seq), tail_events)
        proj = Projection.restore(self._checkpoint(info, payload), info.since, window_events + tail_events, recorded, payload["last_key"])
        last = tail[-1] if tail else None
        return _Cache(int(last.seq) if last is not None else info.seq, proj, versions, str(last.hash) if last is not None else info.head)

    def _state_before(self, as_of: date, cache: _Cache) -> BookState:
        """The state as of a day before the ledger's last: from the nearest snapshot before it, else from scratch."""
        with reading(self.engine) as conn:
            candidates = snap.infos(conn, version=snap.schema_version(), upto=cache.seq) if self.use_snapshots else []
            for info in candidates:
                if info.since > snap.day_after(as_of):
                    continue  # its checkpoint holds events after the day
                state = self._fold_from(conn, info, as_of)
                if state is not None:
                    log.debug("%s: state as of %s folded from the snapshot at event #%d", self.label, as_of, info.seq)
                    return state
            rows = conn.execute(sa.select(t.events.c.seq, t.events.c.payload).where(t.events.c.seq <= cache.seq, t.events.c.on_date <= as_of)
                                .order_by(t.events.c.seq).execution_options(yield_per=CHUNK))
            events = [decode_payload(p, seq) for seq, p in rows]
        return fold(events, as_of)

    def _fold_from(self, conn: Connection, info: snap.SnapshotInfo, as_of: date) -> BookState | None:
        earliest = conn.execute(sa.select(sa.func.min(t.events.c.on_date)).where(t.events.c.seq > info.seq)).scalar()
        if earliest is not None and snap._day(earliest) < info.since:
            return None
        if snap.head_at(conn, info.seq) != info.head:
            return None
        payload = snap.payload_of(conn, info)
        if payload is None:
            return None
        window = self._window_rows(conn, list(payload["window"]), as_of)
        tail = conn.execute(sa.select(t.events.c.seq, t.events.c.payload)
                            .where(t.events.c.seq > info.seq, t.events.c.on_date <= as_of).order_by(t.events.c.seq)).all()
        needed = [decode_payload(r.payload, r.seq) for r in window] + [decode_payload(r.payload, r.seq) for r in tail]
        if self._reaches_into(conn, needed, info):
            return None
        state = self._checkpoint(info, payload)  # private: nobody else holds it, so the fold may change it in place
        for e in needed:
            if isinstance(e, ev.Correction):
                state.corrections[e.corrects] = e
        was_enabled = gc.isenabled()
        gc.disable()
        state.folding = True
        try:
            for e in ordered(needed):
                apply(state, e)
        except (LookupError, TypeError, ValueError, AttributeError):
            return None
        finally:
            state.folding = False
            if was_enabled:
                gc.enable()
        state.as_of = as_of
        _expire(state, as_of)
        return state

    def _autosave(self) -> None:
        """Save a snapshot once `snapshot_every` events were recorded since the newest one (a cache: failures are ignored)."""
        cache = self._cache
        if cache is None or not self.snapshot_every:
            return
        # every so many events; and after a fold from scratch of a ledger that long (no snapshot fitted, say an event
        # recorded after the newest one was dated before it): the next process then starts from this one
        scratch = self._from_scratch
        due = cache.seq - self._saved_at >= self.snapshot_every or (scratch and cache.seq >= self.snapshot_every)
        self._from_scratch = False
        if not due:
            return
        try:
            info = self._save(cache)
        except (sa.exc.SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error, WarrantbookError, OSError, pickle.PicklingError):
            self._saved_at = cache.seq  # not again until as many more events
            return
        if info is not None and scratch and self.use_snapshots and not self._dropped:
            # a state folded from scratch holds every event in memory; the next read restores it from the snapshot just
            # saved, which holds only the state (states already handed out stay as they are)
            self._dropped = True
            self._cache = None

    def _save(self, cache: _Cache) -> snap.SnapshotInfo | None:
        saved = cache.proj.saved()
        if saved is None or not len(cache.proj.events) == cache.seq:
            return None
        checkpoint, since, window = saved
        payload = snap.build_payload(cache.seq, checkpoint, since, window, cache.proj.last_key, cache.versions)
        info = snap.write(self.engine, payload, cache.head_hash)
        self._saved_at = max(self._saved_at, cache.seq)
        return info

    @_guarded
    def save_snapshot(self) -> snap.SnapshotInfo | None:
        """Save a snapshot of the state at the ledger's head now (None: one exists there already, or the ledger is empty)."""
        with reading(self.engine) as conn:
            cache = self._refresh(conn)
        if cache.seq == 0:
            return None
        return self._save(cache)

    def snapshots(self) -> list[snap.SnapshotInfo]:
        """Every snapshot row, newest first, each with whether it is this code's version and its head still matches."""
        with reading(self.engine) as conn:
            out = []
            for info in snap.infos(conn):
                out.append(snap.SnapshotInfo(info.seq, info.version, info.head, info.since, info.digest, info.size, info.created_at,
                                             info.current, snap.head_at(conn, info.seq) == info.head))
        return out

    def check_snapshots(self, *, delete_bad: bool = False) -> list[tuple[snap.SnapshotInfo, str | None]]:
        """Check every kept snapshot of this code's version against a fold from scratch of the rows it stands for
        (reads and folds every event once per snapshot: slow on a long ledger). (info, None) when it matches, else
        (info, why); with `delete_bad`, the ones that do not match are deleted (they are only a cache)."""
        out: list[tuple[snap.SnapshotInfo, str | None]] = []
        with reading(self.engine) as conn:
            infos = snap.infos(conn, version=snap.schema_version())
            if not infos:
                return out
            rows = conn.execute(sa.select(t.events.c.seq, t.events.c.option_no, t.events.c.version, t.events.c.payload)
                                .where(t.events.c.seq <= max(i.seq for i in infos)).order_by(t.events.c.seq)
                                .execution_options(yield_per=CHUNK)).all()
            recorded = [(int(r.seq), r.option_no, r.version, decode_payload(r.payload, r.seq)) for r in rows]
            for info in infos:
                out.append((info, self._mismatch(conn, info, recorded)))
        bad = [info for info, why in out if why is not None]
        if delete_bad and bad:
            from warrantbook.store.engine import writing

            with writing(self.engine) as conn:
                for info in bad:
                    conn.execute(t.snapshots.delete().where(t.snapshots.c.seq == info.seq, t.snapshots.c.version == info.version))
        return out

    @staticmethod
    def _mismatch(conn: Connection, info: snap.SnapshotInfo, recorded: list[tuple[int, Any, Any, ev.Event]]) -> str | None:
        if snap.head_at(conn, info.seq) != info.head:
            return "its head is not the chain's at its position"
        payload = snap.payload_of(conn, info)
        if payload is None:
            return "its payload does not match its digest or cannot be read"
        upto = [x for x in recorded if x[0] <= info.seq]
        inside = [e for _s, _o, _v, e in upto if e.on < info.since]
        expected = fold(inside)
        for name, value in payload["fields"].items():
            if not snap.same(value, getattr(expected, name)):
                return f"its {name} differs from the fold of the events it stands for"
        versions: dict[str, int] = {}
        for _s, option_no, version, _e in upto:
            if option_no is not None:
                versions[option_no] = version
        if payload["applied"] != len(inside) or payload["versions"] != versions:
            return "its counts or per-option versions differ from the rows"
        if payload["window"] != [e.id for _s, _o, _v, e in upto if e.on >= info.since]:
            return "its window differs from the rows"
        if payload["last_key"] != max(((e.on, int(e.phase)) for _s, _o, _v, e in upto), default=None):
            return "its latest date differs from the rows"
        if payload["exercised"] != exercise_totals(expected):
            return "its exercise totals differ from the rows"
        return None

    @_guarded
    def events(self) -> list[ev.Event]:
        with reading(self.engine) as conn:
            events = list(self._refresh(conn).events)
        self._autosave()
        return events

    @_guarded
    def state(self, as_of: date | None = None) -> BookState:
        """The state as of a date (with none: everything). Treat it as read-only; it never changes afterwards.

        A day on or after every recorded event's is the current state with the options expired by then (no
        fold); an earlier day folds from the nearest snapshot before it (or from scratch)."""
        with reading(self.engine) as conn:
            cache = self._refresh(conn)
        self._autosave()
        current = cache.proj.view()
        last = cache.proj.last_key
        if as_of is None:
            return current
        if last is None or as_of >= last[0]:
            return _as_of(current, as_of)
        kept = self._as_of
        if kept is not None and kept[0] == as_of and kept[1] == cache.seq:
            return kept[2]
        state = self._state_before(as_of, cache)
        self._as_of = (as_of, cache.seq, state)
        return state

    def head(self) -> Head:
        with reading(self.engine) as conn:
            row = conn.execute(sa.select(t.chain.c.count, t.chain.c.hash).where(t.chain.c.id == 1)).one()
        return Head(str(row[1]), int(row[0]))

    @_guarded
    def stored(self) -> list[StoredEvent]:
        """Every event with its place in the chain, recorded time and version, in recording order."""
        with reading(self.engine) as conn:
            cache = self._refresh(conn)
            rows = conn.execute(sa.select(t.events.c.seq, t.events.c.version, t.events.c.recorded_at, t.events.c.idempotency_key,
                                          t.events.c.hash, t.events.c.prev_hash, t.events.c.acted_by)
                                .where(t.events.c.seq <= cache.seq).order_by(t.events.c.seq)).all()
        return [StoredEvent(r.seq, e, r.version, r.recorded_at, r.idempotency_key, r.hash, r.prev_hash, r.acted_by)
                for r, e in zip(rows, cache.events)]

    def is_empty(self) -> bool:
        return self.head().count == 0

    # ------------------------------------------------------------------ recording

    def record(self, proposed: ev.Event, *, idempotency_key: str | None = None, acted_by: str | None = None) -> list[ev.Event]:
        return self.record_all([proposed], idempotency_key=idempotency_key, acted_by=acted_by)

    @_guarded
    def record_all(self, proposed: list[ev.Event], *, idempotency_key: str | None = None,
                   on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None,
                   progress: Callable[[int], None] | None = None, acted_by: str | None = None) -> list[ev.Event]:
        """Decide every proposed event in turn (each sees the ones before it) and append all, or nothing.

        With `on_error`, every refused or malformed event is reported (the callback may add a line number)
        and BookErrors lists them all; without it the first one raises. `acted_by` names who recorded them (the
        web user and token, the CLI's system user): kept with each event, its entailed events too, and hashed.
        """
        if not proposed:
            return []
        self.replayed = False
        key = idempotency_key or None
        digest = request_hash(proposed) if key else None
        batch = len(proposed) > 1
        try:
            if key or batch or self._cache is None:
                with reading(self.engine) as conn:
                    if key:
                        self._replay(conn, key, digest)
                    cache = self._refresh(conn)
            else:
                cache = self._cache  # used as it is: if anyone wrote since, the append sees it (the chain moved)
            n_read = cache.seq
            decided: list[ev.Event] = []
            keys: set[str] = set()
            errors: list[WarrantbookError] = []
            for i, e in enumerate(proposed):  # decided outside the write transaction: the write lock is held only to append
                try:
                    out = decide(cache.state, e)
                except (BadInput, Refusal) as exc:
                    if on_error is None:
                        raise
                    errors.append(on_error(i, exc))
                    continue
                keys |= lock_keys(cache.state, out)
                decided.extend(out)
                if batch:  # later events of the batch decide against this one (undone below on failure)
                    checked(functools.partial(cache.proj.advance, out))
            if errors:
                raise BookErrors(errors)
            # an event that does not simply follow is placed before anything is written: the ledger never keeps
            # an event the fold cannot apply where its date puts it
            built = None if batch else checked(functools.partial(cache.proj.preview, decided))
            with self._writer.transaction() as cur:
                written = self._append(cur, decided, n_read, keys, key, digest, progress, acted_by)
        except _Replayed as replayed:
            self.replayed = True
            return replayed.events
        except BaseException:
            if batch:
                self._cache = None
            raise
        self._after_commit(cache, decided, n_read, written, batch, built)
        self._autosave()
        if log.isEnabledFor(logging.INFO):  # the ids are joined only when someone reads them
            log.info("recorded in %s: %s", self.label, ", ".join(e.id for e in decided[:20]) + (" ..." if len(decided) > 20 else ""))
        return decided

    @_guarded
    def import_events(self, decided: list[ev.Event], progress: Callable[[int], None] | None = None) -> int:
        """Append events already decided (a book's replay) to an empty ledger, in their order, in one transaction."""
        state = fold(decided)
        keys = lock_keys(state, decided)
        self._cache = None
        try:
            with writing_raw(self.engine) as cur:
                cur.execute(self._sql.head_count)
                held = int(cur.fetchone()[0])
                if held:
                    raise BadInput(f"db: the ledger already holds {held} events; a book is imported whole only into an empty ledger"
                                   " (or record its events one by one)", field="db")
                self._append(cur, decided, 0, keys, None, None, progress)
        finally:
            self._cache = None
        return len(decided)

    def _replay(self, conn: Connection, key: str, digest: str | None) -> None:
        row = conn.execute(sa.select(t.idempotency.c.request_hash, t.idempotency.c.result, t.idempotency.c.first_seq)
                           .where(t.idempotency.c.key == key)).first()
        self._replay_row(key, digest, row)

    def _replay_raw(self, cur: Any, key: str, digest: str | None) -> None:
        cur.execute(self._sql.idempotency_of, (key,))
        self._replay_row(key, digest, cur.fetchone())

    @staticmethod
    def _replay_row(key: str, digest: str | None, row: Any) -> None:
        if row is None:
            return
        request, result, first_seq = row[0], row[1], int(row[2])
        if request != digest:
            raise BadInput(f"idempotency key {key!r} was first used for a different request (recorded at #{first_seq}); "
                           "refused: use a new key for a new command", field="idempotency_key")
        raise _Replayed([decode_payload(p, first_seq) for p in json.loads(result)])

    def _append(self, cur: Any, decided: list[ev.Event], n_read: int, keys: set[str], key: str | None,
                digest: str | None, progress: Callable[[int], None] | None, acted_by: str | None = None) -> _Written:
        """Append after event `n_read` (or after whatever others appended meanwhile, if nothing of ours moved).

        `cur` is a DBAPI cursor inside the write transaction (store.engine.writing_raw)."""
        cache = self._cache
        sql = self._sql
        payloads = [canonical(e) for e in decided]

        def chain_from(h: str) -> list[str]:
            out = []
            for payload in payloads:
                h = link(h, content(payload, acted_by))
                out.append(h)
            return out

        count = n_read
        hashes: list[str] = []
        base = GENESIS
        moved = True
        if cache is not None and cache.seq == n_read:  # the usual case: one statement locks the head and proves nobody wrote
            base = cache.head_hash
            hashes = chain_from(base)
            if sql.at_once and len(decided) <= AT_ONCE:
                recorded_at = now_text()
                ready, taken = self._event_rows(decided, payloads, hashes, base, n_read, key, recorded_at, acted_by)
                if self._append_at_once(cur, ready, sorted(keys), n_read, hashes[-1]):
                    if progress:
                        progress(len(decided))
                    if key:
                        cur.execute(sql.insert_idempotency, (key, digest, json.dumps(payloads), n_read + 1, recorded_at))
                    return _Written(n_read, taken, hashes[-1])
            else:
                cur.execute(sql.advance_head, (n_read + len(decided), hashes[-1], n_read))
                moved = cur.rowcount != 1
        if moved:
            cur.execute(sql.lock_head)
            head = cur.fetchone()
            count = int(head[0])
            if key:
                self._replay_raw(cur, key, digest)  # a concurrent retry with the same key may have won meanwhile
            base = str(head[1])
            hashes = chain_from(base)
            cur.execute(sql.set_head, (count + len(decided), hashes[-1]))
        if keys:
            self._lock(cur, sorted(keys), n_read, count + len(decided))
        versions: dict[str, int] = {}
        recorded_at = now_text()
        rows: list[tuple[Any, ...]] = []
        for i, (e, payload, h) in enumerate(zip(decided, payloads, hashes)):
            seq = count + i + 1
            no = primary_option(e)
            version = None
            if no is not None:
                version = versions.get(no, (cache.versions.get(no, 0) if cache else 0)) + 1
                versions[no] = version
            rows.append((seq, e.id, no, version, e.kind, sql.day(e.on), e.actor, recorded_at, getattr(e, "corrects", None),
                         key, payload, hashes[i - 1] if i else base, h, acted_by or None))
            if len(rows) >= CHUNK:
                cur.executemany(sql.insert_event, rows)
                rows = []
                if progress:
                    progress(i + 1)
        if len(rows) == 1:
            cur.execute(sql.insert_event, rows[0])
        elif rows:
            cur.executemany(sql.insert_event, rows)
        if progress:
            progress(len(decided))
        if key:
            cur.execute(sql.insert_idempotency, (key, digest, json.dumps(payloads), count + 1, recorded_at))
        return _Written(count, versions, hashes[-1])

    def _event_rows(self, decided: list[ev.Event], payloads: list[str], hashes: list[str], base: str, count: int,
                    key: str | None, recorded_at: str, acted_by: str | None = None) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
        """The events' rows after event `count` (as `_append` writes them) and the per-option versions they take."""
        cache = self._cache
        day = self._sql.day
        versions: dict[str, int] = {}
        rows: list[tuple[Any, ...]] = []
        for i, (e, payload, h) in enumerate(zip(decided, payloads, hashes)):
            no = primary_option(e)
            version = None
            if no is not None:
                version = versions.get(no, (cache.versions.get(no, 0) if cache else 0)) + 1
                versions[no] = version
            rows.append((count + i + 1, e.id, no, version, e.kind, day(e.on), e.actor, recorded_at, getattr(e, "corrects", None),
                         key, payload, hashes[i - 1] if i else base, h, acted_by or None))
        return rows, versions

    def _append_at_once(self, cur: Any, rows: list[tuple[Any, ...]], keys: list[str], n_read: int, head: str) -> bool:
        """PostgreSQL, the usual case: advance the head, lock the rows and insert the events in one statement (one
        round trip instead of three), each step only if the one before it succeeded, as `_append` does them one by
        one. False when the head had moved (nothing was changed: the caller goes on as when `advance_head` fails);
        Conflict when a lock row moved (the events were not inserted)."""
        params: list[Any] = [n_read + len(rows), head, n_read, n_read + len(rows)]
        params += keys
        for r in rows:
            params += r
        params.append(n_read)
        moved: list[tuple[str, int]] = []
        advanced = inserted = 0
        cur.execute(self._sql.at_once(len(keys), len(rows)), params)
        for what, number in cur.fetchall():
            if what == "#head":
                advanced = int(number)
            elif what == "#events":
                inserted = int(number)
            elif int(number) > n_read:
                moved.append((str(what), int(number)))
        if not advanced:
            return False
        if moved:
            self._conflict(cur, moved, n_read)
        assert inserted == len(rows), (inserted, len(rows))
        return True

    def _lock(self, cur: Any, keys: list[str], n_read: int, last: int) -> None:
        """Lock (creating when new) the rows of `keys`, in one order; Conflict when one moved after the state was read."""
        params: list[Any] = []
        for k in keys:
            params += (k, last)
        cur.execute(self._sql.lock(len(keys)), params)
        moved = [(str(r[0]), int(r[1])) for r in cur.fetchall() if int(r[1]) > n_read]
        if moved:
            self._conflict(cur, moved, n_read)

    def _conflict(self, cur: Any, moved: list[tuple[str, int]], n_read: int) -> None:
        if moved:
            what, at = sorted(moved, key=lambda m: m[1])[0]
            cur.execute(self._sql.event_at, (at,))
            row = cur.fetchone()
            by = f" by event #{at} ({row[1]} {row[0]})" if row else f" at event #{at}"
            raise Conflict(f"a concurrent change won: {what.replace(':', ' ', 1)} was changed{by} after this command read the ledger "
                           f"(at #{n_read}). Nothing was written; it is safe to retry.", field="db")

    def _after_commit(self, cache: _Cache, decided: list[ev.Event], n_read: int, written: _Written, batch: bool,
                      built: BookState | None) -> None:
        count = written.count
        if self._cache is not cache:
            return
        others: list[Any] = []
        if count != n_read:  # others appended between our read and our write: they come before ours
            if batch:
                self._cache = None
                return
            with reading(self.engine) as conn:
                others = self._rows(conn, n_read, count)
            built = None
        if not batch:
            new = [decode_payload(r.payload, r.seq) for r in others] + decided
            checked(functools.partial(cache.proj.advance, new, built))
        for r in others:
            if r.option_no is not None:
                cache.versions[r.option_no] = r.version
        cache.versions.update(written.versions)
        cache.seq = count + len(decided)
        cache.head_hash = written.head

    # ------------------------------------------------------------------ audit

    def rows(self) -> Iterator[sa.Row[Any]]:
        with reading(self.engine) as conn:
            result = conn.execute(sa.select(t.events).order_by(t.events.c.seq).execution_options(yield_per=CHUNK))
            yield from result

    def verify(self, expect_head: str | None = None, expect_count: int | None = None) -> Verification:
        """Walk the chain from the first row; name the first bad event. A kept head also catches a cut-off tail.

        Streams the rows in constant memory: each row's content is hashed once, only the hash at the kept head's
        count (or whether the kept hash was met) is remembered, and at most MAX_PROBLEMS problems are listed."""
        problems: list[Problem] = []
        more = 0
        h = GENESIS
        n = 0
        want = expect_head.strip().lower() if expect_head else None
        at_count: str | None = None  # the chain's hash after event `expect_count`
        found_at: int | None = None  # where the kept hash was met (without a count)

        def problem(p: Problem) -> None:
            nonlocal more
            if len(problems) < MAX_PROBLEMS:
                problems.append(p)
            else:
                more += 1

        for r in self.rows():
            n += 1
            label = str(r.event_id)
            if r.seq != n:
                problem(Problem(r.seq, label, f"expected event #{n} here, found #{r.seq}: "
                                + ("rows were deleted" if r.seq > n else "rows were duplicated or renumbered")))
                n = int(r.seq)
            payload = r.payload
            hashed = content(payload, r.acted_by)  # the payload and, when recorded, who acted (issue 10)
            own = link(r.prev_hash, hashed)  # the row's content hashed once: its own link, and the chain's when it links
            if r.prev_hash != h:
                problem(Problem(r.seq, label, "does not link to the event before it (rows deleted, inserted or reordered)"))
                h = link(h, hashed)
            else:
                h = own
            try:
                e = event_from_json(payload)
                if canonical(e) != payload:
                    problem(Problem(r.seq, label, "payload is not in canonical form (edited by hand)"))
                columns = {"event_id": e.id, "kind": e.kind, "on_date": e.on, "actor": e.actor,
                           "option_no": primary_option(e), "corrects": getattr(e, "corrects", None)}
                for name, value in columns.items():
                    stored = r._mapping[name]
                    if isinstance(stored, datetime):
                        stored = stored.date()
                    if stored != value:
                        problem(Problem(r.seq, label, f"column {name} ({stored!r}) differs from the hashed content ({value!r})"))
            except (ValueError, BadInput) as exc:
                problem(Problem(r.seq, label, f"payload cannot be read: {exc}"))
            if own != r.hash:
                problem(Problem(r.seq, label, "content altered: its hash does not match its content (or who recorded it)"))
            if expect_count is not None and n == expect_count:
                at_count = h
            if want is not None and found_at is None and h == want:
                found_at = n
        recomputed = Head(h, n)
        stored_head = self.head()
        if (stored_head.count, stored_head.hash) != (n, h):
            problem(Problem(n, "chain head", f"the head record says {stored_head.count} events ending in "
                            f"{stored_head.hash[:16]}... but the rows give {n} ending in {h[:16]}... (rows cut off, added or altered)"))
        anchored = None
        if want:
            if expect_count is not None:
                if expect_count > n:
                    problem(Problem(n + 1, f"#{n + 1}", f"the kept head counts {expect_count} events but the ledger holds {n}: "
                                    f"the last {expect_count - n} were cut off (first missing: #{n + 1})"))
                elif at_count != want:
                    problem(Problem(expect_count, f"#{expect_count}", "the chain up to the kept head's count does not end in the kept hash: "
                                    "events up to there were altered, removed or reordered"))
                else:
                    anchored = expect_count
            elif found_at is None:
                problem(Problem(n, "kept head", f"the kept head {want[:16]}... is not in this ledger: events were cut off or altered "
                                "(give --count to name the first missing event)"))
            else:
                anchored = found_at
        if more:
            problems.append(Problem(problems[-1].seq, "more", f"and {more} more problems not listed"))
        return Verification(not problems, n, recomputed, tuple(problems), anchored)

