"""Engines for the two backends, configured for durability and for honest concurrency.

SQLite: WAL journal with synchronous=FULL (a commit is on disk when it returns), a busy timeout, and
`BEGIN IMMEDIATE` for every writing transaction, so writers queue for the one write lock instead of
failing half way; reads use a plain deferred BEGIN and never block writers. PostgreSQL: READ COMMITTED
(the default), default fsync, and a lock timeout so a stuck writer turns into a conflict, not a hang.

`conflict_of` turns the database's own words for "someone else won" (locked, serialization failure,
deadlock, lock timeout, unique violation) into the project's Conflict (exit code 3).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from warrantbook.core.errors import BadInput, Conflict

DEFAULT_URL = "sqlite:///warrantbook.db"
BUSY_TIMEOUT_S = float(os.environ.get("WARRANTBOOK_BUSY_TIMEOUT", "10"))  # float-ok: seconds
WRITE = "wb_write"


def parse_url(url: str) -> URL:
    try:
        u = make_url(url)
    except Exception:
        raise BadInput(f"db: {url!r} is not a database URL (sqlite:///file.db or postgresql+psycopg://...)", field="db") from None
    backend = u.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BadInput(f"db: {backend!r} is not supported (sqlite or postgresql)", field="db")
    if backend == "postgresql" and u.drivername not in ("postgresql", "postgresql+psycopg"):
        raise BadInput(f"db: use the psycopg driver (postgresql+psycopg://...), not {u.drivername!r}", field="db")
    if backend == "postgresql" and u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u


def redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # pragma: no cover
        return url


def sqlite_path(u: URL) -> Path | None:
    """The file of a SQLite URL, None for an in-memory database."""
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str | URL, *, busy_timeout: float | None = None) -> Engine:  # float-ok: seconds
    u = parse_url(url) if isinstance(url, str) else url
    timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
    if u.get_backend_name() == "sqlite":
        engine = sa.create_engine(u, connect_args={"timeout": timeout, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own is unreliable)
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

        return engine

    engine = sa.create_engine(u, pool_size=2, max_overflow=4)

    @sa.event.listens_for(engine, "connect")
    def _pg_connect(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute(f"SET lock_timeout = '{int(timeout * 1000)}ms'")
        cur.close()
        dbapi_connection.commit()

    return engine


@contextmanager
def _lost_race_is_conflict() -> Iterator[None]:
    """Database errors of a lost race (locked, serialization, deadlock, unique) become Conflict; others pass."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        conflict = conflict_of(exc)
        if conflict is None:
            raise
        raise conflict from None


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A writing transaction: BEGIN IMMEDIATE on SQLite; database errors of a lost race become Conflict."""
    with _lost_race_is_conflict(), engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    with _lost_race_is_conflict(), engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def writing_raw(engine: Engine) -> Iterator[Any]:
    """`writing` on the driver's own connection: a DBAPI cursor inside one write transaction (the hot path).

    The same transaction as `writing` (BEGIN IMMEDIATE on SQLite; READ COMMITTED on PostgreSQL, begun by the
    driver), committed when the block ends and rolled back on any error, without SQLAlchemy's per-statement
    work. Statements use the driver's parameter style (`paramstyle`). Errors of a lost race become Conflict;
    any other database error is raised as SQLAlchemy's own exception for it, as `writing` does.
    """
    dbapi_error = engine.dialect.loaded_dbapi.Error
    with _lost_race_is_conflict():
        raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        try:
            if engine.dialect.name == "sqlite":
                cur.execute("BEGIN IMMEDIATE")
            yield cur
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            cur.close()
    except dbapi_error as exc:
        error = _translated(exc, dbapi_error)
        raise error from (None if isinstance(error, Conflict) else exc)
    finally:
        raw.close()


class HeldWriter:
    """`writing_raw` on one driver connection kept for the source's writes, instead of a pool checkout (and the
    pool's reset) per transaction. The same transaction, the same commit and durability, the same errors.

    The source lets one thread at a time write (its guard), so one connection is enough. A connection that saw an
    error other than a lost race is let go (closed), and the next write takes a fresh one from the pool; a
    process forked after it was taken never uses it (it takes its own)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._raw: Any = None
        self._pid = 0

    def _connection(self) -> Any:
        if self._raw is None or self._pid != os.getpid():
            if self._pid and self._pid != os.getpid():
                # forked: the connection, and those the pool holds, are the parent's; never used here (SQLAlchemy's
                # advice for a forked child: a fresh pool, the parent's connections left open for the parent)
                self._raw = None
                self.engine.dispose(close=False)
            with _lost_race_is_conflict():
                self._raw = self.engine.raw_connection()
            self._pid = os.getpid()
        return self._raw

    def _drop(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None and self._pid == os.getpid():
            try:
                raw.invalidate()
            except Exception:  # noqa: BLE001 - already broken: nothing more to release
                pass

    def close(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None and self._pid == os.getpid():
            try:
                raw.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A DBAPI cursor inside one write transaction, committed when the block ends, rolled back on any error."""
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        raw = self._connection()
        keep = False
        try:
            cur = raw.cursor()
            try:
                if self.engine.dialect.name == "sqlite":
                    cur.execute("BEGIN IMMEDIATE")
                yield cur
                raw.commit()
                keep = True
            except BaseException:
                try:
                    raw.rollback()
                    keep = True  # rolled back cleanly: the connection is as good as new
                except Exception:  # noqa: BLE001 - the connection itself failed: let it go
                    keep = False
                raise
            finally:
                cur.close()
        except dbapi_error as exc:
            error = _translated(exc, dbapi_error)
            if not isinstance(error, Conflict):
                keep = False  # a lost race leaves the connection usable; anything else, a fresh one next time
            raise error from (None if isinstance(error, Conflict) else exc)
        finally:
            if not keep:
                self._drop()


def _translated(exc: Exception, dbapi_error: type[Exception]) -> Exception:
    """A driver's error as the store raises it: a Conflict for a lost race (safe to retry), else SQLAlchemy's wrapper."""
    wrapped = sa.exc.DBAPIError.instance(None, None, exc, dbapi_error)
    conflict = conflict_of(wrapped) if isinstance(wrapped, sa.exc.DBAPIError) else None
    return conflict if conflict is not None else wrapped


_PG_CONFLICTS = {
    "40001": "a concurrent transaction changed the same rows (serialization failure)",
    "40P01": "two writers waited on each other (deadlock)",
    "55P03": "another writer held the lock too long (lock timeout)",
    "23505": "another writer recorded the same thing first (unique violation)",
}


def conflict_of(exc: sa.exc.DBAPIError) -> Conflict | None:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None)
    text = str(orig).lower()
    why: str | None = None
    if state in _PG_CONFLICTS:
        why = _PG_CONFLICTS[state]
    elif "database is locked" in text or "database is busy" in text or "database table is locked" in text:
        why = "another writer held the database (SQLite: database is locked)"
    elif "unique constraint failed" in text:
        why = "another writer recorded the same thing first (unique violation)"
    if why is None:
        return None
    detail = ""
    if "uq_events_option_version" in text or "events.option_no, events.version" in text:
        detail = "; the option changed since this command read it"
    elif "uq_events_event_id" in text or "events.event_id" in text:
        detail = "; an event with the same id was recorded meanwhile"
    return Conflict(f"a concurrent change won: {why}{detail}. Nothing was written; it is safe to retry.", field="db")
