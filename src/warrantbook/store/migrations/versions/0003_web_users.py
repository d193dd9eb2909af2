"""The web app's users, API tokens and settings (issue 5): who may sign in, and with what role.

Passwords are kept only as argon2 hashes; API tokens only as the SHA-256 digest of the token (looked up by
digest, so a request never runs a slow hash); settings hold the secret that signs browser sessions, shared
by every worker process.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("party", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "web_tokens",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), sa.ForeignKey("web_users.username"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_web_tokens_username", "web_tokens", ["username"])
    op.create_table(
        "web_settings",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_settings")
    op.drop_index("ix_web_tokens_username", table_name="web_tokens")
    op.drop_table("web_tokens")
    op.drop_table("web_users")
