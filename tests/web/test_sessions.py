"""Sessions that a copy of the database cannot forge and that end when they should; sign-in throttling; tokens that
stop working on the next request."""

from __future__ import annotations

import json
import re
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.web.conftest import TODAY, Env, login, password
from typer.testing import CliRunner

from warrantbook.cli.main import app as cli
from warrantbook.web import auth, create_app

runner = CliRunner()


def wb(*args: str) -> Any:
    r = runner.invoke(cli, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def signed_in(env: Env, who: str) -> TestClient:
    c = TestClient(env.app)
    login(c, who)
    assert c.get("/api/me").status_code == 200
    return c


def test_the_key_lives_in_a_0600_file_beside_the_database_never_in_it(env: Env) -> None:
    key_file = env.path.with_name(env.path.name + ".session-key")
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 64
    with env.app.state.book.source.engine.connect() as conn:
        settings = conn.execute(sa.text("SELECT name, value FROM web_settings")).all()
    assert not any(key in str(v) for _n, v in settings) and not any(n == "session_secret" for n, _v in settings)
    assert key.encode() not in env.path.read_bytes()


def test_a_copy_of_the_database_alone_cannot_use_or_forge_a_session(env: Env, tmp_path: Path) -> None:
    c = signed_in(env, "atg")
    cookie = c.cookies.get(auth.SESSION_COOKIE)
    copy = tmp_path / "stolen" / "ledger.db"
    copy.parent.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(str(env.path) + suffix).exists():
            shutil.copy(str(env.path) + suffix, str(copy) + suffix)
    other = create_app(f"sqlite:///{copy}", today=TODAY)
    with TestClient(other) as thief:
        thief.cookies.set(auth.SESSION_COOKIE, cookie or "")
        assert thief.get("/api/me").status_code == 401  # signed with a key the copy does not hold
        with other.state.book.source.engine.connect() as conn:
            digests = [r[0] for r in conn.execute(sa.text("SELECT digest FROM web_sessions"))]
        assert digests  # the session is in the copy, only as the SHA-256 of its id
        forged = auth.URLSafeTimedSerializer("guess", salt="warrantbook-session").dumps({"s": digests[0]})
        thief.cookies.set(auth.SESSION_COOKIE, forged)
        assert thief.get("/api/me").status_code == 401
    other.state.book.source.close()


def test_sign_out_ends_the_session_on_the_server(env: Env) -> None:
    c = signed_in(env, "gssf")
    cookie = c.cookies.get(auth.SESSION_COOKIE)
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', c.get("/").text).group(1)  # type: ignore[union-attr]
    assert c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    replay = TestClient(env.app)
    replay.cookies.set(auth.SESSION_COOKIE, cookie or "")
    assert replay.get("/api/me").status_code == 401  # the stolen or kept cookie is dead too
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_a_password_change_and_disabling_end_sessions_and_tokens_at_once(env: Env) -> None:
    c = signed_in(env, "gssf")
    wb("user", "password", "gssf", "--password", "another-password", "--db", env.url)
    assert c.get("/api/me").status_code == 401
    c = signed_in(env, "atg")
    assert env.get("/api/me", "atg").status_code == 200
    wb("user", "disable", "atg", "--db", env.url)
    assert c.get("/api/me").status_code == 401
    assert env.get("/api/me", "atg").status_code == 401  # the very next request: nothing is cached
    wrong = TestClient(env.app)
    page = wrong.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert wrong.post("/login", data={"username": "atg", "password": password("atg"), "csrf_token": token}).status_code == 401
    wb("user", "enable", "atg", "--db", env.url)
    assert env.get("/api/me", "atg").status_code == 200


def test_token_list_and_revocation_on_the_next_request(env: Env) -> None:
    listed = wb("token", "list", "--user", "northbridge", "--db", env.url)["tokens"]
    assert len(listed) == 1 and listed[0]["username"] == "northbridge" and not listed[0]["revoked"]
    assert env.tokens["northbridge"] not in json.dumps(listed)
    assert env.get("/api/me", "northbridge").status_code == 200
    wb("token", "revoke", listed[0]["digest"], "--db", env.url)
    assert env.get("/api/me", "northbridge").status_code == 401
    assert wb("token", "list", "--user", "northbridge", "--db", env.url)["tokens"][0]["revoked"] is True


def test_rotating_the_key_ends_every_session(env: Env) -> None:
    c = signed_in(env, "auditor")
    key_file = env.path.with_name(env.path.name + ".session-key")
    before = key_file.read_text()
    out = wb("session", "rotate-key", "--db", env.url)
    assert out["sessions_ended"] >= 1 and key_file.read_text() != before
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert c.get("/api/me").status_code == 401
    fresh = create_app(env.url, today=TODAY)  # a restarted server signs with the new key
    with TestClient(fresh) as c2:
        login(c2, "auditor")
        assert c2.get("/api/me").status_code == 200
    fresh.state.book.source.close()


def test_a_key_file_others_may_read_is_refused(env: Env) -> None:
    key_file = env.path.with_name(env.path.name + ".session-key")
    key_file.chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        create_app(env.url, today=TODAY)


def _attempt(c: TestClient, who: str, secret: str) -> Any:
    c = TestClient(c.app, base_url=str(c.base_url), headers=dict(c.headers))  # a browser that is not signed in (same address)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return c.post("/login", data={"username": who, "password": secret, "csrf_token": token}, follow_redirects=False)


def test_sign_in_is_throttled_per_account_with_growing_waits(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    c = TestClient(env.app)
    for _ in range(auth.ACCOUNT_FREE):
        assert _attempt(c, "gssf", "guess-guess").status_code == 401
    waits = []
    for _ in range(4):
        assert _attempt(c, "gssf", "guess-guess").status_code == 401  # heard: the wait starts after it
        blocked = _attempt(c, "gssf", password("gssf"))  # even the right password waits
        assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text
        waits.append(int(blocked.headers["retry-after"]))
        now[0] += waits[-1]
    assert waits == [1, 2, 4, 8]
    assert _attempt(c, "gssf", password("gssf")).status_code == 303  # after the wait, the right password gets in
    assert _attempt(c, "gssf", "guess-guess").status_code == 401  # and the count started again
    assert _attempt(c, "atg", password("atg")).status_code == 303  # another account was never slowed


def test_sign_in_is_throttled_per_client_address(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    c = TestClient(env.app)
    for i in range(auth.ADDRESS_FREE):
        assert _attempt(c, f"nobody-{i}", "guess-guess").status_code == 401
    r = _attempt(c, "someone-else", "guess-guess")
    assert r.status_code == 401
    r = _attempt(c, "atg", password("atg"))
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_password_hashing_runs_off_the_event_loop(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    store = env.app.state.users
    real = store.authenticate
    threads: list[str] = []

    def spy(username: str, secret: str) -> Any:
        threads.append(threading.current_thread().name)
        return real(username, secret)

    monkeypatch.setattr(store, "authenticate", spy)
    assert _attempt(TestClient(env.app), "atg", password("atg")).status_code == 303
    assert threads and threads[0].startswith("wb-argon2")


def test_cookies_are_secure_over_https_behind_a_trusted_proxy_only(env: Env) -> None:
    r = _attempt(TestClient(env.app), "atg", password("atg"))
    assert r.status_code == 303 and "; secure" not in r.headers["set-cookie"].lower()
    untrusted = TestClient(env.app, headers={"X-Forwarded-Proto": "https"}).get("/login")
    assert "; secure" not in untrusted.headers["set-cookie"].lower()  # anyone may send that header: not believed
    r = _attempt(TestClient(env.app, base_url="https://testserver"), "atg", password("atg"))  # served over HTTPS itself
    [session] = [c for c in r.headers.get_list("set-cookie") if c.startswith(auth.SESSION_COOKIE + "=")]
    assert r.status_code == 303 and "; secure" in session.lower()
    trusting = create_app(env.url, today=TODAY, trust_proxy=True)
    with TestClient(trusting, headers={"X-Forwarded-Proto": "https"}) as c:
        page = c.get("/login")
        assert "; secure" in page.headers["set-cookie"].lower() and page.headers["strict-transport-security"]
    trusting.state.book.source.close()


def test_sign_in_never_redirects_off_the_site(env: Env) -> None:
    for target in ("//evil.example", "/\\evil.example", "/\\/evil.example", "https://evil.example", "/ok\r\nLocation: //evil.example"):
        c = TestClient(env.app)
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = c.post("/login", data={"username": "atg", "password": password("atg"), "csrf_token": token, "next": target},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/", target
