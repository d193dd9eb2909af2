"""A real browser: Debian's Chromium driven by Playwright against uvicorn on a free loopback port.

Each role signs in; the holder runs the calculator (figures update as it types), files an exercise notice and
downloads its PDF; denied actions are seen denied; every page is photographed at desktop and phone width
(kept in $WARRANTBOOK_SCREENSHOTS when set, else in pytest's temporary folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import TODAY, USERS, copy_ledger, password
from tests.web.serving import CHROMIUM, WIDTHS, signed_in, uvicorn_on

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")



@pytest.fixture(scope="module")
def server(template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = copy_ledger(template, tmp_path_factory.mktemp("browser-db"))
    with uvicorn_on(path, TODAY) as url:
        yield url




@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kept = os.environ.get("WARRANTBOOK_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder




def test_each_role_signs_in_and_sees_its_lane(browser: Any, server: str, shots: Path) -> None:
    expected = {"gssf": ["ATG-1", "ATG-3"], "northbridge": ["ATG-2"], "affiliate": ["ATG-1", "ATG-3"], "atg": ["ATG-1", "ATG-2", "ATG-3"],
                "agent": [], "auditor": ["ATG-1", "ATG-2", "ATG-3"]}
    for who in USERS:
        page = signed_in(browser, server, who)
        assert page.locator(".who .role").inner_text().startswith(who)
        links = page.locator("table a[href^='/options/']").all_inner_texts()
        assert sorted(links) == expected[who], who
        if who == "agent":
            assert "No company has appointed" in page.locator(".note").inner_text()
        page.screenshot(path=str(shots / f"desktop-dashboard-{who}.png"), full_page=True)
        page.context.close()


def test_keyboard_only_sign_in(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    page.goto(f"{server}/login")
    assert page.evaluate("document.activeElement.name") == "username"  # the form is ready to type into
    page.keyboard.type("atg")
    page.keyboard.press("Tab")
    page.keyboard.type(password("atg"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # the first stop on every page
    page.keyboard.press("Enter")  # the skip link moves focus to the content
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


def test_calculator_notice_and_its_pdf(browser: Any, server: str, shots: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, "gssf")
    page.goto(f"{server}/options/ATG-3/calculator")
    page.fill("#calc-on", "2006-10-02")
    page.locator("#calc-shares").press_sequentially("10000000", delay=20)
    expect(page.locator("#fig-exercised")).to_have_text("10,000,000")
    # X = Y(A - B)/A = 10,000,000 x (0.0387 - 0.000005) / 0.0387, rounded down: the FMV is the mean of the 2006-09-29 bid and ask
    assert page.locator("#fig-issued").inner_text().strip() == "9,998,708"
    assert page.locator("#fig-fmv").inner_text().startswith("$0.0387")
    assert page.locator("#fig-due").inner_text().strip() == "2006-10-05"
    assert page.locator("ol.steps li").count() >= 8
    page.screenshot(path=str(shots / "desktop-calculator.png"), full_page=True)
    page.select_option("#calc-method", "cash")
    expect(page.locator("#fig-cash-due")).to_have_text("$50.00")
    page.select_option("#calc-method", "cashless")
    page.fill("#calc-on", TODAY.isoformat())
    expect(page.locator("#fig-fmv")).to_contain_text("$0.0449")
    page.select_option("select[name=channel]", "fax")
    page.fill("input[name=deliver_to]", "GSSF Master Fund, L.P.")
    page.click("#file-notice")
    page.wait_for_selector("#confirm")  # irrevocable: the confirmation page first (tests/web/test_confirm_browser.py)
    page.click("#confirm")
    page.wait_for_url("**/options/ATG-3?filed=*")
    assert "waits for the company's surrender and payment" in page.locator(".success").inner_text()
    page.screenshot(path=str(shots / "desktop-notice-filed.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-notice")
    pdf = tmp_path / "notice.pdf"
    info.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "ATG-3" in text and "10,000,000" in text
    page.goto(f"{server}/options/ATG-3")
    assert "awaits surrender of the option" in page.locator("section.card").first.inner_text()
    page.context.close()


def test_denied_actions_are_denied(browser: Any, server: str, shots: Path) -> None:
    page = signed_in(browser, server, "northbridge")
    response = page.goto(f"{server}/options/ATG-3")
    assert response is not None and response.status == 404
    assert "Not found" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "desktop-denied-404.png"), full_page=True)
    page.context.close()
    page = signed_in(browser, server, "auditor")
    response = page.goto(f"{server}/companies/atg/act/outstanding")
    assert response is not None and response.status == 403
    assert "Not allowed" in page.locator("h1").inner_text() and "auditor" not in page.url
    page.screenshot(path=str(shots / "desktop-denied-403.png"), full_page=True)
    page.goto(f"{server}/options/ATG-3")
    assert page.locator(".actions a").all_inner_texts() == ["Exercise calculator"]  # no command for an auditor
    page.context.close()
    page = signed_in(browser, server, "affiliate")
    page.goto(f"{server}/options/ATG-3/act/waiver-notice")
    page.click("main button[type=submit]")
    assert "only the registered holder" in page.locator("#form-error").inner_text()
    assert "§12" in page.locator("#form-error").inner_text()
    page.screenshot(path=str(shots / "desktop-denied-form.png"), full_page=True)
    page.context.close()


PAGES = [
    ("login", None, "/login"),
    ("dashboard", "atg", "/"),
    ("option", "atg", "/options/ATG-1"),
    ("option-holder", "gssf", "/options/ATG-3"),
    ("calculator", "gssf", "/options/ATG-3/calculator?shares=10000000&method=cashless&on=2006-10-02"),
    ("form-notice", "gssf", "/options/ATG-3/act/exercise-notice"),
    ("form-issue", "atg", "/companies/atg/act/issue"),
    ("company", "atg", "/companies/atg"),
    ("holder", "gssf", "/holders/gssf"),
    ("not-found", "northbridge", "/options/ATG-3"),
]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_at_desktop_and_phone_width(browser: Any, server: str, shots: Path, width: str) -> None:
    for name, who, path in PAGES:
        if who is None:
            context = browser.new_context(viewport=WIDTHS[width])
            page = context.new_page()
        else:
            page = signed_in(browser, server, who, width)
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} width by {overflow}px"
        page.screenshot(path=str(shots / f"{width}-{name}.png"), full_page=True)
        page.context.close()
    page = signed_in(browser, server, "atg", width)
    page.goto(f"{server}/companies/atg")
    bad = shots / "bad-prices.csv"
    bad.write_text("date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.04\n2007-01-03,moon,0.1,,\n", encoding="utf-8")
    page.set_input_files("input[name=file][accept]", str(bad))
    page.click("text=Import prices")
    page.wait_for_selector("#price-errors")
    assert page.locator("#price-errors tbody tr").count() == 2
    page.screenshot(path=str(shots / f"{width}-prices-errors.png"), full_page=True)
    page.context.close()


def test_in_a_real_browser_reflected_markup_stays_text_and_the_api_docs_load_only_from_this_site(browser: Any, server: str) -> None:
    """Issue 10: a hostile query parameter shows as text and runs nothing; Swagger UI renders under the CSP from the
    vendored files, and no request leaves this server."""
    from urllib.parse import quote

    page = signed_in(browser, server, "gssf")
    requests: list[str] = []
    violations: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    hostile = '<img src=x onerror="window.__xss=1"><b hx-get="/api/me" hx-trigger="load" hx-target="body">wbx</b>'
    page.goto(f"{server}/options/ATG-3/calculator?shares={quote(hostile)}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    assert page.locator("#calc-shares").input_value() == hostile  # echoed as the field's value, as typed
    assert page.locator("img[src=x]").count() == 0
    page.goto(f"{server}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "warrantbook" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 20  # every operation listed
    assert all(u.startswith(server) or u.startswith("data:") for u in requests), [u for u in requests if not u.startswith(server)]
    assert not violations, violations
    page.context.close()
