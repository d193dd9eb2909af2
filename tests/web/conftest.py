"""The web suite's world: the seed option's illustrative life in a fresh SQLite ledger, with one user per lane.

Users (password NAME-password, one API token each):
- gssf: holder gssf (ATG-1 and ATG-3); northbridge: holder northbridge (ATG-2);
- affiliate: holder gssf-aff, an affiliate in gssf's §10 group (it sees gssf's options, may not act on them, §12);
- atg: the company; agent: the option agent "Illustrative Transfer Co." (not appointed until a test appoints it);
- auditor: reads everything.

The ledger and users are built once per session (argon2 is deliberately slow) and copied for every test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from warrantbook.core import events as ev
from warrantbook.core.terms import Address, Holder

TODAY = date(2006, 12, 29)
AGENT = "Illustrative Transfer Co."
USERS: dict[str, tuple[str, str]] = {
    "gssf": ("holder", "gssf"), "northbridge": ("holder", "northbridge"), "affiliate": ("holder", "gssf-aff"),
    "atg": ("company", "atg"), "agent": ("agent", AGENT), "auditor": ("auditor", ""),
}
ROLES = tuple(USERS)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def password(name: str) -> str:
    return f"{name}-password"


def life() -> list[ev.Event]:
    from warrantbook.seed import seed_life

    events = seed_life()
    events.append(ev.HolderRegistered(id="gssf-aff", on=date(2006, 2, 1), actor="holder:gssf-aff", holder=Holder(
        id="gssf-aff", name="GSSF Affiliate Fund", address=Address(("c/o Illustrative Fund Services", "New York, NY 10022")), group="gssf"), consented_by=("holder:gssf",)))
    return events


def build_template(folder: Path) -> dict[str, str]:
    """A ledger with the illustrative life and the users; returns each user's API token."""
    from warrantbook.core.decide import replay
    from warrantbook.store.ledger import DbSource
    from warrantbook.web.auth import UserStore

    src = DbSource(f"sqlite:///{folder / 'ledger.db'}", create=True)
    _state, decided = replay(life())
    src.import_events(decided)
    store = UserStore(src.engine)
    tokens = {}
    for name, (role, party) in USERS.items():
        store.add_user(name, password(name), role, party)
        tokens[name] = store.new_token(name, "tests")

    src.close()
    return tokens


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("web-template")
    return folder, build_template(folder)


@dataclass
class Env:
    url: str
    path: Path
    tokens: dict[str, str]
    app: Any
    client: TestClient
    extra: dict[str, Any] = field(default_factory=dict)

    def auth(self, who: str, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **more}

    def get(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.auth(who), **kw)

    def post(self, path: str, who: str, body: Any = None, *, key: str | None = None, **kw: Any) -> Any:
        headers = self.auth(who, **({"Idempotency-Key": key} if key else {}))
        return self.client.post(path, headers=headers, json=body, **kw)

    def count(self) -> int:
        return int(self.app.state.book.head().count)


def copy_ledger(template: tuple[Path, dict[str, str]], dest: Path) -> Path:
    folder, _tokens = template
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        if (folder / name).exists():
            shutil.copy(folder / name, dest / name)
    return dest / "ledger.db"


@pytest.fixture
def env(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Env]:
    from warrantbook.web import create_app

    path = copy_ledger(template, tmp_path / "db")
    url = f"sqlite:///{path}"
    app = create_app(url, today=TODAY)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield Env(url, path, template[1], app, client)
    app.state.book.source.close()


def appoint_agent(env: Env, functions: tuple[str, ...] = ("exercise",)) -> None:
    r = env.post("/api/companies/atg/agents", "atg", {"name": AGENT, "office": {"lines": ["10 Main Street", "Denver, CO 80202"]},
                                                    "functions": list(functions), "on": TODAY.isoformat()})
    assert r.status_code == 201, r.text


def login(client: TestClient, who: str, secret: str | None = None) -> str:
    """Sign in through the form (with its CSRF token); returns the session's CSRF token from the dashboard."""
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    r = client.post("/login", data={"username": who, "password": secret or password(who), "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get("/")
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert found, home.text
    return found.group(1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium for one test module's pages (tests/web/serving.py)."""
    from tests.web.serving import chromium

    with chromium(ARGS) as b:
        yield b
