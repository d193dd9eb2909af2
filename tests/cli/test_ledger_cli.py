"""The ledger's commands end to end, on a book file, a SQLite ledger and a PostgreSQL ledger."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from tests.store.backends import fresh_url
from warrantbook.cli.main import app

runner = CliRunner()


def wb(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
    return result


def src_args(src: list[str]) -> tuple[str | None, str | None]:
    """(book, db) from the source options of a test."""
    return (src[1], None) if src[0] == "--book" else (None, src[1])


def js(*args: str, code: int = 0) -> Any:
    return json.loads(wb(*args, "--json", code=code).stdout)


@pytest.fixture(params=["book", "sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """The source options of one kind of source, initialised and empty."""
    if request.param == "book":
        opts = ["--book", str(tmp_path / "book.yaml")]
        wb("init", *opts)
        yield opts
        return
    with fresh_url(request.param, tmp_path) as url:
        opts = ["--db", url]
        wb("init", *opts)
        yield opts


def _setup(src: list[str], tmp_path: Path) -> None:
    on = ["--on", "2005-09-07"]
    wb("company", "add", "atg", "--name", "American Technologies Group, Inc.", "--state", "Nevada", "--office", "1 Illustrative Plaza",
       "--office", "Monrovia, CA 91016", "--par-value", "0.001", *on, *src)
    wb("holder", "add", "gssf", "--name", "GSSF Master Fund, L.P.", "--address", "1 Fund Street", "--address", "New York, NY 10022",
       "--group", "gssf-group", *on, *src)
    wb("holder", "add", "northbridge", "--name", "Northbridge Illustrative Partners LP", "--address", "200 Example Street",
       "--address", "Boston, MA 02110", *on, *src)
    wb("listing", "--venue", "otcbb", *on, *src)
    wb("outstanding", "--shares", "1200000000", "--source", "transfer agent", *on, *src)
    wb("authorized", "--shares", "2000000000", *on, *src)
    wb("ownership", "--holder", "gssf", "--shares", "10000000", *on, *src)
    wb("issue", "--option", "ATG-1", "--holder", "gssf", "--shares", "140250000", "--price", "0.00001", "--id", "issue-ATG-1", *on, *src)
    prices = tmp_path / "prices.csv"
    prices.write_text("date,venue,close,bid,ask\n2006-03-14,otcbb,,0.024,0.026\n2006-03-15,otcbb,,0.025,0.027\n", encoding="utf-8")
    out = js("prices", "import", str(prices), *src)
    assert out["imported"] == 2


def test_the_life_of_an_option_through_every_command(where: list[str], tmp_path: Path) -> None:
    src = where
    _setup(src, tmp_path)
    notice = js("exercise", "notice", "--option", "ATG-1", "--shares", "10000000", "--method", "cashless", "--channel", "fax",
                "--on", "2006-03-15", *src)["recorded"][0]["id"]
    done = js("exercise", "surrender", "--option", "ATG-1", "--on", "2006-03-15", *src)
    effected = done["recorded"][1]
    assert effected["kind"] == "exercise" and effected["data"]["fair_market_value"] == "0.025"
    assert effected["data"]["shares_issued"] == "9996000"  # 10,000,000 x (0.025 - 0.00001) / 0.025
    due = js("due", "--as-of", "2006-03-20", *src)
    assert any(i["kind"] == "delivery" and i["ref"] == notice and i["due"] == "2006-03-20" for i in due["items"])
    wb("deliver", "--option", "ATG-1", "--certificate", "C-1041", "--cash-paid", "0", "--on", "2006-03-17", *src)
    split = js("stock-event", "--kind", "subdivision", "--after", "2419992000", "--on", "2006-04-03", *src)  # --before: the ledger's count
    split_id = split["recorded"][0]["id"]
    wb("notice", "send", "--option", "ATG-1", "--subject", "certificate as to adjustments (§5)", "--regarding", split_id,
       "--tracking", "7005 0001", "--on", "2006-04-05", *src)
    wb("address", "--holder", "gssf", "--address", "500 Park Avenue", "--address", "New York, NY 10022", "--on", "2006-04-10", *src)
    wb("waiver-notice", "--option", "ATG-1", "--on", "2006-05-01", *src)
    wb("transfer", "request", "--option", "ATG-1", "--piece", "northbridge=20%", "--endorsed", "--witness", "A. Witness",
       "--original-surrendered", "--opinion", "--taxes-paid", "--on", "2006-06-01", *src)
    wb("transfer", "register", "--option", "ATG-1", "--new-option", "ATG-2", "--new-option", "ATG-3", "--on", "2006-06-05", *src)
    listed = {o["option"]: o for o in js("list", "--as-of", "2006-12-31", *src)["options"]}
    assert listed["ATG-1"]["status"] == "superseded by transfer" and listed["ATG-1"]["children"] == ["ATG-2", "ATG-3"]
    assert listed["ATG-2"]["remaining_shares"] == "52100000" and listed["ATG-3"]["remaining_shares"] == "208400000"
    wb("default-notice", "--option", "ATG-3", "--default", "payment default", "--on", "2007-02-01", *src)
    wb("default-cure", "--option", "ATG-3", "--on", "2007-03-01", *src)
    wb("agent", "appoint", "--name", "Example Transfer Co.", "--office", "10 Main St", "--office", "Denver, CO 80202", "--on", "2007-03-02", *src)
    wb("amend", "--option", "ATG-3", "--expiration", "2010-09-07", "--signed-by", "holder:gssf", "--signed-by", "company:atg",
       "--on", "2007-03-05", *src)
    wb("acknowledge", "request", "--option", "ATG-3", "--on", "2007-03-06", *src)
    wb("acknowledge", "give", "--option", "ATG-3", "--on", "2007-03-07", *src)
    wb("replace", "request", "--option", "ATG-2", "--cause", "lost", "--evidence", "affidavit of loss", "--indemnity", "1000",
       "--indemnity-form", "indemnity agreement", "--on", "2007-04-01", *src)
    wb("replace", "issue", "--option", "ATG-2", "--new-option", "ATG-2R", "--on", "2007-04-02", *src)
    wb("fmv", "agree", "--value", "0.02", "--agreed-by", "holder:gssf", "--agreed-by", "company:atg", "--on", "2007-05-01", *src)
    wb("fmv", "award", "--value", "0.018", "--arbitrator", "J. Doe", "--case", "13-1", "--on", "2007-06-01", *src)
    wb("trustee", "--option", "ATG-3", "--name", "Example Trust Company", "--office", "1 Wall Street", "--office", "New York, NY 10005",
       "--bank", "--on", "2007-07-01", *src)
    wb("reorganize", "--transaction", "asset-transfer", "--successor", "NewCo, Inc.", "--cash", "0.03", "--ends", "--on", "2008-01-02", *src)
    wb("liquidation", "--amount", "12000000", "--on", "2008-06-30", *src)
    wb("dissolve", "--on", "2008-06-30", *src)
    wrong = js("outstanding", "--shares", "999", "--on", "2008-07-01", *src)["recorded"][0]["id"]
    wb("correct", "--event", wrong, "--reason", "typo", "--on", "2008-07-02", *src)

    history = js("history", "--option", "ATG-3", *src)
    assert [x["option"] for x in history["lineage"]] == ["ATG-1", "ATG-3"]
    kinds = [e["kind"] for e in history["events"]]
    assert kinds[0] == "issue" and "transfer-registration" in kinds and "amendment" in kinds and "stock-event" in kinds
    everything = js("history", *src)["events"]
    assert next(e for e in everything if e["id"] == wrong)["corrected_by"]
    assert [e["on"] for e in everything] == sorted(e["on"] for e in everything)
    due = js("due", "--as-of", "2008-07-31", *src)
    assert any(i["clause"] == "§3.2" for i in due["items"])
    assert js("reserve", "--as-of", "2006-03-31", *src)["reserve"][0]["clause"] == "§6"
    head = js("audit", "head", *src)
    assert js("audit", "verify", "--head", head["hash"], "--count", str(head["count"]), *src)["ok"]
    out = tmp_path / "export.yaml"
    wb("book", "export", "--out", str(out), *src)
    assert js("check", "--book", str(out))["ok"]
    # recorded in the agreement's order: the book's chain is the ledger's events' chain (the ledger's own chain also
    # covers who recorded each event, which a book file does not keep: issue 10)
    from warrantbook.core.audit import head_of
    from warrantbook.sources import open_source

    assert js("audit", "head", "--book", str(out))["hash"] == head_of(open_source(*src_args(src)).events()).hash


def test_text_output_and_show(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    out = wb("exercise", "notice", "--option", "ATG-1", "--shares", "10000000", "--method", "cashless", "--on", "2006-03-15", *src).stdout
    assert "recorded notice-20060315-" in out and "head " in out
    assert "ATG-1" in wb("show", "--as-of", "2006-03-15", *src).stdout
    assert "ATG-1" in wb("list", *src).stdout
    assert "exercise notice" in wb("history", "--option", "ATG-1", *src).stdout
    assert "ok:" in wb("audit", "verify", *src).stdout


def test_refusal_cites_the_section_and_writes_nothing(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    before = js("audit", "head", *src)["count"]
    refused = js("exercise", "notice", "--option", "ATG-1", "--shares", "10", "--actor", "holder:northbridge", "--on", "2006-03-15",
                 *src, code=1)
    assert refused["clause"] == "§12" and refused["field"] == "actor"
    over_cap = js("exercise", "notice", "--option", "ATG-1", "--shares", "60000000", "--on", "2006-03-15", *src, code=1)
    assert over_cap["clause"] == "§10"
    assert js("audit", "head", *src)["count"] == before
    # §6 is a covenant, not a condition: an option beyond the reserve is recorded, and the shortfall is the company's item
    wb("issue", "--option", "BIG", "--holder", "gssf", "--shares", "900000000", "--price", "0.01", "--on", "2006-01-02", *src)
    assert "§6" in wb("due", "--as-of", "2006-03-15", *src).output


def test_bad_input_names_the_field(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    assert js("exercise", "notice", "--option", "ATG-1", "--shares", "1.5e", *src, code=2)["field"] == "shares"
    assert js("exercise", "notice", "--option", "ATG-1", "--shares", "10", "--actor", "mallory", *src, code=2)["field"] == "actor"
    assert js("outstanding", "--shares", "10", "--on", "2006-02-30", *src, code=2)["field"] == "on"
    assert js("exercise", "surrender", "--option", "NOPE", *src, code=2)["field"] == "option"
    assert js("list", "--db", f"sqlite:///{tmp_path / 'missing.db'}", code=2)["field"] == "db"


def test_prices_import_reports_every_bad_row_and_imports_nothing(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    before = js("audit", "head", *src)["count"]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,venue,close,bid,ask\n"
                   "2006-04-03,otcbb,,0.024,0.026\n"  # 2 fine
                   "2006-04-04,otcbb,,0,0.026\n"  # 3 zero bid
                   "2006-04-05,otcbb,-0.01,,\n"  # 4 negative close
                   "2006-04-06,otcbb,,0.03,0.02\n"  # 5 bid above ask
                   "2006-04-03,otcbb,,0.024,0.026\n"  # 6 same day again
                   "2006-04-07,moon,0.02,,\n"  # 7 unknown venue
                   "2006-13-01,otcbb,0.02,,\n"  # 8 not a date
                   "2006-04-10,otcbb,abc,,\n",  # 9 not a number
                   encoding="utf-8")
    out = js("prices", "import", str(bad), *src, code=2)
    lines = sorted({p["line"] for p in out["problems"]})
    assert lines == [3, 4, 5, 6, 7, 8, 9], out
    assert "nothing was imported" in out["error"]
    assert js("audit", "head", *src)["count"] == before
    text = wb("prices", "import", str(bad), *src, code=2).output
    assert "line 5" in text and "above ask" in text
    again = tmp_path / "again.csv"  # rows fine on their own, but one day is already in the ledger
    again.write_text("date,venue,close,bid,ask\n2006-04-03,otcbb,,0.024,0.026\n2006-03-15,otcbb,,0.025,0.027\n", encoding="utf-8")
    out = js("prices", "import", str(again), *src, code=2)
    assert [p["line"] for p in out["problems"]] == [3]
    assert js("audit", "head", *src)["count"] == before


def test_idempotency_key_on_the_command_line(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    args = ["exercise", "notice", "--option", "ATG-1", "--shares", "1000", "--on", "2006-03-15", "--idempotency-key", "fax-0315", *src]
    first = js(*args)
    again = js(*args)
    assert not first["replayed"] and again["replayed"]
    assert again["recorded"][0]["id"] == first["recorded"][0]["id"] and again["head"] == first["head"]
    other = js("exercise", "notice", "--option", "ATG-1", "--shares", "2000", "--on", "2006-03-15", "--idempotency-key", "fax-0315",
               *src, code=2)
    assert other["field"] == "idempotency_key"


def test_a_held_database_gives_exit_code_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "l.db"
    src = ["--db", f"sqlite:///{path}"]
    wb("init", *src)
    _setup(src, tmp_path)
    monkeypatch.setattr("warrantbook.store.engine.BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        out = js("outstanding", "--shares", "1250000000", "--on", "2006-01-02", *src, code=3)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "concurrent change" in out["error"] and "retry" in out["error"]
    js("outstanding", "--shares", "1250000000", "--on", "2006-01-02", *src)  # and the retry goes through


def test_audit_verify_names_the_first_bad_event(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    src = ["--db", f"sqlite:///{path}"]
    wb("init", *src)
    _setup(src, tmp_path)
    kept = js("audit", "head", *src)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET payload = replace(payload, '140250000', '140250001') WHERE event_id = 'issue-ATG-1'")
    out = js("audit", "verify", *src, code=1)
    assert out["first_bad"]["event"] == "issue-ATG-1" and "hash" in out["first_bad"]["reason"]
    assert "TAMPERED" in wb("audit", "verify", "--head", kept["hash"], *src, code=1).stdout


def test_book_import_into_an_empty_ledger_keeps_the_books_head(tmp_path: Path) -> None:
    book = ["--book", str(tmp_path / "b.yaml")]
    wb("init", *book)
    _setup(book, tmp_path)
    js("exercise", "notice", "--option", "ATG-1", "--shares", "1000", "--on", "2006-03-15", *book)
    db = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *db)
    imported = js("book", "import", str(tmp_path / "b.yaml"), *db)
    assert imported["head"] == imported["book_head"]
    assert js("audit", "head", *db)["hash"] == js("audit", "head", *book)["hash"]
    assert js("audit", "verify", *db)["ok"]
    wb("book", "import", str(tmp_path / "b.yaml"), *db, code=2)  # the ids are taken now: refused, nothing doubled


def test_every_command_has_help_with_an_example() -> None:
    ours = {"init", "book", "correct", "list", "history", "due", "reserve", "audit", "company", "holder", "agent", "address",
            "outstanding", "authorized", "ownership", "listing", "fmv", "liquidation", "prices", "issue", "exercise", "deliver",
            "stock-event", "reorganize", "dissolve", "dissolution-delivery", "trustee", "transfer", "replace", "waiver-notice", "default-notice",
            "default-cure", "amend", "acknowledge", "notice"}
    root: Any = get_command(app)
    seen = 0
    for name in sorted(ours):
        cmd = root.commands[name]
        leaves = cmd.commands.items() if hasattr(cmd, "commands") else [("", cmd)]
        for sub, _leaf in leaves:
            args = [name, sub, "--help"] if sub else [name, "--help"]
            text = wb(*args).stdout
            assert "Example: warrantbook" in text, args
            assert "--json" in text, args
            seen += 1
    assert seen >= 40


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_snapshot_save_and_list(backend: str, tmp_path: Path) -> None:
    with fresh_url(backend, tmp_path) as url:
        src = ["--db", url]
        wb("init", *src)
        assert js("snapshot", "list", *src)["snapshots"] == []
        _setup(src, tmp_path)
        count = js("audit", "head", *src)["count"]
        saved = js("snapshot", "save", *src)["saved"]
        assert saved["seq"] == count and saved["bytes"] > 0
        assert js("snapshot", "save", *src)["saved"] is None  # one per position and version
        listed = js("snapshot", "list", *src)["snapshots"]
        assert [(s["seq"], s["current_version"], s["head_matches"]) for s in listed] == [(count, True, True)]
        assert "#" + str(count) in wb("snapshot", "list", *src).stdout
        shown = js("show", "--as-of", "2006-03-20", *src)  # a fresh command restores it and folds nothing before it
        assert shown["options"][0]["option"] == "ATG-1"


def test_snapshot_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    src = ["--db", url]
    wb("init", *src)
    _setup(src, tmp_path)
    js("snapshot", "save", *src)
    out = js("snapshot", "verify", *src)
    assert out["ok"] and [s["matches"] for s in out["snapshots"]] == [True]
    assert "matches a fold from scratch" in wb("snapshot", "verify", *src).stdout
