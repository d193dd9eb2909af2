"""The storage shell: an append-only, hash-chained event ledger in SQLite or PostgreSQL (docs/ledger.md)."""
