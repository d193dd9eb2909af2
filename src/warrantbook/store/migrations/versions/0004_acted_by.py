"""Who acted: the user (and the token, when one was used) that recorded each event (issue 10).

A nullable column: events recorded before it carry none, and their hashes stay as they were. For an event
that names who acted, the hash chain covers that name too (store.ledger.content).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("acted_by", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("acted_by")
