"""Every view's CLI `--json` and the API's JSON come from the same app function and hold the same data.

The world: the seed option's illustrative life in a SQLite ledger, then (through the CLI, as a user records them) an
uneven §4 subdivision (remaining shares and prices become fractions), a cashless exercise of ATG-3 and a transfer of
part of ATG-2 to gssf. The CLI (which sees everything) and the API signed in as an auditor (who reads everything)
must answer each view with the same JSON; a holder's API answer must be the app's view filtered by the holder's
Visibility (web.roles.visibility), which is itself checked against what the holder holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from warrantbook.app import views
from warrantbook.app.views import NotVisible, Visibility
from warrantbook.cli.main import app as cli
from warrantbook.core.numbers import exact

TODAY = date(2006, 12, 29)
runner = CliRunner()


@dataclass
class World:
    url: str
    client: TestClient
    tokens: dict[str, str]
    app: Any

    def cli(self, *args: str) -> Any:
        r = runner.invoke(cli, [*args, "--db", self.url, "--json"])
        assert r.exit_code == 0, f"{args}: exit {r.exit_code}\n{r.output}"
        return json.loads(r.stdout)

    def api(self, path: str, who: str = "auditor") -> Any:
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}"})
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        return r.json()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from warrantbook.core.decide import replay
    from warrantbook.seed import seed_life
    from warrantbook.store.ledger import DbSource
    from warrantbook.web import create_app
    from warrantbook.web.auth import UserStore

    folder = tmp_path_factory.mktemp("views-shells")
    url = f"sqlite:///{folder / 'ledger.db'}"
    src = DbSource(url, create=True)
    _state, decided = replay(seed_life())
    src.import_events(decided)
    store = UserStore(src.engine)
    tokens = {}
    for name, role, party in (("auditor", "auditor", ""), ("gssf", "holder", "gssf"), ("northbridge", "holder", "northbridge")):
        store.add_user(name, f"{name}-password", role, party)
        tokens[name] = store.new_token(name, "tests")
    src.close()

    def wb(*args: str) -> Any:
        r = runner.invoke(cli, [*args, "--db", url, "--json"])
        assert r.exit_code == 0, f"{args}: exit {r.exit_code}\n{r.output}"
        return json.loads(r.stdout)

    before = exact(wb("reserve", "--company", "atg", "--as-of", "2006-12-01")["reserve"][0]["outstanding"])
    wb("stock-event", "--company", "atg", "--kind", "subdivision", "--after", str(before * 3 // 2 + 1), "--on", "2006-12-01")
    wb("exercise", "notice", "--option", "ATG-3", "--shares", "1000001", "--method", "cashless", "--channel", "fax", "--on", "2006-12-04")
    wb("exercise", "surrender", "--option", "ATG-3", "--on", "2006-12-04")
    wb("holder", "add", "dexter", "--name", "Dexter Illustrative LLC", "--address", "1 Example Road", "--address", "Austin, TX 78701",
       "--on", "2006-12-05")
    wb("transfer", "request", "--option", "ATG-2", "--piece", "dexter=30%", "--endorsed", "--witness", "A. Witness",
       "--original-surrendered", "--opinion", "--taxes-paid", "--on", "2006-12-06")
    wb("transfer", "register", "--option", "ATG-2", "--new-option", "ATG-4", "--new-option", "ATG-5", "--on", "2006-12-08")
    wb("doc", "exercise-notice", "--event", "notice-1", "--out", str(folder / "notice-1.html"))
    wb("doc", "option-certificate", "--option", "ATG-5", "--out", str(folder / "atg-5.html"))
    app = create_app(url, today=TODAY)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield World(url, client, tokens, app)
    app.state.book.source.close()


def test_the_world_has_fractions_an_exercise_and_a_transfer(world: World) -> None:
    listed = {o["option"]: o for o in world.cli("list", "--as-of", "2006-12-29")["options"]}
    assert {"ATG-4", "ATG-5"} <= set(listed) and listed["ATG-2"]["children"] == ["ATG-4", "ATG-5"]
    assert any(exact(o["remaining_shares"]).denominator != 1 for o in listed.values())  # the uneven adjustment left fractions
    assert exact(listed["ATG-3"]["tranches"][0]["exercise_price"]) < Fraction(1, 100000)  # adjusted by both subdivisions
    kinds = [e["kind"] for e in world.cli("history", "--option", "ATG-3")["events"]]
    assert "exercise" in kinds and "stock-event" in kinds


VIEWS: list[tuple[list[str], str, Any]] = [
    (["list", "--as-of", "2006-12-29"], "/api/options?as_of=2006-12-29", None),
    (["list", "--as-of", "2006-06-30", "--active"], "/api/options?as_of=2006-06-30&active=true", None),
    (["show", "--option", "ATG-3", "--as-of", "2006-12-29"], "/api/options/ATG-3?as_of=2006-12-29", lambda x: x["options"][0]),
    (["show", "--option", "ATG-4", "--as-of", "2006-12-20"], "/api/options/ATG-4?as_of=2006-12-20", lambda x: x["options"][0]),
    (["history", "--as-of", "2006-12-29"], "/api/history?as_of=2006-12-29", None),
    (["history", "--option", "ATG-2", "--as-of", "2006-12-29"], "/api/options/ATG-2/history?as_of=2006-12-29", None),
    (["history", "--option", "ATG-3", "--facts", "--as-of", "2006-12-29"], "/api/options/ATG-3/history?as_of=2006-12-29&facts=true", None),
    (["doc", "list"], "/api/documents", None),
    (["doc", "list", "--option", "ATG-5"], "/api/documents?option=ATG-5", None),
    (["due", "--as-of", "2006-12-05"], "/api/due?as_of=2006-12-05", None),
    (["due", "--as-of", "2006-12-29"], "/api/due?as_of=2006-12-29", None),
    (["reserve", "--as-of", "2006-12-29"], "/api/reserve?as_of=2006-12-29", None),
    (["reserve", "--company", "atg", "--as-of", "2006-12-02"], "/api/reserve?company=atg&as_of=2006-12-02", None),
    (["quote", "--option", "ATG-5", "--shares", "1000", "--method", "cash", "--owned", "0", "--on", "2006-12-29"],
     "/api/options/ATG-5/quote?shares=1000&method=cash&owned=0&on=2006-12-29", None),
    (["quote", "--option", "ATG-3", "--shares", "max", "--method", "cashless", "--on", "2006-12-28"],
     "/api/options/ATG-3/quote?shares=max&method=cashless&on=2006-12-28", None),
]


@pytest.mark.parametrize("args,path,pick", VIEWS, ids=[" ".join(v[0]) for v in VIEWS])
def test_cli_json_and_api_json_are_the_same_view(world: World, args: list[str], path: str, pick: Any) -> None:
    from_cli = world.cli(*args)
    from_api = world.api(path)
    assert (pick(from_cli) if pick else from_cli) == from_api
    assert from_api  # a view with something in it: an empty answer on both sides proves nothing
    if "options" in from_api:
        assert from_api["options"]
    if "events" in from_api:
        assert len(from_api["events"]) > 1
    for key in ("items", "reserve", "documents"):
        assert from_api.get(key, [None])


def test_both_shells_answer_with_the_app_function(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Change app.views.due, and both the CLI's and the API's answers change with it: neither shell has a copy."""
    real = views.due

    def marked(*a: Any, **k: Any) -> dict[str, Any]:
        return {**real(*a, **k), "marked": True}

    monkeypatch.setattr(views, "due", marked)
    assert world.cli("due", "--as-of", "2006-12-10")["marked"] is True
    assert world.api("/api/due?as_of=2006-12-10")["marked"] is True


def _visibility(world: World, who: str) -> Visibility:
    from warrantbook.web import roles

    book = world.app.state.book
    principal = world.app.state.users.by_token(world.tokens[who])
    return roles.visibility(book.state(), principal)


def test_a_holders_visibility_is_what_it_holds(world: World) -> None:
    gssf = _visibility(world, "gssf")
    assert gssf.options == frozenset({"ATG-1", "ATG-3"}) and gssf.companies == frozenset({"atg"})
    assert gssf.actor == "holder:gssf" and not gssf.every_event and not gssf.reserve and not gssf.company_items
    northbridge = _visibility(world, "northbridge")
    assert northbridge.options == frozenset({"ATG-2", "ATG-5"})  # ATG-4 went to dexter, ATG-5 is what northbridge kept
    assert _visibility(world, "auditor") == Visibility.everything()


@pytest.mark.parametrize("who", ["gssf", "northbridge"])
def test_a_holders_web_view_is_the_app_view_filtered_by_its_visibility(world: World, who: str) -> None:
    vis = _visibility(world, who)
    assert vis.options
    seen = vis.options

    everything = world.cli("list", "--as-of", "2006-12-29")["options"]
    assert world.api("/api/options?as_of=2006-12-29", who)["options"] == [o for o in everything if o["option"] in seen]
    assert len(everything) > len(seen)  # the filter left something out

    all_docs = world.cli("doc", "list")["documents"]
    assert world.api("/api/documents", who)["documents"] == [d for d in all_docs if d["option"] in seen]

    all_due = world.cli("due", "--as-of", "2006-12-05")["items"]
    assert world.api("/api/due?as_of=2006-12-05", who)["items"] == [i for i in all_due if i["option"] in seen]

    for no in sorted(seen):
        full = world.cli("history", "--option", no, "--as-of", "2006-12-29")
        mine = world.api(f"/api/options/{no}/history?as_of=2006-12-29", who)
        lineage = [x for x in full["lineage"] if x["option"] in seen]
        assert mine["lineage"] == [{**x, "children": [c for c in x["children"] if c in seen]} for x in lineage]
        hidden = {x["option"] for x in full["lineage"]} - seen
        for e in mine["events"]:  # another holder's option shows only in the event that made one of this holder's
            if e["data"].get("option_no") in hidden:
                assert set(e["data"].get("new_options") or ()) & seen or e["data"].get("new_option") in seen, e["id"]
        assert {e["id"] for e in mine["events"]} <= {e["id"] for e in full["events"]}
        assert world.cli("show", "--option", no, "--as-of", "2006-12-29")["options"][0] == world.api(f"/api/options/{no}?as_of=2006-12-29", who)

    book = world.app.state.book
    app_view = views.list_options(book.state(TODAY), vis, TODAY)
    assert app_view == world.api("/api/options", who)


def test_an_option_out_of_sight_is_not_there(world: World) -> None:
    book = world.app.state.book
    vis = _visibility(world, "gssf")
    with pytest.raises(NotVisible) as caught:
        views.option_view(book.state(TODAY), vis, "ATG-2", TODAY)
    assert "ATG-1" not in caught.value.message and caught.value.field == "option"  # names nothing it may not see
    r = world.client.get("/api/options/ATG-2", headers={"Authorization": f"Bearer {world.tokens['gssf']}"})
    assert r.status_code == 404
    with pytest.raises(NotVisible):
        views.reserve(book.state(TODAY), vis, TODAY)
    everything = views.show(book.state(TODAY), Visibility.everything(), TODAY)
    assert {o["option"] for o in everything["options"]} == {"ATG-1", "ATG-2", "ATG-3", "ATG-4", "ATG-5"}


def test_book_and_database_give_the_same_views(world: World, tmp_path: Path) -> None:
    """The Source protocol: a book file answers the views as the database does (only its hashes and record times differ)."""
    out = tmp_path / "book.yaml"
    r = runner.invoke(cli, ["book", "export", "--out", str(out), "--db", world.url])
    assert r.exit_code == 0, r.output
    for args in (["list", "--as-of", "2006-12-29"], ["due", "--as-of", "2006-12-05"], ["reserve"], ["show", "--option", "ATG-5"]):
        from_book = json.loads(runner.invoke(cli, [*args, "--book", str(out), "--json"]).stdout)
        assert from_book == world.cli(*args)
    book_history = json.loads(runner.invoke(cli, ["history", "--option", "ATG-3", "--book", str(out), "--json"]).stdout)
    db_history = world.cli("history", "--option", "ATG-3")
    strip = ("hash", "recorded_at", "acted_by", "seq")
    assert [{k: v for k, v in e.items() if k not in strip} for e in book_history["events"]] == \
        [{k: v for k, v in e.items() if k not in strip} for e in db_history["events"]]
    assert all(e["hash"] and len(e["hash"]) == 64 for e in book_history["events"])  # a book's chain, recomputed


def test_the_cli_tables_show_figures_by_the_presentation_rule(world: World) -> None:
    """After an uneven subdivision the exact figures are fractions; the tables people read show each by app.present
    (shares whole + fraction, prices to significant digits), never the raw p/q the JSON keeps."""
    import re

    from warrantbook.app import present

    exact_rows = world.cli("list", "--as-of", "2006-12-29")["options"]
    assert any(exact(r["remaining_shares"]).denominator != 1 for r in exact_rows)  # the world has fractional shares
    for width in ("200", "60"):  # columns, and stacked blocks on a narrow terminal: the same texts either way
        r = runner.invoke(cli, ["list", "--as-of", "2006-12-29", "--db", world.url], env={"COLUMNS": width})
        assert r.exit_code == 0, r.output
        assert not re.search(r"\b\d{4,}/\d+\b", r.stdout), r.stdout  # no raw fraction such as 2333333/3
        for row in exact_rows:
            assert present.shares(row["remaining_shares"]) in r.stdout, (width, row["option"])
            for t in row["tranches"]:
                assert present.price(t["exercise_price"]) in r.stdout
    r = runner.invoke(cli, ["reserve", "--company", "atg", "--as-of", "2006-12-29", "--db", world.url])
    required = world.cli("reserve", "--company", "atg", "--as-of", "2006-12-29")["reserve"][0]["required"]
    assert f"required {present.shares(required)}" in r.stdout
