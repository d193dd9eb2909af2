"""The pages and their forms: sessions with CSRF on every form, a form for every command of each lane, and
each lane kept to its own pages. Rendered and posted through the app itself (the browser suite drives a
real Chromium)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.web.confirming import confirm_token, post_confirmed
from tests.web.conftest import ROLES, USERS, Env, appoint_agent, login, password

from warrantbook.web import forms, roles
from warrantbook.web.auth import Principal


def client_of(env: Env) -> TestClient:
    return TestClient(env.app)


def test_login_needs_the_form_token_and_the_right_password(env: Env) -> None:
    c = client_of(env)
    assert c.get("/", follow_redirects=False).status_code == 303  # to the sign-in page
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    forged = c.post("/login", data={"username": "atg", "password": password("atg"), "csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    wrong = c.post("/login", data={"username": "atg", "password": "nope-nope", "csrf_token": token}, follow_redirects=False)
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    ok = c.post("/login", data={"username": "atg", "password": password("atg"), "csrf_token": token, "next": "//evil.example"},
                follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # no open redirect
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_passwords_are_argon2_and_tokens_only_digests(env: Env) -> None:
    engine = env.app.state.book.source.engine
    with engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(sa.text("SELECT password_hash FROM web_users"))]
        digests = [r[0] for r in conn.execute(sa.text("SELECT digest FROM web_tokens"))]
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    assert all(password(n) not in h for n in USERS for h in hashes)
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)
    assert not any(t in d for t in env.tokens.values() for d in digests)


def test_a_token_is_checked_by_digest_lookup_never_by_a_password_hash(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    store = env.app.state.users

    class NoHashing:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"a password hash ({name}) ran for an API request")

    monkeypatch.setattr(store, "hasher", NoHashing())
    store.forget()
    assert env.get("/api/options", "atg").status_code == 200
    assert store.revoke_token(env.tokens["atg"])
    assert env.get("/api/options", "atg").status_code == 401


def test_session_api_calls_need_the_csrf_header_bearer_calls_do_not(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "gssf")
    body = {"shares": "1000000", "method": "cashless", "on": "2006-12-29"}
    assert c.get("/api/options").status_code == 200  # reading with a session needs no token
    assert c.post("/api/options/ATG-3/exercise-notices", json=body).status_code == 403
    assert c.post("/api/options/ATG-3/exercise-notices", json=body, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert c.post("/api/options/ATG-3/exercise-notices", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    assert env.post("/api/options/ATG-3/waiver-notices", "gssf", {"on": "2006-12-29"}).status_code == 422  # bearer: no CSRF (and §10 refuses a second waiver)


PAGES: list[tuple[str, dict[str, int]]] = [
    ("/", dict.fromkeys(ROLES, 200)),
    ("/?as_of=2006-03-16", dict.fromkeys(ROLES, 200)),
    ("/options/ATG-3", {"gssf": 200, "affiliate": 200, "atg": 200, "auditor": 200, "northbridge": 404, "agent": 404}),
    ("/options/ATG-2", {"gssf": 404, "affiliate": 404, "atg": 200, "auditor": 200, "northbridge": 200, "agent": 404}),
    ("/options/ATG-3/calculator?shares=10000000&method=cashless&on=2006-10-02",
     {"gssf": 200, "affiliate": 200, "atg": 200, "auditor": 200, "northbridge": 404, "agent": 404}),
    ("/companies/atg", {"gssf": 200, "affiliate": 200, "atg": 200, "auditor": 200, "northbridge": 200, "agent": 404}),
    ("/holders/gssf", {"gssf": 200, "affiliate": 200, "atg": 200, "auditor": 200, "northbridge": 404, "agent": 404}),
    ("/holders/northbridge", {"gssf": 404, "affiliate": 404, "atg": 200, "auditor": 200, "northbridge": 200, "agent": 404}),
]


@pytest.mark.parametrize("path,expected", PAGES, ids=[p[0] for p in PAGES])
def test_pages_per_role(env: Env, path: str, expected: dict[str, int]) -> None:
    for who in ROLES:
        c = client_of(env)
        login(c, who)
        r = c.get(path)
        assert r.status_code == expected[who], f"{who} {path}: {r.status_code}"
        assert "<html" in r.text
        if who == "northbridge" and r.status_code == 200:
            assert 'href="/options/ATG-3' not in r.text  # northbridge is never led to gssf's option


def test_the_calculator_gives_the_engines_figures(env: Env) -> None:
    c = client_of(env)
    login(c, "gssf")
    r = c.get("/options/ATG-3/calculator/result?shares=10000000&method=cashless&on=2006-10-02", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text  # a fragment for htmx
    assert "9,998,708" in r.text and "$0.0387" in r.text and "2006-10-05" in r.text and "§2.2(b)" in r.text
    r = c.get("/options/ATG-3/calculator/result?shares=10000000&method=cash&on=2005-01-01")
    assert "has been issued by then" in r.text and "§1.1" in r.text
    r = c.get("/options/ATG-3/calculator/result?shares=ten&method=cash&on=2006-10-02")
    assert "not an exact number" in r.text


def test_holder_files_a_notice_from_the_calculator_and_downloads_it(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "gssf")
    page = c.get("/options/ATG-3/calculator?shares=10000000&method=cashless&on=2006-12-29")
    assert 'action="/options/ATG-3/exercise-notice"' in page.text
    data = {"csrf_token": csrf, "shares": "10000000", "method": "cashless", "on": "2006-12-29", "channel": "fax",
            "deliver_to": "GSSF Master Fund, L.P."}
    assert c.post("/options/ATG-3/exercise-notice", data={**data, "csrf_token": "x"}).status_code == 403
    r = post_confirmed(c, "/options/ATG-3/exercise-notice", data)  # a notice is irrevocable: confirmed first
    assert r.status_code == 303
    filed = re.search(r"filed=([^&]+)", r.headers["location"]).group(1)  # type: ignore[union-attr]
    page = c.get(r.headers["location"])
    assert "waits for the company" in page.text and filed in page.text
    pdf = c.post("/options/ATG-3/documents", data={"csrf_token": csrf, "kind": "exercise-notice", "event": filed})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    company = client_of(env)
    login(company, "atg")
    assert "awaits surrender of the option" in company.get("/options/ATG-3").text
    # the company (not the holder) is offered the calculator without the filing form
    assert "File exercise notice" not in company.get("/options/ATG-3/calculator?shares=1000000&method=cashless").text


def _forms_for(scope: str) -> list[forms.Form]:
    return forms.forms_in(scope)


SCOPES = {"option": "/options/ATG-3", "company": "/companies/atg", "holder": "/holders/gssf"}
SEES = {"option": {"gssf", "affiliate", "atg", "auditor"}, "company": {"gssf", "affiliate", "atg", "auditor", "northbridge"},
        "holder": {"gssf", "affiliate", "atg", "auditor"}}


def test_every_form_opens_for_its_lane_and_is_denied_to_the_others(env: Env) -> None:
    clients = {}
    for who in ROLES:
        clients[who] = client_of(env)
        login(clients[who], who)
    checked = 0
    for scope, base in SCOPES.items():
        for form in _forms_for(scope):
            for who in ROLES:
                role, party = USERS[who]
                may = form.kind in roles.commands_for(Principal(who, role, party))
                r = clients[who].get(f"{base}/act/{form.kind}")
                if who not in SEES[scope] and scope != "company":
                    assert r.status_code == 404, (who, scope, form.kind, r.status_code)
                elif not may:
                    assert r.status_code in (403, 404), (who, scope, form.kind, r.status_code)
                else:
                    assert r.status_code in (200, 404), (who, scope, form.kind, r.status_code)
                    if r.status_code == 200:
                        assert 'name="csrf_token"' in r.text and form.title in html.unescape(r.text)
                checked += 1
    assert checked == 6 * len([f for s in SCOPES for f in _forms_for(s)])


FORM_POSTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("gssf", "/options/ATG-3/act/exercise-notice", "exercise-notice", {"shares": "1000000", "method": "cash", "channel": "fax"}),
    ("gssf", "/options/ATG-3/act/transfer-request", "transfer-request", {"pieces": "northbridge=10%", "endorsement_signed": "1"}),
    ("gssf", "/options/ATG-3/act/replacement-request", "replacement-request", {"cause": "lost", "evidence": "affidavit", "indemnity": "5000"}),
    ("gssf", "/options/ATG-3/act/default-notice", "default-notice", {"default": "payment default"}),
    ("gssf", "/options/ATG-3/act/trustee", "trustee", {"name": "Example Trust Co.", "principal_office": "1 Wall Street\nNew York, NY 10005",
                                                       "bank_or_trust_company": "1"}),
    ("gssf", "/options/ATG-3/act/acknowledgment-request", "acknowledgment-request", {}),
    ("gssf", "/options/ATG-3/act/amendment", "amendment", {"delivery_days": "5", "signed_by": ["holder:gssf", "company:atg"]}),
    ("gssf", "/options/ATG-3/act/correction", "correction", {"corrects": "waiver-1", "reason": "dated wrongly"}),
    ("gssf", "/holders/gssf/act/address", "address", {"address": "500 Park Avenue\nNew York, NY 10022"}),
    ("gssf", "/holders/gssf/act/ownership", "ownership", {"company": "atg", "shares": "11000000"}),
    ("gssf", "/holders/gssf/act/holder", "holder", {"name": "GSSF Master Fund, L.P.", "address": "1 Fund Street\nNew York, NY 10022"}),
    ("northbridge", "/options/ATG-2/act/waiver-notice", "waiver-notice", {}),
    ("atg", "/options/ATG-3/act/notice", "notice", {"subject": "a notice", "addressee": "gssf",
                                                    "address": "c/o Illustrative Fund Services\nNew York, NY 10022", "mail_class": "certified",
                                                    "recipient_role": "holder"}),
    ("atg", "/companies/atg/act/issue", "issue", {"option_no": "ATG-7", "holder": "northbridge", "shares": "1000000", "exercise_price": "0.01",
                                                  "cap": "4.99%", "delivery_days": "3"}),
    ("atg", "/companies/atg/act/stock-event", "stock-event", {"event": "combination", "outstanding_before": "2449989919",
                                                              "outstanding_after": "244998992"}),
    ("atg", "/companies/atg/act/outstanding", "outstanding", {"shares": "2500000000", "source": "transfer agent"}),
    ("atg", "/companies/atg/act/authorized", "authorized", {"shares": "5000000000"}),
    ("atg", "/companies/atg/act/listing", "listing", {"venue": "nasdaq"}),
    ("atg", "/companies/atg/act/quote", "quote", {"venue": "nasdaq", "close": "0.05"}),
    ("atg", "/companies/atg/act/ownership", "ownership", {"holder": "northbridge", "shares": "0"}),
    ("atg", "/companies/atg/act/fmv-agreement", "fmv-agreement", {"value": "0.04", "agreed_by": "holder:gssf, company:atg"}),
    ("atg", "/companies/atg/act/fmv-award", "fmv-award", {"value": "0.04", "arbitrator": "J. Doe", "case": "13-1"}),
    ("atg", "/companies/atg/act/liquidation", "liquidation", {"amount": "1000000"}),
    ("atg", "/companies/atg/act/reorganization", "reorganization", {"transaction": "merger", "successor": "NewCo, Inc.", "cash": "0.05"}),
    ("atg", "/companies/atg/act/dissolution", "dissolution", {}),
    ("atg", "/companies/atg/act/agent", "agent", {"name": "Illustrative Transfer Co.", "office": "10 Main St\nDenver, CO",
                                                  "functions": ["exercise", "replacement"]}),
    ("atg", "/companies/atg/act/holder", "holder", {"holder_id": "newfund", "name": "New Fund LP"}),
    ("atg", "/companies/atg/act/company", "company", {"name": "American Technologies Group, Inc.", "state": "Nevada", "par_value": "0.001"}),
]


@pytest.mark.parametrize("who,path,kind,values", FORM_POSTS, ids=[f"{p[0]}-{p[2]}" for p in FORM_POSTS])
def test_each_form_records_its_command(env: Env, who: str, path: str, kind: str, values: dict[str, Any]) -> None:
    c = client_of(env)
    csrf = login(c, who)
    if kind == "dissolution":  # §3.2: a dissolution follows the transfer of the assets
        r = post_confirmed(c, "/companies/atg/act/reorganization", {"transaction": "asset-transfer", "successor": "NewCo, Inc.", "cash": "0.05",
                                                                    "on": "2006-12-28", "csrf_token": csrf})
        assert r.status_code == 303, r.text[:3000]
    before = env.count()
    assert c.post(path, data={**values, "on": "2006-12-29"}).status_code == 403  # no CSRF token
    r = post_confirmed(c, path, {**values, "on": "2006-12-29", "csrf_token": csrf})
    assert r.status_code == 303, r.text[:3000]
    assert "done=" in r.headers["location"]
    new = env.app.state.book.events()[before:]
    assert new and new[0].kind == kind and new[0].actor.split(":")[0] == USERS[who][0]


def test_every_form_post_is_denied_outside_its_lane(env: Env) -> None:
    """Each form above, posted (with a valid CSRF token) by every user whose lane it is not: denied, nothing written."""
    clients = {}
    for who in ROLES:
        clients[who] = client_of(env)
        clients[who].headers["X-CSRF-Token"] = login(clients[who], who)
    before = env.count()
    denied = 0
    for owner, path, kind, values in FORM_POSTS:
        for who in ROLES:
            role, party = USERS[who]
            if who == owner or (kind in roles.commands_for(Principal(who, role, party)) and who in _SAME_LANE.get((owner, kind), ())):
                continue
            r = clients[who].post(path, data={**values, "on": "2006-12-29"}, follow_redirects=False)
            assert r.status_code in (403, 404), (who, path, r.status_code, r.text[:500])
            denied += 1
    assert env.count() == before
    assert denied >= len(FORM_POSTS) * 4


# another user who may give the same command on the same page (the company also records ownership and amendments)
# (a holder certifies only its own holdings, and corrects its own acts: core.events.GIVEN_BY and interpretations 56, 63)
_SAME_LANE = {("gssf", "amendment"): ("atg",), ("gssf", "ownership"): ("atg",),
              ("atg", "fmv-agreement"): ("gssf", "northbridge"), ("atg", "fmv-award"): ("gssf", "northbridge"),
              ("atg", "ownership"): ("northbridge",)}  # its own ownership


def test_company_steps_after_a_notice_and_the_agent_after_appointment(env: Env) -> None:
    holder = client_of(env)
    hcsrf = login(holder, "gssf")
    post_confirmed(holder, "/options/ATG-3/act/exercise-notice", {"shares": "1000000", "method": "cash", "csrf_token": hcsrf, "on": "2006-12-29",
                                                                   "channel": "original"})
    company = client_of(env)
    csrf = login(company, "atg")
    form = company.get("/options/ATG-3/act/surrender").text
    nid = re.search(r'<option value="(notice-[^"]+)" selected', form).group(1)  # type: ignore[union-attr]
    assert company.post("/options/ATG-3/act/surrender", data={"notice": nid, "place": "company", "csrf_token": csrf, "on": "2006-12-29"},
                        follow_redirects=False).status_code == 303
    bad = company.post("/options/ATG-3/act/payment", data={"notice": nid, "cash": "-1", "instrument": "wire", "csrf_token": csrf,
                                                           "on": "2006-12-29"})
    assert bad.status_code == 400 and 'id="form-error"' in bad.text and "aria-invalid" in bad.text
    r = company.post("/options/ATG-3/act/payment", data={"notice": nid, "cash": "5", "instrument": "wire", "csrf_token": csrf, "on": "2006-12-29"},
                     follow_redirects=False)
    assert r.status_code == 303
    assert env.app.state.book.events()[-1].kind == "exercise"
    agent = client_of(env)
    acsrf = login(agent, "agent")
    assert "No company has appointed" in agent.get("/").text
    appoint_agent(env, ("exercise",))
    page = agent.get("/options/ATG-3")
    assert page.status_code == 200 and "/act/delivery" in page.text and "/act/transfer-registration" in page.text
    delivered = post_confirmed(agent, "/options/ATG-3/act/delivery", {"notice": nid, "book_entry": "1", "csrf_token": acsrf, "on": "2006-12-29"})
    assert delivered.status_code == 303
    assert agent.get("/companies/atg/act/outstanding").status_code == 403


def test_htmx_requests_carry_the_token_as_a_header(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "northbridge")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf}"}}\'' in c.get("/").text
    headers = {"HX-Request": "true"}
    assert c.post("/options/ATG-2/act/waiver-notice", data={"on": "2006-12-29"}, headers=headers).status_code == 403
    r = c.post("/options/ATG-2/act/waiver-notice", data={"on": "2006-12-29"}, headers={**headers, "X-CSRF-Token": csrf},
               follow_redirects=False)
    assert r.status_code == 200 and confirm_token(r.text)  # a waiver is irrevocable: the confirmation first, nothing recorded
    r = c.post("/options/ATG-2/act/waiver-notice", data={"confirm_token": confirm_token(r.text)}, headers={**headers, "X-CSRF-Token": csrf},
               follow_redirects=False)
    assert r.status_code == 303


def test_auditor_reads_and_changes_nothing(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "auditor")
    before = env.count()
    page = c.get("/options/ATG-3")
    assert page.status_code == 200 and "/act/" not in page.text.replace("/act/correction", "")
    for path in ("/options/ATG-3/act/waiver-notice", "/companies/atg/act/outstanding"):
        assert c.get(path).status_code == 403
        assert c.post(path, data={"csrf_token": csrf, "shares": "1", "on": "2006-12-29"}).status_code == 403
    assert c.post("/options/ATG-3/exercise-notice", data={"csrf_token": csrf, "shares": "1", "method": "cash"}).status_code == 403
    draft = c.post("/options/ATG-3/documents", data={"csrf_token": csrf, "doc": "option-certificate|"})
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF")
    assert env.count() == before


def test_prices_upload_reports_each_bad_row(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "atg")
    bad = b"date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.04\n2007-01-02,otcbb,,0.05,0.06\n2007-01-03,nowhere,0.1,,\nx,otcbb,-1,,\n"
    r = c.post("/companies/atg/prices", data={"csrf_token": csrf}, files={"file": ("prices.csv", bad, "text/csv")})
    assert r.status_code == 400 and 'id="price-errors"' in r.text
    rows = re.findall(r'<tr><td class="num">(\d+)</td>', r.text)
    assert rows == ["2", "3", "4", "5", "5"]
    good = b"date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.052\n"
    r = c.post("/companies/atg/prices", data={"csrf_token": csrf}, files={"file": ("prices.csv", good, "text/csv")})
    assert r.status_code == 200 and "Imported 1 day" in r.text
    holder = client_of(env)
    hcsrf = login(holder, "gssf")
    assert holder.post("/companies/atg/prices", data={"csrf_token": hcsrf}, files={"file": ("p.csv", good, "text/csv")}).status_code == 403


def test_pages_are_self_contained(env: Env) -> None:
    c = client_of(env)
    login(c, "atg")
    html = c.get("/options/ATG-1").text
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert '<script src="/static/htmx.min.js"' in html
    js = c.get("/static/htmx.min.js")
    assert js.status_code == 200 and "Zero-Clause BSD" in js.text[:400]
    assert c.get("/static/app.css").status_code == 200
    assert "<svg" in html and 'class="tree"' in html and 'class="chart"' in html
    assert "Governing law" in html and "New York" in html  # the dispute terms (§14)
