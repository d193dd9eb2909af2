"""Drop the two indexes nothing reads: events by kind and by the event they correct (issue 12).

Revision 0002 added them for views that queried the events table; the views now read the folded state, and
the one query by kind (`stored.Prefix.of_option`) filters an option's rows, which `uq_events_option_version`
finds. Each index cost every commit a page to write and sync (docs/ledger.md, "Measured (2026-12-06)").
The record is unchanged: no column, row or hash moves.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_events_corrects", table_name="events")
    op.drop_index("ix_events_kind", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_kind", "events", ["kind"])
    op.create_index("ix_events_corrects", "events", ["corrects"])
