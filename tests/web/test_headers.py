"""Security headers on every response, htmx held to this site, API docs from vendored files under the same CSP."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import Env, login

import warrantbook.web


def _csp(headers: dict[str, str]) -> dict[str, str]:
    return {d.split()[0]: d for d in (x.strip() for x in headers["content-security-policy"].split(";")) if d}


def test_every_kind_of_response_carries_the_headers(env: Env) -> None:
    c = TestClient(env.app)
    anonymous = [c.get("/login"), c.get("/", follow_redirects=False), c.get("/api/options"), c.get("/openapi.json"), c.get("/nowhere"),
                 c.get("/api/docs")]
    login(c, "atg")
    signed_in = [c.get("/"), c.get("/options/ATG-3"), c.get("/options/ATG-3/calculator?shares=1000"), c.get("/api/options"),
                 c.get("/options/NOPE"), c.post("/api/events", json={}), env.get("/api/options/ATG-3", "gssf")]
    for r in anonymous + signed_in:
        h = r.headers
        assert h["x-content-type-options"] == "nosniff", r.url
        assert h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
        csp = _csp(h)
        assert csp["frame-ancestors"] == "frame-ancestors 'none'"
        assert "unsafe-inline" not in h["content-security-policy"] and "unsafe-eval" not in h["content-security-policy"]
        assert csp.get("script-src", "script-src 'self'") == "script-src 'self'"  # pages: this site's files; the API: nothing
        assert h["cache-control"] == "no-store", r.url
        assert "strict-transport-security" not in h  # plain HTTP, no proxy trusted
    assert _csp(signed_in[3].headers)["default-src"] == "default-src 'none'" and "script-src" not in _csp(signed_in[3].headers)


def test_static_files_may_be_cached_and_still_carry_nosniff(env: Env) -> None:
    r = env.client.get("/static/htmx.min.js")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff" and "no-store" not in r.headers.get("cache-control", "")


def test_no_page_has_inline_script_or_off_site_references(env: Env) -> None:
    c = TestClient(env.app)
    login(c, "gssf")
    for path in ("/", "/options/ATG-3", "/options/ATG-3/calculator", "/holders/gssf", "/login", "/api/docs"):
        text = c.get(path).text
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r'src="/static/[^"]+"', tag), (path, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text), path  # no script body
        assert not re.search(r'(src|href|action)="(https?:)?//', text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_htmx_is_held_to_this_site_and_may_not_evaluate_script(env: Env) -> None:
    c = TestClient(env.app)
    login(c, "gssf")
    text = c.get("/").text
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", text)
    assert meta
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False and config["allowScriptTags"] is False and config["selfRequestsOnly"] is True
    assert config["historyCacheSize"] == 0  # no copy of a signed-in page in localStorage
    assert config["includeIndicatorStyles"] is False  # htmx would inject a <style>, which the CSP refuses


def test_api_docs_load_only_vendored_files(env: Env) -> None:
    page = env.client.get("/api/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/swagger/") for s in sources), sources
    static = Path(warrantbook.web.__file__).parent / "static"
    for s in sources:
        assert (static / s.removeprefix("/static/")).is_file(), s
        assert env.client.get(s).status_code == 200
    init = env.client.get("/static/swagger/init.js").text
    assert "/openapi.json" in init and "validatorUrl: null" in init  # the validator badge would call another site


def test_https_behind_a_trusted_proxy_gets_hsts_and_an_untrusted_header_is_ignored(env: Env) -> None:
    from warrantbook.web import create_app

    plain = env.client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in plain.headers  # nobody said a proxy is in front: the header is anyone's
    app = create_app(env.url, today=env.app.state.book.today(), trust_proxy=True)
    with TestClient(app) as c:
        r = c.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert r.headers["strict-transport-security"].startswith("max-age=")
    app.state.book.source.close()
