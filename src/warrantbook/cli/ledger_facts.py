"""Parties and facts: companies, holders, the agent, addresses, share counts, FMV values, prices.

The rules need facts they cannot compute (shares outstanding for §4 and §10, authorized shares for §6,
the holder's beneficial ownership for §10, prices for §1.2): these commands record them as dated events. Each
function is the command's options and example; `acts(NAME)` records through the declared app command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from warrantbook.app import parsers
from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, console, handle_errors
from warrantbook.cli.ledger_common import (
    ActorOpt,
    CompanyOpt,
    HolderOpt,
    IdemOpt,
    IdOpt,
    LinesOpt,
    NoteOpt,
    acts,
    ctx,
    pick_company,
    progress_bar,
    record_batch,
    show_recorded,
)
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.terms import Venue

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
@acts("company-add")
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


@holder_app.command("add")
@acts("holder-add")
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


@agent_app.command("appoint")
@acts("agent-appoint")
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


@acts("address")
def address(
    address: Annotated[list[str], typer.Option("--address", help="One address line; repeat for each line.")],
    holder: HolderOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an address the holder furnished in writing for notices (§13).

    Example: warrantbook address --holder gssf --address "500 Park Avenue" --address "New York, NY 10022" --on 2006-02-01
    """


@acts("outstanding")
def outstanding(
    shares: SharesArg, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's shares outstanding on a date (used by §4 and the §10 cap).

    Example: warrantbook outstanding --company atg --shares 1200000000 --source "transfer agent count" --on 2005-09-07
    """


@acts("authorized")
def authorized(
    shares: SharesArg, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's authorized shares on a date (the §6 reservation counts against them).

    Example: warrantbook authorized --company atg --shares 2000000000 --source charter --on 2005-09-07
    """


@acts("ownership")
def ownership(
    shares: SharesArg, holder: HolderOpt = None, company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's beneficial ownership (with affiliates, options excluded) as it certifies it (§10).

    Example: warrantbook ownership --holder gssf --company atg --shares 10000000 --source "holder certificate" --on 2005-09-07
    """


@acts("listing")
def listing(
    venue: Annotated[Venue, typer.Option("--venue", help="Where the stock trades from this date (decides the §1.2 clause).")],
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record where the common stock trades from a date: exchange, nasdaq, otcbb, pink or not-traded (§1.2).

    Example: warrantbook listing --company atg --venue otcbb --on 2005-09-07
    """


@fmv_app.command("agree")
@acts("fmv-agree")
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


@fmv_app.command("award")
@acts("fmv-award")
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


@acts("liquidation")
def liquidation(
    amount: Annotated[str, typer.Option("--amount", help="Total payable to the common stock on liquidation.")],
    company: CompanyOpt = None, source_: SourceOpt = "",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the amount payable to the common stock on a liquidation date (§1.2(d)).

    Example: warrantbook liquidation --company atg --amount 12000000 --source "plan of liquidation" --on 2008-06-30
    """


# ---------------------------------------------------------------- prices import

COLUMNS, MAX_ROWS, MAX_CELL = parsers.COLUMNS, parsers.MAX_ROWS, parsers.MAX_CELL  # the reader lives in app/parsers


@prices_app.command("import")
@handle_errors
def prices_import(
    file: Annotated[Path, typer.Argument(help="CSV with a header date,venue,close,bid,ask.", metavar="FILE.csv")],
    company: CompanyOpt = None,
    source_: Annotated[str, typer.Option("--source", help="Where the prices come from (default the file name).")] = "",
    skip_identical: Annotated[bool, typer.Option("--skip-identical", help="Rows for days already recorded with the same close, bid "
                                                 "and ask are skipped (reported); a differing row stays an error.")] = False,
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Import daily prices from a CSV (date,venue,close,bid,ask): every row checked, all or nothing.

    Zero or negative prices, a bid above the ask, a day given twice, an unknown venue, a day already recorded: every
    bad row is reported with its line number (a recorded day with the recorded and the file's figures) and nothing is
    imported. --skip-identical leaves out rows identical to what is recorded and imports the rest.
    Example: warrantbook prices import prices.csv --company atg --skip-identical
    """
    c = ctx(book, db, None)
    company_id = pick_company(c.state, company)
    quotes, lines = parsers.read_prices(file, company_id, source_)
    if not quotes:
        raise BadInput(f"file: {file} has no rows", field="file", line=2)
    found = parsers.overlaps(c.state, company_id, quotes, lines)
    skipped = [o for o in found if o.identical] if skip_identical else []
    problems = parsers.overlap_errors([o for o in found if o not in skipped])
    if problems:
        raise parsers.FileErrors(problems, str(file))
    keep = {o.line for o in skipped}
    pairs = [(q, line) for q, line in zip(quotes, lines, strict=True) if line not in keep]
    extra = {"file": str(file), "skipped": [o.as_json() for o in skipped]}
    if skipped and not as_json:
        console.print(f"skipped {len(skipped)} row(s) identical to what is recorded (lines {', '.join(str(o.line) for o in skipped)})",
                      markup=False, highlight=False)
    if not pairs:
        show_recorded(c.src, [], as_json, {"imported": 0, **extra})
        return
    quotes, lines = [q for q, _ in pairs], [line for _, line in pairs]

    def on_error(i: int, exc: WarrantbookError) -> WarrantbookError:
        return exc.at_line(lines[i])

    with progress_bar(f"importing {file.name}", len(quotes), as_json) as advance:
        try:
            decided = record_batch(c.src, list(quotes), idem=idempotency_key, on_error=on_error, progress=advance)
        except BookErrors as exc:
            raise parsers.FileErrors(exc.errors, str(file)) from None
    show_recorded(c.src, decided, as_json, {"imported": len(decided), **extra})


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
