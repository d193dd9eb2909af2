"""Views and housekeeping: init, book import/export, correct, list, history, due, reserve (audit: cli/audit.py).

Views print or emit what app.views returns (the same functions as the web's); nothing here computes a figure.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from warrantbook.app import present, views
from warrantbook.app.export import DUE_COLUMNS, HISTORY_COLUMNS, LIST_COLUMNS, Sheet
from warrantbook.app.views import Visibility
from warrantbook.cli.common import AsOfOpt, BookOpt, DbOpt, JsonOpt, OnOpt, OptionOpt, console, emit, handle_errors, parse_day, source
from warrantbook.cli.ledger_common import ActorOpt, IdemOpt, IdOpt, NoteOpt, actor_of, ctx, new_id, progress_bar, record
from warrantbook.cli.tables import FitTable, FormatOpt, OutOpt, export_kind, write_export
from warrantbook.core import events as ev
from warrantbook.core.audit import head_of
from warrantbook.store.engine import DEFAULT_URL

book_app = typer.Typer(help="Move a whole book in and out of the ledger (plain-text YAML, docs/book-format.md).", no_args_is_help=True,
                       rich_markup_mode=None)


def _db_url(db: str | None) -> str:
    return db or os.environ.get("WARRANTBOOK_DB") or DEFAULT_URL


def _db(db: str | None, *, create: bool = False) -> Any:
    from warrantbook.store.ledger import DbSource

    return DbSource(_db_url(db), create=create)


@handle_errors
def init(book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Create a ledger (or bring an existing one to the newest schema); with --book, start an empty book file.

    Example: warrantbook init --db sqlite:///warrantbook.db
    """
    book = book or (None if db else os.environ.get("WARRANTBOOK_BOOK"))
    if book:
        path = Path(book)
        created = not path.exists()
        if created:
            path.write_text("# warrantbook book (docs/book-format.md)\nwarrantbook: '1'\nevents: []\n", encoding="utf-8")
        result = {"source": f"book {path}", "created": created}
        if as_json:
            emit(result)
        else:
            console.print(f"{'created' if created else 'already exists'}: book {path}", markup=False, highlight=False, soft_wrap=True)
        return
    src = _db(db, create=True)
    before, after = src.migrated or (None, None)
    head = src.head()
    src.close()
    if as_json:
        emit({"source": src.label, "revision_before": before, "revision": after, "head": head.as_json()})
    elif before == after:
        console.print(f"{src.label}: already at schema revision {after} ({head.count} events)", markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"{src.label}: schema {'created' if before is None else 'upgraded from ' + before} at revision {after}", markup=False, highlight=False, soft_wrap=True)


@book_app.command("import")
@handle_errors
def book_import(
    file: Annotated[Path, typer.Argument(help="The book file (YAML).", metavar="FILE")],
    db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Load a book into the ledger: checked whole first; into an empty ledger its chain head is kept.

    Example: warrantbook book import examples/seed-option.yaml --db sqlite:///warrantbook.db
    """
    from warrantbook.book.io import load

    loaded = load(file)
    src = _db(db)
    empty = src.is_empty()
    events = list(loaded.events) if empty else loaded.user_events
    with progress_bar(f"importing {file.name}", len(events), as_json) as advance:
        if empty:
            src.import_events(events, progress=advance)
        else:
            src.record_all(events, progress=advance)
    head = src.head()
    result = {"source": src.label, "file": str(file), "imported": len(events), "head": head.as_json(),
              "book_head": head_of(loaded.events).as_json() if empty else None}
    if as_json:
        emit(result)
    else:
        console.print(f"imported {len(events)} events from {file} into {src.label}", markup=False, highlight=False, soft_wrap=True)
        console.print(f"head {head.hash} ({head.count} events)", markup=False, highlight=False, soft_wrap=True)


@book_app.command("export")
@handle_errors
def book_export(
    out: Annotated[Path, typer.Option("--out", help="The book file to write.")],
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Write every event of the source to a plain-text book (derived events are recomputed on load).

    Example: warrantbook book export --out backup.yaml --db sqlite:///warrantbook.db
    """
    from warrantbook.book.io import dumps, write_text_atomic

    src = source(book, db)
    events = src.events()
    head = src.head()
    header = (f"warrantbook book exported from {src.label}\n"
              f"ledger head at export: {head.hash} ({head.count} events)\nFormat: docs/book-format.md")
    text = dumps(events, header)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, text, check=True)  # it must load back, or the file is left as it was
    user = sum(1 for e in events if not e.derived)
    if as_json:
        emit({"source": src.label, "out": str(out), "events": user, "head": head.as_json()})
    else:
        console.print(f"wrote {user} events to {out} (ledger head {head.hash}, {head.count} events)", markup=False, highlight=False, soft_wrap=True)


@handle_errors
def correct(
    event: Annotated[str, typer.Option("--event", help="Id of the event that is wrong.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is wrong.")],
    signed_by: Annotated[list[str] | None, typer.Option("--signed-by", help="Another party's signature (role:id) where the corrected act "
                                                        "bound it too (an exercise notice, a receipt of payment); repeat.",
                                                        show_default=False)] = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record that an earlier event is wrong: nothing is edited, the correction names it and views show both.

    The corrected event stays in the record with no effect; record the right event next.
    Example: warrantbook correct --event outstanding-20060110-1a2b3c --reason "count was for the wrong class" --on 2006-01-11
    Example: warrantbook correct --event notice-20070103-0a1b2c --reason "clerical error" --signed-by company:atg --on 2007-01-04
    """
    c = ctx(book, db, on)
    target = c.state.by_id.get(event)
    default_actor = target.actor if target is not None else "system"
    e = ev.Correction(id=new_id("correction", c.day, event_id), on=c.day, actor=actor_of(actor, default_actor), note=note,
                      corrects=event, reason=reason, signed_by=tuple(actor_of(s, s) for s in signed_by or ()))
    record(c, e, idem=idempotency_key, as_json=as_json)


# ---------------------------------------------------------------- views


@handle_errors
def list_options(
    as_of: AsOfOpt = None,
    active: Annotated[bool, typer.Option("--active", help="Only options still active.")] = False,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False, out: OutOpt = None, export_format: FormatOpt = None,
) -> None:
    """Every option as of a date: holder, status, remaining shares, price, open items.

    Example: warrantbook list --as-of 2006-12-31 (add --out options.xlsx or .csv for a spreadsheet)
    """
    kind = export_kind(out, export_format)
    day = parse_day(as_of, "as_of")
    listed = views.list_options(source(book, db).state(day), Visibility.everything(), day, active_only=active)
    rows = listed["options"]
    if out and kind:
        write_export([Sheet("options", LIST_COLUMNS, rows)], out, kind, listed, as_json)
        return
    if as_json:
        emit(listed)
        return
    table = FitTable(f"Options as of {day}", [("option", "left"), ("holder", "left"), ("company", "left"), ("status", "left"),
                                               ("remaining", "right"), ("price", "right"), ("lineage", "left"), ("open", "right")])
    for r in rows:
        lineage = (f"from {r['parent']}" if r["parent"] else "") + (f" -> {', '.join(r['children'])}" if r["children"] else "")
        table.add_row(r["option"], r["holder"]["name"], r["company"]["id"], r["status"], present.shares(r["remaining_shares"]),
                      "; ".join(present.price(t["exercise_price"]) for t in r["tranches"]), lineage.strip(), str(r["open_items"]))
    console.print(table)
    if not rows:
        console.print("no options", markup=False, highlight=False, soft_wrap=True)


@handle_errors
def history(
    option: OptionOpt = None, as_of: AsOfOpt = None,
    facts: Annotated[bool, typer.Option("--facts", help="With --option: also the company's facts and prices.")] = False,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False, out: OutOpt = None, export_format: FormatOpt = None,
) -> None:
    """The timeline, in the agreement's order, with who recorded what and when, corrections and lineage.

    With --option: that option's events, the options it came from and the ones that came from it.
    Example: warrantbook history --option ATG-3 --as-of 2006-12-31 (add --out history.csv or .xlsx for a spreadsheet)
    """
    kind = export_kind(out, export_format)
    day = parse_day(as_of, "as_of")
    src = source(book, db)
    state = src.state()
    shown = views.history(src.stored(), state, Visibility.everything(), day, option, facts)
    rows = shown["events"]
    lineage = [x["option"] for x in shown["lineage"]]
    if out and kind:
        write_export([Sheet("history", HISTORY_COLUMNS, rows)], out, kind, shown, as_json)
        return
    if as_json:
        emit(shown)
        return
    if option:
        console.print("lineage: " + " -> ".join(f"{n} ({state.options[n].origin})" for n in lineage), markup=False, highlight=False, soft_wrap=True)
    for r in rows:
        mark = ""
        if r["corrected_by"]:
            mark = f"  [CORRECTED by {r['corrected_by']}: no effect]"
        when = f"  (recorded {r['recorded_at']}" + (f" by {r['acted_by']}" if r["acted_by"] else "") + ")" if r["recorded_at"] else ""
        console.print(f"#{r['seq']:<5} {r['on']}  [{r['clause']}] {r['id']}  {r['actor']}: {r['description']}{mark}{when}",
                      markup=False, highlight=False, soft_wrap=True)
    if not rows:
        console.print("no events", markup=False, highlight=False, soft_wrap=True)


@handle_errors
def due(as_of: AsOfOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False, out: OutOpt = None,
        export_format: FormatOpt = None) -> None:
    """Open items as of a date: deliveries due, certificates to mail, pending transfers, reserve shortfalls.

    Example: warrantbook due --as-of 2006-03-20 (add --out due.xlsx or .csv for a spreadsheet)
    """
    kind = export_kind(out, export_format)
    day = parse_day(as_of, "as_of")
    shown = views.due(source(book, db).state(day), Visibility.everything(), day)
    items = shown["items"]
    if out and kind:
        write_export([Sheet("due", DUE_COLUMNS, items)], out, kind, shown, as_json)
        return
    if as_json:
        emit(shown)
        return
    if not items:
        console.print(f"nothing open as of {day}", markup=False, highlight=False, soft_wrap=True)
        return
    table = FitTable(f"Open items as of {day}", [("due", "left"), ("clause", "left"), ("option", "left"), ("item", "left")])
    for i in items:
        late = " LATE" if i["due"] and date.fromisoformat(i["due"]) < day else ""
        table.add_row((i["due"] or "") + late, i["clause"], i["option"] or "", i["text"])
    console.print(table)


@handle_errors
def reserve(
    company: Annotated[str | None, typer.Option("--company", help="Company id (default: every company).", show_default=False)] = None,
    as_of: AsOfOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """The §6 reservation: shares the company's options need, authorized but unissued shares, any shortfall.

    Example: warrantbook reserve --company atg --as-of 2006-12-31
    """
    day = parse_day(as_of, "as_of")
    shown = views.reserve(source(book, db).state(day), Visibility.everything(), day, company)
    result = shown["reserve"]
    if as_json:
        emit(shown)
        return
    for r in result:
        figures = ", ".join(f"{name} {present.show('shares', r[name]) if r[name] is not None else 'unknown'}"
                            for name in ("required", "authorized", "outstanding", "available", "shortfall"))
        console.print(f"{r['company']} (§6) as of {day}: {figures}", markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(book_app, name="book")
    app.command("correct")(correct)
    app.command("list")(list_options)
    app.command("history")(history)
    app.command("due")(due)
    app.command("reserve")(reserve)
