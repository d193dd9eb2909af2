"""The cap table on the web: who may see which page, the API's figures equal the CLI's --json, downloads hold the same
figures, pages show the presentation rule with the exact value one click (or a hover) away."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction as F
from typing import Any

import openpyxl
import pytest
from tests.web.conftest import TODAY, Env, appoint_agent, login
from typer.testing import CliRunner

from warrantbook.cli.main import app as cli


def page(env: Env, who: str, path: str) -> Any:
    """A page as a signed-in user sees it (pages take the browser session, not a bearer token)."""
    env.client.cookies.clear()
    login(env.client, who)
    return env.client.get(path, follow_redirects=False)


def test_company_page_shows_the_rule_and_the_exact_values(env: Env) -> None:
    r = page(env, "atg", "/companies/atg/captable?as_of=2006-12-29")
    assert r.status_code == 200, r.text
    text = r.text
    assert "2,449,989,919" in text and 'title="exact: 2449989919"' in text
    assert "$0.000005" in text and "$8,278,638.00" in text and "$2,069,659.50" in text
    assert "9.49…%" in text and 'title="exact: 254389919/2680489919"' in text  # rounded, marked, exact in the title
    assert "Exact values" in text and "<code>184400000/2680489919</code>" in text  # the exact view, one click away
    assert 'role="region"' in text and "scrolls sideways" in text
    assert 'href="/companies/atg/captable.csv?as_of=2006-12-29"' in text and 'href="/captable"' in text  # downloads; the nav link


@pytest.mark.parametrize(("who", "path", "status"), [
    ("atg", "/companies/atg/captable", 200),
    ("auditor", "/companies/atg/captable", 200),
    ("gssf", "/companies/atg/captable", 404),  # a holder does not read the company's books
    ("northbridge", "/companies/atg/captable.csv", 404),
    ("agent", "/companies/atg/captable", 404),  # not appointed (§11)
    ("atg", "/companies/nobody/captable", 404),
    ("gssf", "/holders/gssf/captable", 200),
    ("affiliate", "/holders/gssf/captable", 200),  # its §10 group's options, as on the rest of the site
    ("gssf", "/holders/northbridge/captable", 404),  # another holder's options
    ("northbridge", "/holders/gssf/captable.xlsx", 404),
    ("atg", "/holders/gssf/captable", 200),  # the company sees the fund's options in its own company
    ("agent", "/holders/gssf/captable", 404),
    ("auditor", "/holders/northbridge/captable", 200),
    ("atg", "/holders/nobody/captable", 404),
])
def test_who_may_see_which_page(env: Env, who: str, path: str, status: int) -> None:
    assert page(env, who, path).status_code == status


@pytest.mark.parametrize(("who", "query", "status", "field"), [
    ("gssf", "company=atg", 404, "company"),
    ("agent", "company=atg", 404, "company"),
    ("northbridge", "holder=gssf", 404, "holder"),
    ("atg", "", 400, "company"),
    ("atg", "company=atg&holder=gssf", 400, "holder"),
    ("atg", "company=atg&as_of=2006-13-01", 400, "as_of"),
])
def test_api_refusals(env: Env, who: str, query: str, status: int, field: str) -> None:
    r = env.get(f"/api/captable?{query}", who)
    assert r.status_code == status and r.json()["field"] == field, r.text


def test_an_appointed_agent_sees_the_company(env: Env) -> None:
    appoint_agent(env)
    assert page(env, "agent", "/companies/atg/captable").status_code == 200
    assert env.get("/api/captable?company=atg", "agent").json()["outstanding"] == "2449989919"


def test_api_equals_the_cli_json(env: Env) -> None:
    """One app function under both shells: the same figures for the same ledger and day."""
    runner = CliRunner()
    for query, args in (("company=atg", ["--company", "atg"]), ("holder=gssf", ["--holder", "gssf"])):
        api = env.get(f"/api/captable?{query}&as_of={TODAY.isoformat()}", "auditor").json()
        result = runner.invoke(cli, ["captable", "--db", env.url, *args, "--as-of", TODAY.isoformat(), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == api


def test_a_holder_sees_its_own_figures_only(env: Env) -> None:
    d = env.get("/api/captable?holder=gssf", "gssf").json()
    assert [o["option"] for c in d["companies"] for o in c["options"]] == ["ATG-3"]
    assert "northbridge" not in json.dumps(d)


def test_downloads_hold_the_api_figures(env: Env) -> None:
    d = env.get("/api/captable?company=atg&as_of=2006-12-29", "atg").json()
    r = page(env, "atg", "/companies/atg/captable.csv?as_of=2006-12-29")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="cap-table-atg-2006-12-29.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    by_option = {x["Option"]: x for x in rows if x["Section"] == "option"}
    for o in d["options"]:
        assert by_option[o["option"]]["Intrinsic value"] == o["intrinsic_value"]
        assert by_option[o["option"]]["Fully diluted"] == o["fully_diluted"]
    x = env.client.get("/companies/atg/captable.xlsx?as_of=2006-12-29")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    [outstanding] = [g for g in got if g["Item"] == "shares outstanding"]
    assert outstanding["Shares"] == int(d["outstanding"])
    for o in d["options"]:
        [row] = [g for g in got if g["Section"] == "option" and g["Option"] == o["option"]]
        assert row["Shares"] == int(o["remaining"]) and F(str(row["Intrinsic value"])) == F(o["intrinsic_value"])
        assert row["Fully diluted (exact)"] == o["fully_diluted"]
    assert env.client.get("/companies/atg/captable.pdf").status_code == 404


def test_existing_pages_read_prices_by_the_price_rule(env: Env) -> None:
    """The dashboard's exercise price ($0.000005) and FMV ($0.0449) are prices, not money rounded to the cent."""
    text = page(env, "gssf", "/").text
    assert "$0.000005" in text and "$0.0449" in text and "$0.00<" not in text


def test_fund_page_shows_each_company_and_the_exact_view(env: Env) -> None:
    text = page(env, "gssf", "/holders/gssf/captable?as_of=2006-12-29").text
    assert "American Technologies Group, Inc." in text and "ATG-3" in text and "ATG-2" not in text
    assert "$8,278,638.00" in text and "9.49…%" in text
    assert '<details class="card" id="exact">' in text and "<code>254389919/2680489919</code>" in text
    assert 'href="/holders/gssf/captable.xlsx?as_of=2006-12-29"' in text


@pytest.mark.parametrize(("view", "api", "key", "first"), [("options", "/api/options", "options", "Option"),
                                                            ("history", "/api/history", "events", "Seq"),
                                                            ("due", "/api/due", "items", "Due")])
@pytest.mark.parametrize("who", ["auditor", "gssf"])
def test_view_downloads_hold_the_api_rows_for_each_user(env: Env, view: str, api: str, key: str, first: str, who: str) -> None:
    """/exports/{options,history,due}.{csv,xlsx}: the rows the API gives this user (a holder's own, filtered alike)."""
    day = "2006-03-16" if view == "due" else "2006-12-29"  # a day with open items
    rows = env.get(f"{api}?as_of={day}", who).json()[key]
    assert rows, view
    r = page(env, who, f"/exports/{view}.csv?as_of={day}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    got = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    column = {"Option": "option", "Seq": "seq", "Due": "due"}[first]
    assert [g[first] for g in got] == [str(x[column] or "") for x in rows]
    x = env.client.get(f"/exports/{view}.xlsx?as_of={day}")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert openpyxl.load_workbook(io.BytesIO(x.content)).active.max_row == len(rows) + 1
    assert env.client.get(f"/exports/{view}.pdf").status_code == 404


def test_a_rounded_figure_on_any_page_carries_its_exact_value_and_the_option_page_links_its_json(env: Env) -> None:
    """The pages' figure filters (web.pages) follow app.present; a figure rounded for display (…) has its exact value in
    its title, an exact one is plain text; the option page links its exact figures (the API's JSON, with the session)."""
    from warrantbook.web.pages import templates

    shares, price = templates.env.filters["shares"], templates.env.filters["price"]
    assert shares("7000000/3") == "2,333,333 + 1/3"  # exact as shown: no title needed
    rounded = str(price("3/700"))
    assert rounded.startswith('<span class="rounded" title="exact: 3/700">$0.00428571') and "…" in rounded
    assert str(shares("1/3")) == "1/3"
    r = page(env, "gssf", "/options/ATG-3?as_of=2006-12-29")
    assert r.status_code == 200
    assert 'href="/api/options/ATG-3?as_of=2006-12-29"' in r.text
    j = env.client.get("/api/options/ATG-3?as_of=2006-12-29")
    assert j.status_code == 200 and j.json()["option"] == "ATG-3"
