"""Hostile text in every field a user can set, rendered on every page as every role, is escaped everywhere.

A ledger gets names, notes, addresses, an option number, agreement terms, agent and notice fields, a
correction's reason, CSV cells and upload file names that carry markup (an <img onerror>, htmx attributes,
quotes that try to leave an attribute). Then every page of every role is rendered (and every echoed query
parameter is fed the same text), and the HTML is parsed: no element may carry an event-handler attribute,
an htmx attribute the templates did not write, or a tag the payload smuggled in. The payload's text must
show up escaped (so the test cannot pass by rendering nothing).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from tests.web.conftest import ROLES, Env, login

from warrantbook.web import forms

D = "2006-12-29"
MARK = "wbx"
# the payload: a tag with a handler, an htmx element that would fetch on load, quotes that try to leave an attribute
H = f'<img src=x onerror=alert(1) class={MARK}><b hx-get="/api/me" hx-trigger="load" hx-target="body">{MARK}</b>"\' autofocus onfocus=alert(2) wbxattr="'
# an option number may not hold quotes or line breaks (see test_limits), but markup without them must still be escaped
OPTION = f"<img src=x onerror=alert(3) class={MARK}>"
TEMPLATE_HTMX = {"hx-headers", "hx-get", "hx-target", "hx-trigger", "hx-sync"}


class Scan(HTMLParser):
    """Every start tag with its attributes, and the text between tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (name.startswith("hx-") or name.startswith("data-hx")) and (name not in TEMPLATE_HTMX or "<" in (value or "")
                                                                           or "/api/me" in (value or "")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "wbxattr":
                self.problems.append(f"<{tag} {name}> (left an attribute)")
            if name == "class" and MARK in (value or "").split():
                self.problems.append(f"<{tag} class={value!r}> (a smuggled tag)")
        if tag == "script" and dict(attrs).get("src") == "/static/htmx.min.js":
            return
        if tag in ("img", "script", "iframe", "object", "embed"):
            self.problems.append(f"<{tag}> (a smuggled tag)")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan(html: str) -> Scan:
    s = Scan()
    s.feed(html)
    s.close()
    return s


def hostile_ledger(env: Env) -> None:
    """Hostile text in every field the four lanes can set, recorded through the API."""

    def post(path: str, who: str, body: dict[str, Any]) -> None:
        r = env.post(path, who, {"on": D, **body})
        assert r.status_code == 201, (path, r.text)

    post("/api/companies", "atg", {"company": {"id": "atg", "name": H, "state": H, "office": {"lines": [H, H]}}, "note": H})
    post("/api/holders", "gssf", {"holder": {"id": "gssf", "name": H, "address": {"lines": [H]}}, "note": H})
    post("/api/holders/gssf/addresses", "gssf", {"address": {"lines": [H, "New York, NY"]}, "note": H})
    terms = {"company": "atg", "issue_date": D, "option_no": OPTION, "tranches": [{"shares": "1000", "exercise_price": "0.00001"}],
             "expiration": {"on": "2010-01-01", "source": H},
             "related": [{"name": H, "dated": None, "parties": [H], "role": H}],
             "disputes": {"governing_law": H, "forum": H}}
    post("/api/options", "atg", {"option_no": OPTION, "holder": "gssf", "terms": terms, "note": H})
    post("/api/options/ATG-3/notices", "atg", {"subject": H, "addressee": "gssf", "address": {"lines": [H, "New York, NY"]}, "mail_class": "certified",
                                               "tracking": H, "recipient_role": "holder", "note": H})
    post("/api/options/ATG-3/exercise-notices", "gssf", {"id": "n-hostile", "shares": "1000000", "method": "cash",
                                                         "deliver_to": {"name": H, "address": {"lines": [H]}}, "note": H})
    post("/api/corrections", "gssf", {"corrects": "n-hostile", "reason": H, "signed_by": ["company:atg"]})  # irrevocable: both sign (Exhibit A)
    post("/api/options/ATG-3/replacement-requests", "gssf", {"cause": "lost", "evidence": H, "indemnity": "1000", "indemnity_form": H, "note": H})
    post("/api/companies/atg/agents", "atg", {"name": H, "office": {"lines": [H]}, "functions": ["exercise"], "note": H})


def pages_for(env: Env) -> list[str]:
    q = quote(H)
    o = quote(OPTION, safe="")
    pages = ["/", f"/?as_of={q}", f"/?as_of={D}", "/companies/atg", f"/companies/atg?done={q}", f"/companies/{quote(H.replace('/', ''), safe='')}", "/holders/gssf",
             f"/holders/gssf?done={q}", f"/holders/{quote(H.replace('/', ''), safe='')}", f"/options/{quote(H.replace('/', ''), safe='')}", f"/nowhere/{q}", f"/login?next={q}"]
    for no in ("ATG-3", "ATG-1", "ATG-2", o):
        pages += [f"/options/{no}", f"/options/{no}?done={q}&filed={q}", f"/options/{no}?as_of={q}",
                  f"/options/{no}/calculator?shares={q}&cash={q}&cancel={q}&stock_shares={q}&fmv={q}&tranche={q}&on={q}&method={q}",
                  f"/options/{no}/calculator?shares=1000&method=cash&fmv={q}",
                  f"/options/{no}/calculator/result?shares={q}&method=combination&cash={q}", f"/options/{no}/act/correction?corrects={q}"]
        pages += [f"/options/{no}/act/{f.kind}?x={q}" for f in forms.forms_in("option")]
    pages += [f"/companies/atg/act/{f.kind}" for f in forms.forms_in("company")]
    pages += [f"/holders/gssf/act/{f.kind}" for f in forms.forms_in("holder")]
    return pages


def test_every_page_as_every_role_escapes_hostile_text(env: Env) -> None:
    hostile_ledger(env)
    shown_somewhere = 0
    rendered = 0
    for who in ROLES:
        c = TestClient(env.app)
        csrf = login(c, who)
        for path in pages_for(env):
            r = c.get(path, follow_redirects=False)
            assert r.status_code < 500, (who, path, r.text[:500])
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            rendered += 1
            s = scan(r.text)
            assert not s.problems, (who, path, s.problems)
            if MARK in "".join(s.text):
                shown_somewhere += 1
        # forms posted back with hostile values come back re-rendered with the values and the error
        for f in forms.forms_in("option")[:8]:
            data = {field.name: H for field in f.all_fields()}
            r = c.post(f"/options/ATG-3/act/{f.kind}", data={**data, "csrf_token": csrf}, follow_redirects=False)
            assert r.status_code < 500, (who, f.kind, r.text[:300])
            assert not scan(r.text).problems, (who, f.kind)
        if who == "atg":
            bad_csv = f"date,venue,close,bid,ask\n{H},otcbb,{H},0.03,0.031\n".encode()
            r = c.post("/companies/atg/prices", data={"csrf_token": csrf, "source": H},
                       files={"file": (H.replace('"', "") + ".csv", bad_csv, "text/csv")})
            assert r.status_code == 400
            assert not scan(r.text).problems and MARK in r.text
        r = c.post("/documents/verify", data={"csrf_token": csrf}, files={"file": (H.replace('"', "") + ".pdf", b"%PDF-1.4 nothing", "application/pdf")})
        assert r.status_code < 500 and not scan(r.text).problems
    assert rendered > 100
    assert shown_somewhere > 30  # the payload did reach the pages, as text


def test_the_environment_escapes_every_template() -> None:
    from warrantbook.web.pages import ENV, templates

    assert templates.env is ENV
    for name in ENV.list_templates():
        assert ENV.autoescape is True or ENV.autoescape(name), name  # type: ignore[operator]
    out = ENV.from_string("{{ x }}").render(x="<b>")
    assert out == "&lt;b&gt;"


def test_reflected_text_in_error_messages_is_escaped(env: Env) -> None:
    c = TestClient(env.app)
    login(c, "gssf")
    r = c.get(f"/options/{quote(H.replace('/', ''), safe='')}")
    assert r.status_code == 404 and not scan(r.text).problems
    assert re.search(r"&lt;img src=x onerror=alert\(1\)", r.text)
