"""Adversarial: the notation parsers (app.parsers) through the web forms: a value the agreement cannot mean is refused,
with an error that names the field, and nothing is recorded (nor offered for confirmation)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.confirming import confirm_token
from tests.web.conftest import TODAY, Env, login

ISSUE = {"option_no": "ATG-9", "holder": "northbridge", "shares": "1000", "exercise_price": "0.00001", "cap": "4.99%",
         "delivery_days": "3", "on": TODAY.isoformat()}
TRANSFER = {"endorsement_signed": "on", "original_surrendered": "on", "opinion_received": "on", "transfer_taxes_paid": "on",
            "on": TODAY.isoformat()}


def _post(env: Env, who: str, path: str, data: dict[str, Any]) -> Any:
    c = TestClient(env.app)
    csrf = login(c, who)
    return c.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def _refused(env: Env, r: Any, before: int, fields: tuple[str, ...]) -> None:
    assert r.status_code in (400, 422), (r.status_code, r.text[:300])
    assert env.count() == before and confirm_token(r.text) is None
    error = re.search(r'id="form-error"[^>]*>(.*?)</', r.text, re.S)
    assert error, r.text[:500]
    assert any(f in r.text for f in fields), (fields, error.group(1)[:300])


def test_a_sound_issue_is_recorded(env: Env) -> None:
    before = env.count()
    r = _post(env, "atg", "/companies/atg/act/issue", ISSUE)
    assert r.status_code == 303, r.text[:600]
    assert env.count() > before


@pytest.mark.parametrize(("change", "fields"), [
    ({"shares": "-5"}, ("shares",)),
    ({"shares": "0"}, ("shares",)),
    ({"shares": "NaN"}, ("shares",)),
    ({"shares": "Infinity"}, ("shares",)),
    ({"shares": "1e400"}, ("shares",)),
    ({"shares": "9" * 120}, ("shares",)),
    ({"exercise_price": "-1"}, ("exercise_price", "price")),
    ({"cap": "-1%"}, ("cap",)),
    ({"cap": "150%"}, ("cap",)),
    ({"delivery_days": "-3"}, ("delivery_days",)),
    ({"delivery_days": "99999999999"}, ("delivery_days",)),
])
def test_an_issue_the_agreement_cannot_mean_is_refused_naming_the_field(env: Env, change: dict[str, str], fields: tuple[str, ...]) -> None:
    before = env.count()
    _refused(env, _post(env, "atg", "/companies/atg/act/issue", {**ISSUE, **change}), before, fields)


@pytest.mark.parametrize(("pieces", "fields"), [
    ("northbridge=-10%", ("piece", "percent")),
    ("northbridge=150%", ("piece", "percent")),
    ("northbridge=-100", ("piece", "shares")),
    ("northbridge=0", ("piece", "shares")),
    ("northbridge=NaN%", ("piece", "percent")),
    ("=10%", ("piece",)),
])
def test_a_transfer_piece_that_cannot_be_is_refused_before_any_confirmation(env: Env, pieces: str, fields: tuple[str, ...]) -> None:
    before = env.count()
    _refused(env, _post(env, "gssf", "/options/ATG-3/act/transfer-request", {**TRANSFER, "pieces": pieces}), before, fields)
