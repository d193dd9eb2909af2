"""Limits where input arrives over the web: number bounds and the comma rule (API, quote, form, CSV), body size,
JSON depth and duplicate keys, CSV rows and cells, and the characters of option numbers and ids."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import Env, login

D = "2006-12-29"
BAD_NUMBERS = ["1e99999999", "1e-99999", "0,46", "1,5"]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_api_refuses_bad_numbers_naming_the_field(env: Env, bad: str) -> None:
    before = env.count()
    r = env.post("/api/options/ATG-3/exercise-notices", "gssf", {"shares": bad, "method": "cash", "on": D})
    assert r.status_code == 400 and r.json()["field"] == "event.shares", r.text
    q = env.get(f"/api/options/ATG-3/quote?shares=1000000&method=cash&fmv={bad}", "gssf")
    assert q.status_code == 400 and q.json()["field"] == "fmv", q.text
    assert env.count() == before


def test_thousands_separators_still_read(env: Env) -> None:
    q = env.get("/api/options/ATG-3/quote?shares=1,000,000&method=cash", "gssf")
    assert q.status_code == 200 and q.json()["shares_exercised"] == "1000000"


def test_a_form_refuses_a_decimal_comma_naming_the_field(env: Env) -> None:
    c = TestClient(env.app)
    csrf = login(c, "atg")
    before = env.count()
    r = c.post("/companies/atg/act/outstanding", data={"csrf_token": csrf, "shares": "1,5", "on": D})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.text and "not a thousands separator" in r.text
    assert re.search(r'<input name="shares" value="1,5"[^>]*aria-invalid="true"', r.text)
    r = c.get("/options/ATG-3/calculator/result?shares=1e99999999&method=cash")
    assert r.status_code == 200 and "out of range" in r.text
    assert env.count() == before


def test_a_csv_refuses_a_decimal_comma_with_its_line(env: Env) -> None:
    csv = 'date,venue,close,bid,ask\n2007-01-03,otcbb,0.03,0.029,0.031\n2007-01-04,otcbb,"0,46",,\n'
    r = env.client.post("/api/companies/atg/prices", headers={**env.auth("atg"), "Content-Type": "text/csv"}, content=csv.encode())
    assert r.status_code == 400, r.text
    body = r.json()
    [problem] = body["problems"]
    assert problem["field"] == "close" and problem["line"] == 3 and "not a thousands separator" in problem["error"], body
    assert "/tmp" not in r.text  # no server path in the answer


# ---------------------------------------------------------------- sizes and shapes


def test_a_body_past_the_limit_is_413_declared_or_streamed(env: Env) -> None:
    from warrantbook.web.app import MAX_BODY

    before = env.count()
    big = b'{"note": "' + b"x" * (MAX_BODY + 10) + b'"}'
    r = env.client.post("/api/options/ATG-3/waiver-notices", headers={**env.auth("gssf"), "Content-Type": "application/json"}, content=big)
    assert r.status_code == 413 and r.json()["field"] == "body"

    def chunks():  # no Content-Length: the body is counted as it arrives
        for _ in range(20):
            yield b"x" * (MAX_BODY // 10)

    r = env.client.post("/api/options/ATG-3/waiver-notices", headers={**env.auth("gssf"), "Content-Type": "application/json"}, content=chunks())
    assert r.status_code == 413
    c = TestClient(env.app)
    csrf = login(c, "atg")
    r = c.post("/companies/atg/act/outstanding", data={"csrf_token": csrf, "shares": "1", "note": "x" * (MAX_BODY + 1)})
    assert r.status_code == 413
    assert env.count() == before


def test_json_nesting_and_duplicate_keys_are_refused(env: Env) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    r = env.client.post("/api/events", headers={**env.auth("atg"), "Content-Type": "application/json"}, content=deep.encode())
    assert r.status_code == 400 and "nested" in r.json()["error"]
    twice = '{"type": "outstanding", "company": "atg", "shares": "1000", "shares": "1000000000", "on": "2006-12-29"}'
    r = env.client.post("/api/events", headers={**env.auth("atg"), "Content-Type": "application/json"}, content=twice.encode())
    assert r.status_code == 400 and r.json()["field"] == "shares" and "twice" in r.json()["error"]


def test_csv_rows_and_cells_are_bounded(env: Env) -> None:
    from warrantbook.cli.ledger_facts import MAX_CELL, MAX_ROWS

    head = "date,venue,close,bid,ask\n"
    wide = head + "2007-01-03,otcbb," + "1" * (MAX_CELL + 1) + ",,\n"
    r = env.client.post("/api/companies/atg/prices", headers={**env.auth("atg"), "Content-Type": "text/csv"}, content=wide.encode())
    assert r.status_code == 400 and r.json()["problems"][0]["line"] == 2
    many = head + "2007-01-03,otcbb,0.03,,\n" * (MAX_ROWS + 1)
    r = env.client.post("/api/companies/atg/prices", headers={**env.auth("atg"), "Content-Type": "text/csv"}, content=many.encode())
    assert r.status_code == 400 and "rows" in r.json()["problems"][0]["error"]


@pytest.mark.parametrize("bad", ['X"1', "X'1", "X\n1", "X\r1", " X-1", "X\u20281", "X\t1", "", "X" * 101])
def test_option_numbers_and_ids_are_printable_without_quotes_or_breaks(env: Env, bad: str) -> None:
    before = env.count()
    terms = {"company": "atg", "issue_date": D, "option_no": bad, "tranches": [{"shares": "1000", "exercise_price": "0.00001"}]}
    r = env.post("/api/options", "atg", {"option_no": bad, "holder": "gssf", "terms": terms, "on": D})
    assert r.status_code == 400 and r.json()["field"] in ("option_no", "event.option_no"), r.text
    r = env.post("/api/holders", "atg", {"holder": {"id": bad, "name": "New Holder"}, "on": D})
    assert r.status_code == 400, r.text
    if bad:
        r = env.post("/api/options/ATG-3/waiver-notices", "gssf", {"id": bad, "on": D})
        assert r.status_code == 400 and r.json()["field"] == "id", r.text
    assert env.count() == before
