"""Every API endpoint for every role: the allowed lane records or reads, every other combination is denied.

A denied command is a 401, 403 or 404 and writes nothing (the chain head does not move). A holder reaching
for another holder's option by number gets the same 404 as for an option that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.web.conftest import ROLES, TODAY, Env, appoint_agent

D = TODAY.isoformat()
GSSF_ADDRESS = {"lines": ["c/o Illustrative Fund Services", "New York, NY 10022"]}


def notice(env: Env, nid: str, method: str = "cashless", shares: str = "1000000") -> None:
    r = env.post("/api/options/ATG-3/exercise-notices", "gssf", {"id": nid, "shares": shares, "method": method, "on": D})
    assert r.status_code == 201, r.text


def surrendered(env: Env, nid: str) -> None:
    notice(env, nid)
    r = env.post("/api/options/ATG-3/surrenders", "atg", {"notice": nid, "on": D})
    assert r.status_code == 201, r.text
    assert [e["kind"] for e in r.json()["recorded"]] == ["surrender", "exercise"]


def transfer_requested(env: Env, on: str = D) -> None:
    r = env.post("/api/options/ATG-3/transfer-requests", "gssf", {
        "id": "t1", "on": on, "pieces": [{"holder": "northbridge", "percent": "10%"}], "endorsement_signed": True,
        "original_surrendered": True, "opinion_received": True, "transfer_taxes_paid": True})
    assert r.status_code == 201, r.text


def record(env: Env, who: str, path: str, body: dict[str, Any]) -> None:
    r = env.post(path, who, {**body, "on": body.get("on", D)})
    assert r.status_code == 201, r.text


def amended_terms(env: Env) -> dict[str, Any]:
    terms = env.get("/api/options/ATG-3/terms", "atg").json()
    return {"terms": {**terms, "delivery_days": 5}, "binds": ["holder:gssf", "company:atg"], "signed_by": ["holder:gssf", "company:atg"]}


Setup = Callable[[Env], None]
Body = dict[str, Any] | Callable[[Env], dict[str, Any]]

# (name, path, body, roles that may give it, setup)
COMMANDS: list[tuple[str, str, Body, set[str], Setup | None]] = [
    ("exercise notice", "/api/options/ATG-3/exercise-notices", {"shares": "1000000", "method": "cashless"}, {"gssf"}, None),
    ("surrender", "/api/options/ATG-3/surrenders", {"notice": "n1"}, {"atg"}, lambda e: notice(e, "n1")),
    ("payment", "/api/options/ATG-3/payments", {"notice": "n2", "cash": "5"}, {"atg"}, lambda e: notice(e, "n2", "cash")),
    ("delivery", "/api/options/ATG-3/deliveries", {"notice": "n3", "certificates": ["C-2001"]}, {"atg"}, lambda e: surrendered(e, "n3")),
    ("transfer request", "/api/options/ATG-3/transfer-requests", {"pieces": [{"holder": "northbridge", "percent": "10%"}]}, {"gssf"}, None),
    ("transfer registration", "/api/options/ATG-3/transfer-registrations", {"request": "t1", "new_options": ["ATG-4", "ATG-5"]}, {"atg"},
     transfer_requested),
    ("replacement request", "/api/options/ATG-3/replacement-requests", {"cause": "lost", "evidence": "affidavit of loss", "indemnity": "10000"},
     {"gssf"}, None),
    ("replacement", "/api/options/ATG-3/replacements", {"request": "r1", "new_option": "ATG-3R"}, {"atg"},
     lambda e: record(e, "gssf", "/api/options/ATG-3/replacement-requests", {"id": "r1", "cause": "lost", "evidence": "affidavit", "indemnity": "1"})),
    ("waiver notice", "/api/options/ATG-2/waiver-notices", {}, {"northbridge"}, None),
    ("default notice", "/api/options/ATG-3/default-notices", {"default": "payment default"}, {"gssf"}, None),
    ("default cure", "/api/options/ATG-3/default-cures", {"signed_by": ["holder:gssf"]}, {"atg", "gssf"},
     lambda e: record(e, "gssf", "/api/options/ATG-3/default-notices", {"default": "payment default"})),
    ("trustee", "/api/options/ATG-3/trustees", {"name": "Example Trust Company", "bank_or_trust_company": True,
                                                "principal_office": {"lines": ["1 Wall Street", "New York, NY 10005"]}}, {"gssf"}, None),
    ("notice", "/api/options/ATG-3/notices", {"subject": "a notice", "addressee": "gssf", "address": GSSF_ADDRESS, "tracking": "7005 0002"},
     {"atg"}, None),
    ("amendment", "/api/options/ATG-3/amendments", amended_terms, {"atg", "gssf"}, None),
    ("acknowledgment request", "/api/options/ATG-3/acknowledgment-requests", {}, {"gssf"}, None),
    ("acknowledgment", "/api/options/ATG-3/acknowledgments", {"request": "a1"}, {"atg"},
     lambda e: record(e, "gssf", "/api/options/ATG-3/acknowledgment-requests", {"id": "a1"})),
    ("stock event", "/api/companies/atg/stock-events", {"event": "subdivision", "outstanding_before": "2449989919",
                                                        "outstanding_after": "4899979838"}, {"atg"}, None),
    ("outstanding", "/api/companies/atg/outstanding", {"shares": "2500000000"}, {"atg"}, None),
    ("authorized", "/api/companies/atg/authorized", {"shares": "5000000000"}, {"atg"}, None),
    ("listing", "/api/companies/atg/listings", {"venue": "nasdaq"}, {"atg"}, None),
    ("quote", "/api/companies/atg/quotes", {"venue": "nasdaq", "close": "0.05"}, {"atg"}, None),
    ("fmv agreement", "/api/companies/atg/fmv-agreements", {"value": "0.04", "agreed_by": ["holder:gssf", "company:atg"]},
     {"atg", "gssf", "northbridge"}, None),
    ("fmv award", "/api/companies/atg/fmv-awards", {"value": "0.04", "arbitrator": "J. Doe", "case": "AAA 01-06-0001"}, {"atg", "gssf", "northbridge"}, None),
    ("liquidation", "/api/companies/atg/liquidations", {"amount": "1000000"}, {"atg"}, None),
    ("reorganization", "/api/companies/atg/reorganizations", {"transaction": "merger", "successor": "NewCo, Inc.",
                                                              "basket": [{"item": "cash", "quantity": "0.05"}]}, {"atg"}, None),
    ("dissolution", "/api/companies/atg/dissolutions", {}, {"atg"},  # §3.2: it follows the transfer of the assets
     lambda e: record(e, "atg", "/api/companies/atg/reorganizations", {"transaction": "asset-transfer", "successor": "NewCo, Inc.",
                                                                         "basket": [{"item": "cash", "quantity": "0.05"}]})),
    ("agent appointment", "/api/companies/atg/agents", {"name": "Illustrative Transfer Co.", "office": {"lines": ["10 Main St", "Denver, CO"]},
                                                        "functions": ["exercise"]}, {"atg"}, None),
    ("address", "/api/holders/gssf/addresses", {"address": {"lines": ["500 Park Avenue", "New York, NY 10022"]}}, {"gssf"}, None),
    ("ownership", "/api/holders/gssf/ownership", {"company": "atg", "shares": "10000000"}, {"gssf", "atg"}, None),
    ("issue", "/api/options", {"option_no": "ATG-9", "holder": "northbridge", "terms": {
        "company": "atg", "issue_date": D, "tranches": [{"shares": "1000000", "exercise_price": "0.01"}]}}, {"atg"}, None),
    ("company registration", "/api/companies", {"company": {"id": "atg", "name": "American Technologies Group, Inc.", "state": "Nevada"}},
     {"atg"}, None),
    ("holder registration", "/api/holders", {"holder": {"id": "newfund", "name": "New Fund LP"}}, {"atg"}, None),
    ("correction", "/api/corrections", {"corrects": "waiver-1", "reason": "received a day later"}, {"gssf"}, None),
    ("any event", "/api/events", {"type": "default-notice", "option_no": "ATG-3"}, {"gssf"}, None),
]


@pytest.mark.parametrize("name,path,body,allowed,setup", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_in_its_lane_only(env: Env, name: str, path: str, body: Body, allowed: set[str], setup: Setup | None) -> None:
    if setup:
        setup(env)
    data = body(env) if callable(body) else body
    data = {**data, "on": data.get("on", D)}
    before = env.count()
    r = env.client.post(path, json=data)
    assert r.status_code == 401 and r.json()["error"], r.text
    for who in ROLES:
        if who in allowed:
            continue
        r = env.post(path, who, data)
        assert r.status_code in (403, 404), f"{who} {name}: {r.status_code} {r.text}"
        assert set(r.json()) >= {"error", "field", "clause"}
        assert env.count() == before, f"{who} {name} wrote something"
    who = sorted(allowed)[0]
    r = env.post(path, who, data)
    assert r.status_code == 201, f"{who} {name}: {r.text}"
    recorded = r.json()["recorded"]
    assert recorded[0]["actor"] == f"{ {'atg': 'company:atg', 'gssf': 'holder:gssf', 'northbridge': 'holder:northbridge', 'affiliate': 'holder:gssf-aff'}[who]}"
    assert env.count() == before + len(recorded)


def test_other_allowed_roles_record_too(env: Env) -> None:
    """Where two lanes may give a command, each may: the company and the holder sign an amendment (§14)."""
    r = env.post("/api/options/ATG-3/amendments", "gssf", {**amended_terms(env), "on": D})
    assert r.status_code == 201, r.text
    r = env.post("/api/holders/gssf/ownership", "atg", {"company": "atg", "shares": "12000000", "on": D})
    assert r.status_code == 201, r.text
    r = env.post("/api/companies/atg/fmv-agreements", "northbridge", {"value": "0.04", "on": D,
                                                                      "agreed_by": ["holder:northbridge", "company:atg"]})
    assert r.status_code == 201, r.text


# ---------------------------------------------------------------- views

SEES_ATG3 = {"gssf": 200, "affiliate": 200, "atg": 200, "auditor": 200, "northbridge": 404, "agent": 404}
SEES_ATG2 = {"gssf": 404, "affiliate": 404, "atg": 200, "auditor": 200, "northbridge": 200, "agent": 404}
ALL = dict.fromkeys(ROLES, 200)
VIEWS: list[tuple[str, dict[str, int]]] = [
    ("/api/me", ALL),
    ("/api/options", ALL),
    ("/api/options?active=true&as_of=2006-06-30", ALL),
    ("/api/options/ATG-3", SEES_ATG3),
    ("/api/options/ATG-2", SEES_ATG2),
    ("/api/options/NO-SUCH", dict.fromkeys(ROLES, 404)),
    ("/api/options/ATG-3/terms", SEES_ATG3),
    ("/api/options/ATG-3/history", SEES_ATG3),
    ("/api/options/ATG-3/history?facts=true", SEES_ATG3),
    ("/api/options/ATG-2/history", SEES_ATG2),
    ("/api/options/ATG-3/quote?shares=10000000&method=cashless&on=2006-10-02", SEES_ATG3),
    ("/api/options/ATG-2/quote?shares=1000000&method=cash&owned=0", SEES_ATG2),
    ("/api/options/ATG-3/chart", SEES_ATG3),
    ("/api/history", ALL),
    ("/api/due?as_of=2006-03-16", ALL),
    ("/api/reserve", {"gssf": 403, "affiliate": 403, "northbridge": 403, "atg": 200, "agent": 200, "auditor": 200}),
    ("/api/reserve?company=atg", {"gssf": 403, "affiliate": 403, "northbridge": 403, "atg": 200, "agent": 404, "auditor": 200}),
    ("/api/audit/head", ALL),
    ("/api/audit/verify", ALL),  # the one chain is checked by anyone relying on it (docs/interpretations.md, "audit")
    ("/api/audit/pack", {"gssf": 403, "affiliate": 403, "northbridge": 403, "atg": 403, "agent": 403, "auditor": 200}),
    ("/api/documents", ALL),
    ("/api/book", {"gssf": 403, "affiliate": 403, "northbridge": 403, "atg": 403, "agent": 403, "auditor": 200}),
    ("/api/documents?option=ATG-3", SEES_ATG3),
]


@pytest.mark.parametrize("path,expected", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_per_role(env: Env, path: str, expected: dict[str, int]) -> None:
    assert env.client.get(path).status_code == 401
    assert env.client.get(path, headers={"Authorization": "Bearer wbt_not-a-token"}).status_code == 401
    for who in ROLES:
        r = env.get(path, who)
        assert r.status_code == expected[who], f"{who} {path}: {r.status_code} {r.text[:300]}"
        if r.status_code != 200:
            assert set(r.json()) >= {"error", "field", "clause"}


def test_lists_hold_only_what_each_lane_may_see(env: Env) -> None:
    seen = {who: [o["option"] for o in env.get("/api/options", who).json()["options"]] for who in ROLES}
    assert seen == {"gssf": ["ATG-1", "ATG-3"], "affiliate": ["ATG-1", "ATG-3"], "northbridge": ["ATG-2"], "atg": ["ATG-1", "ATG-2", "ATG-3"],
                    "agent": [], "auditor": ["ATG-1", "ATG-2", "ATG-3"]}
    history = env.get("/api/history", "northbridge").json()["events"]
    ids = {e["id"] for e in history}
    assert "waiver-1" not in ids and "own-2005" not in ids and "notice-1" not in ids  # gssf's own business
    assert "transfer-1-registered" in ids and "northbridge" in ids  # the transfer that made its option, its own registration
    lineage = env.get("/api/options/ATG-2/history", "northbridge").json()["lineage"]
    assert [x["option"] for x in lineage] == ["ATG-2"]  # the parent ATG-1 is gssf's
    assert [x["option"] for x in env.get("/api/options/ATG-3/history", "gssf").json()["lineage"]] == ["ATG-1", "ATG-3"]
    assert [x["option"] for x in env.get("/api/options/ATG-1/history", "atg").json()["lineage"]] == ["ATG-1", "ATG-2", "ATG-3"]
    docs = env.post("/api/documents", "gssf", {"kind": "exercise-notice", "event": "notice-1"})
    assert docs.status_code == 200
    assert [d["option"] for d in env.get("/api/documents", "northbridge").json()["documents"]] == []
    assert [d["option"] for d in env.get("/api/documents", "gssf").json()["documents"]] == ["ATG-1"]


def test_book_export_reads_back(env: Env) -> None:
    from warrantbook.book.io import loads

    text = env.get("/api/book", "auditor").text
    assert len(loads(text).user_events) == len([e for e in env.app.state.book.events() if not e.derived])


def test_quote_matches_the_cli_shape_and_figures(env: Env) -> None:
    r = env.get("/api/options/ATG-3/quote?shares=10000000&method=cashless&on=2006-10-02", "gssf")
    q = r.json()
    # X = Y(A - B)/A with Y = 10,000,000, A = 0.0387 (mean of the 2006-09-29 bid and ask), B = 0.000005 after the 2-for-1 split
    assert q["fair_market_value"] == "0.0387" and q["exercise_price"] == "0.000005"
    assert q["shares_issued"] == "9998708" and q["shares_issued_exact"] == "3869500000/387"
    assert q["fmv_clause"] == "§1.2(b)" and q["delivery_due"] == "2006-10-05"
    assert q["explanation"] and all({"clause", "label", "formula"} <= set(s) for s in q["explanation"])
    from typer.testing import CliRunner

    from warrantbook.cli.main import app

    cli = CliRunner().invoke(app, ["quote", "--db", env.url, "--option", "ATG-3", "--shares", "10000000", "--method", "cashless",
                                   "--on", "2006-10-02", "--json"])
    assert cli.exit_code == 0, cli.output
    import json

    assert json.loads(cli.output) == q  # one engine, one shape: the CLI and the API agree to the last digit


def test_exact_numbers_are_strings_and_floats_refused(env: Env) -> None:
    show = env.get("/api/options/ATG-3", "gssf").json()
    assert show["remaining_shares"] == "184400000" and show["tranches"][0]["exercise_price"] == "0.000005"
    r = env.client.post("/api/options/ATG-3/exercise-notices", headers={**env.auth("gssf"), "Content-Type": "application/json"},
                        content=b'{"shares": 1000000.5, "method": "cash", "on": "2006-12-29"}')
    assert r.status_code == 400 and r.json()["field"] == "body"


def test_errors_name_field_and_clause(env: Env) -> None:
    r = env.post("/api/options/ATG-3/exercise-notices", "gssf", {"shares": "1000000", "method": "cash", "on": "2005-01-01"})
    assert r.status_code == 422 and r.json()["clause"] == "§1.1" and r.json()["field"] == "on"
    r = env.post("/api/options/ATG-3/exercise-notices", "gssf", {"shares": "lots", "method": "cash", "on": D})
    assert r.status_code == 400 and r.json()["field"] == "event.shares"
    r = env.get("/api/options/ATG-3/quote?shares=abc", "gssf")
    assert r.status_code == 400 and r.json()["field"] == "shares"
    r = env.get("/api/options/ATG-3?as_of=yesterday", "gssf")
    assert r.status_code == 400 and r.json()["field"] == "as_of"
    r = env.post("/api/options/ATG-3/exercise-notices", "affiliate", {"shares": "1000000", "method": "cash", "on": D})
    assert r.status_code == 403 and r.json()["clause"] == "§12"  # an affiliate sees the option but is not its registered holder
    r = env.post("/api/options/ATG-3/exercise-notices", "gssf", {"shares": "1000000", "method": "cash", "on": D, "actor": "holder:northbridge"})
    assert r.status_code == 403 and r.json()["field"] == "actor"
    r = env.post("/api/events", "atg", {"type": "exercise", "option_no": "ATG-3"})
    assert r.status_code == 403
    r = env.post("/api/holders", "atg", {"holder": {"id": "gssf", "name": "GSSF", "address": {"lines": ["somewhere else"]}}, "on": D})
    assert r.status_code == 403 and r.json()["clause"] == "§13"  # the company cannot move where the holder's notices go


def test_idempotency_and_conflicts(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"shares": "1000000", "method": "cashless", "on": D}
    first = env.post("/api/options/ATG-3/exercise-notices", "gssf", body, key="req-1")
    assert first.status_code == 201
    again = env.post("/api/options/ATG-3/exercise-notices", "gssf", body, key="req-1")
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["recorded"] == first.json()["recorded"]
    other = env.post("/api/options/ATG-3/exercise-notices", "gssf", {**body, "shares": "2000000"}, key="req-1")
    assert other.status_code == 409 and other.json()["field"] == "idempotency_key"
    same_id = env.post("/api/options/ATG-3/exercise-notices", "gssf", {**body, "id": first.json()["recorded"][0]["id"]})
    assert same_id.status_code == 409

    from warrantbook.core.errors import Conflict

    def lost(*_a: Any, **_k: Any) -> Any:
        raise Conflict("a concurrent change won: another writer held the database. Nothing was written; it is safe to retry.", field="db")

    monkeypatch.setattr(env.app.state.book.source, "record", lost)
    r = env.post("/api/options/ATG-3/waiver-notices", "gssf", {"on": D})
    assert r.status_code == 409 and "retry" in r.json()["error"]


def test_agent_only_after_appointment_and_only_its_functions(env: Env) -> None:
    notice(env, "n-agent")
    assert env.post("/api/options/ATG-3/surrenders", "agent", {"notice": "n-agent", "on": D}).status_code == 404
    assert env.get("/api/options/ATG-3", "agent").status_code == 404
    appoint_agent(env, ("exercise",))
    assert env.get("/api/options/ATG-3", "agent").status_code == 200
    assert [o["option"] for o in env.get("/api/options", "agent").json()["options"]] == ["ATG-1", "ATG-2", "ATG-3"]
    r = env.post("/api/options/ATG-3/surrenders", "agent", {"notice": "n-agent", "on": D})
    assert r.status_code == 201 and r.json()["recorded"][0]["actor"] == "agent:Illustrative Transfer Co."
    r = env.post("/api/options/ATG-3/deliveries", "agent", {"notice": "n-agent", "book_entry": True, "on": D})
    assert r.status_code == 201
    later = "2007-01-02"  # the next banking day: no transfer the day an exercise is effected (§2.1, §7)
    transfer_requested(env, later)
    r = env.post("/api/options/ATG-3/transfer-registrations", "agent", {"request": "t1", "new_options": ["ATG-4", "ATG-5"], "on": later})
    assert r.status_code == 403 and r.json()["clause"] == "§11"  # exchange is not in this appointment
    for path, body in (("/api/companies/atg/stock-events", {"event": "subdivision", "outstanding_before": "2", "outstanding_after": "4"}),
                       ("/api/companies/atg/outstanding", {"shares": "1"}), ("/api/options/ATG-3/waiver-notices", {}),
                       ("/api/companies/atg/agents", {"name": "x", "office": {"lines": ["y"]}, "functions": ["exchange"]})):
        r = env.post(path, "agent", {**body, "on": D})
        assert r.status_code == 403, (path, r.text)
    assert env.get("/api/audit/verify", "agent").status_code == 200  # appointed by the ledger's only company: it sees every event


def test_documents_download_verify_and_lanes(env: Env) -> None:
    r = env.post("/api/documents", "gssf", {"kind": "exercise-notice", "event": "notice-1"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.headers["x-recorded-as"].startswith("doc-")
    verdict = env.client.post("/api/documents/verify", headers={**env.auth("gssf"), "Content-Type": "application/octet-stream"}, content=r.content)
    assert verdict.json()["ours"] is True and verdict.json()["option"] == "ATG-1"
    hidden = env.client.post("/api/documents/verify", headers={**env.auth("northbridge"), "Content-Type": "application/octet-stream"},
                             content=r.content)
    assert hidden.json()["ours"] is False  # not a document northbridge may see
    assert env.post("/api/documents", "northbridge", {"kind": "exercise-notice", "event": "notice-1"}).status_code == 404
    assert env.post("/api/documents", "gssf", {"kind": "adjustment-certificate", "event": "split-2006", "option": "ATG-1"}).status_code == 403
    before = env.count()
    draft = env.post("/api/documents", "auditor", {"kind": "option-certificate", "option": "ATG-2"})
    assert draft.status_code == 200 and draft.headers["x-draft"] == "true" and env.count() == before
    html = env.post("/api/documents", "atg", {"kind": "option-certificate", "option": "ATG-2", "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert env.post("/api/documents", "atg", {"kind": "no-such"}).status_code == 400


def test_prices_csv_reports_every_bad_row(env: Env) -> None:
    bad = "date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.04\n2007-01-03,moon,,0.05,0.06\n2007-01-04,otcbb,,0,0.06\n"
    before = env.count()
    r = env.client.post("/api/companies/atg/prices", headers={**env.auth("atg"), "Content-Type": "text/csv"}, content=bad)
    assert r.status_code == 400
    problems = r.json()["problems"]
    assert [p["line"] for p in problems] == [2, 3, 4] and env.count() == before
    good = "date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.052\n2007-01-03,otcbb,,0.051,0.053\n"
    for who in ("gssf", "agent", "auditor"):
        denied = env.client.post("/api/companies/atg/prices", headers={**env.auth(who), "Content-Type": "text/csv"}, content=good)
        assert denied.status_code in (403, 404), who
    r = env.client.post("/api/companies/atg/prices", headers={**env.auth("atg"), "Content-Type": "text/csv"}, content=good)
    assert r.status_code == 201 and r.json()["imported"] == 2


def test_openapi_documents_every_route(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    paths = spec["paths"]
    assert len(paths) >= 45
    for path, ops in paths.items():
        for method, op in ops.items():
            assert {"400", "401", "403", "404", "409", "422"} <= set(op["responses"]), (method, path)
    post = paths["/api/options/{option_no}/exercise-notices"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert post["properties"]["shares"]["anyOf"][0]["type"] == "string"  # exact numbers travel as strings
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
