"""Indexes for the views: events by kind and by the event they correct.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_kind", "events", ["kind"])
    op.create_index("ix_events_corrects", "events", ["corrects"])


def downgrade() -> None:
    op.drop_index("ix_events_corrects", table_name="events")
    op.drop_index("ix_events_kind", table_name="events")
