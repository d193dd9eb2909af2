# float-ok: whole module (the workbook carries the pack's figures and formulas as Excel numbers)
"""The close pack as an Excel workbook whose formulas recompute every fair value and every table.

Sheets: Pack (company, period, the ledger's audit head, settings, flags), Inputs (each measurement input
with its source), Valuations (one row per option tranche and measurement, with the Black-Scholes-Merton
formula live in the cells), Level 3 (SUMIF over the valuation rows by role), Activity (per instrument,
totals and weighted averages by formula), Sensitivity (the grid, each cell a live formula over the
groups of identical inputs), EPS (segments, penny warrants, the treasury stock method, basic and
diluted) and Classification (each ASC 815-40 condition with its verdict and clause: text, not figures).

A value the ledger decides (shares, exercise prices, the share price, days) is written as a number; every
figure computed from them is a formula. tests/accounting evaluate the workbook with the `formulas`
package and compare it with the engine to the cent. Text cells that begin with = + - @ are written as
text (never formulas), so a source string cannot inject one.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from warrantbook.accounting.close import TERM_SHIFTS, VOL_SHIFTS, ClosePack, groups

MAX_GRID_GROUPS = 20


def bs_formula(S: str, K: str, T: str, r: str, q: str, v: str) -> str:
    """Black-Scholes-Merton per share, as an Excel expression of six cell references."""
    d1 = f"(LN({S}/{K})+({r}-{q}+{v}^2/2)*{T})/({v}*SQRT({T}))"
    d2 = f"(LN({S}/{K})+({r}-{q}-{v}^2/2)*{T})/({v}*SQRT({T}))"
    live = f"{S}*EXP(-{q}*{T})*_xlfn.NORM.S.DIST({d1},TRUE)-{K}*EXP(-{r}*{T})*_xlfn.NORM.S.DIST({d2},TRUE)"
    return f"IF({T}*{v}=0,MAX({S}*EXP(-{q}*{T})-{K}*EXP(-{r}*{T}),0),{live})"


def _num(x: Any) -> float:  # float-ok (valuation)
    if isinstance(x, Fraction):
        return x.numerator / x.denominator
    if isinstance(x, str):
        f = Fraction(x)
        return f.numerator / f.denominator
    return float(x)  # float-ok (valuation)


def write_workbook(pack: ClosePack, path: str | Path) -> dict[str, Any]:
    """Write the workbook; return where each figure lives (sheet and cell) so a test can find it."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    bold = wb.add_format({"bold": True})
    where: dict[str, Any] = {}

    def text(ws: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        ws.write_string(row, col, "" if value is None else str(value), fmt)

    # -- Pack
    ws = wb.add_worksheet("Pack")
    facts = [("company", f"{pack.company_name} ({pack.company})"), ("period", f"{pack.prior} (exclusive) to {pack.period_end}"),
             ("ledger audit head", pack.head.hash), ("events in the ledger", str(pack.head.count)),
             *[(f"setting: {k}", str(v)) for k, v in pack.settings.items()], *[("flag", f) for f in pack.flags]]
    for i, (k, v) in enumerate(facts):
        text(ws, i, 0, k, bold)
        text(ws, i, 1, v)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 110)

    # -- Monte Carlo cross-check: values (a simulation is not a formula); seed and paths reproduce them with accounting.pricing
    ws = wb.add_worksheet("Monte Carlo")
    heads_mc = ("S", "K", "T", "r", "q", "sigma", "shares", "Black-Scholes", "Monte Carlo", "standard error", "plain estimate",
                "plain standard error", "paths", "seed", "controls")
    for c, h in enumerate(heads_mc):
        text(ws, 0, c, h, bold)
    for i, m in enumerate(pack.monte_carlo, 1):
        for c, v in enumerate((*(m["inputs"][k] for k in ("S", "K", "T", "r", "q", "sigma")), m["shares"], m["black_scholes"], m["value"],
                               m["standard_error"], m["plain_value"], m["plain_standard_error"], m["paths"], m["seed"])):
            ws.write_number(i, c, float(v))  # float-ok (valuation)
        text(ws, i, 14, "; ".join(m["controls"]))

    # -- Inputs
    ws = wb.add_worksheet("Inputs")
    for c, h in enumerate(("input", "value", "low", "high", "weighted average", "source")):
        text(ws, 0, c, h, bold)
    for i, m in enumerate(pack.measurement, 1):
        text(ws, i, 0, m["input"])
        for c, name in ((1, "value"), (2, "low"), (3, "high"), (4, "weighted_average")):
            if name in m:
                ws.write_number(i, c, float(m[name]))  # float-ok (valuation)
        text(ws, i, 5, m["source"])
    ws.set_column(5, 5, 100)

    # -- Valuations
    ws = wb.add_worksheet("Valuations")
    heads = ("role", "on", "option", "tranche", "class", "shares", "S", "K", "T", "r", "q", "sigma", "per share", "fair value", "booked",
             "term basis", "price source", "volatility source")
    for c, h in enumerate(heads):
        text(ws, 0, c, h, bold)
    # the remeasurements just before and after each change date (roles "before"/"after") explain the change in fair
    # value instrument by instrument; they are in the JSON pack. The workbook keeps the rows its tables add up.
    rows = [r for r in pack.rows if r.role not in ("before", "after")]
    where["rows"] = rows
    for i, r in enumerate(rows, 1):
        n = i + 1
        text(ws, i, 0, r.role)
        text(ws, i, 1, r.on.isoformat())
        text(ws, i, 2, r.option_no)
        ws.write_number(i, 3, r.tranche)
        text(ws, i, 4, r.classification)
        for c, number in ((5, _num(r.shares)), (6, r.S), (7, r.K), (8, r.T), (9, r.r), (10, r.q), (11, r.sigma)):
            ws.write_number(i, c, number)
        ws.write_formula(i, 12, "=" + bs_formula(f"G{n}", f"H{n}", f"I{n}", f"J{n}", f"K{n}", f"L{n}"), None, r.per_share)
        ws.write_formula(i, 13, f"=F{n}*M{n}", None, r.fair_value)
        ws.write_formula(i, 14, f"=ROUND(N{n},2)", None, float(r.booked))  # float-ok (valuation)
        text(ws, i, 15, f"{r.term.basis}: {r.term.source}")
        text(ws, i, 16, f"{r.inputs.price_clause}: {r.inputs.price_source}")
        text(ws, i, 17, r.inputs.volatility_source)
    last = len(rows) + 1
    where["valuations"] = {"sheet": "Valuations", "first_row": 2, "last_row": last, "fair_value_col": "N", "booked_col": "O"}

    # -- Level 3
    ws = wb.add_worksheet("Level 3")
    rng = f"Valuations!$A$2:$A${last}"
    booked = f"Valuations!$O$2:$O${last}"
    klass = f"Valuations!$E$2:$E${last}"
    lines = [("opening", "opening balance", f'=SUMIF({rng},"opening",{booked})'),
             ("issued", "issued", f'=SUMIF({rng},"issued",{booked})'),
             ("reclassified_in", "reclassified from equity (ASC 815-40-35-8)", f'=SUMIF({rng},"reclassified-in",{booked})'),
             ("exercised", "exercised (transferred to equity)", f'=-SUMIF({rng},"exercised",{booked})'),
             ("reclassified_out", "reclassified to equity", f'=-SUMIF({rng},"reclassified-out",{booked})'),
             ("expired", "expired", f'=-SUMIF({rng},"expired",{booked})'),
             ("closing", "closing balance", f'=SUMIFS({booked},{rng},"closing",{klass},"liability")')]
    text(ws, 0, 0, "Level 3 liability-classified warrants (ASC 820-10-50-2(c)), $", bold)
    cells: dict[str, str] = {}
    for i, (key, label, formula) in enumerate(lines, 1):
        text(ws, i, 0, label)
        value = float(pack.level3[key]) * (-1 if key in ("exercised", "reclassified_out", "expired") else 1)  # float-ok (valuation)
        ws.write_formula(i, 1, formula, None, value)
        cells[key] = f"B{i + 1}"
    i = len(lines) + 1
    text(ws, i, 0, "change in fair value (through earnings): closing less every other line")
    ws.write_formula(i, 1, f"={cells['closing']}-({cells['opening']}+{cells['issued']}+{cells['reclassified_in']}+{cells['exercised']}"
                     f"+{cells['reclassified_out']}+{cells['expired']})", None, float(pack.level3["change_in_fair_value"]))  # float-ok (valuation)
    cells["change_in_fair_value"] = f"B{i + 1}"
    text(ws, i + 1, 0, "change in fair value as the engine measured it, instrument by instrument")
    ws.write_number(i + 1, 1, float(pack.level3["change_in_fair_value"]))  # float-ok (valuation)
    text(ws, i + 2, 0, "difference (must be zero)")
    ws.write_formula(i + 2, 1, f"=ROUND(B{i + 1}-B{i + 2},2)", None, 0)
    ws.set_column(0, 0, 70)
    where["level3"] = {"sheet": "Level 3", **cells, "difference": f"B{i + 3}"}

    # -- Activity
    ws = wb.add_worksheet("Activity")
    cols = ("option", "tranche", "start", "issued", "transferred in", "transferred out", "exercised", "expired", "adjusted (§4)", "end",
            "exercise price at the end", "price at issue", "price at the start", "price at exercise", "price at expiry",
            "remaining life (years)", "intrinsic value", "tie (must be 0)")
    for c, h in enumerate(cols):
        text(ws, 0, c, h, bold)
    ws.write_string(0, 19, "share price", bold)
    act = pack.activity_rows
    for i, ar in enumerate(act, 1):
        n = i + 1
        text(ws, i, 0, ar["option"])
        ws.write_number(i, 1, ar["tranche"])
        for c, name in enumerate(("start", "issued", "transferred_in", "transferred_out", "exercised", "expired", "adjusted", "end",
                                  "exercise_price", "issued_price", "start_price", "exercised_price", "expired_price"), 2):
            ws.write_number(i, c, _num(ar[name]))
        ws.write_number(i, 15, float(ar["remaining_life_years"]))  # float-ok (valuation)
        ws.write_number(i, 19, float(ar["share_price"]))  # float-ok (valuation)
        ws.write_formula(i, 16, f"=J{n}*MAX(T{n}-K{n},0)", None, ar["intrinsic_value"])
        ws.write_formula(i, 17, f"=C{n}+D{n}+E{n}-F{n}-G{n}-H{n}+I{n}-J{n}", None, 0)
    last_a = len(act) + 1
    t0 = last_a + 2
    table = [("outstanding at the start", "C", "M"), ("issued", "D", "L"), ("exercised", "G", "N"), ("expired or cancelled", "H", "O"),
             ("adjusted for stock events (§4)", "I", None), ("outstanding at the end", "J", "K")]
    text(ws, t0, 0, "warrant activity", bold)
    text(ws, t0, 1, "shares", bold)
    text(ws, t0, 2, "weighted-average exercise price", bold)
    acells: dict[str, str] = {}
    for j, (label, col, price) in enumerate(table, t0 + 1):
        text(ws, j, 0, label)
        ws.write_formula(j, 1, f"=SUM({col}2:{col}{last_a})")
        if price:
            ws.write_formula(j, 2, f"=IF(SUM({col}2:{col}{last_a})=0,0,SUMPRODUCT({col}2:{col}{last_a},{price}2:{price}{last_a})"
                             f"/SUM({col}2:{col}{last_a}))")
        acells[label] = f"B{j + 1}"
        acells[label + " price"] = f"C{j + 1}"
    j = t0 + len(table) + 1
    text(ws, j, 0, "weighted-average remaining life (years)")
    ws.write_formula(j, 1, f"=IF(SUM(J2:J{last_a})=0,0,SUMPRODUCT(J2:J{last_a},P2:P{last_a})/SUM(J2:J{last_a}))")
    text(ws, j + 1, 0, "intrinsic value at the end")
    ws.write_formula(j + 1, 1, f"=SUM(Q2:Q{last_a})")
    text(ws, j + 2, 0, "tie: start + issued - exercised - expired + adjusted - end (must be 0)")
    ws.write_formula(j + 2, 1, f"={acells['outstanding at the start']}+{acells['issued']}-{acells['exercised']}-{acells['expired or cancelled']}"
                     f"+{acells['adjusted for stock events (§4)']}-{acells['outstanding at the end']}")
    acells.update({"remaining life": f"B{j + 1}", "intrinsic value": f"B{j + 2}", "tie": f"B{j + 3}"})
    where["activity"] = {"sheet": "Activity", **acells}

    # -- Sensitivity
    ws = wb.add_worksheet("Sensitivity")
    gs = groups(pack.closing)
    for c, h in enumerate(("S", "K", "T", "r", "q", "sigma", "shares")):
        text(ws, 0, c, h, bold)
    for i, g in enumerate(gs, 1):
        for c, name in enumerate(("S", "K", "T", "r", "q", "sigma", "shares")):
            ws.write_number(i, c, float(g[name]))  # float-ok (valuation)
    top = len(gs) + 3
    text(ws, top, 0, "fair value of all instruments: volatility shift (rows, points) x term shift (columns, years)", bold)
    for c, dt in enumerate(TERM_SHIFTS, 1):
        ws.write_number(top + 1, c, dt)
    grid_cells = []
    for rr, dv in enumerate(VOL_SHIFTS, top + 2):
        ws.write_number(rr, 0, dv)
        line = []
        for c, _dt in enumerate(TERM_SHIFTS, 1):
            col = xl_rowcol_to_cell(top + 1, c, row_abs=True)
            vol = xl_rowcol_to_cell(rr, 0, col_abs=True)
            if len(gs) <= MAX_GRID_GROUPS:
                parts = []
                for gi in range(2, len(gs) + 2):
                    T = f"MAX(C{gi}+{col},1/365)"
                    v = f"MAX(F{gi}+{vol},0.01)"
                    parts.append(f"G{gi}*({bs_formula(f'A{gi}', f'B{gi}', T, f'D{gi}', f'E{gi}', v)})")
                ws.write_formula(rr, c, "=" + ("+".join(parts) or "0"), None, pack.sensitivity["fair_value"][rr - top - 2][c - 1])
            else:
                ws.write_number(rr, c, pack.sensitivity["fair_value"][rr - top - 2][c - 1])
            line.append(xl_rowcol_to_cell(rr, c))
        grid_cells.append(line)
    where["sensitivity"] = {"sheet": "Sensitivity", "grid": grid_cells}

    # -- EPS
    ws = wb.add_worksheet("EPS")
    e = pack.eps
    for c, h in enumerate(("from", "to", "days", "shares outstanding", "restatement factor (§4)")):
        text(ws, 0, c, h, bold)
    segs = e["segments"]
    for i, s in enumerate(segs, 1):
        text(ws, i, 0, s["from"])
        text(ws, i, 1, s["to"])
        ws.write_number(i, 2, s["days"])
        ws.write_number(i, 3, _num(s["outstanding"]))
        ws.write_number(i, 4, _num(s["restatement_factor"]))
    ls = len(segs) + 1
    r0 = ls + 2
    text(ws, r0, 0, "penny warrants in basic (ASC 260-10-45-13): weighted shares", bold)
    pennies = list(e["penny_warrants_in_basic"].items())
    for i, (no, v) in enumerate(pennies, r0 + 1):
        text(ws, i, 0, no)
        ws.write_number(i, 1, _num(v))
    p_first, p_last = r0 + 2, r0 + 1 + len(pennies)
    r1 = p_last + 2
    text(ws, r1, 0, "treasury stock method (ASC 260-10-45-23)", bold)
    for c, h in enumerate(("option", "tranche", "weighted shares", "exercise price", "incremental shares"), 0):
        text(ws, r1 + 1, c, h, bold)
    tsm = e["treasury_stock_method"]
    avg_row = r1 + 2 + len(tsm) + 1
    avg = f"$B${avg_row + 1}"
    for i, t in enumerate(tsm, r1 + 2):
        n = i + 1
        text(ws, i, 0, t["option"])
        ws.write_number(i, 1, t["tranche"])
        ws.write_number(i, 2, _num(t["weighted_shares"]))
        ws.write_number(i, 3, _num(t["exercise_price"]))
        ws.write_formula(i, 4, f"=IF({avg}>D{n},C{n}*({avg}-D{n})/{avg},0)")
    t_first, t_last = r1 + 3, r1 + 2 + len(tsm)
    text(ws, avg_row, 0, "average price in the period")
    ws.write_number(avg_row, 1, _num(e["average_price_exact"]))
    text(ws, avg_row, 2, e["average_price_source"])
    at = [avg_row + 1]
    ecells: dict[str, str] = {}

    def put(label: str, key: str, formula: str | None = None, value: float | None = None) -> None:  # float-ok (valuation)
        row = at[0]
        text(ws, row, 0, label)
        if formula is not None:
            ws.write_formula(row, 1, formula)
        elif value is not None:
            ws.write_number(row, 1, value)
        ecells[key] = f"B{row + 1}"
        at[0] = row + 1

    put("weighted-average shares outstanding", "weighted", f"=SUMPRODUCT(C2:C{ls},D2:D{ls},E2:E{ls})/SUM(C2:C{ls})")
    put("penny warrants (weighted)", "penny", f"=SUM(B{p_first}:B{p_last})" if pennies else "=0")
    put("basic weighted-average shares", "basic", f"={ecells['weighted']}+{ecells['penny']}")
    put("incremental shares (treasury stock method)", "incremental", f"=SUM(E{t_first}:E{t_last})" if tsm else "=0")
    if e.get("net_income") is not None:
        put("net income (loss)", "net_income", value=float(e["net_income"]))  # float-ok (valuation)
        put("numerator adjustment, liability warrants (ASC 260-10-45-46)", "adjustment", value=float(e["numerator_adjustment"]))  # float-ok (valuation)
        put("basic EPS", "basic_eps", f"=ROUND({ecells['net_income']}/{ecells['basic']},2)")
        put("diluted EPS if the warrants were included", "candidate",
            f"=({ecells['net_income']}+{ecells['adjustment']})/({ecells['basic']}+{ecells['incremental']})")
        put("diluted EPS (anti-dilution: a loss, or a larger figure, excludes them)", "diluted_eps",
            f"=ROUND(IF({ecells['net_income']}<0,{ecells['net_income']}/{ecells['basic']},"
            f"MIN({ecells['candidate']},{ecells['net_income']}/{ecells['basic']})),2)")
    ws.set_column(0, 0, 60)
    where["eps"] = {"sheet": "EPS", **ecells}

    # -- Classification: each condition once (its guidance, clause and judgment), then one row per option with each verdict
    ws = wb.add_worksheet("Classification")
    first = next(iter(pack.classes.values()), None)
    names = [c.name for c in first.conditions] if first else []
    for c, h in enumerate(("condition", "guidance", "clause", "needs judgment", "judgment", "why (first option)")):
        text(ws, 0, c, h, bold)
    if first:
        for i, cond in enumerate(first.conditions, 1):
            for c, v in enumerate((cond.name, cond.guidance, cond.clause, "yes" if cond.needs_judgment else "no", cond.judgment, cond.why)):
                text(ws, i, c, v)
    top = len(names) + 2
    for c, h in enumerate(("option", "classification", *names, "why, where a condition fails")):
        text(ws, top, c, h, bold)
    for i, oc in enumerate(pack.classes.values(), top + 1):
        text(ws, i, 0, oc.option_no)
        text(ws, i, 1, oc.classification)
        for c, cond in enumerate(oc.conditions, 2):
            text(ws, i, c, cond.verdict)
        text(ws, i, 2 + len(oc.conditions), "; ".join(f"{x.name}: {x.why}" for x in oc.conditions if x.verdict == "fails"))
    i = top + len(pack.classes) + 2
    for rc in pack.reclassified:
        text(ws, i, 0, f"reclassified {rc['option']} on {rc['on']}: {rc['from']} -> {rc['to']} ({rc['guidance']}); {rc['deciding']}")
        i += 1
    wb.close()
    return where
