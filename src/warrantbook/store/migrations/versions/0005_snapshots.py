"""Snapshots: the folded state saved at a ledger position, so a fresh process folds only the tail (issue 12).

A snapshot is a cache the store writes itself: its row names the position (`seq`), the chain head it was
folded from (`head`), the code's schema version (`version`, a digest of the state's code) and a SHA-256 of
its payload. A row whose head, version or digest does not match is ignored (and rebuilt), never trusted.
Nothing in the record depends on this table: dropping it loses only speed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
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


def downgrade() -> None:
    op.drop_table("snapshots")
