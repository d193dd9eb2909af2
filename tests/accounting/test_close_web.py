"""The close page and workbook for the company and its auditor (not for holders); the input recorded through the API."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import TODAY, copy_ledger, login

Q3 = "/companies/atg/close?period_end=2006-09-30&prior=2006-06-30&net_income=-125000"


@pytest.fixture
def client(web_template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    from warrantbook.web import create_app

    app = create_app(f"sqlite:///{copy_ledger(web_template, tmp_path / 'db')}", today=TODAY)
    with TestClient(app) as c:
        yield c, web_template[1]
    app.state.book.source.close()


def record_input(c: TestClient, tokens: dict[str, str], who: str = "atg") -> int:
    body = {"type": "valuation-input", "on": "2006-06-30", "company": "atg", "rate": "0.0435", "volatility_window": 60, "term_years": "5",
            "source": "Treasury 5-year CMT; 60-day historical volatility <b>bold</b>"}
    return c.post("/api/events", json=body, headers={"Authorization": f"Bearer {tokens[who]}"}).status_code


def test_company_records_inputs_and_the_auditor_reads_the_close(client: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = client
    assert record_input(c, tokens, "gssf") == 403  # a holder records no valuation inputs
    assert record_input(c, tokens) == 201
    login(c, "auditor")
    page = c.get(Q3)
    assert page.status_code == 200, page.text
    assert "Quarter close" in page.text and "ASC 815-40" in page.text and "Level 3 roll-forward" in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text and "<b>bold</b>" not in page.text  # the source is text, escaped
    assert "needs judgment" in page.text and "states no Expiration Date" in page.text
    wb = c.get(Q3.replace("/close?", "/close.xlsx?"))
    assert wb.status_code == 200 and wb.headers["content-type"].startswith("application/vnd.openxmlformats")
    names = zipfile.ZipFile(io.BytesIO(wb.content)).namelist()
    assert "xl/workbook.xml" in names


def test_holders_do_not_see_the_close_and_bad_input_is_named(client: tuple[TestClient, dict[str, str]]) -> None:
    c, tokens = client
    login(c, "gssf")
    assert c.get(Q3).status_code == 404
    c.cookies.clear()
    login(c, "atg")
    missing = c.get(Q3)
    assert missing.status_code == 400 and "valuation-input" in missing.text  # nothing recorded yet
    assert c.get("/companies/atg/close?period_end=2006-13-01").status_code == 400
    assert c.get("/companies/atg/close").status_code == 200  # the form alone
