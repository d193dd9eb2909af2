"""Adversarial: the exports (app.export) against formula injection variants, precision in XLSX, CSV encoding."""

from __future__ import annotations

import csv
import io
from fractions import Fraction as F

import openpyxl
import pytest

from warrantbook.app import export
from warrantbook.app.export import SHARES, TEXT, Column, Sheet
from warrantbook.core.errors import BadInput

COLS = (Column("name", "Name", TEXT), Column("shares", "Shares", SHARES))

# Each payload begins, after characters a spreadsheet may drop or a reader may not see, with a formula trigger.
PAYLOADS = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1", "   @x",
    "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20x", " \uff1d1+1",
    "\n=1+1",  # a leading line feed
    "\u00a0=1+1",  # a no-break space
    "\u3000=1+1",  # an ideographic space
    "\u2003=1+1",  # an em space
    "\r\n=cmd|' /C calc'!A0",  # the classic DDE payload after a line break
    "\t\n =HYPERLINK(\"http://x\")",
]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_text_cell_starts_a_formula_after_any_whitespace(payload: str) -> None:
    sheet = Sheet("s", COLS, [{"name": payload, "shares": "1"}])
    cell = _csv_cells(export.to_csv(sheet))[1][0]
    assert cell.startswith("'"), repr(cell)
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx([sheet])))
    c = wb.active["A2"]
    assert c.data_type == "s" and str(c.value).startswith("'"), repr(c.value)


@pytest.mark.parametrize("harmless", ["Acme", "100", "1/3", "%0A=1", "|cmd", "a=b", "", "GSSF Master Fund, L.P."])
def test_harmless_text_is_kept_as_it_is(harmless: str) -> None:
    sheet = Sheet("s", COLS, [{"name": harmless, "shares": "1"}])
    assert _csv_cells(export.to_csv(sheet))[1][0] == harmless


@pytest.mark.parametrize("bad", ["=1+1", "nan", "inf", "-inf", "1e999999", "1/0", "abc", True])
def test_a_number_column_refuses_what_is_not_an_exact_number(bad: object) -> None:
    with pytest.raises(BadInput) as caught:
        export.to_csv(Sheet("s", COLS, [{"name": "x", "shares": bad}]))
    assert caught.value.field == "shares"


@pytest.mark.parametrize("value", [10**15 + 1, 1234567890123456, 2**53 - 1, 10**20 + 7, F(1, 3), F("123456789012345.6")])
def test_xlsx_keeps_the_exact_value_of_a_number_a_spreadsheet_cannot_show(value: F | int) -> None:
    """A spreadsheet keeps 15 significant digits of a number (export's own docstring): a 16-digit whole number below 2**53 is
    still shown and re-typed wrongly there, so it needs the exact twin column like any other."""
    sheet = Sheet("s", COLS, [{"name": "x", "shares": str(F(value))}])
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx([sheet])))
    ws = wb.active
    titles = [c.value for c in ws[1]]
    assert "Shares (exact)" in titles, titles
    assert F(ws.cell(row=2, column=titles.index("Shares (exact)") + 1).value) == F(value)


@pytest.mark.parametrize("value", [0, 1, -5, 10**15 - 1, F("0.00001"), F("123456789012.345")])
def test_xlsx_needs_no_twin_for_what_a_spreadsheet_holds(value: F | int) -> None:
    sheet = Sheet("s", COLS, [{"name": "x", "shares": str(F(value))}])
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx([sheet]))).active
    assert [c.value for c in ws[1]] == ["Name", "Shares"]
    assert F(str(ws["B2"].value)) == F(value)


def test_csv_is_utf8_with_a_bom_and_keeps_accents_and_commas() -> None:
    sheet = Sheet("s", COLS, [{"name": 'Société "Générale", S.A.\nline two', "shares": "1/3"}])
    data = export.to_csv(sheet)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _csv_cells(data)
    assert rows[1] == ['Société "Générale", S.A.\nline two', "1/3"]


def test_an_export_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "MAX_ROWS", 3)
    with pytest.raises(BadInput) as caught:
        export.to_csv(Sheet("s", COLS, [{"name": "x", "shares": "1"}] * 4))
    assert caught.value.field == "rows"
