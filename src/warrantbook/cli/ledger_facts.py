"""Parties and facts: companies, holders, the agent, addresses, share counts, FMV values, prices.

The rules need facts they cannot compute (shares outstanding for §4 and §10, authorized shares for §6,
the holder's beneficial ownership for §10, prices for §1.2): these commands record them as dated events.
"""

from __future__ import annotations

import csv
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, handle_errors
from warrantbook.cli.ledger_common import (
    ActorOpt,
    CompanyOpt,
    FileErrors,
    HolderOpt,
    IdemOpt,
    IdOpt,
    LinesOpt,
    NoteOpt,
    actor_of,
    address_of,
    ctx,
    new_id,
    pick_company,
    pick_holder,
    progress_bar,
    record,
    record_batch,
    show_recorded,
)
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.numbers import exact
from warrantbook.core.terms import Company, Holder, Venue

company_app = typer.Typer(help="Companies whose options the ledger keeps.", no_args_is_help=True, rich_markup_mode=None)
holder_app = typer.Typer(help="Holders of options (and their affiliate groups for the §10 cap).", no_args_is_help=True,
                         rich_markup_mode=None)
agent_app = typer.Typer(help="The option agent of §11.", no_args_is_help=True, rich_markup_mode=None)
fmv_app = typer.Typer(help="Fair market value agreed or awarded when the stock is not publicly traded (§1.2(c)).",
                      no_args_is_help=True, rich_markup_mode=None)
prices_app = typer.Typer(help="Market prices for §1.2 (closing price, or closing bid and ask).", no_args_is_help=True,
                         rich_markup_mode=None)

SharesArg = Annotated[str, typer.Option("--shares", help="A whole number of shares.")]
SourceOpt = Annotated[str, typer.Option("--source", help="Where the figure comes from (transfer agent count, charter, ...).")]


@company_app.command("add")
@handle_errors
def company_add(
    company_id: Annotated[str, typer.Argument(help="Short id used in commands, e.g. atg.", metavar="ID")],
    name: Annotated[str, typer.Option("--name", help="Legal name.")],
    state: Annotated[str, typer.Option("--state", help="State of incorporation.")] = "",
    office: Annotated[list[str] | None, typer.Option("--office", help="Principal office, one line each; repeat (§2.2(b)).",
                                                     show_default=False)] = None,
    attention: Annotated[str, typer.Option("--attention", help="Addressee of Exhibit A.")] = "Chief Financial Officer",
    par_value: Annotated[str | None, typer.Option("--par-value", help="Par value per share.", show_default=False)] = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Register a company (or update its details from a date).

    Example: warrantbook company add atg --name "American Technologies Group, Inc." --state Nevada --office "1 Plaza" --office "Monrovia, CA 91016" --par-value 0.001 --on 2005-09-07
    """
    c = ctx(book, db, on)
    company = Company(company_id, name, state, address_of(office, "office"), attention,
                      exact(par_value, "par_value") if par_value is not None else None)
    e = ev.CompanyRegistered(id=new_id(f"company-{company_id}", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.CompanyRegistered, company=company_id)),
                             note=note, company=company)
    record(c, e, idem=idempotency_key, as_json=as_json)


@holder_app.command("add")
@handle_errors
def holder_add(
    holder_id: Annotated[str, typer.Argument(help="Short id used in commands, e.g. gssf.", metavar="ID")],
    name: Annotated[str, typer.Option("--name", help="Legal name.")],
    address: LinesOpt = None,
    group: Annotated[str, typer.Option("--group", help="Affiliate group for the §10 cap (default: the holder alone).")] = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Register a holder (or update its details from a date).

    Example: warrantbook holder add gssf --name "GSSF Master Fund, L.P." --address "c/o Fund Services" --address "New York, NY 10022" --on 2005-09-07
    """
    c = ctx(book, db, on)
    e = ev.HolderRegistered(id=new_id(f"holder-{holder_id}", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.HolderRegistered, holder=holder_id)),
                            note=note, holder=Holder(holder_id, name, address_of(address), group))
    record(c, e, idem=idempotency_key, as_json=as_json)


@agent_app.command("appoint")
@handle_errors
def agent_appoint(
    name: Annotated[str, typer.Option("--name", help="The agent's name.")],
    office: Annotated[list[str], typer.Option("--office", help="The agent's office, one line each; repeat.")],
    function: Annotated[list[ev.AgentFunction] | None, typer.Option("--function", help="exercise, exchange or replacement; repeat "
                                                                    "(default all three).", show_default=False)] = None,
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Appoint an option agent for exercises, exchanges and/or replacements (§11).

    Example: warrantbook agent appoint --company atg --name "Example Transfer Co." --office "10 Main St" --office "Denver, CO 80202" --function exercise
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    office_address = address_of(office, "office", required=True)
    assert office_address is not None
    e = ev.AgentAppointed(id=new_id("agent", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.AgentAppointed, company=company_id)), note=note,
                          company=company_id, name=name, office=office_address,
                          functions=frozenset(function) if function else frozenset(ev.AgentFunction))
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def address(
    address: Annotated[list[str], typer.Option("--address", help="One address line; repeat for each line.")],
    holder: HolderOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an address the holder furnished in writing for notices (§13).

    Example: warrantbook address --holder gssf --address "500 Park Avenue" --address "New York, NY 10022" --on 2006-02-01
    """
    c = ctx(book, db, on)
    holder_id = pick_holder(c.state, holder)
    lines = address_of(address, required=True)
    assert lines is not None
    e = ev.AddressFurnished(id=new_id("address", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.AddressFurnished, holder=holder_id)), note=note,
                            holder=holder_id, address=lines)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def outstanding(
    shares: SharesArg, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's shares outstanding on a date (used by §4 and the §10 cap).

    Example: warrantbook outstanding --company atg --shares 1200000000 --source "transfer agent count" --on 2005-09-07
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.SharesOutstanding(id=new_id("outstanding", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.SharesOutstanding, company=company_id)), note=note,
                             company=company_id, shares=exact(shares, "shares"), source=source_)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def authorized(
    shares: SharesArg, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's authorized shares on a date (the §6 reservation counts against them).

    Example: warrantbook authorized --company atg --shares 2000000000 --source charter --on 2005-09-07
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.AuthorizedShares(id=new_id("authorized", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.AuthorizedShares, company=company_id)), note=note,
                            company=company_id, shares=exact(shares, "shares"), source=source_)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def ownership(
    shares: SharesArg, holder: HolderOpt = None, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's beneficial ownership (with affiliates, options excluded) as it certifies it (§10).

    Example: warrantbook ownership --holder gssf --company atg --shares 10000000 --source "holder certificate" --on 2005-09-07
    """
    c = ctx(book, db, on)
    holder_id = pick_holder(c.state, holder)
    company_id = pick_company(c.state, company)
    e = ev.BeneficialOwnership(id=new_id("ownership", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.BeneficialOwnership, holder=holder_id)), note=note,
                               holder=holder_id, company=company_id, shares=exact(shares, "shares"), source=source_)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def listing(
    venue: Annotated[Venue, typer.Option("--venue", help="Where the stock trades from this date (decides the §1.2 clause).")],
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record where the common stock trades from a date: exchange, nasdaq, otcbb, pink or not-traded (§1.2).

    Example: warrantbook listing --company atg --venue otcbb --on 2005-09-07
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.Listed(id=new_id("listing", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.Listed, company=company_id)), note=note,
                  company=company_id, venue=venue)
    record(c, e, idem=idempotency_key, as_json=as_json)


@fmv_app.command("agree")
@handle_errors
def fmv_agree(
    value: Annotated[str, typer.Option("--value", help="FMV per share agreed.")],
    agreed_by: Annotated[list[str] | None, typer.Option("--agreed-by", help="A party who agreed (role:id); repeat.",
                                                        show_default=False)] = None,
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an FMV agreed by the holder and the company (§1.2(c)).

    Example: warrantbook fmv agree --company atg --value 0.02 --agreed-by holder:gssf --agreed-by company:atg --on 2007-05-01
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.FmvAgreed(id=new_id("fmv-agreement", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.FmvAgreed, company=company_id)), note=note,
                     company=company_id, value=exact(value, "value"), agreed_by=tuple(agreed_by or ()))
    record(c, e, idem=idempotency_key, as_json=as_json)


@fmv_app.command("award")
@handle_errors
def fmv_award(
    value: Annotated[str, typer.Option("--value", help="FMV per share awarded.")],
    arbitrator: Annotated[str, typer.Option("--arbitrator", help="The AAA arbitrator.")] = "",
    case: Annotated[str, typer.Option("--case", help="The case number.")] = "",
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an FMV set by arbitration (§1.2(c)).

    Example: warrantbook fmv award --company atg --value 0.018 --arbitrator "J. Doe" --case 13-123-Y-00001 --on 2007-06-01
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    default_actor = f"arbitrator:{arbitrator}" if arbitrator else ev.default_actor(ev.FmvAwarded)
    e = ev.FmvAwarded(id=new_id("fmv-award", c.day, event_id), on=c.day, actor=actor_of(actor, default_actor), note=note,
                      company=company_id, value=exact(value, "value"), arbitrator=arbitrator, case=case)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def liquidation(
    amount: Annotated[str, typer.Option("--amount", help="Total payable to the common stock on liquidation.")],
    company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the amount payable to the common stock on a liquidation date (§1.2(d)).

    Example: warrantbook liquidation --company atg --amount 12000000 --source "plan of liquidation" --on 2008-06-30
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.LiquidationAmount(id=new_id("liquidation", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.LiquidationAmount, company=company_id)), note=note,
                             company=company_id, amount=exact(amount, "amount"), source=source_)
    record(c, e, idem=idempotency_key, as_json=as_json)


# ---------------------------------------------------------------- prices import

COLUMNS = ("date", "venue", "close", "bid", "ask")


def _venue(text: str) -> Venue | None:
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    aliases = {"otc": "otcbb", "otc-bb": "otcbb", "bulletin-board": "otcbb", "amex": "exchange", "nyse": "exchange"}
    key = aliases.get(key, key)
    for v in Venue:
        if v.value == key:
            return v
    return None


MAX_ROWS = 100_000  # a price file's rows (a century of trading days on four venues)
MAX_CELL = 100  # characters in one cell


def read_prices(path: Path, company: str, source: str) -> tuple[list[ev.Quote], list[int]]:
    """Parse and check every row; all problems at once, each with its line, or the quotes and their lines."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"file: no file {path}", field="file") from None
    except UnicodeDecodeError:
        raise BadInput(f"file: {path} is not UTF-8 text", field="file") from None
    return parse_prices(text, company, source or path.name, str(path))


def parse_prices(text: str, company: str, source: str, what: str = "the CSV") -> tuple[list[ev.Quote], list[int]]:
    """The rows of a prices CSV (date,venue,close,bid,ask), bounded: at most MAX_ROWS rows of MAX_CELL characters a cell."""
    path = what
    lines_of_text = text.splitlines()
    if len(lines_of_text) > MAX_ROWS + 1:
        raise FileErrors([BadInput(f"file: at most {MAX_ROWS:,} rows", field="file", line=MAX_ROWS + 2)], what)
    try:
        rows = list(csv.reader(lines_of_text))
    except csv.Error as exc:
        raise FileErrors([BadInput(f"file: not a CSV file ({exc})", field="file", line=None)], what) from None
    for line, row in enumerate(rows, start=1):
        if len(row) > 20 or any(len(cell) > MAX_CELL for cell in row):
            raise FileErrors([BadInput(f"file: a row has at most 20 cells of at most {MAX_CELL} characters", field="file", line=line)], what)
    if not rows:
        raise FileErrors([BadInput(f"the file is empty: it needs a header {','.join(COLUMNS)}", field="file", line=1)], what)
    header = [h.strip().lower() for h in rows[0]]
    missing = [col for col in COLUMNS if col not in header]
    if missing:
        raise FileErrors([BadInput(f"header: missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})", field="header",
                                   line=1)], path)
    index = {col: header.index(col) for col in COLUMNS}
    errors: list[WarrantbookError] = []
    quotes: list[ev.Quote] = []
    lines: list[int] = []
    seen: dict[tuple[Venue, date], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problems: list[tuple[str, str]] = []

        def cell(col: str, row: list[str] = row) -> str:
            i = index[col]
            return row[i].strip() if i < len(row) else ""

        day = None
        try:
            day = date.fromisoformat(cell("date"))
        except ValueError:
            problems.append(("date", f"{cell('date')!r} is not a date (YYYY-MM-DD)"))
        venue = _venue(cell("venue"))
        if venue is None:
            problems.append(("venue", f"unknown venue {cell('venue')!r} (known: {', '.join(v.value for v in Venue)})"))
        prices: dict[str, Fraction | None] = {}
        for col in ("close", "bid", "ask"):
            raw = cell(col)
            if not raw:
                prices[col] = None
                continue
            try:
                value = exact(raw, col)
            except BadInput as exc:
                problems.append((col, exc.message.removeprefix(f"{col}: ")))
                prices[col] = None
                continue
            if value <= 0:
                problems.append((col, f"{raw} is not a price: it must be more than zero"))
            prices[col] = value
        bid, ask = prices.get("bid"), prices.get("ask")
        if bid is not None and ask is not None and bid > 0 and bid > ask:
            problems.append(("bid", f"bid {cell('bid')} is above ask {cell('ask')}"))
        if prices.get("close") is None and (bid is None or ask is None) and not any(f in ("close", "bid", "ask") for f, _ in problems):
            problems.append(("close", "a row needs a close, or a bid and an ask"))
        if day is not None and venue is not None:
            first = seen.get((venue, day))
            if first is not None:
                problems.append(("date", f"{day} on {venue.value} is already on line {first}"))
            else:
                seen[(venue, day)] = line
        for fld, message in problems:
            errors.append(BadInput(f"{fld}: {message}", field=fld, line=line, clause="§1.2"))
        if not problems and day is not None and venue is not None:
            quotes.append(ev.Quote(id=f"quote-{company}-{venue.value}-{day.isoformat()}", on=day, actor=ev.default_actor(ev.Quote, company=company),
                                   company=company, venue=venue, close=prices["close"], bid=bid, ask=ask,
                                   source=source))
            lines.append(line)
    if errors:
        raise FileErrors(errors, path)
    return quotes, lines


@prices_app.command("import")
@handle_errors
def prices_import(
    file: Annotated[Path, typer.Argument(help="CSV with a header date,venue,close,bid,ask.", metavar="FILE.csv")],
    company: CompanyOpt = None,
    source_: Annotated[str, typer.Option("--source", help="Where the prices come from (default the file name).")] = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Import daily prices from a CSV (date,venue,close,bid,ask): every row checked, all or nothing.

    Zero or negative prices, a bid above the ask, a day given twice, an unknown venue: every bad row is
    reported with its line number and nothing is imported.
    Example: warrantbook prices import prices.csv --company atg
    """
    c = ctx(book, db, None)
    company_id = pick_company(c.state, company)
    quotes, lines = read_prices(file, company_id, source_)
    if not quotes:
        raise BadInput(f"file: {file} has no rows", field="file", line=2)

    def on_error(i: int, exc: WarrantbookError) -> WarrantbookError:
        return exc.at_line(lines[i])

    with progress_bar(f"importing {file.name}", len(quotes), as_json) as advance:
        try:
            decided = record_batch(c.src, list(quotes), idem=idempotency_key, on_error=on_error, progress=advance)
        except BookErrors as exc:
            raise FileErrors(exc.errors, str(file)) from None
    show_recorded(c.src, decided, as_json, {"imported": len(decided), "file": str(file)})


def register(app: typer.Typer) -> None:
    app.add_typer(company_app, name="company")
    app.add_typer(holder_app, name="holder")
    app.add_typer(agent_app, name="agent")
    app.command("address")(address)
    app.command("outstanding")(outstanding)
    app.command("authorized")(authorized)
    app.command("ownership")(ownership)
    app.command("listing")(listing)
    app.add_typer(fmv_app, name="fmv")
    app.command("liquidation")(liquidation)
    app.add_typer(prices_app, name="prices")
