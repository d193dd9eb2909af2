"""app.commands: every declared recording command records the same event typed on the command line (its options,
through the declaration) as sent to the API (the event's JSON, through the codec). One case per declaration, so a
new declaration without a case fails here; a few API bodies are written by hand, not copied from the CLI's result."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from warrantbook.app import commands
from warrantbook.cli.main import app as cli

DAY = "2006-12-29"
N = ["--option", "ATG-3"]
NOTICE_CASHLESS = ["exercise", "notice", *N, "--shares", "1000000", "--method", "cashless", "--on", DAY]
REQUEST = ["transfer", "request", *N, "--piece", "northbridge=10%", "--endorsed", "--original-surrendered", "--opinion", "--taxes-paid"]
ASSET_TRANSFER = ["reorganize", "--company", "atg", "--transaction", "asset-transfer", "--successor", "NewCo, Inc.", "--cash", "0.05",
                  "--ends", "--on", "2006-12-28"]

# command name -> (setup commands on the command line, the command's own arguments)
CASES: dict[str, tuple[list[list[str]], list[str]]] = {
    "company-add": ([], ["company", "add", "atg", "--name", "American Technologies Group, Inc.", "--state", "Nevada", "--par-value", "0.001"]),
    "holder-add": ([], ["holder", "add", "gssf", "--name", "GSSF Master Fund, L.P.", "--address", "1 Fund Street", "--address", "New York, NY"]),
    "agent-appoint": ([], ["agent", "appoint", "--company", "atg", "--name", "Illustrative Transfer Co.", "--office", "10 Main St",
                           "--office", "Denver, CO 80202", "--function", "exercise"]),
    "address": ([], ["address", "--holder", "gssf", "--address", "500 Park Avenue", "--address", "New York, NY 10022"]),
    "outstanding": ([], ["outstanding", "--company", "atg", "--shares", "2500000000", "--source", "transfer agent"]),
    "authorized": ([], ["authorized", "--company", "atg", "--shares", "5000000000"]),
    "ownership": ([], ["ownership", "--holder", "gssf", "--company", "atg", "--shares", "11000000"]),
    "listing": ([], ["listing", "--company", "atg", "--venue", "nasdaq"]),
    "fmv-agree": ([], ["fmv", "agree", "--company", "atg", "--value", "0.04", "--agreed-by", "holder:gssf", "--agreed-by", "company:atg"]),
    "fmv-award": ([], ["fmv", "award", "--company", "atg", "--value", "0.04", "--case", "13-1", "--actor", "company:atg"]),
    "liquidation": ([], ["liquidation", "--company", "atg", "--amount", "1000000"]),
    "issue": ([], ["issue", "--option", "ATG-7", "--holder", "northbridge", "--company", "atg", "--shares", "1000000", "--price", "0.01",
                   "--cap", "9.99%", "--waiver-days", "61"]),
    "exercise-notice": ([], ["exercise", "notice", *N, "--shares", "1000000", "--method", "cash", "--channel", "fax"]),
    "exercise-surrender": ([["exercise", "notice", *N, "--shares", "1000000", "--method", "cash", "--on", DAY]],
                           ["exercise", "surrender", *N]),
    "exercise-pay": ([["exercise", "notice", *N, "--shares", "1000000", "--method", "cash", "--on", DAY]],
                     ["exercise", "pay", *N, "--cash", "1", "--instrument", "wire"]),
    "deliver": ([NOTICE_CASHLESS, ["exercise", "surrender", *N, "--on", DAY]], ["deliver", *N, "--book-entry"]),
    "stock-event": ([], ["stock-event", "--company", "atg", "--kind", "combination", "--after", "244998992"]),
    "reorganize": ([], ["reorganize", "--company", "atg", "--successor", "NewCo, Inc.", "--security", "newco=0.5", "--cash", "0.05"]),
    "dissolve": ([ASSET_TRANSFER], ["dissolve", "--company", "atg"]),
    "dissolution-delivery": ([ASSET_TRANSFER], ["dissolution-delivery", *N, "--description", "the cash of the asset sale", "--price-received", "922"]),
    "trustee": ([], ["trustee", *N, "--name", "Example Trust Co.", "--office", "1 Wall Street", "--office", "New York, NY 10005", "--bank"]),
    "transfer-request": ([], ["transfer", "request", *N, "--piece", "northbridge=10%", "--endorsed", "--witness", "J. Roe"]),
    "transfer-register": ([[*REQUEST, "--on", DAY]], ["transfer", "register", *N, "--new-option", "ATG-3A", "--new-option", "ATG-3B"]),
    "replace-request": ([], ["replace", "request", *N, "--cause", "lost", "--evidence", "affidavit", "--indemnity", "5000"]),
    "replace-issue": ([["replace", "request", *N, "--cause", "lost", "--evidence", "affidavit", "--indemnity", "5000", "--on", DAY]],
                      ["replace", "issue", *N, "--new-option", "ATG-3R"]),
    "waiver-notice": ([], ["waiver-notice", "--option", "ATG-2"]),
    "default-notice": ([], ["default-notice", *N, "--default", "payment default"]),
    "default-cure": ([["default-notice", *N, "--default", "payment default", "--on", "2006-12-28"]], ["default-cure", *N]),
    "notice-send": ([], ["notice", "send", *N, "--subject", "a notice", "--tracking", "7005 1160"]),
    "amend": ([], ["amend", *N, "--delivery-days", "5", "--signed-by", "holder:gssf", "--signed-by", "company:atg"]),
    "acknowledge-request": ([], ["acknowledge", "request", *N]),
    "acknowledge-give": ([["acknowledge", "request", *N, "--on", DAY]], ["acknowledge", "give", *N]),
}
USER_OF_ROLE = {"holder": None, "company": "atg", "agent": "agent"}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    from tests.web.conftest import build_template

    folder = tmp_path_factory.mktemp("commands-template")
    return folder, build_template(folder)


def copy(ledger: tuple[Path, dict[str, str]], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm", "ledger.db.session-key"):
        if (ledger[0] / name).exists():
            shutil.copy(ledger[0] / name, dest / name)
    return dest / "ledger.db"


def run(db: Path, args: list[str]) -> dict[str, Any]:
    if "--on" not in args:
        args = [*args, "--on", DAY]
    result = CliRunner().invoke(cli, [*args, "--db", f"sqlite:///{db}", "--json"])
    assert result.exit_code == 0, (args, result.output)
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def api(ledger: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[tuple[TestClient, Path, dict[str, str]]]:
    from tests.web.conftest import TODAY
    from warrantbook.web import create_app

    db = copy(ledger, tmp_path / "api")
    web = create_app(f"sqlite:///{db}", today=TODAY)
    with TestClient(web) as client:
        yield client, db, ledger[1]
    web.state.book.source.close()


def user_of(actor: str) -> str:
    role, _, party = actor.partition(":")
    return party if role == "holder" else USER_OF_ROLE[role] or party


def without_id(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "id"}


def test_every_declared_command_has_a_case() -> None:
    assert sorted(CASES) == sorted(commands.COMMANDS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_cli_and_the_api_record_the_same_event(name: str, api: tuple[TestClient, Path, dict[str, str]], ledger: Any,
                                                   tmp_path: Path) -> None:
    client, api_db, tokens = api
    setup, args = CASES[name]
    cli_db = copy(ledger, tmp_path / "cli")
    for i, step in enumerate(setup):  # the same steps on both ledgers, with the same ids
        run(cli_db, [*step, "--id", f"setup-{i}"])
        run(api_db, [*step, "--id", f"setup-{i}"])
    by_cli = run(cli_db, args)["recorded"]
    first = by_cli[0]
    assert first["kind"] == commands.COMMANDS[name].event_kind
    body = {k: v for k, v in first["data"].items() if k not in ("id", "actor")}
    who = user_of(first["actor"])
    r = client.post("/api/events", json=body, headers={"Authorization": f"Bearer {tokens[who]}"})
    assert r.status_code == 201, (name, r.json())
    by_api = r.json()["recorded"]
    assert without_id(by_api[0]["data"]) == without_id(first["data"])
    assert [e["kind"] for e in by_api] == [e["kind"] for e in by_cli]  # and the same events entailed


HAND_WRITTEN: list[tuple[str, str, dict[str, Any], list[str]]] = [
    # (user, API path, body written by hand, the CLI arguments meaning the same)
    ("gssf", "/api/options/ATG-3/exercise-notices", {"shares": "1000000", "method": "cash", "channel": "fax", "on": DAY},
     CASES["exercise-notice"][1]),
    ("northbridge", "/api/options/ATG-2/waiver-notices", {"on": DAY}, CASES["waiver-notice"][1]),
    ("gssf", "/api/options/ATG-3/transfer-requests", {"pieces": [{"holder": "northbridge", "percent": "10%"}], "endorsement_signed": True,
                                                      "witnessed_by": "J. Roe", "on": DAY}, CASES["transfer-request"][1]),
    ("atg", "/api/companies/atg/outstanding", {"shares": "2500000000", "source": "transfer agent", "on": DAY}, CASES["outstanding"][1]),
    ("atg", "/api/companies/atg/stock-events", {"event": "combination", "outstanding_before": "2449989919", "outstanding_after": "244998992",
                                               "on": DAY}, CASES["stock-event"][1]),
]


@pytest.mark.parametrize("who,path,body,args", HAND_WRITTEN, ids=[h[1].rsplit("/", 1)[1] for h in HAND_WRITTEN])
def test_a_hand_written_api_body_records_what_the_cli_options_record(who: str, path: str, body: dict[str, Any], args: list[str],
                                                                    api: Any, ledger: Any, tmp_path: Path) -> None:
    client, _api_db, tokens = api
    by_cli = run(copy(ledger, tmp_path / "cli"), args)["recorded"][0]
    r = client.post(path, json=body, headers={"Authorization": f"Bearer {tokens[who]}"})
    assert r.status_code == 201, r.json()
    assert without_id(r.json()["recorded"][0]["data"]) == without_id(by_cli["data"])


def test_propose_fills_the_defaults_and_refuses_an_unknown_field() -> None:
    from datetime import date

    from warrantbook.core.decide import replay
    from warrantbook.core.errors import BadInput
    from warrantbook.seed import seed_life

    state, _ = replay(seed_life())
    e = commands.propose(state, "waiver-notice", {"option": "ATG-2"}, on=date(2006, 12, 29))
    assert e.actor == "holder:northbridge" and e.id.startswith("waiver-20061229-") and e.option_no == "ATG-2"  # type: ignore[attr-defined]
    e = commands.propose(state, "stock-event", {"kind": "subdivision", "after": "4899979838"}, on=date(2006, 12, 29))
    assert e.outstanding_before == 2449989919 and e.actor == "company:atg"  # type: ignore[attr-defined]  # the ledger's count (§4)
    e = commands.propose(state, "exercise-surrender" if False else "waiver-notice", {"option": "ATG-2", "id": "w-1", "note": "n"},
                         on=date(2006, 12, 29), actor="holder:northbridge")
    assert (e.id, e.note) == ("w-1", "n")
    with pytest.raises(BadInput) as info:
        commands.propose(state, "waiver-notice", {"option": "ATG-2", "shares": "5"}, on=date(2006, 12, 29))
    assert info.value.field == "shares"
    with pytest.raises(BadInput) as info:
        commands.propose(state, "no-such-command", {}, on=date(2006, 12, 29))
    assert info.value.field == "command"
    with pytest.raises(BadInput) as info:
        commands.propose(state, "exercise-surrender", {"option": "ATG-3"}, on=date(2006, 12, 29))
    assert (info.value.field, info.value.clause) == ("notice", "§2.1")  # no open notice to default to
    with pytest.raises(BadInput) as info:
        commands.propose(state, "waiver-notice", {"option": "ATG-2"}, on=date(2006, 12, 29), actor="boss")
    assert info.value.field == "actor"


def test_a_new_declaration_gets_its_command_line(monkeypatch: pytest.MonkeyPatch, ledger: Any, tmp_path: Path) -> None:
    """What adding a command costs on the command line: nothing beyond its declaration (Command.cli and help)."""

    import typer

    from warrantbook.cli.ledger_common import register_declared
    from warrantbook.core import events as ev

    extra = commands.Command("second-waiver", ev.WaiverNoticeReceived, "option", "second-waiver", (
        commands.Arg("because", commands.text(""), to="", help="Why (kept nowhere: shows an option from a declaration).", type=str,
                     default=""),), cli=("second-waiver",), help="A waiver, declared in a test.\n\nExample: warrantbook second-waiver --option ATG-2")
    monkeypatch.setitem(commands.COMMANDS, "second-waiver", extra)
    root = typer.Typer(rich_markup_mode=None)
    register_declared(root, {})
    runner = CliRunner()
    assert "Example: warrantbook second-waiver" in runner.invoke(root, ["second-waiver", "--help"]).output
    assert "--because" in runner.invoke(root, ["second-waiver", "--help"]).output
    db = copy(ledger, tmp_path / "cli")
    out = runner.invoke(root, ["second-waiver", "--option", "ATG-2", "--because", "x", "--on", DAY, "--db", f"sqlite:///{db}", "--json"])
    assert out.exit_code == 0, out.output
    recorded = json.loads(out.stdout)["recorded"][0]
    assert recorded["kind"] == "waiver-notice" and recorded["id"].startswith("second-waiver-") and recorded["actor"] == "holder:northbridge"
