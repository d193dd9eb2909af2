"""Alembic environment: always run from store.migrate with an open connection (no alembic.ini)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through warrantbook init / DbSource
    raise RuntimeError("run migrations with 'warrantbook init' (store.migrate.upgrade), not the alembic command")

context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
