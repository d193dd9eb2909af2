"""The auditor's page and the /api/audit/* routes: the chain verified and the audit pack, over app/audit.py.

Who may do what (docs/interpretations.md, "audit"):
- the head and the verification: every signed-in user. The ledger is one chain: whoever relies on any part of it
  may check all of it. A user who may not see every event (a holder, a company or an agent when the ledger holds
  other companies' options) gets the same answer with the problems in general terms: the position and the kind of
  break, not the event ids or the stored values a reason may quote.
- the pack: it holds every party's events (the book, every document), so the auditor, and the option agent when its
  §11 appointment covers every company in the ledger (the register's keeper for all of them). A company, even the
  ledger's only one, and a holder verify but do not download it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from warrantbook.app import audit
from warrantbook.app.source import ChainSource
from warrantbook.core.errors import WarrantbookError
from warrantbook.core.state import BookState
from warrantbook.web import roles, schema, service
from warrantbook.web.api import User, ok
from warrantbook.web.auth import Principal
from warrantbook.web.pages import book, page_user, session_of

router = APIRouter(responses=schema.ERRORS)  # type: ignore[arg-type]
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True)
templates = Jinja2Templates(env=_env)

KeptHash = Annotated[str | None, Query(max_length=64, pattern="^[0-9a-fA-F]{1,64}$", description="A head hash kept earlier (64 hex digits).")]
KeptCount = Annotated[int | None, Query(ge=1, le=audit.MAX_COUNT, description="The event count printed with it.")]


def state_or_none(b: service.Book) -> BookState | None:
    """The ledger's state, or None when it cannot be folded (an unreadable or altered event): the verification must still
    be shown, since it is what names the event at fault."""
    try:
        return b.state()
    except WarrantbookError:
        return None


def sees_everything(state: BookState | None, p: Principal) -> bool:
    """May this user see every event of the ledger? The auditor; an agent or a company whose lane covers every company
    (not known, and so not assumed, when the ledger cannot be read)."""
    if p.role == "auditor":
        return True
    if state is None:
        return False
    companies = set(state.companies)
    if not companies:
        return False
    if p.role == "agent":
        return companies <= roles.appointed_companies(state, p.party)
    if p.role == "company":
        return companies == {p.party}
    return False


def may_pack(state: BookState | None, p: Principal) -> bool:
    """The auditor; an agent appointed by every company in the ledger."""
    return p.role == "auditor" or (p.role == "agent" and sees_everything(state, p))


def _reading(b: service.Book) -> AbstractContextManager[Any]:
    """A source that keeps hashes reads its own rows (no lock: it stalls nobody); a book file is read under the book's lock."""
    return nullcontext() if isinstance(b.source, ChainSource) else b.lock


def verification(b: service.Book, p: Principal, head: str | None, count: int | None) -> audit.Verification:
    with _reading(b):
        v = audit.verify(b.source, head, count)
    return v if sees_everything(None if p.role == "auditor" else state_or_none(b), p) else v.redacted()


def make_pack(b: service.Book, p: Principal, on: date | None) -> audit.Pack:
    if not may_pack(b.state(), p):
        raise roles.Denied("the audit pack holds every party's events: the auditor downloads it (or the option agent appointed by "
                           "every company in the ledger); the verification is on /audit for everyone", field="role")
    from warrantbook.web.documents import RENDERING

    with _reading(b), RENDERING:  # the documents are rendered again: one compiler at a time
        return audit.pack(b.source, on or b.today())


def pack_response(made: audit.Pack, on: date) -> Response:
    ledger = made.manifest["ledger"]
    name = audit.pack_name(audit.Head(ledger["hash"], ledger["count"]), on)
    return Response(made.content, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Pack-Sha256": made.sha256,
        "X-Audit-Head": f"{ledger['hash']} {ledger['count']}", "X-Verified": "true" if made.verification.ok else "false"})


@router.get("/api/audit/head", response_model=schema.HeadOut, summary="The hash chain's head: keep it elsewhere (CLI: audit head)")
def audit_head(request: Request, p: User) -> JSONResponse:
    return ok(book(request).head().as_json())


@router.get("/api/audit/verify", response_model=schema.VerifyOut,
            summary="Check the chain; name the first bad event; with head (and count), check a kept head (CLI: audit verify)")
def audit_verify(request: Request, p: User, head: KeptHash = None, count: KeptCount = None) -> JSONResponse:
    return ok(verification(book(request), p, head, count).as_json())


@router.get("/api/audit/pack", response_class=Response, summary="The audit pack: book, verification, documents, manifest (CLI: audit pack)",
            responses={200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}, "description": "The zip"}})
def audit_pack(request: Request, p: User,
               on: Annotated[date | None, Query(description="The day written in the manifest (default today).")] = None) -> Response:
    b = book(request)
    made = make_pack(b, p, on)
    return pack_response(made, on or b.today())


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, head: str | None = None, count: str | None = None) -> Response:
    p, _ = page_user(request)
    b = book(request)
    s = session_of(request)
    base = {"user": s[0] if s else None, "csrf": s[1] if s else "", "today": b.today().isoformat(), "label": b.label}
    kept = (head or "").strip()
    error: dict[str, Any] | None = None
    n: int | None = None
    if count and count.strip():
        try:
            n = int(count.strip().replace(",", ""))
        except ValueError:
            error = {"error": f"count: {count[:40]!r} is not a whole number", "field": "count", "clause": None}
    v = None
    if error is None:
        try:
            v = verification(b, p, kept or None, n)
        except WarrantbookError as exc:
            error = exc.as_json()
    if v is None:
        v = verification(b, p, None, None)  # the chain itself, beside the form's error
    return templates.TemplateResponse(request, "audit.html.j2", {
        **base, "v": v, "error": error, "form": {"head": kept, "count": count or ""}, "may_pack": may_pack(state_or_none(b), p),
        "whole": sees_everything(state_or_none(b), p)}, status_code=400 if error else 200)
