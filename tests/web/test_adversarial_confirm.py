"""Adversarial: the confirmation step before an irrevocable act (web.commands.seal/unseal, pages._act_record)."""

from __future__ import annotations

from fractions import Fraction as F
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous.timed import TimestampSigner
from tests.web.confirming import confirm_token
from tests.web.conftest import TODAY, Env, login

from warrantbook.core import events as ev
from warrantbook.web import commands

NOTICE = {"shares": "1000000", "method": "cash", "channel": "fax", "on": TODAY.isoformat()}


def _client(env: Env, who: str) -> tuple[TestClient, str]:
    c = TestClient(env.app)
    return c, login(c, who)


def _preview(env: Env, c: TestClient, csrf: str, path: str = "/options/ATG-3/act/exercise-notice", **more: str) -> str:
    r = c.post(path, data={"csrf_token": csrf, **NOTICE, **more})
    token = confirm_token(r.text)
    assert r.status_code == 200 and token, r.text[:500]
    return token


def _notices(env: Env) -> list[ev.ExerciseNoticeReceived]:
    return [e for e in env.app.state.book.events() if isinstance(e, ev.ExerciseNoticeReceived)]


def test_a_field_changed_after_the_preview_is_not_what_gets_recorded(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = len(_notices(env))
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token, "shares": "99000000",
                                                            "method": "cashless", "on": "2006-12-01"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    recorded = _notices(env)[before:]
    assert len(recorded) == 1 and recorded[0].shares == F(1_000_000) and recorded[0].on == TODAY


def test_an_expired_confirmation_records_nothing(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = env.count()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + commands.CONFIRM_MAX_AGE + 5)
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    assert r.status_code == 403 and "expired" in r.text and env.count() == before


def test_a_confirmation_does_not_outlive_its_session(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = env.count()
    c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    assert r.status_code in (401, 303, 403) and env.count() == before
    c2, csrf2 = _client(env, "gssf")  # signed in again: a new session, the old confirmation is not its own
    r = c2.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf2, "confirm_token": token}, follow_redirects=False)
    assert r.status_code == 403 and env.count() == before


def test_an_affiliate_cannot_confirm_the_holders_act(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = env.count()
    a, acsrf = _client(env, "affiliate")
    r = a.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": acsrf, "confirm_token": token}, follow_redirects=False)
    assert r.status_code in (403, 404) and env.count() == before


def test_a_confirmation_without_the_csrf_token_is_refused(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = env.count()
    r = c.post("/options/ATG-3/act/exercise-notice", data={"confirm_token": token}, follow_redirects=False)
    assert r.status_code == 403 and env.count() == before


def test_a_double_submit_records_once(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    before = len(_notices(env))
    first = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    second = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    assert first.status_code == 303 and second.status_code == 200 and len(_notices(env)) == before + 1


def test_the_calculators_filing_confirms_too_and_accepts_the_forms_token(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    before = env.count()
    r = c.post("/options/ATG-3/exercise-notice", data={"csrf_token": csrf, **NOTICE}, follow_redirects=False)
    token = confirm_token(r.text)
    assert r.status_code == 200 and token and env.count() == before
    # a token for the calculator's filing does not confirm another option or another act
    for path in ("/options/ATG-1/act/exercise-notice", "/options/ATG-3/act/waiver-notice", "/options/ATG-3/act/transfer-request"):
        r = c.post(path, data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
        assert r.status_code in (403, 404) and env.count() == before, path


@pytest.mark.parametrize(("path", "data"), [
    ("/options/ATG-3/act/exercise-notice", NOTICE),
    ("/options/ATG-3/exercise-notice", NOTICE),
    ("/options/ATG-3/act/transfer-request", {"pieces": "northbridge=10%", "endorsement_signed": "on", "original_surrendered": "on",
                                             "opinion_received": "on", "transfer_taxes_paid": "on", "on": TODAY.isoformat()}),
    ("/options/ATG-3/act/exercise-notice", {**NOTICE, "confirm_token": ""}),
    ("/options/ATG-3/act/exercise-notice", {**NOTICE, "confirm_token": "x", "edit": ""}),
])
def test_no_irrevocable_act_is_recorded_by_one_post(env: Env, path: str, data: dict[str, Any]) -> None:
    c, csrf = _client(env, "gssf")
    before = env.count()
    r = c.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
    assert r.status_code != 303 and env.count() == before, (r.status_code, r.text[:400])
    if "edit" not in data and data.get("confirm_token") != "x":
        assert r.status_code == 200 and confirm_token(r.text), r.text[:600]  # the confirmation page, not a refusal


def test_a_token_from_another_secret_is_refused(env: Env) -> None:
    c, csrf = _client(env, "gssf")
    _preview(env, c, csrf)
    from warrantbook.web.auth import Principal

    forged = commands.seal("not-the-secret", Principal("gssf", "holder", "gssf"), csrf, "option/ATG-3", "exercise-notice",
                           env.app.state.book.head(), {"shares": "140000000", "method": "cash", "on": TODAY.isoformat(), "channel": "fax"})
    before = env.count()
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": forged}, follow_redirects=False)
    assert r.status_code == 403 and env.count() == before


def test_a_write_while_the_confirmation_is_made_makes_it_stale(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token must be bound to the ledger the consequences were computed on: a record slipping in between the preview and
    the token's head would let the user confirm figures of a ledger that no longer is, without seeing them again."""
    from datetime import date

    from warrantbook.app import consequences
    from warrantbook.web.auth import Principal

    real = consequences.preview
    slipped: list[bool] = []

    def preview_then_another_writer(state: Any, event: Any) -> Any:
        shown = real(state, event)
        if not slipped:
            slipped.append(True)
            env.app.state.book.record(Principal("atg", "company", "atg"), ev.SharesOutstanding(
                id="slipped-in", on=date(2006, 12, 29), actor="company:atg", company="atg", shares=F(2_500_000_000), source="t"))
        return shown

    monkeypatch.setattr(consequences, "preview", preview_then_another_writer)
    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    assert slipped
    moved = env.count()
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    assert r.status_code == 200 and 'id="confirm-stale"' in r.text and env.count() == moved, r.status_code


def test_a_write_between_the_check_and_the_record_makes_it_stale(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer of this server records between the token's check against the head and the record: the act must not
    be recorded on a ledger the user did not see (the confirmation is shown again)."""
    import threading
    from datetime import date

    from warrantbook.web.auth import Principal

    real = commands.unseal
    slipped: list[bool] = []

    def unseal_then_another_writer(*args: Any, **kw: Any) -> Any:
        values = real(*args, **kw)
        if not slipped:
            slipped.append(True)
            other = threading.Thread(target=lambda: _try_record(env, Principal("atg", "company", "atg"), ev.SharesOutstanding(
                id="slipped-in-2", on=date(2006, 12, 29), actor="company:atg", company="atg", shares=F(2_500_000_000), source="t")))
            other.start()
            other.join(timeout=2)  # a writer of another request: it waits for the book's lock if the confirmation holds it
        return values

    c, csrf = _client(env, "gssf")
    token = _preview(env, c, csrf)
    monkeypatch.setattr(commands, "unseal", unseal_then_another_writer)
    before = len(_notices(env))
    r = c.post("/options/ATG-3/act/exercise-notice", data={"csrf_token": csrf, "confirm_token": token}, follow_redirects=False)
    assert slipped
    if r.status_code == 303:  # recorded: then the other writer must have waited until after it
        events = [e.id for e in env.app.state.book.events()]
        notice = [e.id for e in _notices(env)][before:]
        assert notice and ("slipped-in-2" not in events or events.index("slipped-in-2") > events.index(notice[0]))
    else:
        assert r.status_code == 200 and 'id="confirm-stale"' in r.text and len(_notices(env)) == before


def _try_record(env: Env, p: Any, e: Any) -> None:
    env.app.state.book.record(p, e)
