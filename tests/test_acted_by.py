"""Each recorded event names who recorded it (web user and token, or the CLI's system user), inside the hash chain,
and `history` shows it."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from typer.testing import CliRunner

from warrantbook.cli.main import app
from warrantbook.store.ledger import DbSource

runner = CliRunner()


def test_cli_records_and_history_shows_who_acted(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    for args in (["init"], ["company", "add", "atg", "--name", "ATG", "--state", "Nevada", "--on", "2006-01-02"]):
        r = runner.invoke(app, [*args, "--db", db])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["history", "--db", db, "--json"])
    rows = json.loads(r.stdout)["events"]
    assert rows[-1]["acted_by"] == f"cli:{getpass.getuser()}"
    text = runner.invoke(app, ["history", "--db", db]).stdout
    assert f"by cli:{getpass.getuser()}" in text
    src = DbSource(db)
    assert src.verify().ok
    src.close()
