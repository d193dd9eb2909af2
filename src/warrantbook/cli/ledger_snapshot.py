"""`warrantbook snapshot save|list`: the folded state saved at the ledger's head, so fresh commands fold only the tail.

A snapshot is a cache (store.snapshot, docs/ledger.md "Snapshots"): the ledger saves one by itself every few
thousand events; these commands save one now and show what is kept. A book file has none (it is read whole).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from warrantbook.cli.common import DbOpt, JsonOpt, console, emit, handle_errors
from warrantbook.core.errors import BadInput

snapshot_app = typer.Typer(help="Snapshots of the folded state (a cache: fresh commands fold only the events after one).",
                           no_args_is_help=True, rich_markup_mode=None)


def _db(db: str | None) -> Any:
    import os

    from warrantbook.store.engine import DEFAULT_URL
    from warrantbook.store.ledger import DbSource

    if db is None and os.environ.get("WARRANTBOOK_BOOK"):
        raise BadInput("db: snapshots belong to a database ledger; a book file is read whole (give --db URL)", field="db")
    return DbSource(db or os.environ.get("WARRANTBOOK_DB") or DEFAULT_URL)


@snapshot_app.command("save")
@handle_errors
def snapshot_save(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Fold the ledger (from its newest snapshot) and save a snapshot at its head.

    Example: warrantbook snapshot save --db sqlite:///warrantbook.db
    """
    src = _db(db)
    info = src.save_snapshot()
    head = src.head()
    src.close()
    if as_json:
        emit({"source": src.label, "saved": info.as_json() if info else None, "head": head.as_json()})
    elif info is None:
        console.print(f"nothing saved: {src.label} already has a snapshot at #{head.count} for this version, or holds no events",
                      markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"saved a snapshot at #{info.seq} ({info.size:,} bytes, head {info.head[:16]}...) in {src.label}",
                      markup=False, highlight=False, soft_wrap=True)


@snapshot_app.command("list")
@handle_errors
def snapshot_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Every snapshot kept: position, day of its checkpoint, size, and whether this code can use it.

    A snapshot is used only when its version is this code's and its head is still the chain's at its position.
    Example: warrantbook snapshot list --json
    """
    src = _db(db)
    infos = src.snapshots()
    head = src.head()
    src.close()
    if as_json:
        emit({"source": src.label, "head": head.as_json(), "snapshots": [i.as_json() for i in infos]})
        return
    if not infos:
        console.print(f"no snapshots in {src.label} ({head.count} events)", markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=f"Snapshots in {src.label} ({head.count} events)")
    for col, justify in (("at", "right"), ("checkpoint before", "left"), ("bytes", "right"), ("saved", "left"), ("usable", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i in infos:
        usable = "yes" if i.current and i.valid else ("no: other code version" if not i.current else "no: head differs")
        table.add_row(f"#{i.seq}", i.since.isoformat(), f"{i.size:,}", i.created_at, usable)
    console.print(table)


@snapshot_app.command("verify")
@handle_errors
def snapshot_verify(
    delete: Annotated[bool, typer.Option("--delete", help="Delete the snapshots that do not match (they are only a cache).")] = False,
    db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Check every snapshot of this code's version against a fold from scratch of the events it stands for.

    Slow on a long ledger (a full fold per snapshot). Exit code 0 when all match, 1 when one does not.
    Example: warrantbook snapshot verify --delete
    """
    src = _db(db)
    results = src.check_snapshots(delete_bad=delete)
    src.close()
    bad = [(i, why) for i, why in results if why is not None]
    if as_json:
        emit({"source": src.label, "ok": not bad, "deleted": delete and bool(bad),
              "snapshots": [{**i.as_json(), "matches": why is None, "problem": why} for i, why in results]})
    else:
        for i, why in results:
            console.print(f"#{i.seq}: " + ("matches a fold from scratch" if why is None else f"DOES NOT MATCH: {why}"
                                            + (" (deleted)" if delete else "")), markup=False, highlight=False, soft_wrap=True)
        if not results:
            console.print("no snapshots of this code's version", markup=False, highlight=False, soft_wrap=True)
    if bad:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(snapshot_app, name="snapshot")
