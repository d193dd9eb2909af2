"""The close page in a real browser (Debian's Chromium via Playwright): the auditor closes Q3 2006 and downloads the workbook."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARGS, TODAY, copy_ledger, password
from tests.web.serving import CHROMIUM, chromium, uvicorn_on

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")


@pytest.fixture(scope="module")
def server(web_template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn on a free loopback port over the web suite's ledger, with the company's Q3 valuation inputs recorded."""
    from warrantbook.core import events as ev
    from warrantbook.store.ledger import DbSource

    path = copy_ledger(web_template, tmp_path_factory.mktemp("close-browser-db"))
    src = DbSource(f"sqlite:///{path}")
    src.record(ev.ValuationInput(id="vi-q3", on=date(2006, 6, 30), actor="company:atg", company="atg", rate=Fraction("0.0435"),
                                 volatility_window=60, term_years=Fraction(5), source="Treasury 5-year CMT; 60-day volatility"))
    src.close()
    with uvicorn_on(path, TODAY) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(ARGS) as b:
        yield b


def test_auditor_closes_the_quarter(browser: Any, server: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "auditor")
    page.fill("input[name=password]", password("auditor"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/companies/atg/close")
    page.fill("input[name=period_end]", "2006-09-30")
    page.fill("input[name=prior]", "2006-06-30")
    page.fill("input[name=net_income]", "-125000")
    page.click("#close-form button[type=submit]")
    page.wait_for_url("**/companies/atg/close?period_end=2006-09-30*")
    assert "Classification" in page.locator("h2").all_inner_texts()[0]
    assert page.locator("table").count() >= 4
    assert "ties" in page.content() and "yes" in page.locator("text=ties >> xpath=..").inner_text()
    page.screenshot(path=str(Path(os.environ.get("WARRANTBOOK_SCREENSHOTS", tmp_path)) / "desktop-close.png"), full_page=True)
    with page.expect_download() as info:
        page.click("text=Workbook (live formulas)")
    saved = tmp_path / "close.xlsx"
    info.value.save_as(str(saved))
    assert saved.read_bytes()[:2] == b"PK"
    assert TODAY.year == 2006
    context.close()
