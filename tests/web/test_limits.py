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
