"""The web app on both ledgers: users, tokens, sessions and recording on SQLite and on PostgreSQL (the store's backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.store.backends import BACKENDS, fresh_url
from tests.web.conftest import TODAY, life, login


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PostgreSQL has no file to keep the session key beside: this test's key file is in its tmp_path."""
    path = tmp_path / "keys" / "session.key"
    monkeypatch.setenv("WARRANTBOOK_SESSION_KEY_FILE", str(path))
    return path


@pytest.mark.parametrize("backend", BACKENDS)
def test_web_on_each_backend(backend: str, tmp_path: Path) -> None:
    from warrantbook.core.decide import replay
    from warrantbook.store.ledger import DbSource
    from warrantbook.web import create_app

    with fresh_url(backend, tmp_path) as url:
        src = DbSource(url, create=True)
        src.import_events(replay(life())[1])
        app = create_app(src, today=TODAY)
        store = app.state.users
        store.add_user("gssf", "gssf-password", "holder", "gssf")
        store.add_user("atg", "atg-password", "company", "atg")
        token = store.new_token("gssf")
        client = TestClient(app)
        auth = {"Authorization": f"Bearer {token}"}
        quote = client.get("/api/options/ATG-3/quote?shares=10000000&method=cashless&on=2006-10-02", headers=auth).json()
        assert quote["shares_issued"] == "9998708"
        body = {"shares": "1000000", "method": "cashless", "on": TODAY.isoformat()}
        first = client.post("/api/options/ATG-3/exercise-notices", headers={**auth, "Idempotency-Key": "k"}, json=body)
        again = client.post("/api/options/ATG-3/exercise-notices", headers={**auth, "Idempotency-Key": "k"}, json=body)
        assert (first.status_code, again.status_code) == (201, 200)
        company = TestClient(app)
        csrf = login(company, "atg")
        nid = first.json()["recorded"][0]["id"]
        r = company.post("/options/ATG-3/act/surrender", data={"notice": nid, "place": "company", "on": TODAY.isoformat(), "csrf_token": csrf},
                         follow_redirects=False)
        assert r.status_code == 303
        assert [e.kind for e in src.events()[-2:]] == ["surrender", "exercise"]
        assert client.get("/api/options", headers={"Authorization": "Bearer wbt_unknown"}).status_code == 401
        src.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_security_on_each_backend(backend: str, tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Who acted is kept and hashed; sessions end and tokens stop at once; sign-in is throttled; the key is outside."""
    import sqlalchemy as sa

    from warrantbook.core.decide import replay
    from warrantbook.store.ledger import DbSource
    from warrantbook.web import auth, create_app

    with fresh_url(backend, tmp_path) as url:
        src = DbSource(url, create=True)
        src.import_events(replay(life())[1])
        before = src.verify()
        app = create_app(src, today=TODAY)
        assert key_file.is_file() and oct(key_file.stat().st_mode & 0o777) == "0o600"
        store = app.state.users
        store.add_user("gssf", "gssf-password", "holder", "gssf")
        token = store.new_token("gssf")
        client = TestClient(app)
        bearer = {"Authorization": f"Bearer {token}"}
        r = client.post("/api/options/ATG-3/waiver-notices", headers=bearer, json={"on": TODAY.isoformat(), "id": "w-token"})
        assert r.status_code in (201, 422), r.text  # recorded, or refused by §10 (a waiver given already): either way nothing else
        session = TestClient(app)
        csrf = login(session, "gssf")
        body = {"id": "n-session", "shares": "1000000", "method": "cash", "on": TODAY.isoformat()}
        assert session.post("/api/options/ATG-3/exercise-notices", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
        rows = {x.event.id: x for x in src.stored()}
        assert rows["n-session"].acted_by == "user:gssf via session"
        assert all(x.acted_by is None for x in list(rows.values())[: before.count])  # events already stored: untouched
        history = client.get("/api/options/ATG-3/history", headers=bearer).json()["events"]
        assert [e["acted_by"] for e in history if e["id"] == "n-session"] == ["user:gssf via session"]
        verified = src.verify()
        assert verified.ok, verified.problems
        assert src.verify(before.head.hash, before.count).anchored == before.count  # the old chain is a prefix of the new
        with src.engine.begin() as conn:  # who acted is inside the chain: changing it is caught
            conn.execute(sa.text("UPDATE events SET acted_by = 'user:someone-else via session' WHERE event_id = 'n-session'"))
        tampered = src.verify()
        assert not tampered.ok and tampered.first is not None and tampered.first.event_id == "n-session"
        store.set_disabled("gssf")
        assert session.get("/api/me").status_code == 401 and client.get("/api/me", headers=bearer).status_code == 401
        store.set_disabled("gssf", False)
        store.revoke_token(token)
        assert client.get("/api/me", headers=bearer).status_code == 401
        now = [5_000_000.0]
        monkeypatch.setattr(auth, "_clock", lambda: now[0])
        for _ in range(auth.ACCOUNT_FREE + 1):
            page = TestClient(app).get("/login")
            assert page.status_code == 200
            attempt = TestClient(app)
            assert login_status(attempt, "gssf", "wrong-password") == 401
        assert login_status(TestClient(app), "gssf", "gssf-password") == 429
        src.close()


def login_status(client: TestClient, who: str, secret: str) -> int:
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post("/login", data={"username": who, "password": secret, "csrf_token": token}, follow_redirects=False).status_code


@pytest.mark.parametrize("backend", BACKENDS)
def test_hostile_text_is_escaped_on_each_backend(backend: str, tmp_path: Path) -> None:
    """The XSS suite's payload through each ledger: what the database returns is escaped like what a book returns."""
    from tests.web.test_xss import MARK, OPTION, H, scan

    from warrantbook.core.decide import replay
    from warrantbook.store.ledger import DbSource
    from warrantbook.web import create_app

    with fresh_url(backend, tmp_path) as url:
        src = DbSource(url, create=True)
        src.import_events(replay(life())[1])
        app = create_app(src, today=TODAY)
        store = app.state.users
        store.add_user("gssf", "gssf-password", "holder", "gssf")
        store.add_user("atg", "atg-password", "company", "atg")
        atg = {"Authorization": f"Bearer {store.new_token('atg')}"}
        client = TestClient(app)
        r = client.post("/api/holders", headers={"Authorization": f"Bearer {store.new_token('gssf')}"},
                        json={"holder": {"id": "gssf", "name": H, "address": {"lines": [H]}}, "note": H, "on": TODAY.isoformat()})
        assert r.status_code == 201, r.text
        terms = {"company": "atg", "issue_date": TODAY.isoformat(), "option_no": OPTION,
                 "tranches": [{"shares": "1000", "exercise_price": "0.00001"}], "disputes": {"governing_law": H, "forum": H}}
        r = client.post("/api/options", headers=atg, json={"option_no": OPTION, "holder": "gssf", "terms": terms, "note": H,
                                                           "on": TODAY.isoformat()})
        assert r.status_code == 201, r.text
        for who in ("gssf", "atg"):
            c = TestClient(app)
            login(c, who)
            from urllib.parse import quote

            for path in ("/", "/options/ATG-3", f"/options/{quote(OPTION, safe='')}", "/holders/gssf"):
                page = c.get(path)
                assert page.status_code == 200, (who, path)
                assert not scan(page.text).problems, (backend, who, path)
                assert MARK in page.text
        src.close()
