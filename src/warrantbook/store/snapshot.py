"""Snapshots: the folded state saved at a ledger position, so that a fresh process folds only the tail.

What is saved is the projection's checkpoint (store.projection): the fold of every event recorded up to
position `seq` and dated before `since`, with the ids of the events it left to its window (those dated
`since` or later), the per-option versions and the latest (date, phase) key. Its list of events and its
index by id are not saved: a restored state reads them from the rows when asked (store.stored), so
loading costs the state's size, not the ledger's.

A snapshot is a cache the store writes itself, never part of the record, and it is trusted only when:

- its `version` equals `schema_version()`: a digest of the source of every module whose code shapes the
  folded state (core.state, events, terms, decide, engine, codec, numbers, the clauses and the rules, store.projection, this
  module and store.stored) and of FORMAT and the Python version: any change to that code gives a new
  version, so a snapshot written by other code is ignored and rebuilt, never read;
- the row at its position still has its chain head (`head`): a rewritten or cut-off ledger invalidates it;
- its payload's SHA-256 equals `digest` (a torn or altered payload is ignored);
- the payload unpickles with the restricted unpickler below: it can build only the core's own value
  classes (dataclasses, enums, the per-company holder), dates and fractions, never call any other
  function, so a forged payload cannot run code (docs/ledger.md, "Snapshots", states what it can do).

A snapshot whose tail cannot simply be folded on top of it (an event recorded after it but dated before its
checkpoint, or a correction of an event inside it) is not used: the state is folded from an older one or
from scratch.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import importlib
import io
import os
import pickle
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from warrantbook.core import events as ev
from warrantbook.core.state import BookState

FORMAT = 1  # raise by hand when the payload's layout changes without any of the code below changing
EVERY = int(os.environ.get("WARRANTBOOK_SNAPSHOT_EVERY", "10000"))  # automatic snapshot every this many events (0: never)
WAIT_MS = 200  # how long a snapshot write waits for the write lock before giving up (it is only a cache)
KEEP = 8  # snapshots kept per version: the newest, and the rest spread over the ledger's length

# every module whose code decides what a folded state holds
_CODE_MODULES = ("warrantbook.core.state", "warrantbook.core.events", "warrantbook.core.terms", "warrantbook.core.decide", "warrantbook.core.engine",
                 "warrantbook.core.codec", "warrantbook.core.numbers", "warrantbook.core.arith", "warrantbook.core.commute", "warrantbook.core.values",
                 "warrantbook.core.calendars", "warrantbook.store.projection", "warrantbook.store.stored", "warrantbook.store.snapshot")
_CODE_PACKAGES = ("warrantbook.core.rules", "warrantbook.core.clauses")  # with their subpackages (rules/exercise/)
_NOT_SAVED = ("events", "by_id", "folding")


def schema_version() -> str:
    """A digest of the code that shapes the folded state: a snapshot is used only by the code that wrote it."""
    return _VERSION


def _code_version() -> str:
    """Worked out once, when this module is first imported (with the rest of the store, just after the core is), so it
    describes the code this process runs even if the files on disk are replaced while it runs."""
    h = hashlib.sha256(f"warrantbook snapshot format {FORMAT}\npython {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    files: list[tuple[str, Path]] = []
    for name in _CODE_MODULES:
        files.append((name, Path(str(importlib.import_module(name).__file__))))
    for name in _CODE_PACKAGES:
        folder = Path(str(importlib.import_module(name).__file__)).parent
        files += [(f"{name}/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*.py"))]
    for label, path in files:
        data = path.read_bytes()
        h.update(f"{label} {len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


_VERSION = _code_version()


# ---------------------------------------------------------------- the payload


def _fraction(numerator: int, denominator: int) -> Fraction:
    """A Fraction from its own (already normalized) terms, without parsing text or a gcd."""
    f = object.__new__(Fraction)
    f._numerator = numerator  # type: ignore[attr-defined]
    f._denominator = denominator  # type: ignore[attr-defined]
    return f


def _reduce_fraction(f: Fraction) -> tuple[Any, tuple[int, int]]:
    return _fraction, (f.numerator, f.denominator)


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[Fraction] = _reduce_fraction


_ALLOWED_GLOBALS = {("datetime", "date"), ("builtins", "frozenset"), ("builtins", "set"), (__name__, "_fraction")}


def _allowed_class(module: str, name: str) -> Any:
    """A class defined in the pure core (values, enums, the per-company holder): building one runs no I/O."""
    if not module.startswith("warrantbook.core."):
        return None
    mod = sys.modules.get(module)
    value = getattr(mod, name, None) if mod is not None else None
    if not isinstance(value, type) or value.__module__ != module:
        return None
    return value


class _Unpickler(pickle.Unpickler):
    """Builds only the core's value classes, dates and fractions: a payload cannot name any other function."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        allowed = _allowed_class(module, name)
        if allowed is None:
            raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")
        return allowed


def dumps(value: Any) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=5).dump(value)
    return out.getvalue()


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    seq: int
    version: str
    head: str
    since: date
    digest: str
    size: int
    created_at: str
    current: bool = True  # written by this code (its version)
    valid: bool | None = None  # its head matches the row at its position (None: not checked)

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "version": self.version[:16], "head": self.head, "since": self.since.isoformat(),
                "digest": self.digest, "bytes": self.size, "created_at": self.created_at, "current_version": self.current,
                "head_matches": self.valid}


def _table() -> sa.Table:
    from warrantbook.store import schema as t

    return t.snapshots


def infos(conn: Connection, *, version: str | None = None, upto: int | None = None) -> list[SnapshotInfo]:
    """Snapshot rows (without payloads), newest position first; with `version`, only that version's."""
    s = _table()
    stmt = sa.select(s.c.seq, s.c.version, s.c.head, s.c.since, s.c.digest, s.c.size, s.c.created_at)
    if version is not None:
        stmt = stmt.where(s.c.version == version)
    if upto is not None:
        stmt = stmt.where(s.c.seq <= upto)
    current = schema_version()
    return [SnapshotInfo(int(r[0]), str(r[1]), str(r[2]), _day(r[3]), str(r[4]), int(r[5]), str(r[6]), str(r[1]) == current)
            for r in conn.execute(stmt.order_by(s.c.seq.desc(), s.c.version))]


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def head_at(conn: Connection, seq: int) -> str | None:
    from warrantbook.store import schema as t

    row = conn.execute(sa.select(t.events.c.hash).where(t.events.c.seq == seq)).first()
    return None if row is None else str(row[0])


def payload_of(conn: Connection, info: SnapshotInfo) -> dict[str, Any] | None:
    """The snapshot's contents, or None when its digest, format or contents do not check out."""
    s = _table()
    row = conn.execute(sa.select(s.c.payload).where(s.c.seq == info.seq, s.c.version == info.version)).first()
    if row is None:
        return None
    data = bytes(row[0])
    if digest_of(data) != info.digest or len(data) != info.size:
        return None
    try:
        value = loads(data)
    except Exception:  # any failure to read a cache means: do not use it
        return None
    if not isinstance(value, dict) or value.get("format") != FORMAT or value.get("seq") != info.seq or value.get("version") != info.version:
        return None
    return value


def build_payload(seq: int, checkpoint: BookState, since: date, window: Iterable[ev.Event], last_key: tuple[date, int] | None,
                  versions: dict[str, int]) -> dict[str, Any]:
    from warrantbook.store.stored import exercise_totals

    fields = {f.name: getattr(checkpoint, f.name) for f in dataclasses.fields(BookState) if f.name not in _NOT_SAVED}
    return {"format": FORMAT, "version": schema_version(), "seq": seq, "fields": fields, "applied": len(checkpoint.events),
            "since": since, "window": [e.id for e in window], "last_key": last_key, "versions": dict(versions),
            "exercised": exercise_totals(checkpoint)}


def write(engine: Engine, payload: dict[str, Any], head: str) -> SnapshotInfo | None:
    """Save a snapshot row (nothing when one for this position and version exists already); prune old ones.

    A cache write never waits long for a lock: it gives up after WAIT_MS and raises (the caller ignores it), so a
    view never stalls behind a writer to save a snapshot. It runs on the driver's connection (the lock wait is a
    setting of that connection: SQLite's busy timeout, PostgreSQL's lock_timeout for this transaction)."""
    data = dumps(payload)
    info = SnapshotInfo(int(payload["seq"]), str(payload["version"]), head, payload["since"], digest_of(data), len(data),
                        datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"))
    sqlite = engine.dialect.name == "sqlite"
    p = "?" if sqlite else "%s"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        before = None
        try:
            if sqlite:
                cur.execute("PRAGMA busy_timeout")
                row = cur.fetchone()
                before = int(row[0]) if row else None
                cur.execute(f"PRAGMA busy_timeout={WAIT_MS}")
                cur.execute("BEGIN IMMEDIATE")
            else:
                cur.execute(f"SET LOCAL lock_timeout = '{WAIT_MS}ms'")
            cur.execute(f"SELECT 1 FROM snapshots WHERE seq = {p} AND version = {p}", (info.seq, info.version))
            if cur.fetchone() is not None:
                raw.rollback()
                return None
            cur.execute(f"INSERT INTO snapshots (seq, version, head, since, digest, size, created_at, payload) VALUES ({', '.join([p] * 8)})",
                        (info.seq, info.version, info.head, info.since.isoformat() if sqlite else info.since, info.digest, info.size,
                         info.created_at, data))
            cur.execute("SELECT seq, version FROM snapshots")
            for seq, version in _pruned([(int(r[0]), str(r[1])) for r in cur.fetchall()], info.version):
                cur.execute(f"DELETE FROM snapshots WHERE seq = {p} AND version = {p}", (seq, version))
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            if before is not None:
                cur.execute(f"PRAGMA busy_timeout={before}")
            cur.close()
    finally:
        raw.close()
    return info


def _pruned(rows: list[tuple[int, str]], version: str) -> list[tuple[int, str]]:
    """Which (seq, version) rows to drop: keep KEEP snapshots of this version (the newest, and the rest evenly spread:
    drop the later of the closest pair) and only the newest of any other version (another release may still be
    running against this ledger)."""
    mine = sorted(seq for seq, v in rows if v == version)
    drop: list[tuple[int, str]] = []
    while len(mine) > KEEP:
        gaps = [(mine[i + 1] - mine[i], i + 1) for i in range(len(mine) - 2)]  # never the newest
        _, at = min(gaps)
        drop.append((mine.pop(at), version))
    newest: dict[str, int] = {}
    for seq, v in sorted(rows, reverse=True):
        if v != version:
            if v in newest:
                drop.append((seq, v))
            else:
                newest[v] = seq
    return drop


def same(a: Any, b: Any) -> bool:
    """Structural equality of two states' parts: values by ==, the per-company holders (no == of their own) slot by slot."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if hasattr(type(a), "__slots__") and not dataclasses.is_dataclass(a) and type(a).__module__.startswith("warrantbook.core."):
        return all(same(getattr(a, n, None), getattr(b, n, None)) for n in type(a).__slots__)
    return bool(a == b)


def day_after(day: date) -> date:
    return day + timedelta(days=1)
