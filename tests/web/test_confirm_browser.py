"""The confirmation step before an irrevocable act, in a real browser (Debian's Chromium via Playwright) at desktop
(1280 px) and phone (390 px) width: the form's POST shows what will be recorded and what follows, nothing is recorded
before Confirm, the act is recorded after it, and a confirmation whose token was tampered with is refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import TODAY, copy_ledger
from tests.web.serving import CHROMIUM, WIDTHS, no_sideways_scroll, signed_in, uvicorn_on

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")


@pytest.fixture
def served(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A fresh ledger for each test: each records an irrevocable act."""
    path = copy_ledger(template, tmp_path / "db")
    with uvicorn_on(path, TODAY) as url:
        yield url, path




def count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


def kinds_since(path: Path, n: int) -> list[str]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT kind FROM events ORDER BY seq").fetchall()[n:]]






@pytest.mark.parametrize("width", list(WIDTHS))
def test_an_exercise_notice_is_recorded_only_after_confirm(browser: Any, served: tuple[str, Path], width: str, tmp_path: Path) -> None:
    server, path = served
    page = signed_in(browser, server, "gssf", width)
    page.goto(f"{server}/options/ATG-3/act/exercise-notice")
    page.fill("input[name=shares]", "1000000")
    page.select_option("select[name=method]", "cash")
    page.fill("input[name=on]", TODAY.isoformat())
    before = count(path)
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("#confirm")
    assert count(path) == before  # shown, not recorded
    events = page.locator("#confirm-events").inner_text()
    assert "exercise notice" in events.lower() and "1,000,000" in events
    follows = page.locator("#confirm-consequences").inner_text()
    assert "irrevocable" in follows and "§1.1" in follows
    assert "shares of common stock issued" in follows and "cash due from the holder" in follows  # the quote (§2.2)
    assert "§1.2" in follows  # the FMV's clause
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"{width}-confirm-notice.png"), full_page=True)
    page.click("#confirm")
    page.wait_for_url("**/options/ATG-3?done=*")
    assert kinds_since(path, before)[0] == "exercise-notice"
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_tampered_confirmation_is_refused_and_records_nothing(browser: Any, served: tuple[str, Path], width: str) -> None:
    server, path = served
    page = signed_in(browser, server, "northbridge", width)
    page.goto(f"{server}/options/ATG-2/act/waiver-notice")
    page.fill("input[name=on]", TODAY.isoformat())
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("#confirm")
    follows = page.locator("#confirm-consequences").inner_text()
    assert "falls away on" in follows and "§10" in follows  # when the cap lifts
    no_sideways_scroll(page)
    before = count(path)
    token = page.locator("#confirm").locator("xpath=..").locator("input[name=confirm_token]")
    original = token.get_attribute("value")
    assert original
    # change one character of the signed values: the signature no longer matches
    page.evaluate("""(t) => { const i = document.querySelector('form input[name=confirm_token]');
                             const k = t.indexOf('.') + 5; i.value = t.slice(0, k) + (t[k] === 'A' ? 'B' : 'A') + t.slice(k + 1); }""", original)
    response_status: list[int] = []
    page.on("response", lambda r: response_status.append(r.status) if r.request.method == "POST" else None)
    page.click("#confirm")
    page.wait_for_load_state()
    assert "Not allowed" in page.locator("h1").inner_text()
    assert "altered" in page.locator("main").inner_text()
    assert response_status and response_status[-1] == 403
    assert count(path) == before  # nothing recorded
    page.goto(f"{server}/options/ATG-2/act/waiver-notice")  # the same act, confirmed untouched: recorded once
    page.fill("input[name=on]", TODAY.isoformat())
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("#confirm")
    assert count(path) == before
    page.click("#confirm")
    page.wait_for_url("**/options/ATG-2?done=*")
    assert kinds_since(path, before) == ["waiver-notice"]
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_transfer_request_says_what_leaves_and_what_each_transferee_gets(browser: Any, served: tuple[str, Path], width: str) -> None:
    server, path = served
    page = signed_in(browser, server, "gssf", width)
    page.goto(f"{server}/options/ATG-3/act/transfer-request")
    page.fill("textarea[name=pieces]", "northbridge=10%")
    page.check("input[name=endorsement_signed]")
    page.fill("input[name=on]", TODAY.isoformat())
    before = count(path)
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("#confirm")
    follows = page.locator("#confirm-consequences").inner_text()
    assert "northbridge gets a new option of like tenor for" in follows and "keeps the balance" in follows
    assert "leave gssf's option ATG-3" in follows
    no_sideways_scroll(page)
    page.click("#confirm-edit")  # back to the form with the values kept; still nothing recorded
    page.wait_for_selector("textarea[name=pieces]")
    assert page.locator("textarea[name=pieces]").input_value() == "northbridge=10%"
    assert count(path) == before
    page.context.close()
