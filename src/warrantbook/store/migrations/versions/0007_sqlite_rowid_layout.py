"""SQLite: the events table keyed by its rowid (issue 12).

In SQLite only a column declared exactly `INTEGER PRIMARY KEY` is the table's rowid; `seq BIGINT ... PRIMARY KEY
(seq)` made the table a rowid b-tree plus a separate unique index on `seq`, so every appended event wrote a page of
that index too. The table is rebuilt with `seq INTEGER` (the rowid alias): same columns, same rows, same values,
same unique constraints (`uq_events_event_id`, `uq_events_option_version`), so no hash moves and `audit verify`
gives the same head. SQLite's INTEGER holds 64-bit values, as BIGINT did. A value of `seq` that is not an integer
(only a hand-edited ledger could hold one) stops the upgrade with an error naming it, and nothing changes.

Measured (bench_ledger's commit loop, WAL frames written per commit, 2026-12-06): a notice 6.5 -> 5.5 pages, an
exercise (the surrender and its exercise event) 8.3 -> 7.2. On the test machine a commit's time is the WAL's fsync,
nearly the same for 1 page as for 7, so the rate moved within the noise; the layout is kept for the smaller file and
writes, and because a range of `seq` is now read straight from the table.

PostgreSQL: nothing changes (`seq` stays BIGINT; a heap table has no rowid to alias); the revision is recorded
there too, so both backends stand at the same revision.

The downgrade rebuilds the table as revision 0006 had it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _events(name: str, seq_type: sa.types.TypeEngine[int]) -> sa.Table:
    """The events table as revisions 0001 and 0004 made it (acted_by last), with `seq` of the type given."""
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("seq", seq_type, primary_key=True, autoincrement=False),
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
        sa.Column("acted_by", sa.String(300), nullable=True),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("option_no", "version", name="uq_events_option_version"),
    )


def _rebuild(table: sa.Table, name: str) -> None:
    """Replace SQLite table `name` by `table` (created under another name), copying every row, then renaming it."""
    bind = op.get_bind()
    table.create(bind)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    op.execute(f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM "{name}"')
    op.execute(f'DROP TABLE "{name}"')
    op.execute(f'ALTER TABLE "{table.name}" RENAME TO "{name}"')


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bad = bind.exec_driver_sql("SELECT seq, event_id FROM events WHERE typeof(seq) <> 'integer' LIMIT 1").first()
    if bad is not None:
        raise ValueError(f"events: the row of event {bad[1]!r} has seq {bad[0]!r}, not a whole number (edited by hand?); "
                         "revision 0007 keys the table by seq: nothing was changed (run 'audit verify')")
    _rebuild(_events("events_new", sa.Integer()), "events")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(_events("events_new", sa.BigInteger()), "events")
