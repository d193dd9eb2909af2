"""The auditor's page (/audit) served by web/audit.py: who sees what, the kept-head form, the pack link, a tampered ledger."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.web.conftest import ROLES, Env, appoint_agent, login

from warrantbook.app import audit
from warrantbook.store.ledger import DbSource

MAY_PACK = {"gssf": False, "northbridge": False, "affiliate": False, "atg": False, "agent": False, "auditor": True}


def page(env: Env, who: str, **query: str) -> tuple[int, str]:
    c = TestClient(env.app)
    login(c, who)
    r = c.get("/audit", params=query)
    return r.status_code, r.text


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_every_role_sees_the_chain_and_only_whoever_sees_everything_gets_the_pack(env: Env) -> None:
    head = env.app.state.book.head()
    for who in ROLES:
        status, body = page(env, who)
        assert status == 200, who
        assert 'href="/audit"' in body  # the nav link
        assert head.hash in body and f'id="head-count">{head.count}<' in body
        assert "Intact: " in body and "none" in text_of(body.split('id="first-bad">', 1)[1].split("</dd>", 1)[0])
        assert ('id="download-pack"' in body) is MAY_PACK[who], who
        assert ('id="pack-note"' in body) is not MAY_PACK[who], who


def test_an_agent_appointed_by_every_company_may_download_the_pack(env: Env) -> None:
    assert env.get("/api/audit/pack", "agent").status_code == 403
    appoint_agent(env)
    assert 'id="download-pack"' in page(env, "agent")[1]
    assert env.get("/api/audit/pack", "agent").status_code == 200
    assert env.get("/api/audit/pack", "atg").status_code == 403  # the company, even the only one, verifies and does not download


def test_the_kept_head_form(env: Env) -> None:
    head = env.app.state.book.head()
    status, body = page(env, "auditor", head=head.hash.upper(), count=str(head.count))
    assert status == 200 and 'id="kept-result" class="ok">in the chain<' in body
    assert f"the kept head covers the first {head.count:,}" in body
    status, body = page(env, "gssf", head=head.hash, count=str(head.count + 5))
    assert status == 200 and "NOT in the chain" in body and f"first missing: #{head.count + 1}" in text_of(body)
    status, body = page(env, "auditor", head="ab" * 32)
    assert status == 200 and "NOT in the chain" in body and "kept head" in text_of(body.split('id="verdict"', 1)[1])
    for bad, field in (({"head": "abc"}, "head"), ({"head": head.hash, "count": "many"}, "count"), ({"count": "3"}, "count")):
        status, body = page(env, "auditor", **bad)
        assert status == 400 and 'id="kept-error"' in body and f"{field}:" in text_of(body), bad
        assert "Intact: " in body  # the chain itself is still shown beside the error


def test_a_tampered_ledger_names_the_first_bad_event_for_the_auditor_and_its_position_for_a_holder(env: Env) -> None:
    engine = sa.create_engine(env.url)
    with engine.begin() as conn:
        seq = conn.execute(sa.text("SELECT seq FROM events WHERE event_id = 'notice-1'")).scalar_one()
        conn.execute(sa.text("UPDATE events SET actor = 'holder:mallory' WHERE seq = :s"), {"s": seq})
    engine.dispose()
    expected = audit.verify(DbSource(env.url))
    assert not expected.ok and expected.first_bad is not None and expected.first_bad.seq == seq
    _status, body = page(env, "auditor")
    verdict = text_of(body.split('id="verdict"', 1)[1].split("</p>", 1)[0])
    assert f"first bad event #{seq}" in verdict and "notice-1" in verdict and "mallory" in verdict
    _status, body = page(env, "gssf")
    verdict = text_of(body.split('id="verdict"', 1)[1].split("</p>", 1)[0])
    assert f"first bad event #{seq}" in verdict and "notice-1" not in body and "mallory" not in body
    api = env.get("/api/audit/verify", "auditor").json()
    assert api == expected.as_json()
