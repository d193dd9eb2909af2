"""The web app on both ledgers: users, tokens, sessions and recording on SQLite and on PostgreSQL (the store's backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.store.backends import BACKENDS, fresh_url
from tests.web.conftest import TODAY, life, login


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
