"""The web's confirmation step (without a browser: tests/web/test_confirm_browser.py has one) and the forms' prefill."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.confirming import confirm_token
from tests.web.conftest import Env, login

from warrantbook.web import commands, forms


def client_of(env: Env) -> TestClient:
    return TestClient(env.app)


def test_which_acts_ask_for_a_confirmation() -> None:
    asked = sorted(f.kind for scope in ("option", "company", "holder") for f in forms.forms_in(scope) if commands.irrevocable(f.kind))
    assert asked == ["amendment", "delivery", "dissolution", "dissolution-delivery", "exercise-notice", "reorganization", "replacement",
                     "transfer-registration", "transfer-request", "waiver-notice"]


def test_a_confirmation_is_bound_to_its_user_page_and_ledger(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "gssf")
    data = {"csrf_token": csrf, "shares": "1000000", "method": "cash", "channel": "fax", "on": "2006-12-29"}
    before = env.count()
    shown = c.post("/options/ATG-3/act/exercise-notice", data=data)
    token = confirm_token(shown.text)
    assert shown.status_code == 200 and token and env.count() == before
    assert "§2.2(a)" in shown.text and "cash due from the holder $5.00" in shown.text
    # another session of the same user cannot replay it
    other = client_of(env)
    ocsrf = login(other, "gssf")
    r = other.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": ocsrf, "confirm_token": token})
    assert r.status_code == 403 and "another user, session or page" in r.text
    # nor can it confirm another act
    r = c.post("/options/ATG-3/act/transfer-request", data={"csrf_token": csrf, "confirm_token": token})
    assert r.status_code == 403
    # a token made up by the user is refused
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token[:-3] + "abc"})
    assert r.status_code == 403 and "altered" in r.text
    assert env.count() == before
    # the ledger moved on: the confirmation is shown again, computed anew, not recorded
    c2 = client_of(env)
    login(c2, "atg")
    c2.headers["X-CSRF-Token"] = re.search(r'"X-CSRF-Token": "([^"]+)"', c2.get("/").text).group(1)  # type: ignore[union-attr]
    assert c2.post("/companies/atg/act/outstanding", data={"shares": "2500000000", "on": "2006-12-29"},
                   follow_redirects=False).status_code == 303
    moved = env.count()
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token})
    assert r.status_code == 200 and 'id="confirm-stale"' in r.text and env.count() == moved
    fresh = confirm_token(r.text)
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": fresh}, follow_redirects=False)
    assert r.status_code == 303 and env.count() == moved + 1
    again = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": fresh}, follow_redirects=False)
    assert env.count() == moved + 1 and again.status_code == 200  # a second click: shown again, never recorded twice


def test_a_refused_act_shows_on_the_form_before_any_confirmation(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "gssf")
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "shares": "999999999999", "method": "cash", "on": "2006-12-29"})
    assert r.status_code in (400, 422) and 'id="form-error"' in r.text and confirm_token(r.text) is None


def test_forms_prefill_what_the_ledger_knows(env: Env) -> None:
    c = client_of(env)
    login(c, "atg")
    page = c.get("/companies/atg/act/stock-event").text
    assert 'name="outstanding_before" value="2449989919"' in page  # §4: the ledger's count today
    assert 'name="shares" value="2449989919"' in c.get("/companies/atg/act/outstanding").text
    assert re.search(r'name="option_no" value="ATG-\d+"', c.get("/companies/atg/act/issue").text)
    holder = client_of(env)
    hcsrf = login(holder, "gssf")
    r = holder.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": hcsrf, "shares": "1000000", "method": "cash", "channel": "fax",
                                                                "on": "2006-12-29"})
    holder.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": hcsrf, "confirm_token": confirm_token(r.text)})
    payment = c.get("/options/ATG-3/act/payment").text
    assert re.search(r'<option value="notice-[^"]+" selected', payment)  # the open notice
    assert 'name="cash" value="5"' in payment  # what it leaves due (§2.2(a)): 1,000,000 x $0.000005


def test_the_prices_upload_reports_recorded_days_and_skips_identical_rows(env: Env) -> None:
    c = client_of(env)
    csrf = login(c, "atg")
    first = b"date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.052\n"
    assert c.post("/companies/atg/prices", data={"csrf_token": csrf}, files={"file": ("p.csv", first, "text/csv")}).status_code == 200
    again = b"date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.052\n2007-01-03,otcbb,,0.05,0.053\n"
    r = c.post("/companies/atg/prices", data={"csrf_token": csrf}, files={"file": ("p.csv", again, "text/csv")})
    assert r.status_code == 400 and 'id="price-differences"' in r.text and "same figures" in r.text
    before = env.count()
    r = c.post("/companies/atg/prices", data={"csrf_token": csrf, "skip_identical": "1"}, files={"file": ("p.csv", again, "text/csv")})
    assert r.status_code == 200 and "Imported 1 day" in r.text and "Skipped 1 row" in r.text and env.count() == before + 1
    differs = b"date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.06\n"
    r = c.post("/companies/atg/prices", data={"csrf_token": csrf, "skip_identical": "1"}, files={"file": ("p.csv", differs, "text/csv")})
    assert r.status_code == 400 and "differs" in r.text and "0.052" in r.text and "0.06" in r.text and env.count() == before + 1
    api = env.client.post("/api/companies/atg/prices?skip_identical=true", headers={**env.auth("atg"), "Content-Type": "text/csv"},
                          content=again)
    assert api.status_code == 200 and api.json()["imported"] == 0 and [s["line"] for s in api.json()["skipped"]] == [2, 3]


def test_a_declared_command_without_a_hand_written_form_gets_one(env: Env) -> None:
    """dissolution-delivery has only its declaration (app.commands): the page offers a form made from it, the act is
    confirmed like any irrevocable one, and the event is the one the command line records."""
    from tests.web.confirming import post_confirmed

    c = client_of(env)
    csrf = login(c, "atg")
    r = post_confirmed(c, "/companies/atg/act/reorganization", {"transaction": "asset-transfer", "successor": "NewCo, Inc.", "cash": "0.05",
                                                                "ends": "1", "on": "2006-12-28", "csrf_token": csrf})
    assert r.status_code == 303, r.text[:2000]
    page = c.get("/options/ATG-3/act/dissolution-delivery")
    assert page.status_code == 200 and 'name="price_received"' in page.text and 'name="to_trustee"' in page.text
    before = env.count()
    shown = c.post("/options/ATG-3/act/dissolution-delivery", data={"csrf_token": csrf, "price_received": "922", "description": "cash",
                                                                     "on": "2006-12-29"})
    assert shown.status_code == 200 and confirm_token(shown.text) and env.count() == before, shown.text[:2000]
    r = c.post("/options/ATG-3/act/dissolution-delivery", data={"csrf_token": csrf, "confirm_token": confirm_token(shown.text)},
               follow_redirects=False)
    assert r.status_code == 303
    [e] = env.app.state.book.events()[before:before + 1]
    assert e.kind == "dissolution-delivery" and e.price_received == 922 and e.actor == "company:atg"  # type: ignore[attr-defined]
