"""The ledger's commands (issue 3): recording every event of an option's life, facts, views and audit.

`warrantbook.cli.main` calls `register(app)` when this module exists. Every command follows
../shared/design/cli.md: `--book FILE` or `--db URL`, `--json`, `--on`/`--as-of`, exit codes 0/1/2/3.
"""

from __future__ import annotations

import typer

from warrantbook.cli import audit, ledger_acts, ledger_facts, ledger_snapshot, ledger_views


def register(app: typer.Typer) -> None:
    ledger_views.register(app)
    ledger_facts.register(app)
    ledger_acts.register(app)
    ledger_snapshot.register(app)
    audit.register(app)  # audit head, verify, pack (cli/audit.py)
