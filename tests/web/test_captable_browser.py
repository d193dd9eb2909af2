"""The cap table pages in a real browser (Debian's Chromium, Playwright) at 1280 and 390 px: the page body never scrolls
sideways, every column of every table can be reached (its table scrolls inside a labelled region), the exact value is
one click away, and the downloads arrive."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests.web.conftest import TODAY, copy_ledger
from tests.web.serving import CHROMIUM, WIDTHS, signed_in, uvicorn_on

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")
PAGES = [("atg", "/companies/atg/captable"), ("gssf", "/holders/gssf/captable"), ("auditor", "/captable")]


@pytest.fixture(scope="module")
def server(template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = copy_ledger(template, tmp_path_factory.mktemp("captable-browser-db"))
    with uvicorn_on(path, TODAY) as url:
        yield url






REACH = """() => {
  // every header cell of every table: scrolled into view (its region scrolls), then inside the viewport's width
  const out = [];
  for (const th of document.querySelectorAll('table thead th')) {
    th.scrollIntoView({block: 'nearest', inline: 'nearest'});
    const r = th.getBoundingClientRect();
    const region = th.closest('[role=region]');
    out.push({text: th.textContent.trim(), left: r.left, right: r.right, width: r.width, labelled: !!(region && region.getAttribute('aria-label'))});
  }
  return out;
}"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_cap_table_pages_fit_and_every_column_is_reachable(browser: Any, server: str, width: str, tmp_path: Path) -> None:
    viewport = WIDTHS[width]["width"]
    for who, path in PAGES:
        page = signed_in(browser, server, who, width)
        page.goto(server + path)
        assert page.locator("h1").count() == 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width} width by {overflow}px"
        cells = page.evaluate(REACH)
        if path != "/captable":
            assert cells, path
        for c in cells:
            assert c["width"] > 0, f"{path}: column {c['text']!r} is hidden at {width}"
            assert 0 <= c["left"] and c["right"] <= viewport + 1, f"{path}: column {c['text']!r} cannot be reached at {width}: {c}"
            assert c["labelled"], f"{path}: the table of {c['text']!r} scrolls in no labelled region"
        page.screenshot(path=str(Path(os.environ.get("WARRANTBOOK_SCREENSHOTS", tmp_path)) / f"captable-{width}-{who}.png"), full_page=True)
        page.context.close()


def test_figures_exact_value_and_downloads(browser: Any, server: str, tmp_path: Path) -> None:
    page = signed_in(browser, server, "atg", "phone")
    page.click("nav >> text=Cap table")
    page.click("text=American Technologies Group, Inc.")
    page.wait_for_url("**/companies/atg/captable")
    assert page.locator("#fig-outstanding").inner_text().strip() == "2,449,989,919"
    assert page.locator("#fig-intrinsic-total").inner_text().strip() == "$10,348,297.50"
    share = page.locator("#holders tbody tr", has_text="GSSF").locator("td").last
    assert share.inner_text().strip() == "9.49…%"
    assert share.locator("span").get_attribute("title") == "exact: 254389919/2680489919"
    assert not page.locator("#exact code").first.is_visible()
    page.click("#exact summary")  # one click: the exact values
    assert page.locator("#exact code", has_text="184400000/2680489919").first.is_visible()
    with page.expect_download() as info:
        page.click("#download-xlsx")
    path = tmp_path / "cap.xlsx"
    info.value.save_as(str(path))
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]][:3] == ["Section", "Company", "Holder"]
    with page.expect_download() as info:
        page.click("#download-csv")
    assert info.value.suggested_filename == f"cap-table-atg-{TODAY.isoformat()}.csv"
    page.context.close()
