"""Failures that tell the client nothing it should not know: 503 while the database is unreachable, 500 without a
traceback, a CLI crash with its own exit code; and slow work that never stalls a quick request."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.web.conftest import Env, login
from typer.testing import CliRunner

from warrantbook.cli.common import CRASH
from warrantbook.cli.main import app as cli

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


def test_503_while_the_database_is_unreachable(env: Env) -> None:
    c = TestClient(env.app)
    login(c, "auditor")
    dead = sa.create_engine(UNREACHABLE)
    env.app.state.users.engine = dead
    env.app.state.book.source.engine = dead
    env.app.state.book.invalidate()
    for r in (env.get("/api/options", "atg"), c.get("/api/history"), c.get("/")):
        assert r.status_code == 503, (r.url, r.text[:300])
        assert r.headers["retry-after"] and r.headers["x-content-type-options"] == "nosniff"
        assert "Traceback" not in r.text and "psycopg" not in r.text and "127.0.0.1" not in r.text
    assert "cannot be reached" in env.get("/api/options", "atg").json()["error"]


def test_a_bug_is_a_500_without_a_traceback(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from warrantbook.web import service

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("secret internal detail /srv/warrantbook/settings.py")

    c = TestClient(env.app)
    login(c, "atg")
    monkeypatch.setattr(service, "due_view", broken)
    r = env.get("/api/due", "atg")
    assert r.status_code == 500 and r.json()["error"].startswith("internal error") and "ref" in r.json()["error"]
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    page = c.get("/")
    assert page.status_code == 500 and "secret internal detail" not in page.text and "Traceback" not in page.text
    assert page.headers["content-security-policy"] and page.headers["cache-control"] == "no-store"


def test_a_cli_crash_exits_with_its_own_code_never_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["list", "--db", UNREACHABLE, "--json"])
    assert r.exit_code == 2 and json.loads(r.stdout)["field"] == "db"  # the ledger cannot be opened: named, not a refusal (1)
    from warrantbook.app import views

    def broken(*_a: Any, **_k: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(views, "history", broken)
    book = tmp_path / "b.yaml"
    assert runner.invoke(cli, ["init", "--book", str(book)]).exit_code == 0
    r = runner.invoke(cli, ["history", "--book", str(book)])
    assert r.exit_code == CRASH and "internal error" in r.output and "Traceback" not in r.output


def test_a_slow_fold_never_stalls_a_quick_request(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fold for a new day is held until the quick request has finished: if the slow one held the event loop or
    the book's lock, the quick one could never finish and the wait below would give up (a deadlock guard, not a timing)."""
    assert env.get("/api/options/ATG-3", "atg").status_code == 200  # today's state: cached from now on
    entered = threading.Event()
    release = threading.Event()
    source = env.app.state.book.source
    real_state = source.state

    def slow_state(as_of: Any = None) -> Any:  # the fold for a new day (from the store's nearest snapshot)
        if as_of is not None:
            entered.set()
            assert release.wait(60), "the quick request never finished"
        return real_state(as_of)

    monkeypatch.setattr(source, "state", slow_state)
    headers = env.auth("atg")

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=env.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            slow = asyncio.create_task(client.get("/api/options?as_of=2006-06-01", headers=headers))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            quick = await asyncio.wait_for(client.get("/api/options/ATG-3", headers=headers), 60)
            release.set()
            return quick.status_code, (await slow).status_code

    assert asyncio.run(scenario()) == (200, 200)
