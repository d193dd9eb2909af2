"""`warrantbook audit ...`: the hash chain's head, its verification and the audit pack (thin shell over app/audit.py).

    warrantbook audit head
    warrantbook audit verify [--head HASH [--count N]]
    warrantbook audit pack --out FILE.zip [--on DATE]
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from warrantbook.app import audit
from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, console, emit, handle_errors, parse_day, source
from warrantbook.core.errors import BadInput

audit_app = typer.Typer(help="Tamper evidence: the hash chain over every recorded event, and the auditor's pack.", no_args_is_help=True,
                        rich_markup_mode=None)


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@audit_app.command("head")
@handle_errors
def audit_head(book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Print the chain head (hash and count): keep it somewhere else to detect a cut-off tail later.

    Example: warrantbook audit head --db sqlite:///warrantbook.db
    """
    src = source(book, db)
    head = src.head()
    if as_json:
        emit({"source": src.label, **head.as_json()})
    else:
        _say(f"{head.hash} {head.count}")


@audit_app.command("verify")
@handle_errors
def audit_verify(
    head: Annotated[str | None, typer.Option("--head", help="A head hash kept earlier (64 hex digits): the chain must still contain it.",
                                             show_default=False)] = None,
    count: Annotated[int | None, typer.Option("--count", help="The event count printed with that head.", show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Check the hash chain event by event and name the first bad one; with --head, also a cut-off tail.

    Exit code 0 when intact, 1 when something was altered, deleted, reordered or cut off, or the kept head is not
    in the chain (at its count). A book keeps no per-event hashes: only a kept head can show a change to it.

    Example: warrantbook audit verify --head 3f5a...e1 --count 249
    """
    src = source(book, db)
    result = audit.verify(src, head, count)
    if as_json:
        emit({"source": src.label, **result.as_json()})
    elif result.ok:
        covered = f"; the kept head covers the first {result.anchored}" if result.anchored is not None else ""
        _say(f"ok: {result.events} events, chain intact{covered}; head {result.head.hash}")
        if result.note and result.kept is None:
            _say(f"note: {result.note}")
    else:
        first = result.first_bad
        assert first is not None
        _say(f"TAMPERED: first bad event: {first.where}: {first.reason}")
        for p in result.problems[1:10]:
            _say(f"  also {p.where}: {p.reason}")
    if not result.ok:
        raise typer.Exit(1)


@contextmanager
def _bar(quiet: bool) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A Rich progress bar over the documents rendered again; silent under --json or when output is not a terminal."""
    if quiet or not console.is_terminal:
        yield (lambda _n: None), (lambda _n: None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("rendering the documents again", total=None)
        yield (lambda n: bar.update(task, total=n)), (lambda n: bar.update(task, completed=n))


@audit_app.command("pack")
@handle_errors
def audit_pack(
    out: Annotated[str, typer.Option("--out", help="The zip file to write.")] = "",
    on: Annotated[str | None, typer.Option("--on", help="The day the pack is made, written in its manifest (default today).",
                                           show_default=False)] = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Write the audit pack: the book, the verification (JSON and text), every document issued, and a manifest of
    their SHA-256 hashes with the ledger head and count. Two packs of one ledger made the same day are byte-identical.

    The pack holds every party's events: hand it to the auditor. Exit code 1 when the chain does not verify (the
    pack is written all the same, its report naming the first bad event).

    Example: warrantbook audit pack --out audit-2006-12-31.zip --on 2006-12-31
    """
    if not out:
        raise BadInput("out: the zip file to write (--out FILE.zip)", field="out")
    path = Path(out)
    if path.suffix.lower() != ".zip":
        raise BadInput(f"out: {out} must end in .zip", field="out")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"out: no folder {folder}", field="out")
    made_on = parse_day(on, "on")
    src = source(book, db)
    with _bar(as_json) as (total, advance):
        made = audit.pack(src, made_on, on_total=total, progress=advance)
    fd, tmp = tempfile.mkstemp(prefix=".wb-pack-", dir=str(folder))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(made.content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    m = made.manifest
    missing = [d for d in made.documents if not d.file]
    if as_json:
        emit({"out": str(path), "sha256": made.sha256, "bytes": len(made.content), "ok": made.verification.ok, "ledger": m["ledger"],
              "book_head": m["book_head"], "files": m["files"], "documents": m["documents"]})
    else:
        _say(f"wrote {path}: {len(m['files']) + 1} files, {len(made.content):,} bytes, sha256 {made.sha256}")
        _say(f"  ledger head {m['ledger']['hash']} ({m['ledger']['count']} events); chain "
             + ("intact" if made.verification.ok else "NOT intact: see verification.txt in the pack"))
        _say(f"  {len(made.documents) - len(missing)} of {len(made.documents)} documents issued are in the pack")
        for d in missing:
            _say(f"  not packed: {d.record.id} ({d.record.document}): {d.problem}")
    if not made.verification.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
