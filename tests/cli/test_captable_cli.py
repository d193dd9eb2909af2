"""`warrantbook captable`: the table fits 80 columns with every column there, --json gives exact figures, exports
write the same figures, bad usage is refused naming the field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.app.books import two_companies
from warrantbook.book.io import dump
from warrantbook.cli.main import app

runner = CliRunner()
SEED = str(Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml")
EVIL = '=HYPERLINK("http://example.invalid","x")'


def wb(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
    return result


def test_names_are_not_markup(tmp_path: Path) -> None:
    path = tmp_path / "markup.yaml"
    dump(two_companies(holder_name="[bold]Fund[/] [/x]"), path)
    out = wb("captable", "--book", str(path), "--company", "alpha", "--as-of", "2006-03-10").stdout
    assert "[bold]Fund[/] [/x]" in out


@pytest.fixture
def book(tmp_path: Path) -> str:
    path = tmp_path / "two.yaml"
    dump(two_companies(holder_name=EVIL), path)
    return str(path)


def test_cap_table_fits_80_columns_and_hides_no_column() -> None:
    out = wb("captable", "--book", SEED, "--as-of", "2006-12-29").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    for header in ("outstanding", "authorized", "reserved (§6 required)", "fully diluted", "holder", "common", "options", "share",
                   "option", "shares", "price", "intrinsic value", "group", "holdings (H)", "allowance", "why"):
        assert header in out, header
    assert "2,449,989,919" in out and "$0.000005" in out and "$8,278,638.00" in out and "9.49…%" in out


def test_uneven_split_figures_read_as_the_rule_says(book: str) -> None:
    out = wb("captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "2,333,333 + 1/3" in out  # shares whole with the fraction
    assert "$0.00428571…" in out  # 3/700, to its significant digits, marked
    assert "$48,333.33…" in out and "42.50%" in out and "25.00%" in out
    assert "/700" not in out and "145000/3" not in out  # never a raw fraction for a price or money


def test_json_is_exact(book: str) -> None:
    d = json.loads(wb("captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10", "--json").stdout)
    assert d["options"][0]["tranches"][0] == {"tranche": 0, "shares": "7000000/3", "exercise_price": "3/700", "intrinsic_value": "145000/3"}
    fund = json.loads(wb("captable", "--book", book, "--holder", "fund", "--as-of", "2006-03-10", "--json").stdout)
    assert fund["totals"]["intrinsic_value"] == "475000/3" and len(fund["companies"]) == 2
    out = wb("captable", "--book", book, "--holder", "fund", "--as-of", "2006-03-10").stdout
    assert "Alpha Corp." in out and "Beta Inc." in out and "$158,333.33…" in out  # 475,000/3
    assert max(len(line) for line in out.splitlines()) <= 80


def test_exports_hold_the_json_figures(book: str, tmp_path: Path) -> None:
    d = json.loads(wb("captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10", "--json").stdout)
    wb("captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10", "--out", str(tmp_path / "c.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text("utf-8-sig"))))
    [option] = [r for r in rows if r["Section"] == "option"]
    assert (option["Shares"], option["Intrinsic value"], option["Fully diluted"]) == ("7000000/3", "145000/3", "0.25")
    assert [r["Holder name"] for r in rows if r["Section"] == "holder"] == ["'" + EVIL]
    assert d["options"][0]["remaining"] == option["Shares"]
    wb("captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10", "--format", "xlsx", "--out", str(tmp_path / "c.bin"))
    ws = openpyxl.load_workbook(io.BytesIO((tmp_path / "c.bin").read_bytes())).active  # --format wins over the name
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    [x] = [r for r in got if r["Section"] == "option"]
    assert x["Shares (exact)"] == "7000000/3" and x["Intrinsic value (exact)"] == "145000/3" and x["Fully diluted"] == 0.25
    assert [r["Holder name"] for r in got if r["Section"] == "holder"] == ["'" + EVIL]


@pytest.mark.parametrize(("args", "field"), [
    (["--company", "alpha", "--holder", "fund"], "holder"),
    (["--format", "ods", "--out", "x.ods"], "format"),
    (["--format", "csv"], "out"),
    (["--out", "x.txt"], "out"),
    (["--company", "gamma"], "company"),
    ([], "company"),  # two companies in the book: which one
    (["--holder", "nobody"], "holder"),
])
def test_bad_usage_is_refused_naming_the_field(book: str, args: list[str], field: str) -> None:
    result = wb("captable", "--book", book, "--as-of", "2006-03-10", *args, "--json", code=2)
    assert json.loads(result.stdout)["field"] == field


def test_help_has_examples() -> None:
    out = wb("captable", "--help").stdout
    assert "warrantbook captable --book examples/seed-option.yaml" in out and "--holder" in out and "--format" in out


def test_too_narrow_for_columns_it_stacks_never_drops(book: str) -> None:
    """At 40 columns no table fits: each prints one block per row, every column named, no figure cut."""
    result = runner.invoke(app, ["captable", "--book", book, "--company", "alpha", "--as-of", "2006-03-10"], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert max(len(line) for line in out.splitlines()) <= 40
    assert "  holder: " in out and "HYPERLINK" in out
    for line in ("  shares: 2,333,333 + 1/3", "  price: $0.00428571…", "  intrinsic value: $48,333.33…",
                 "  fully diluted: 25.00%", "  share: 42.50%", "  allowance: 0"):
        assert line in out, line
