"""Alembic migrations of the ledger, run programmatically (store.migrate); never by hand-edited SQL."""
