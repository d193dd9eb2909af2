"""Apply the Alembic migrations shipped in store/migrations, programmatically.

`warrantbook init` creates or upgrades a ledger; opening a ledger that is behind upgrades it first (the
migrations are additive), and opening a URL with no ledger at all says to run init.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from warrantbook.store.engine import writing

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_ledger(engine: Engine) -> bool:
    return "events" in sa.inspect(engine).get_table_names() or current_revision(engine) is not None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the ledger to the newest revision; (revision before, revision after)."""
    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return before, head
    cfg = _config()
    with writing(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return before, head


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (for tests of upgrade-on-open and for operators undoing an upgrade)."""
    cfg = _config()
    with writing(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
