"""Documents from the web: the paperwork module makes them (warrantbook.documents), the web checks who asks.

A document made by a holder, the company or its agent is recorded by its SHA-256 (a `DocumentIssued` event),
exactly as `warrantbook doc KIND` does; an auditor, who changes nothing, gets a draft (marked DRAFT on
every page, recorded nowhere).
"""

from __future__ import annotations

import threading
from datetime import date

from fastapi.responses import Response

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.web import roles, service
from warrantbook.web.auth import Principal

KINDS = ("exercise-notice", "transfer-form", "adjustment-certificate", "option-certificate", "notice", "acknowledgment",
         "delivery-statement")
HOLDER_KINDS = frozenset({"exercise-notice", "transfer-form"})  # the holder's own forms (Exhibits A and B)


def _check(state: object, p: Principal, kind: str, option_no: str | None, event_id: str | None) -> None:
    from warrantbook.core.state import BookState

    assert isinstance(state, BookState)
    if kind not in KINDS:
        raise BadInput(f"kind: {kind!r} is not a document kind ({', '.join(KINDS)})", field="kind")
    if p.role == "holder" and kind not in HOLDER_KINDS:
        raise roles.Denied(f"a holder makes its own forms ({', '.join(sorted(HOLDER_KINDS))}); the {kind} is the company's", field="kind")
    if option_no:
        roles.option_for(state, p, option_no)
    if event_id:
        e = state.by_id.get(event_id)
        if e is None:
            raise roles.NotFound(f"event: no event {event_id!r} that you may see", field="event")
        no = getattr(e, "option_no", None)
        if isinstance(no, str) and no:
            roles.option_for(state, p, no)
        elif isinstance(e, ev.StockEvent):
            roles.require_company(state, p, e.issuer)
            if not option_no and p.role == "holder":
                raise roles.NotFound(f"event: no event {event_id!r} that you may see", field="event")
        elif not option_no:
            raise roles.NotFound(f"event: no event {event_id!r} that you may see", field="event")
    if not option_no and not event_id:
        raise BadInput("option or event: which document to make", field="option")


RENDERING = threading.Lock()


def make(book: service.Book, p: Principal, kind: str, *, option_no: str | None, event_id: str | None, fmt: str, made_on: date) -> Response:
    from warrantbook.documents.data import Signatory
    from warrantbook.documents.issue import issue

    if fmt not in ("pdf", "html"):
        raise BadInput(f"format: pdf or html, not {fmt!r}", field="format")
    draft = p.role == "auditor"
    # Not under the book's lock: rendering takes a while and must not stall other requests. The source guards its own
    # reads and writes; the document prints the head it was made from, and its record follows whatever came meanwhile
    # (as it does when another worker process writes). Documents are made one at a time (the compiler is not
    # thread-safe), which holds back only other documents.
    book.invalidate()
    _check(book.state(), p, kind, option_no, event_id)
    try:
        with RENDERING:
            issued = issue(book.source, kind, made_on=made_on, fmt=fmt, option_no=option_no, event_id=event_id, signatory=Signatory(),
                           draft=draft)
    finally:
        book.invalidate()
    name = f"{kind}-{issued.document.regarding or issued.document.option_no or 'book'}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Document-Sha256": issued.sha256,
               "X-Recorded-As": issued.recorded_as or "", "X-Draft": "true" if issued.draft else "false",
               "X-Audit-Head": f"{issued.head.hash} {issued.head.count}"}
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    return Response(issued.content, media_type=media, headers=headers)
