"""`warrantbook captable`: a company's cap table, or a fund's view across companies; printed, as JSON, or exported.

Thin shell over app.captable (the figures), app.present (how a person reads them) and app.export (CSV, XLSX). The
tables fit an 80-column terminal: narrow tables, and a cell too long for its column wraps (never cut off).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from warrantbook.app import present
from warrantbook.app.captable import cap_table_sheet, company_cap_table, fund_sheet, fund_view
from warrantbook.app.views import Visibility
from warrantbook.cli.common import AsOfOpt, BookOpt, DbOpt, JsonOpt, console, emit, handle_errors, parse_day, source
from warrantbook.cli.tables import FitTable, FormatOpt, OutOpt, export_kind, write_export
from warrantbook.core.errors import BadInput
from warrantbook.core.state import BookState

CompanyArg = Annotated[str | None, typer.Option("--company", help="The company's id; may be left out when the book holds one company.",
                                                show_default=False)]
HolderArg = Annotated[str | None, typer.Option("--holder", help="A holder's id: the fund's view across every company whose options it "
                                               "holds (instead of one company's cap table).", show_default=False)]
def _company(state: BookState, company: str | None) -> str:
    if company:
        return company
    ids = sorted(state.companies)
    if len(ids) == 1:
        return ids[0]
    raise BadInput(f"--company: required, the book holds {len(ids)} companies ({', '.join(ids) or 'none'})", field="company")


def _headroom(groups: list[dict[str, Any]]) -> FitTable:
    table = FitTable("Headroom under the cap (§10), per holder group", [("group", "left"), ("holdings (H)", "right"), ("option", "left"),
                                                                         ("allowance", "right"), ("why", "left")])
    for g in groups:
        for x in g["options"]:
            allowance = present.shares(x["allowance"]) if x["allowance"] is not None else ("no limit" if x["limited"] is False else "unknown")
            table.add_row(g["group"], present.show("shares", g["holdings"]) or "not certified", x["option"], allowance, x["reason"])
    return table


def _options(rows: list[dict[str, Any]], *, with_holder: bool = True) -> FitTable:
    cols = [("option", "left"), ("shares", "right"), ("price", "right"), ("intrinsic value", "right"), ("fully diluted", "right")]
    if with_holder:
        cols.insert(1, ("holder", "left"))
    table = FitTable("Options: remaining shares (by tranche), intrinsic value at the FMV", cols)
    for o in rows:
        for t in o["tranches"]:
            label = o["option"] if len(o["tranches"]) == 1 else f"{o['option']} tranche {t['tranche']}"
            cells = [label, present.shares(t["shares"]), present.price(t["exercise_price"]),
                     present.show("money", t["intrinsic_value"]) or "no FMV",
                     (present.show("percent", o["fully_diluted"]) or "unknown") if t["tranche"] == 0 else ""]
            if with_holder:
                cells.insert(1, o["holder"]["name"])
            table.add_row(*cells)
    return table


def _fmv_lines(rows: list[dict[str, Any]]) -> None:
    for o in rows:
        if o["fmv"]:
            console.print(f"  {o['option']}: FMV {present.price(o['fmv']['value'])} ({o['fmv']['clause']}: {o['fmv']['source']})",
                          markup=False, highlight=False)
        else:
            console.print(f"  {o['option']}: no FMV on the day: {o['fmv_problem']}", markup=False, highlight=False)


def print_cap_table(d: dict[str, Any]) -> None:
    console.print(f"Cap table of {d['company']['name']} ({d['company']['id']}) as of {d['as_of']}", markup=False, highlight=False)
    facts = FitTable("Shares", [("", "left"), ("shares", "right")])
    r = d["reserved"]
    for label, value in (("outstanding", d["outstanding"]), ("authorized", d["authorized"]), ("reserved (§6 required)", r["required"]),
                         ("authorized and unissued", r["available"]), ("§6 shortfall", r["shortfall"]),
                         ("option shares", d["option_shares"]), ("fully diluted", d["fully_diluted_shares"])):
        facts.add_row(label, present.show("shares", value) or ("not recorded" if label in ("outstanding", "authorized") else "unknown"))
    console.print(facts)
    holders = FitTable("Fully diluted ownership", [("holder", "left"), ("common", "right"), ("options", "right"), ("total", "right"),
                                                 ("share", "right")])
    for h in d["holders"]:
        holders.add_row(h["holder"]["name"], present.show("shares", h["common"]) or "not certified", present.shares(h["option_shares"]),
                        present.shares(h["fully_diluted_shares"]), present.show("percent", h["fully_diluted"]) or "unknown")
    o = d["others"]
    holders.add_row("others (not in the book)", present.show("shares", o["common"]) or "unknown", "0",
                    present.show("shares", o["common"]) or "unknown", present.show("percent", o["fully_diluted"]) or "unknown")
    if d["hidden_options"]:
        h = d["hidden_options"]
        holders.add_row(f"{h['count']} option(s) not shown to you", "", present.shares(h["shares"]), present.shares(h["shares"]),
                        present.show("percent", h["fully_diluted"]))
    console.print(holders)
    console.print(f"Basis: {d['basis']}.", markup=False, highlight=False)
    console.print(_options(d["options"]))
    _fmv_lines(d["options"])
    console.print(f"Intrinsic value of the options shown: {present.money(d['totals']['intrinsic_value_shown'])}"
                  + ("" if d["totals"]["intrinsic_value_complete"] else " (incomplete: an option has no FMV on the day)"),
                  markup=False, highlight=False)
    console.print(_headroom(d["headroom"]))
    for p in d["problems"]:
        console.print(f"note: {p}", markup=False, highlight=False)
    console.print(f"Figures rounded for display are marked {present.MARK}; --json and exports give them exactly.", markup=False,
                  highlight=False)


def print_fund(d: dict[str, Any]) -> None:
    console.print(f"{d['holder']['name']} ({d['holder']['id']}, group {d['group']}): options as of {d['as_of']}", markup=False,
                  highlight=False)
    if not d["companies"]:
        console.print("no active options", markup=False)
    for c in d["companies"]:
        console.print(f"\n{c['company']['name']} ({c['company']['id']})", markup=False, highlight=False)
        console.print(_options(c["options"], with_holder=False))
        _fmv_lines(c["options"])
        summary = FitTable("The holder in this company", [("", "left"), ("figure", "right")])
        summary.add_row("common (certified)", present.show("shares", c["common"]) or "not certified")
        summary.add_row("option shares", present.shares(c["option_shares"]))
        summary.add_row("fully diluted share", present.show("percent", c["fully_diluted"]) or "no shares outstanding recorded")
        summary.add_row("intrinsic value", present.money(c["intrinsic_value"]))
        console.print(summary)
        console.print(_headroom(c["headroom"]))
    console.print(f"Total intrinsic value: {present.money(d['totals']['intrinsic_value'])}"
                  + ("" if d["totals"]["intrinsic_value_complete"] else " (incomplete: an option has no FMV on the day)"),
                  markup=False, highlight=False)
    console.print(f"Basis of the fully diluted share: {d['basis']}. Figures rounded for display are marked {present.MARK}.",
                  markup=False, highlight=False)


@handle_errors
def captable(
    company: CompanyArg = None,
    holder: HolderArg = None,
    as_of: AsOfOpt = None,
    export_format: FormatOpt = None,
    out: OutOpt = None,
    book: BookOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A company's cap table as of a date, or a fund's view across the companies whose options it holds.

    Shares outstanding, authorized and reserved (§6); each option's remaining shares by tranche; fully diluted
    ownership per holder (treasury-free: outstanding plus every option share); intrinsic value at the §1.2 FMV;
    headroom under the §10 cap per holder group. --json and exports keep exact values.

    Examples:
      warrantbook captable --book examples/seed-option.yaml --as-of 2006-12-29
      warrantbook captable --book examples/seed-option.yaml --holder gssf --as-of 2006-12-29 --json
      warrantbook captable --book examples/seed-option.yaml --company atg --out cap-table.xlsx
      warrantbook captable --db sqlite:///warrantbook.db --company atg --format csv --out cap-table.csv
    """
    if company and holder:
        raise BadInput("--company, --holder: give one (a company's cap table, or a holder's view across companies)", field="holder")
    kind = export_kind(out, export_format)
    day = parse_day(as_of, "as_of")
    state = source(book, db).state(day)
    if holder:
        data = fund_view(state, holder, day, Visibility.everything())
        sheet = fund_sheet(data)
    else:
        data = company_cap_table(state, _company(state, company), day, Visibility.everything())
        sheet = cap_table_sheet(data)
    if out and kind:
        write_export([sheet], out, kind, data, as_json)
        return
    if as_json:
        emit(data)
    elif holder:
        print_fund(data)
    else:
        print_cap_table(data)


def register(app: typer.Typer) -> None:
    app.command("captable")(captable)
