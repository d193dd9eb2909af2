"""warrantbook's command line: `warrantbook [GROUP] COMMAND [ARGS] [OPTIONS]` (../shared/design/cli.md)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any

import typer
from rich.table import Table

from warrantbook.app import present, views
from warrantbook.app.commands import pick_option
from warrantbook.app.views import Visibility
from warrantbook.cli.common import (
    AsOfOpt,
    BookOpt,
    DbOpt,
    JsonOpt,
    OnOpt,
    OptionOpt,
    console,
    emit,
    handle_errors,
    parse_day,
    source,
)
from warrantbook.cli.tables import FitTable
from warrantbook.core.explain import Trace
from warrantbook.core.numbers import exact
from warrantbook.core.rules.exercise import ExerciseResult
from warrantbook.core.summary import basket_text
from warrantbook.core.terms import PaymentMethod

app = typer.Typer(
    name="warrantbook",
    help="Administer stock options and penny warrants clause by clause: exact figures, explained, with the paperwork.\n\n"
    "Start with: warrantbook demo",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"warrantbook {version('warrantbook')}")
        raise typer.Exit()


def _log_level(value: str) -> str:
    from warrantbook.logs import configure, level_of

    try:
        level = level_of(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return configure(level)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False,
          log_level: Annotated[str, typer.Option("--log-level", callback=_log_level, metavar="LEVEL", envvar="WARRANTBOOK_LOG_LEVEL",
                                                 help="Logs to stderr from this level: DEBUG, INFO (what was recorded or refused), "
                                                      "WARNING, ERROR.")] = "WARNING") -> None:
    """Administer stock options and penny warrants clause by clause: exact figures, explained, with the paperwork.

    Start with: warrantbook demo
    """


def _num(value: str | None, field: str) -> Fraction | None:
    return None if value is None else exact(value, field)


@app.command()
@handle_errors
def check(book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Validate a book: every problem, each with its line and section.

    Example: warrantbook check --book examples/seed-option.yaml
    """
    src = source(book, db)
    events = src.events()
    state = src.state()
    result = {"ok": True, "source": src.label, "events": len(events), "options": len(state.options)}
    if as_json:
        emit(result)
    else:
        console.print(f"ok: {src.label}: {len(events)} events, {len(state.options)} option(s), no problems")


@app.command()
@handle_errors
def show(option: OptionOpt = None, as_of: AsOfOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The state of each option as of a date: shares, price, cap, open items.

    Example: warrantbook show --book examples/seed-option.yaml --as-of 2006-12-31
    """
    day = parse_day(as_of, "as_of")
    shown = views.show(source(book, db).state(day), Visibility.everything(), day, option)
    if as_json:
        emit(shown)
        return
    print_options(shown["options"], day)


def print_options(summaries: list[dict[str, Any]], day: date) -> None:
    table = FitTable(f"Options as of {day}", [("option", "left"), ("holder", "left"), ("status", "left"), ("remaining", "right"),
                                               ("price", "right"), ("cap (§10)", "left"), ("open items", "right")])
    for s in summaries:
        cap = s["cap"]
        cap_text = ("in force" if cap["in_force"] else "void")
        if "percent" in cap:
            cap_text = f"{present.percent(cap['percent'])} {cap_text}"
        price = "; ".join(present.price(t["exercise_price"]) for t in s["tranches"])
        table.add_row(s["option"], s["holder"]["name"], s["status"], present.shares(s["remaining_shares"]), price, cap_text,
                      str(len(s["open_items"])))
    console.print(table)
    for s in summaries:
        if s["expiration"]["date"] is None:
            console.print(f"{s['option']}: Expiration Date not defined ({s['expiration']['source']}); none enforced")
        if s["price_below_par"]:
            console.print(f"{s['option']}: exercise price is below par value ({present.price(s['par_value'])}) - a fact for counsel")
        for item in s["open_items"]:
            due = f" (due {item['due']})" if item["due"] else ""
            console.print(f"  [{item['clause']}] {s['option']}: {item['text']}{due}", markup=False)


def print_quote(result: ExerciseResult, trace: Trace) -> None:
    """A quote for people (app.views.Quoted's result and explanation): figures by the presentation rule, each explained."""
    fmv = result.fair_market_value
    rows = [
        ("option shares exercised (Y)", present.shares(result.shares_exercised)),
        ("shares issued (whole)", present.shares(result.whole_shares)),
        ("cash in lieu of fraction", present.money(result.cash_in_lieu_paid) + (f"  (exact {present.exact_text(result.cash_in_lieu)})" if result.fraction else "")),
        ("fair market value", (present.price(fmv.value) + f"  ({fmv.clause}: {fmv.source})") if fmv else "not needed / not available"),
        ("aggregate exercise price", present.money(result.aggregate_exercise_price)),
        ("cash due from holder", present.money(result.cash_due)),
        ("delivery due", result.delivery_due.isoformat()),
        ("cap allowance", (present.shares(result.limit.shares) + f"  ({result.limit.reason})") if result.limit else "no cap applies"),
        ("remaining after", present.shares(result.remaining_after)),
    ]
    if result.stock_due:
        rows.insert(6, ("common stock to deliver as payment", present.shares(result.stock_due)))
    if result.basket:
        rows.insert(2, ("basket delivered (§3.1)", basket_text(result.basket)))
    table = Table(show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)
    console.print("How each figure was reached:")
    for line in trace.as_text():
        console.print("  " + line, markup=False, highlight=False)


@app.command()
@handle_errors
def quote(
    shares: Annotated[str, typer.Option("--shares", help="Option shares to exercise (Y), or 'max' for the cashless maximum.")],
    method: Annotated[PaymentMethod, typer.Option("--method", help="cash, stock, cashless or combination.")] = PaymentMethod.CASH,
    option: OptionOpt = None,
    on: OnOpt = None,
    fmv: Annotated[str | None, typer.Option("--fmv", help="Use this FMV instead of the source's quotes.", show_default=False)] = None,
    outstanding: Annotated[str | None, typer.Option("--outstanding", help="Shares outstanding (default: the source's facts).", show_default=False)] = None,
    owned: Annotated[str | None, typer.Option("--owned", help="Holder's beneficial ownership (default: the source's facts).", show_default=False)] = None,
    cash: Annotated[str | None, typer.Option("--cash", help="Combination: cash paid.", show_default=False)] = None,
    cancel: Annotated[str | None, typer.Option("--cancel", help="Combination: option shares cancelled (W).", show_default=False)] = None,
    stock_shares: Annotated[str | None, typer.Option("--stock-shares", help="Combination: common shares delivered as payment.", show_default=False)] = None,
    tranche: Annotated[int | None, typer.Option("--tranche", help="Price tranche (0-based); default the first with shares.", show_default=False)] = None,
    book: BookOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What-if: what an exercise on a date would give, with every figure explained.

    Example: warrantbook quote --book examples/seed-option.yaml --option ATG-3 --shares 10000000 --method cashless --on 2006-10-02
    """
    day = parse_day(on, "on")
    state = source(book, db).state(day)
    no = pick_option(state, option)
    request = views.quote_request(shares, method, cash=cash, cancel=cancel, stock_shares=stock_shares, tranche=tranche)
    quoted = views.exercise(state, Visibility.everything(), no, request, day, fmv=_num(fmv, "fmv"),
                            outstanding=_num(outstanding, "outstanding"), owned=_num(owned, "owned"))
    if as_json:
        emit(quoted.as_json())
    else:
        console.print(f"Exercise of option {no} on {day}, {method.value}:")
        print_quote(quoted.result, quoted.trace)


@app.command()
@handle_errors
def demo(
    out: Annotated[str | None, typer.Option("--out", help="Also write the seed option's book to this file.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Walk the seed option (American Technologies Group / GSSF, 2005) through an illustrative life.

    Every step is decided by the same rules as a real command and printed with its explanation.
    Example: warrantbook demo --out my-book.yaml
    """
    from warrantbook.cli.demo import run_demo

    run_demo(out=out, as_json=as_json)


def _register_groups() -> None:
    """Command groups of the other shells (ledger, documents, interop, web) join here when installed."""
    import importlib

    for module in ("warrantbook.cli.ledger", "warrantbook.cli.documents", "warrantbook.cli.interop", "warrantbook.cli.web", "warrantbook.cli.close", "warrantbook.cli.captable"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        mod.register(app)


_register_groups()

if __name__ == "__main__":  # pragma: no cover
    app()
