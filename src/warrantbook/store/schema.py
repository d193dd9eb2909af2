"""The ledger's tables, as SQLAlchemy Core metadata (the queries use these; the migrations create them).

Exact values never live in numeric columns: every figure is inside `payload`, the event's canonical JSON
(core.audit.canonical: sorted keys, exact numbers as text such as "0.00001" or "1/3"), so SQLite's NUMERIC
affinity and float conversions never see them. The same text is what the hash chain covers.

- events: append-only. `seq` is the global recording order and the position in the hash chain (1, 2, ...
  with no gaps); `option_no`/`version` give each option its own version counter, unique per option, so two
  writers that both decided against version n of an option cannot both write n+1. On SQLite `seq` is declared
  INTEGER, which makes it the table's rowid: the rows live in one b-tree keyed by `seq`, with no separate index
  on it to write with every event (revision 0007; SQLite's INTEGER is 64-bit, as BIGINT is on PostgreSQL).
- locks: one row per company, holder group, or option number created, holding the `seq` of the last event
  that touched it. A writer locks the rows of everything its events touch and refuses (Conflict) when one
  moved after the state it decided on was read.
- chain: one row: the number of events and the hash of the last one (the head). Locked by every writer, so
  the global chain stays a chain under concurrent writers.
- idempotency: a retried request with the same key returns the first result instead of recording again.
- snapshots: a cache of the folded state at a position (store.snapshot): position, chain head, the code's
  schema version, a digest of the payload. Not part of the record: a row that does not match is ignored.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    # SQLite: INTEGER, so seq is the rowid (one b-tree, no separate index on seq); PostgreSQL: BIGINT (0007)
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(200), nullable=False),
    sa.Column("option_no", sa.String(200), nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("on_date", sa.Date, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("corrects", sa.String(200), nullable=True),
    sa.Column("idempotency_key", sa.String(300), nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("acted_by", sa.String(300), nullable=True),  # who recorded it (user, token); hashed with the payload when set
    sa.UniqueConstraint("event_id", name="uq_events_event_id"),
    sa.UniqueConstraint("option_no", "version", name="uq_events_option_version"),
    # no index by kind or by corrected event: nothing queries them, and each would cost every commit a page (0006)
)

# a rowid table on SQLite: WITHOUT ROWID would write the same one page per upsert (only last_seq/prev_seq change, so
# the key's index is not written), and its upsert measured slower (11 against 8 us for two rows; issue 12)
locks = sa.Table(
    "locks",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("prev_seq", sa.BigInteger, nullable=False),
)

chain = sa.Table(
    "chain",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("count", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

idempotency = sa.Table(
    "idempotency",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("first_seq", sa.BigInteger, nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("head", sa.String(64), nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("seq", "version", name="pk_snapshots"),
)
