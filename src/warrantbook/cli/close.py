"""The issuer's quarter close (docs/close.md): `valuation-input` records the inputs, `close` makes the pack.

Thin shell: the figures come from warrantbook.accounting; this module parses, records and prints.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, console, emit, handle_errors, parse_day, source
from warrantbook.cli.ledger_common import ActorOpt, CompanyOpt, IdemOpt, IdOpt, NoteOpt, actor_of, ctx, new_id, pick_company, record
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import exact, fmt

_NUMBER = re.compile(r"^\s*[-+$]?[\d,_]{0,40}(\.\d{0,40})?(e[-+]?\d{1,2})?\s*%?\s*$|^\s*\d{1,40}\s*/\s*\d{1,40}\s*$", re.IGNORECASE)


def _exact(value: str, field: str) -> Any:
    """`numbers.exact`, after bounding digits and exponent: 1e99999999 is cheap to write and ruinous to make exact."""
    if len(value) > 100 or not _NUMBER.match(value):
        raise BadInput(f"{field}: {value[:40]!r} is not a number of at most 40 digits with an exponent of at most 99", field=field)
    return exact(value, field)


def _optional(value: str | None, field: str) -> Any:
    return None if value is None else _exact(value, field)


@handle_errors
def valuation_input(
    rate: Annotated[str, typer.Option("--rate", help="Risk-free rate for the term, continuously compounded (0.0435 or 4.35%).")],
    source_: Annotated[str, typer.Option("--source", help="Where the inputs come from (rate table, volatility study, memo).")],
    company: CompanyOpt = None,
    volatility: Annotated[str | None, typer.Option("--volatility", help="Annual volatility given (0.85 or 85%).", show_default=False)] = None,
    window: Annotated[int | None, typer.Option("--volatility-window", help="Compute volatility from this many daily returns of the "
                                               "recorded §1.2 prices.", show_default=False)] = None,
    method: Annotated[str, typer.Option("--volatility-method", help="How a window is turned into a volatility: log-returns.")] = "log-returns",
    term_years: Annotated[str | None, typer.Option("--term-years", help="Expected remaining term in years where the terms state no "
                                                   "Expiration Date (§1.1).", show_default=False)] = None,
    dividend_yield: Annotated[str, typer.Option("--dividend-yield", help="Continuous dividend yield.")] = "0",
    share_price: Annotated[str | None, typer.Option("--share-price", help="Only where §1.2 gives no price: the issuer's estimate.",
                                                    show_default=False)] = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the inputs of the options' fair value from a date: volatility (given or a window), rate, term, dividends.

    Example: warrantbook valuation-input --book my-book.yaml --company atg --on 2006-06-30 --volatility-window 60 --rate 4.35% --term-years 5 --source "Treasury 5-year CMT 2006-06-30; 60-day historical volatility"
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.ValuationInput(id=new_id("valuation", c.day, event_id), on=c.day, actor=actor_of(actor, f"company:{company_id}"), note=note,
                          company=company_id, rate=_exact(rate, "rate"), source=source_, volatility=_optional(volatility, "volatility"),
                          volatility_window=window, volatility_method=method, dividend_yield=_exact(dividend_yield, "dividend_yield"),
                          term_years=_optional(term_years, "term_years"), share_price=_optional(share_price, "share_price"))
    record(c, e, idem=idempotency_key, as_json=as_json)


def _money(text: str | None, field: str) -> Decimal | None:
    if text is None:
        return None
    cleaned = text.strip().replace(",", "").lstrip("$")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BadInput(f"{field}: {text!r} is not an amount (e.g. -125000.50)", field=field) from None
    if not value.is_finite() or abs(value) >= Decimal("1e15") or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise BadInput(f"{field}: an amount in dollars and cents below 10^15", field=field)
    return value


@handle_errors
def close(
    period_end: Annotated[str, typer.Option("--period-end", help="Last day of the period (YYYY-MM-DD).")],
    company: CompanyOpt = None,
    prior: Annotated[str | None, typer.Option("--prior", help="Last day of the prior period (default: the previous quarter end).",
                                              show_default=False)] = None,
    out: Annotated[str | None, typer.Option("--out", help="Write the workbook (FILE.xlsx) with live formulas.", show_default=False)] = None,
    memo: Annotated[str | None, typer.Option("--memo", help="Write the memo (FILE.pdf).", show_default=False)] = None,
    net_income: Annotated[str | None, typer.Option("--net-income", help="Net income (loss) of the period, for EPS.", show_default=False)] = None,
    sequencing: Annotated[str, typer.Option("--sequencing", help="ASC 815-40-35-12 method: latest-first or earliest-first.")] = "latest-first",
    penny_threshold: Annotated[str, typer.Option("--penny-threshold", help="Exercise price at most this share of the average price "
                                                 "counts as a penny warrant (ASC 260-10-45-13).")] = "1%",
    mc_paths: Annotated[int, typer.Option("--mc-paths", help="Monte Carlo paths of the cross-check.")] = 100_000,
    mc_seed: Annotated[int, typer.Option("--mc-seed", help="Monte Carlo seed.")] = 20051,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """The quarter close: classification, fair values, activity, Level 3, EPS; a workbook and a memo.

    Example: warrantbook close --book my-book.yaml --company atg --period-end 2006-09-30 --out close.xlsx --memo close.pdf
    """
    from warrantbook.accounting.classification import Sequencing
    from warrantbook.accounting.close import build_close

    end = parse_day(period_end, "period_end")
    before = parse_day(prior, "prior") if prior else None
    try:
        method = Sequencing(sequencing)
    except ValueError:
        raise BadInput(f"sequencing: one of {', '.join(s.value for s in Sequencing)}", field="sequencing") from None
    threshold = _exact(penny_threshold, "penny_threshold")
    if not 0 <= threshold < 1:
        raise BadInput("penny_threshold: from 0% to below 100%", field="penny_threshold")
    if not 1_000 <= mc_paths <= 2_000_000:
        raise BadInput("mc_paths: between 1,000 and 2,000,000", field="mc_paths")
    if out is not None and Path(out).suffix.lower() != ".xlsx":
        raise BadInput(f"out: the workbook is written as .xlsx, not {Path(out).suffix or 'no extension'}", field="out")
    if memo is not None and Path(memo).suffix.lower() != ".pdf":
        raise BadInput(f"memo: the memo is written as .pdf, not {Path(memo).suffix or 'no extension'}", field="memo")
    src = source(book, db)
    events = src.events()
    state_companies = {e.company.id for e in events if isinstance(e, ev.CompanyRegistered)}
    if company is None:
        if len(state_companies) != 1:
            raise BadInput(f"--company: required, the source holds {len(state_companies)} companies ({', '.join(sorted(state_companies))})",
                           field="company")
        company = next(iter(state_companies))
    income = _money(net_income, "net_income")
    waiting = console.status("closing the period...") if console.is_terminal and not as_json else nullcontext()
    with waiting:  # a spinner on a terminal (a large ledger takes seconds); quiet under --json or a pipe
        pack = build_close(events, company, end, before, head=src.head(), net_income=income, sequencing=method,
                           penny_threshold=threshold, mc_paths=mc_paths, mc_seed=mc_seed)
    written: dict[str, str] = {}
    if out is not None:
        from warrantbook.accounting.workbook import write_workbook

        write_workbook(pack, out)
        written["workbook"] = out
    if memo is not None:
        from warrantbook.accounting.memo import render_memo

        Path(memo).write_bytes(render_memo(pack))
        written["memo"] = memo
    if as_json:
        emit({**pack.as_json(), "written": written})
        return
    _print(pack, written)


def _print(pack: Any, written: dict[str, str]) -> None:
    console.print(f"Quarter close of {pack.company_name} for {pack.prior} (excl.) to {pack.period_end}; ledger head "
                  f"{pack.head.hash[:16]}... ({pack.head.count} events)", markup=False, highlight=False)
    table = Table(title="Fair value at the period end (ASC 820; ASC 815-40 classification)")
    for col, justify in (("option", "left"), ("tranche", "right"), ("class", "left"), ("shares", "right"), ("per share", "right"),
                         ("fair value", "right"), ("term", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in pack.closing[:50]:
        table.add_row(r.option_no, str(r.tranche), r.classification, fmt(r.shares), f"{r.per_share:.6f}", f"{r.booked:,}",
                      f"{r.T:.2f}y {r.term.basis}")
    console.print(table)
    if len(pack.closing) > 50:
        console.print(f"... and {len(pack.closing) - 50} more rows (see --json or the workbook)")
    L = pack.level3
    console.print("Level 3 roll-forward: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in L.items()), markup=False, highlight=False)
    a = pack.activity
    console.print(f"Warrant activity: start {a['outstanding_start']['shares']}, issued {a['issued']['shares']}, exercised "
                  f"{a['exercised']['shares']}, expired {a['expired_or_cancelled']['shares']}, §4 {a['adjusted_for_stock_events']['shares']}, "
                  f"end {a['outstanding_end']['shares']} (ties: {a['ties']})", markup=False, highlight=False)
    e = pack.eps
    console.print(f"EPS shares: basic {fmt(Fraction(e['basic_shares']))}, incremental (TSM) {fmt(Fraction(e['incremental_shares']))}"
                  + (f"; basic EPS {e['basic_eps']}, diluted {e['diluted_eps']} ({e['dilution']})" if e.get("net_income") else ""),
                  markup=False, highlight=False)
    for rc in pack.reclassified:
        console.print(f"reclassified {rc['option']} on {rc['on']}: {rc['from']} -> {rc['to']} ({rc['guidance']})", markup=False, highlight=False)
    for f in pack.flags:
        console.print(f"flag: {f}", markup=False, highlight=False)
    for kind, path in written.items():
        console.print(f"wrote the {kind}: {path}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("valuation-input")(valuation_input)
    app.command("close")(close)
