"""`warrantbook agreement import` and `warrantbook ocf export|import` (issue 6), per ../shared/design/cli.md.

`warrantbook.cli.main` calls `register(app)` when this module exists.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import track
from rich.table import Table

from warrantbook.book.io import dumps, write_text_atomic
from warrantbook.cli.common import AsOfOpt, BookOpt, DbOpt, JsonOpt, console, emit, handle_errors, parse_day, source
from warrantbook.core.errors import BadInput
from warrantbook.core.events import Event
from warrantbook.interop.agreement import Status, book_events, plain_text, read_agreement

agreement_app = typer.Typer(help="Read an option or warrant agreement's own text.", no_args_is_help=True, rich_markup_mode=None)
ocf_app = typer.Typer(help="Open Cap Format 1.2.0 packages: export and import.", no_args_is_help=True, rich_markup_mode=None)

OutOpt = Annotated[str | None, typer.Option("--out", help="Write a book (YAML) to this file.", show_default=False)]


def _read_text(path: str) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"file: no file {p}", field="file") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # EDGAR text of the period is often Latin-1


def _shown(value: Any) -> str:
    if isinstance(value, (tuple, list, frozenset)):
        return "; ".join(_shown(v) for v in value) if not isinstance(value, frozenset) else ", ".join(sorted(_shown(v) for v in value))
    if hasattr(value, "shares") and hasattr(value, "exercise_price"):
        return f"{plain_text(value.shares)} at ${plain_text(value.exercise_price)}"
    if hasattr(value, "name") and hasattr(value, "role"):
        return str(value.name)
    if hasattr(value, "value") and not isinstance(value, (str, int)):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else plain_text(value)


@agreement_app.command("import")
@handle_errors
def agreement_import(
    file: Annotated[str, typer.Argument(help="The agreement as plain text (EDGAR .txt).", show_default=False)],
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read an agreement's terms, each with its line and section; missing and unclear terms are reported, never guessed.

    With --out, writes a book with the company, the holder and the option; each gap is marked 'FILL IN' and
    'warrantbook check' refuses it, with its line, until filled.
    Example: warrantbook agreement import ../shared/agreement/option-agreement-2005.txt --out atg.yaml
    """
    reading = read_agreement(_read_text(file), Path(file).name)
    draft = book_events(reading)
    if out:
        write_text_atomic(out, dumps(draft.events, draft.header))
    if as_json:
        emit({**reading.as_json(), "book": out, "gaps": draft.gaps, "notes": draft.notes})
        return
    table = Table(title=f"{Path(file).name}: the {reading.instrument}'s terms")
    for col in ("term", "status", "value", "line", "section"):
        table.add_column(col, overflow="fold")
    for r in reading.readings.values():
        style = {Status.MISSING: "yellow", Status.UNCLEAR: "red"}.get(r.status, "")
        value = _shown(r.value) if r.found else ("; ".join(f"{_shown(c.value)} (line {c.line})" for c in r.candidates) if r.candidates else "")
        table.add_row(r.term, r.status.value, value[:70], str(r.line or ""), r.section, style=style)
    console.print(table)
    for r in reading.with_status(Status.MISSING) + reading.with_status(Status.UNCLEAR):
        console.print(f"{r.status.value}: {r.term}: {r.note}", markup=False, highlight=False)
    counts = {s.value: len(reading.with_status(s)) for s in Status}
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()))
    if out:
        console.print(f"book written to {out}: " + (f"{len(draft.gaps)} gap(s) marked FILL IN" if draft.gaps else "no gaps"), markup=False)


@ocf_app.command("export")
@handle_errors
def ocf_export(
    out: Annotated[str, typer.Option("--out", help="The package to write (FILE.ocf.zip).", show_default=False)],
    as_of: AsOfOpt = None,
    company: Annotated[str | None, typer.Option("--company", help="The issuer, when the source has options of several.", show_default=False)] = None,
    round_: Annotated[bool, typer.Option("--round", help="Round numbers OCF cannot hold in 10 decimals (half-even), and list each.")] = False,
    book: BookOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the options of one issuer as an OCF 1.2.0 package, deterministic for a given as-of date.

    Facts OCF requires that the agreement does not give (formation date, votes per share...) come from
    cap-table-fact events; a missing one is reported and nothing is written (docs/ocf.md).
    Example: warrantbook ocf export --book examples/seed-option.yaml --as-of 2006-12-31 --out atg.ocf.zip
    """
    from warrantbook.interop.ocf.export import export_ocf

    day = parse_day(as_of, "as_of")
    result = export_ocf(source(book, db).events(), day, company=company, allow_rounding=round_)
    Path(out).write_bytes(result.data)
    summary = {"out": out, "as_of": day.isoformat(), "objects": sum(result.counts.values()), "by_type": result.counts,
               "sha256": hashlib.sha256(result.data).hexdigest(), "rounded": result.rounded}
    if as_json:
        emit(summary)
        return
    console.print(f"{out}: {summary['objects']} OCF objects as of {day}", markup=False)
    for kind, n in result.counts.items():
        console.print(f"  {n:4d} {kind}", markup=False, highlight=False)
    for r in result.rounded:
        console.print(f"rounded: {r}", markup=False)


@ocf_app.command("import")
@handle_errors
def ocf_import(
    file: Annotated[str, typer.Argument(help="An OCF package: FILE.ocf.zip, a folder, or its manifest.", show_default=False)],
    out: OutOpt = None,
    book: BookOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read an OCF package, warrantbook's own (restored exactly) or another tool's (as far as OCF goes).

    With --out, writes a book; without it, records the events into the source (--book / --db).
    What could not be imported is listed with the reason.
    Example: warrantbook ocf import atg.ocf.zip --out atg.yaml
    """
    from warrantbook.interop.ocf.imports import import_ocf
    from warrantbook.interop.ocf.package import read_package

    result = import_ocf(read_package(file))
    recorded = 0
    if out:
        header = (f"warrantbook book imported from an OCF package as of {result.as_of} by 'warrantbook ocf import'.\n"
                  + (f"{len(result.gaps)} gap(s) to fill (search for 'FILL IN'): OCF carries no agreement terms.\n" if result.gaps else "")
                  + "Format: docs/book-format.md")
        write_text_atomic(out, dumps(result.events, header))
    else:
        if result.gaps:
            raise BadInput(f"the package's warrants lack {len(result.gaps)} agreement term(s) OCF does not carry; "
                           "import with --out BOOK, fill the gaps marked FILL IN, then load that book", field="out")
        src = source(book, db)
        steps: Any = result.events
        if not as_json and console.is_terminal:
            steps = track(result.events, description="recording", console=console)
        for e in steps:
            assert isinstance(e, Event)
            src.record(e)
            recorded += 1
    data = {**result.as_json(), "book": out, "recorded": recorded}
    if as_json:
        emit(data)
        return
    console.print(f"{len(result.events)} event(s): {result.restored} restored from warrantbook's own objects, "
                  f"{sum(result.mapped.values())} object(s) of another tool mapped", markup=False)
    if out:
        console.print(f"book written to {out}" + (f" with {len(result.gaps)} gap(s) marked FILL IN" if result.gaps else ""), markup=False)
    else:
        console.print(f"{recorded} event(s) recorded", markup=False)
    if result.skipped:
        console.print(f"{len(result.skipped)} object(s) not imported:", markup=False)
        for s in result.skipped:
            console.print(f"  {s.object_type} {s.object_id}: {s.reason}", markup=False, highlight=False)
    for w in result.warnings:
        console.print(f"warning: {w}", markup=False, highlight=False)


@ocf_app.command("fact")
@handle_errors
def ocf_fact(
    subject: Annotated[str, typer.Option("--subject", help="Company id, holder id or option number the fact is about.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="The fact's name (docs/ocf.md lists them), e.g. formation_date.", show_default=False)],
    value: Annotated[str, typer.Option("--value", help="Its value: text, an exact number or an ISO date.", show_default=False)],
    fact_source: Annotated[str, typer.Option("--source", help="Where the fact comes from (charter, board minutes...).")] = "",
    on: Annotated[str | None, typer.Option("--on", help="Day it is recorded for (YYYY-MM-DD; default today).", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who records it (role:id); default the company.", show_default=False)] = None,
    idempotency_key: Annotated[str | None, typer.Option("--idempotency-key", help="Retry-safe key.", show_default=False)] = None,
    book: BookOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a cap-table fact the agreement does not give (an OCF export reports each one missing).

    Example: warrantbook ocf fact --subject atg --name votes_per_share --value 1 --source "charter, art. 4"
    """
    from warrantbook.cli.ledger_common import actor_of, ctx, new_id, record
    from warrantbook.core.events import CapTableFact

    c = ctx(book, db, on)
    event = CapTableFact(id=new_id("fact", c.day), on=c.day, actor=actor_of(actor, "system"), subject=subject, name=name,
                         value=value, source=fact_source)
    record(c, event, idem=idempotency_key, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
    app.add_typer(ocf_app, name="ocf")
