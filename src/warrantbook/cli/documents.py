"""`warrantbook doc ...`: the paperwork as PDF or HTML, each document recorded by its SHA-256 (issue 4).

    warrantbook doc KIND [--option NO] [--event ID] --out FILE.pdf|FILE.html
    warrantbook doc verify FILE
    warrantbook doc list

A document is written beside its final name, recorded as a `DocumentIssued` event, and only then moved into
place: no event ever names bytes that were not written, and a refusal leaves no file behind. `--draft` marks the page and records nothing.
`doc verify` exits 0 whether or not the file is ours and says which in its message and in `{"ours": ...}`:
exit 1 is reserved for refusals by the agreement and 2 for bad input (../shared/design/cli.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OptionOpt, console, emit, handle_errors, parse_day, source
from warrantbook.core.errors import BadInput
from warrantbook.documents.data import KINDS, REGISTER, Signatory
from warrantbook.documents.issue import issue, verify
from warrantbook.documents.render import format_of

doc_app = typer.Typer(name="doc", help="The paperwork: forms, certificates and notices as PDF or HTML, each recorded by its SHA-256.\n\n"
                      "Example: warrantbook doc exercise-notice --book examples/seed-option.yaml --event notice-1 --out notice-1.pdf",
                      no_args_is_help=True, rich_markup_mode=None)

EventOpt = Annotated[str | None, typer.Option("--event", help="Id of the event the document records (default: the option's latest).",
                                              show_default=False)]
OutOpt = Annotated[str, typer.Option("--out", help="File to write: .pdf (typst) or .html.")]
MadeOnOpt = Annotated[str | None, typer.Option("--on", help="Day the document is made and recorded (YYYY-MM-DD; default today).",
                                               show_default=False)]
SignerOpt = Annotated[str | None, typer.Option("--signer", help="Name typed under the company's signature line (default: left blank).",
                                               show_default=False)]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Title of the signer (default: blank; the §5 certificate: Chief Financial Officer).",
                                              show_default=False)]
DraftOpt = Annotated[bool, typer.Option("--draft", help="Mark every page DRAFT and record nothing.")]

_ABOUT: dict[str, tuple[str, str]] = {
    "exercise-notice": ("Exhibit A: the holder's notice of exercise, with the book's figures for it.",
                        "--event notice-1 --out notice-1.pdf"),
    "transfer-form": ("Exhibit B: the transferor's endorsement, one row and one acceptance per transferee.",
                      "--event transfer-1 --out transfer-1.pdf"),
    "adjustment-certificate": ("§5: the certificate as to an adjustment under §4, with its derivation and its mailings.",
                               "--event split-2006 --out split-2006.pdf"),
    "option-certificate": ("The option instrument for a new option: on issue, on each transfer piece, on replacement (§1.1, §7, §8).",
                           "--option ATG-2 --out ATG-2.pdf"),
    "acknowledgment": ("§1.3: the company's acknowledgment that its obligations continue after an exercise.",
                       "--event ack-1 --out ack-1.pdf"),
    "delivery-statement": ("§2.1: what was delivered on an exercise, when it was due, and who bears each tax and cost.",
                           "--event delivery-1 --out delivery-1.pdf"),
}


def _written_then_moved(out: Path) -> tuple[Callable[[bytes], None], Callable[[], None], Callable[[], None]]:
    """Write beside `out` (keep), then move into place once recorded (done), or remove it (undo)."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"out: no folder {folder}", field="out")
    fd, tmp = tempfile.mkstemp(prefix=".wb-doc-", dir=str(folder))
    os.close(fd)

    def keep(content: bytes) -> None:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())

    def done() -> None:
        os.replace(tmp, out)

    def undo() -> None:
        if os.path.exists(tmp):
            os.unlink(tmp)

    return keep, done, undo


def _make(kind: str, *, option: str | None, event: str | None, out: str, on: str | None, signer: str | None, title: str | None,
          draft: bool, book: str | None, db: str | None, as_json: bool) -> None:
    fmt = format_of(out)
    made_on = parse_day(on, "on")
    src = source(book, db)
    path = Path(out)
    keep, done, undo = _written_then_moved(path)
    try:
        issued = issue(src, kind, made_on=made_on, fmt=fmt, option_no=option, event_id=event,
                       signatory=Signatory(signer or "", title or ""), draft=draft, keep=keep)
        done()
    except BaseException:
        undo()
        raise
    if as_json:
        emit({**issued.as_json(), "out": str(path)})
        return
    doc = issued.document
    what = f"{doc.title} ({doc.kind})" + (f" for option {doc.option_no}" if doc.option_no else "") + (
        f", recording {doc.regarding}" if doc.regarding else "")
    console.print(f"wrote {path}: {what}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  {len(issued.content):,} bytes, sha256 {issued.sha256}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  audit head {issued.head.hash} ({issued.head.count} events) printed on it", markup=False, highlight=False, soft_wrap=True)
    if draft:
        console.print("  DRAFT: marked on every page and not recorded", markup=False, soft_wrap=True)
    elif issued.already:
        console.print(f"  these exact bytes were already recorded as {issued.recorded_as}; not recorded again", markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"  recorded as {issued.recorded_as} in {src.label}", markup=False, highlight=False, soft_wrap=True)


def _command(kind: str) -> Callable[..., None]:
    about, example = _ABOUT[kind]

    def command(option: OptionOpt = None, event: EventOpt = None, out: OutOpt = "", on: MadeOnOpt = None, signer: SignerOpt = None,
                title: TitleOpt = None, draft: DraftOpt = False, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
        if not out:
            raise BadInput("--out: the file to write (.pdf or .html)", field="out")
        _make(kind, option=option, event=event, out=out, on=on, signer=signer, title=title, draft=draft, book=book, db=db,
              as_json=as_json)

    command.__doc__ = f"{about}\n\nExample: warrantbook doc {kind} --book examples/seed-option.yaml {example}"
    command.__name__ = kind.replace("-", "_")
    return handle_errors(command)


@handle_errors
def notice_command(option: OptionOpt = None, event: EventOpt = None, out: OutOpt = "", on: MadeOnOpt = None, signer: SignerOpt = None,
                   title: TitleOpt = None, draft: DraftOpt = False,
                   register: Annotated[bool, typer.Option("--register", help="The register of every notice sent (of --option, or of all).")] = False,
                   book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """§13: a notice as mailed (class and tracking number, to the address last furnished), or the register of notices.

    Example: warrantbook doc notice --book examples/seed-option.yaml --event cert-split-mailed --out notice.pdf
    """
    if not out:
        raise BadInput("--out: the file to write (.pdf or .html)", field="out")
    if register and event:
        raise BadInput("--register lists every notice; give --option or nothing, not --event", field="event")
    _make(REGISTER if register else "notice", option=option, event=event, out=out, on=on, signer=signer, title=title, draft=draft,
          book=book, db=db, as_json=as_json)


for _kind in KINDS:
    doc_app.command(name=_kind)(notice_command if _kind == "notice" else _command(_kind))


@doc_app.command(name="verify")
@handle_errors
def verify_command(file: Annotated[str, typer.Argument(help="The PDF or HTML file to check.")], book: BookOpt = None, db: DbOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Is this file a document the book issued? Says which event records it, or that it is not ours (exit 0 either way).

    Example: warrantbook doc verify notice-1.pdf --book examples/seed-option.yaml
    """
    path = Path(file)
    if not path.is_file():
        raise BadInput(f"file: no file {file}", field="file")
    src = source(book, db)
    verdict = verify(src.state(), path.read_bytes())
    if as_json:
        emit({"file": file, **verdict.as_json()})
        return
    r = verdict.record
    if r is None:
        console.print(f"NOT OURS: {file} (sha256 {verdict.sha256}) matches no document issued from {src.label}", markup=False,
                      highlight=False, soft_wrap=True)
        return
    about = f" about {r.regarding}" + (f" ({verdict.regarding})" if verdict.regarding else "") if r.regarding else ""
    console.print(f"ours: {file} is the {r.document} for option {r.option_no or '-'}{about}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"  recorded as {r.id} on {r.on.isoformat()}, sha256 {verdict.sha256}", markup=False, highlight=False, soft_wrap=True)


@doc_app.command(name="list")
@handle_errors
def list_command(option: OptionOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Every document issued, in the order recorded, with its hash.

    Example: warrantbook doc list --book examples/seed-option.yaml --option ATG-1
    """
    from warrantbook.app.views import Visibility, documents

    shown = documents(source(book, db).state(), Visibility.everything(), option)
    rows: list[dict[str, Any]] = shown["documents"]
    if as_json:
        emit(shown)
        return
    if not rows:
        console.print("no documents issued" + (f" for option {option}" if option else ""))
        return
    table = Table(title="Documents issued")
    for col in ("recorded as", "on", "kind", "option", "regarding", "sha256"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["on"], r["kind"], r["option"] or "", r["regarding"] or "", r["sha256"][:16] + "...")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(doc_app, name="doc")
