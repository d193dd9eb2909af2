"""Adversarial: a tampered row's stored values never reach a user who may not see every event (app.audit.redacted)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.web.conftest import Env, login

SECRET = "SecretX-Holdings-4242"


@pytest.mark.parametrize("change", [
    "UPDATE events SET payload = :junk WHERE event_id = 'northbridge'",  # unreadable payload quoting the secret
    "UPDATE events SET actor = :junk WHERE event_id = 'northbridge'",  # a column that differs from the hashed content
    "UPDATE events SET event_id = :junk WHERE event_id = 'northbridge'",
])
@pytest.mark.parametrize("who", ["gssf", "affiliate", "agent"])
def test_a_tampered_row_is_reported_without_its_values(env: Env, change: str, who: str) -> None:
    engine = sa.create_engine(env.url)
    with engine.begin() as conn:
        conn.execute(sa.text(change), {"junk": '{"type": "holder", "name": "' + SECRET + '"'})
    engine.dispose()
    auditor = env.get("/api/audit/verify", "auditor")
    assert auditor.status_code == 200 and auditor.json()["ok"] is False, auditor.text  # even when the ledger cannot be folded
    env.client.cookies.clear()
    login(env.client, "auditor")
    assert env.client.get("/audit").status_code == 200
    r = env.get("/api/audit/verify", who)
    assert r.status_code == 200 and r.json()["ok"] is False
    assert SECRET not in r.text and "northbridge" not in r.text.lower(), r.text
    env.client.cookies.clear()
    login(env.client, who)
    page = env.client.get("/audit")
    assert page.status_code == 200 and 'id="verdict"' in page.text
    assert SECRET not in page.text and "Northbridge" not in page.text
