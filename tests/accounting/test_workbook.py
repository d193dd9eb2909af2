"""The workbook's formulas, evaluated by a formula engine (the `formulas` package), give the engine's figures to the cent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.accounting.books import quotes, seed_close_book
from tests.accounting.test_close import BETA, END, PRIOR, SHORTFALL
from tests.conftest import make_book
from warrantbook.accounting.close import build_close
from warrantbook.accounting.workbook import write_workbook

formulas = pytest.importorskip("formulas")

EXERCISE = """\
- {id: n-2, on: 2006-03-20, type: exercise-notice, actor: holder:other, option_no: ATG-2, shares: 20000000, method: cashless}
- {id: s-2, on: 2006-03-20, type: surrender, actor: company:atg, option_no: ATG-2, notice: n-2}
- {id: split, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000,
   outstanding_after: 2400000000}
- {id: auth-split, on: 2006-01-10, type: authorized, actor: company:atg, company: atg, shares: 4000000000}
"""


def evaluate(path: Path) -> Any:
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    name = path.name

    def cell(sheet: str, ref: str) -> float:
        key = f"'[{name}]{sheet.upper()}'!{ref}"
        value = solution[key].value[0, 0]
        assert not isinstance(value, str), (key, value)
        return float(value)

    return cell


def test_workbook_recomputes_the_engine_to_the_cent(tmp_path: Path) -> None:
    events = list(seed_close_book(SHORTFALL.replace("1700000000", "3600000000"), EXERCISE).events)
    pack = build_close(events, "atg", END, PRIOR, net_income=Decimal("250000"))
    assert pack.level3["closing"] > 0 and pack.level3["exercised"] > 0  # the table has something to recompute
    assert {r.role for r in check(pack, tmp_path)} >= {"closing", "reclassified-in", "exercised"}


def test_workbook_with_an_issue_and_an_expiry_at_zero_term(tmp_path: Path) -> None:
    """The formula's T = 0 branch (the discounted intrinsic value) and the 'issued' and 'expired' lines."""
    events = list(make_book(BETA, quotes(date(2005, 11, 1), date(2006, 3, 31), company="beta", start_price="0.0150")).events)
    pack = build_close(events, "beta", END, PRIOR)
    assert pack.level3["issued"] > 0 and pack.level3["expired"] > 0
    assert any(r.T == 0 for r in pack.rows if r.role == "expired")
    check(pack, tmp_path)


def check(pack: Any, tmp_path: Path) -> Any:
    """Evaluate the workbook's formulas; every figure must be the engine's, to the cent. Returns the valuation rows written."""
    path = tmp_path / "close.xlsx"
    where = write_workbook(pack, path)
    cell = evaluate(path)
    v = where["valuations"]
    for i, row in enumerate(where["rows"], 2):
        assert cell("Valuations", f"N{i}") == pytest.approx(row.fair_value, abs=0.005)
        assert Decimal(str(round(cell("Valuations", f"O{i}"), 2))) == row.booked
    assert v["last_row"] == len(where["rows"]) + 1
    L = where["level3"]
    for key in ("opening", "issued", "reclassified_in", "closing", "change_in_fair_value"):
        assert round(cell("Level 3", L[key]), 2) == float(pack.level3[key]), key
    for key in ("exercised", "reclassified_out", "expired"):
        assert round(-cell("Level 3", L[key]), 2) == float(pack.level3[key]), key
    assert cell("Level 3", L["difference"]) == 0
    A = where["activity"]
    act = pack.activity
    assert cell("Activity", A["outstanding at the start"]) == float(Fraction(act["outstanding_start"]["shares"]))
    assert cell("Activity", A["exercised"]) == float(Fraction(act["exercised"]["shares"]))
    assert cell("Activity", A["adjusted for stock events (§4)"]) == float(Fraction(act["adjusted_for_stock_events"]["shares"]))
    assert cell("Activity", A["outstanding at the end"]) == float(Fraction(act["outstanding_end"]["shares"]))
    for label, key in (("outstanding at the start", "outstanding_start"), ("issued", "issued"), ("exercised", "exercised"),
                       ("outstanding at the end", "outstanding_end")):
        assert cell("Activity", A[label + " price"]) == pytest.approx(act[key]["weighted_average_exercise_price"] or 0.0, rel=1e-12), label
    assert cell("Activity", A["intrinsic value"]) == pytest.approx(act["outstanding_end"]["intrinsic_value"], abs=0.005)
    assert cell("Activity", A["remaining life"]) == pytest.approx(act["outstanding_end"]["weighted_average_remaining_life_years"] or 0.0, rel=1e-12)
    assert cell("Activity", A["tie"]) == 0
    for r, line in enumerate(where["sensitivity"]["grid"]):
        for c, ref in enumerate(line):
            assert cell("Sensitivity", ref) == pytest.approx(pack.sensitivity["fair_value"][r][c], abs=0.005)
    E = where["eps"]
    eps = pack.eps
    assert cell("EPS", E["basic"]) == pytest.approx(float(Fraction(eps["basic_shares"])), rel=1e-12)
    assert cell("EPS", E["incremental"]) == pytest.approx(float(Fraction(eps["incremental_shares"])), rel=1e-9)
    if eps["net_income"] is not None:
        assert Decimal(str(cell("EPS", E["basic_eps"]))) == Decimal(eps["basic_eps"])
        assert Decimal(str(cell("EPS", E["diluted_eps"]))) == Decimal(eps["diluted_eps"])
    return where["rows"]


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    """A source written like a formula stays text in the workbook."""
    book = seed_close_book().events
    events = [replace(e, source="=1+1") if e.id == "vi-1" else e for e in book]  # type: ignore[call-arg]
    pack = build_close(events, "atg", END, PRIOR)
    path = tmp_path / "t.xlsx"
    write_workbook(pack, path)
    import zipfile

    archive = zipfile.ZipFile(path)
    sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) >= 8 and not any("<f>1+1</f>" in x for x in sheets)
    assert "=1+1" in archive.read("xl/sharedStrings.xml").decode()  # kept, as text
