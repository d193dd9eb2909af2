"""app/audit.verify: one answer for a book, a SQLite ledger and a PostgreSQL ledger, and the same answer from
app/audit, the CLI (`audit verify --json`) and the API (`GET /api/audit/verify`), for every tampering case.

The disagreement this settles (issue 11): on a book, the API answered a kept head that is not in the chain with
`ok: false` and no problem (no `first_bad`, nothing named), while the CLI named it; the API also never said which
event a kept count pointed past. Now both shells call app/audit, and a kept head that is not in the chain is a
failure naming it ("kept head", or the first missing event when a count was kept), on both kinds of source.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.store.backends import base_events, cash_notice, fresh_url, payment, raw, surrender
from warrantbook.app import audit
from warrantbook.cli.main import app as cli_app
from warrantbook.core.audit import GENESIS, Head
from warrantbook.core.errors import BadInput
from warrantbook.sources import BookSource, Source
from warrantbook.store.ledger import DbSource

KINDS = ("book", "sqlite", "postgresql")
runner = CliRunner()


def life() -> list[Any]:
    return [*base_events(), cash_notice("n1", "ATG-5", "other", 1_000), surrender("s1", "ATG-5", "n1"), payment("p1", "ATG-5", "n1", F("0.01"))]


@dataclass
class World:
    kind: str
    address: str  # the database URL, or the book file's path

    @property
    def cli(self) -> list[str]:
        return ["--book", self.address] if self.kind == "book" else ["--db", self.address]

    def source(self) -> Source:
        return BookSource(self.address) if self.kind == "book" else DbSource(self.address)

    def sql(self, *statements: str) -> None:
        engine = raw(self.address)
        with engine.begin() as conn:
            for s in statements:
                conn.execute(sa.text(s))
        engine.dispose()

    def book_events(self) -> list[str]:
        """The book's events as the text blocks `book export` writes (one `  - id: ...` block each)."""
        text = Path(self.address).read_text(encoding="utf-8")
        self._top, body = text.split("events:\n", 1)
        return ["  - id: " + b for b in body.split("  - id: ")[1:]]

    def write_book(self, events: list[str]) -> None:
        Path(self.address).write_text(self._top + "events:\n" + "".join(events), encoding="utf-8")


def block_id(block: str) -> str:
    return block.split("\n", 1)[0].removeprefix("  - id: ").strip()


@pytest.fixture(scope="session")
def users_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A user store with an auditor and a holder (argon2 is slow: made once, copied per test)."""
    from warrantbook.web.auth import UserStore

    folder = tmp_path_factory.mktemp("audit-users")
    store = UserStore.open(f"sqlite:///{folder / 'users.db'}")
    store.add_user("auditor", "auditor-password", "auditor")
    store.add_user("other", "other-password", "holder", "other")
    tokens = {who: store.new_token(who, "tests") for who in ("auditor", "other")}
    store.engine.dispose()
    return folder / "users.db", tokens


@pytest.fixture(params=KINDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "book":
        path = tmp_path / "book.yaml"
        path.write_text("warrantbook: '1'\nevents: []\n", encoding="utf-8")
        BookSource(path).record_all(life())
        yield World("book", str(path))
        return
    with fresh_url(request.param, tmp_path) as url:
        src = DbSource(url, create=True)
        src.record_all(life())
        src.close()
        yield World(request.param, url)


def three_shells(w: World, users: tuple[Path, dict[str, str]], tmp_path: Path, head: str | None = None,
                 count: int | None = None) -> dict[str, dict[str, Any]]:
    """The verification as app/audit, the CLI and the API give it (the CLI's `source` label set aside)."""
    from warrantbook.web import create_app
    from warrantbook.web.auth import UserStore

    answers: dict[str, dict[str, Any]] = {}
    src = w.source()
    answers["app"] = audit.verify(src, head, count).as_json()
    args = ["audit", "verify", "--json", *w.cli] + (["--head", head] if head else []) + (["--count", str(count)] if count is not None else [])
    result = runner.invoke(cli_app, args)
    cli = json.loads(result.stdout)
    assert result.exit_code == (0 if cli["ok"] else 1), result.stdout
    assert cli.pop("source") == src.label
    answers["cli"] = cli
    users_db = tmp_path / "users.db"
    shutil.copy(users[0], users_db)
    store = UserStore.open(f"sqlite:///{users_db}")
    web = create_app(w.address, users=store)
    query = {k: v for k, v in (("head", head), ("count", count)) if v is not None}
    with TestClient(web) as client:
        r = client.get("/api/audit/verify", params=query, headers={"Authorization": f"Bearer {users[1]['auditor']}"})
        assert r.status_code == 200, r.text
        answers["web"] = r.json()
        partial = client.get("/api/audit/verify", params=query, headers={"Authorization": f"Bearer {users[1]['other']}"}).json()
    web.state.book.source.close() if hasattr(web.state.book.source, "close") else None
    store.engine.dispose()
    if hasattr(src, "close"):
        src.close()
    assert answers["app"] == answers["cli"] == answers["web"], answers
    # a holder, who may not see every event, gets the same verdict, head and positions, without the events' ids
    full = answers["app"]
    assert (partial["ok"], partial["events"], partial["head"], partial["anchored"]) == (full["ok"], full["events"], full["head"], full["anchored"])
    assert [p["seq"] for p in partial["problems"]] == [p["seq"] for p in full["problems"]]
    named = {p["event"] for p in full["problems"]} - {"kept head", "chain head", "more"}
    assert not named & {p["event"] for p in partial["problems"] if not p["event"].startswith("#")}
    return answers


def _seq(w: World, event_id: str) -> int:
    engine = raw(w.address)
    with engine.connect() as conn:
        seq = int(conn.execute(sa.text("SELECT seq FROM events WHERE event_id = :e"), {"e": event_id}).scalar_one())
    engine.dispose()
    return seq


def _bad(answer: dict[str, Any], seq: int, words: str) -> None:
    assert answer["ok"] is False
    first = answer["first_bad"]
    assert first is not None and first["seq"] == seq and words in first["reason"], answer["problems"]
    assert answer["problems"][0] == first


# ---------------------------------------------------------------- intact, and kept heads


def test_intact_chain_verifies_alike_everywhere(world: World, users_template: Any, tmp_path: Path) -> None:
    head = world.source().head()
    a = three_shells(world, users_template, tmp_path)["app"]
    assert a["ok"] and a["events"] == head.count and a["head"] == head.as_json() and a["first_bad"] is None and a["anchored"] is None
    assert a["note"] == (audit.BOOK_NOTE if world.kind == "book" else audit.LEDGER_NOTE)
    kept = three_shells(world, users_template, tmp_path, head.hash, head.count)["app"]
    assert kept["ok"] and kept["anchored"] == head.count


def test_a_kept_head_missing_from_the_chain_is_a_failure_naming_it(world: World, users_template: Any, tmp_path: Path) -> None:
    """The CLI/web disagreement of issue 11: the API said `ok: false` with no problem for a book; now every shell names it."""
    missing = hashlib.sha256(b"a head this chain never had").hexdigest()
    n = world.source().head().count
    a = three_shells(world, users_template, tmp_path, missing)["app"]
    _bad(a, n, "is not in this")
    assert a["first_bad"]["event"] == "kept head" and a["anchored"] is None
    genesis = three_shells(world, users_template, tmp_path, GENESIS)["app"]  # the empty chain's head is in no chain
    _bad(genesis, n, "is not in this")
    counted = three_shells(world, users_template, tmp_path, missing, 3)["app"]
    _bad(counted, 3, "does not end in the kept hash")


def test_a_kept_head_with_a_wrong_count(world: World, users_template: Any, tmp_path: Path) -> None:
    head = world.source().head()
    _bad(three_shells(world, users_template, tmp_path, head.hash, head.count - 1)["app"], head.count - 1, "does not end in the kept hash")
    beyond = three_shells(world, users_template, tmp_path, head.hash, head.count + 2)["app"]
    _bad(beyond, head.count + 1, f"first missing: #{head.count + 1}")


def test_an_earlier_kept_head_anchors_a_longer_chain(world: World, users_template: Any, tmp_path: Path) -> None:
    kept = world.source().head()
    world.source().record(cash_notice("n2", "ATG-5", "other", 1_000, on=cash_notice("x", "ATG-5", "other", 1).on))
    a = three_shells(world, users_template, tmp_path, kept.hash, kept.count)["app"]
    assert a["ok"] and a["anchored"] == kept.count and a["events"] > kept.count
    assert three_shells(world, users_template, tmp_path, kept.hash)["app"]["anchored"] == kept.count


# ---------------------------------------------------------------- tampering


def test_altered_event(world: World, users_template: Any, tmp_path: Path) -> None:
    kept = world.source().head()
    if world.kind == "book":
        events = world.book_events()
        i = next(k for k, e in enumerate(events) if block_id(e) == "own")
        assert "shares: 10000000\n" in events[i]
        events[i] = events[i].replace("shares: 10000000\n", "shares: 1\n")
        world.write_book(events)
        assert three_shells(world, users_template, tmp_path)["app"]["ok"]  # a book has no hashes: only a kept head shows it
        _bad(three_shells(world, users_template, tmp_path, kept.hash, kept.count)["app"], kept.count, "does not end in the kept hash")
        return
    world.sql("UPDATE events SET payload = replace(payload, '100000000', '900000000') WHERE event_id = 'issue-5'")
    _bad(three_shells(world, users_template, tmp_path)["app"], _seq(world, "issue-5"), "hash does not match")


def test_deleted_event(world: World, users_template: Any, tmp_path: Path) -> None:
    kept = world.source().head()
    if world.kind == "book":
        world.write_book([e for e in world.book_events() if block_id(e) != "own-aff"])
        assert three_shells(world, users_template, tmp_path)["app"]["events"] == kept.count - 1
        _bad(three_shells(world, users_template, tmp_path, kept.hash, kept.count)["app"], kept.count, "cut off")
        _bad(three_shells(world, users_template, tmp_path, kept.hash)["app"], kept.count - 1, "is not in this book")
        return
    world.sql("DELETE FROM events WHERE seq = 5")
    _bad(three_shells(world, users_template, tmp_path)["app"], 6, "rows were deleted")


def test_reordered_events(world: World, users_template: Any, tmp_path: Path) -> None:
    kept = world.source().head()
    if world.kind == "book":
        events = world.book_events()
        i, j = (next(k for k, e in enumerate(events) if block_id(e) == x) for x in ("affiliate", "other"))
        events[i], events[j] = events[j], events[i]  # two registrations of the same day: the book's order is the record's
        world.write_book(events)
        _bad(three_shells(world, users_template, tmp_path, kept.hash, kept.count)["app"], kept.count, "does not end in the kept hash")
        return
    world.sql("UPDATE events SET seq = -1 WHERE seq = 4", "UPDATE events SET seq = 4 WHERE seq = 5", "UPDATE events SET seq = 5 WHERE seq = -1")
    _bad(three_shells(world, users_template, tmp_path)["app"], 4, "does not link")


def test_cut_off_tail_with_a_kept_head(world: World, users_template: Any, tmp_path: Path) -> None:
    kept = world.source().head()
    if world.kind == "book":
        world.write_book([e for e in world.book_events() if block_id(e) not in ("s1", "p1")])
    else:
        cut = kept.count - 3
        engine = raw(world.address)
        with engine.begin() as conn:  # a careful forger cuts the last events and rewrites the head record to match
            last = conn.execute(sa.text("SELECT hash FROM events WHERE seq = :s"), {"s": cut}).scalar_one()
            conn.execute(sa.text("DELETE FROM events WHERE seq > :s"), {"s": cut})
            conn.execute(sa.text("UPDATE chain SET count = :c, hash = :h WHERE id = 1"), {"c": cut, "h": last})
        engine.dispose()
    bare = three_shells(world, users_template, tmp_path)["app"]
    assert bare["ok"] and bare["events"] < kept.count  # a bare chain cannot see its own end cut off...
    n = bare["events"]
    _bad(three_shells(world, users_template, tmp_path, kept.hash, kept.count)["app"], n + 1, f"(first missing: #{n + 1})")  # ...a kept head can
    _bad(three_shells(world, users_template, tmp_path, kept.hash)["app"], n, "is not in this")


# ---------------------------------------------------------------- input


@pytest.mark.parametrize(("head", "count", "field"), [
    ("abc", None, "head"),  # a kept head is the whole hash
    ("g" * 64, None, "head"),
    (None, 5, "count"),  # a count alone anchors nothing
    ("a" * 64, -1, "count"),
    ("a" * 64, 0, "count"),  # the empty chain's head anchors nothing
])
def test_bad_kept_heads_are_refused_naming_the_field(head: str | None, count: int | None, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        audit.kept_head(head, count)
    assert caught.value.field == field


def test_the_kept_head_is_read_as_typed() -> None:
    h = "AB" * 32
    assert audit.kept_head(f"  {h}\n", 3) == (h.lower(), 3)
    assert audit.kept_head("  ", None) == (None, None)


def test_redacted_problems_keep_positions_and_drop_what_a_role_may_not_see() -> None:
    v = audit.Verification(False, 9, Head("0" * 64, 9), (
        audit.Problem(4, "issue-5", "column actor ('holder:mallory') differs from the hashed content ('company:atg')"),
        audit.Problem(9, "kept head", "the kept head 0123... is not in this ledger")))
    r = v.redacted().as_json()
    assert [p["seq"] for p in r["problems"]] == [4, 9]
    assert r["problems"][0] == {"seq": 4, "event": "#4", "reason": "column actor differs from the hashed content"}
    assert r["problems"][1]["event"] == "kept head"
    assert "mallory" not in json.dumps(r) and "issue-5" not in json.dumps(r)


def test_the_readable_report_says_what_the_json_says() -> None:
    kept = audit.Verification(True, 5, Head("a" * 64, 5), (), 3, audit.BOOK_NOTE, Head("b" * 64, 0))
    text = audit.report_text(kept, "book b.yaml")
    assert text.splitlines() == ["source: book b.yaml", f"chain: 5 events, head {'a' * 64}", f"kept head: {'b' * 64}",
                                 "ok: chain intact; the kept head covers the first 3 events", f"note: {audit.BOOK_NOTE}"]
    bad = audit.Verification(False, 5, Head("a" * 64, 5), (audit.Problem(6, "#6", "cut off"), audit.Problem(5, "kept head", "gone")),
                             None, "", Head("b" * 64, 7))
    lines = audit.report_text(bad).splitlines()
    assert lines[1] == f"kept head: {'b' * 64} at count 7"
    assert lines[2:] == ["TAMPERED: first bad event: #6: cut off", "  also #5 kept head: gone"]
