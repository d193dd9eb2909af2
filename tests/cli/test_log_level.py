"""--log-level: stdlib logging to stderr; WARNING by default (nothing but the command's output), INFO names what was
recorded and what was refused, a level that is not one is bad usage."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from warrantbook.cli.main import app

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml"
runner = CliRunner()


def _book(tmp_path: Path) -> str:
    book = tmp_path / "book.yaml"
    shutil.copy(SEED, book)
    return str(book)


def test_info_logs_what_was_recorded_and_what_was_refused(tmp_path: Path) -> None:
    book = _book(tmp_path)
    done = runner.invoke(app, ["--log-level", "INFO", "outstanding", "--shares", "1300000000", "--id", "out-log-1", "--on", "2007-01-02",
                               "--book", book, "--json"])
    assert done.exit_code == 0, done.output
    assert "INFO warrantbook.sources: recorded in book" in done.stderr and "out-log-1" in done.stderr
    assert '"out-log-1"' in done.stdout and "INFO" not in done.stdout  # logs never mix into the JSON
    refused = runner.invoke(app, ["--log-level", "info", "waiver-notice", "--option", "ATG-404", "--on", "2007-01-03", "--book", book])
    assert refused.exit_code != 0
    assert "INFO warrantbook.cli.common: waiver_notice" in refused.stderr and "ATG-404" in refused.stderr


def test_warning_by_default_logs_nothing(tmp_path: Path) -> None:
    book = _book(tmp_path)
    done = runner.invoke(app, ["outstanding", "--shares", "1300000000", "--on", "2007-01-02", "--book", book, "--json"])
    assert done.exit_code == 0, done.output
    assert "warrantbook.sources" not in done.stderr


def test_a_level_that_is_not_one_is_bad_usage() -> None:
    r = runner.invoke(app, ["--log-level", "loud", "list"])
    assert r.exit_code == 2 and "not one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in r.output


def test_debug_logs_a_snapshot_load(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    imported = runner.invoke(app, ["book", "import", str(SEED), "--db", db])
    assert imported.exit_code == 0, imported.output
    saved = runner.invoke(app, ["snapshot", "save", "--db", db])
    assert saved.exit_code == 0, saved.output
    quiet = runner.invoke(app, ["--log-level", "INFO", "list", "--db", db, "--json"])
    assert quiet.exit_code == 0 and "snapshot" not in quiet.stderr
    loud = runner.invoke(app, ["--log-level", "DEBUG", "list", "--db", db, "--json"])
    assert loud.exit_code == 0 and "DEBUG warrantbook.store.ledger: database" in loud.stderr and "restored from the snapshot at event #" in loud.stderr
