"""Make a document from a source, record it once by its SHA-256, and verify a file against the record.

A document prints the audit head of the source as it was read; the `DocumentIssued` event that records the
document comes after it, so the head it prints names the state it describes. Identical bytes are recorded
once: the event id is derived from the hash, and a hash already on record is not recorded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.audit import Head
from warrantbook.core.errors import BadInput, Conflict
from warrantbook.core.state import BookState
from warrantbook.describe import describe
from warrantbook.documents.data import UNSIGNED, Document, Ledger, Signatory, gather
from warrantbook.documents.render import Record, render
from warrantbook.sources import Source


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class Issued:
    document: Document
    format: str
    content: bytes
    sha256: str
    head: Head
    draft: bool
    recorded_as: str = ""  # the DocumentIssued event's id ("" for a draft)
    already: bool = False  # these exact bytes were on record before

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.document.kind, "option": self.document.option_no or None, "regarding": self.document.regarding or None,
                "format": self.format, "sha256": self.sha256, "bytes": len(self.content),
                "head": self.head.as_json(), "draft": self.draft, "recorded_as": self.recorded_as or None,
                "already_recorded": self.already}


def _read(source: Source) -> tuple[list[ev.Event], Head]:
    """The events and the audit head of one and the same state (retried if a writer slipped in between)."""
    for _attempt in range(3):
        head = source.head()
        events = source.events()
        if head.count == len(events):
            return events, head
    raise Conflict("the source changed while the document was being made; nothing was written, try again")


def document_id(digest: str) -> str:
    return f"doc-{digest[:16]}"


def issue(source: Source, kind: str, *, made_on: date, fmt: str = "pdf", option_no: str | None = None, event_id: str | None = None,
          signatory: Signatory = UNSIGNED, draft: bool = False, record: bool = True,
          keep: Callable[[bytes], None] | None = None) -> Issued:
    """Make one document from the source as it stands; record it unless it is a draft (or `record` is False).

    `keep` receives the bytes before anything is recorded (a draft's too), so a caller can write the file
    first: no event then ever names bytes that were not written.
    """
    events, head = _read(source)
    ledger = Ledger(events)
    doc = gather(kind, ledger, option_no=option_no, event_id=event_id, made_on=made_on, signatory=signatory)
    if doc.regarding:
        happened = ledger.state.by_id[doc.regarding].on
        if made_on < happened:
            raise BadInput(f"on: the document records {doc.regarding} of {happened}; it cannot be made on {made_on}", field="on")
    content = render(doc, Record(head, made_on, draft), fmt)
    issued = Issued(doc, fmt, content, sha256(content), head, draft)
    if keep is not None:
        keep(content)
    if draft or not record:
        return issued
    return record_issued(source, issued, made_on, ledger.state)


def record_issued(source: Source, issued: Issued, made_on: date, state: BookState | None = None) -> Issued:
    """Record the document's hash as a `DocumentIssued` event, unless these bytes are already on record.

    `state` (the one the document was made from) saves reading the source again. Bytes recorded by someone
    else since then are caught all the same: the event's id is derived from the hash, and the source refuses
    an id it already holds.
    """
    if issued.draft:
        raise BadInput("a draft is never recorded", field="draft")
    known = find(state if state is not None else source.state(), issued.sha256)
    doc = issued.document
    event = ev.DocumentIssued(id=document_id(issued.sha256), on=made_on, actor="system", document=doc.kind, sha256=issued.sha256,
                              option_no=doc.option_no, regarding=doc.regarding, note=f"{issued.format.upper()}, {len(issued.content)} bytes")
    if known is None:
        try:
            source.record(event, idempotency_key=issued.sha256)
            return replace(issued, recorded_as=event.id)
        except (BadInput, Conflict):
            known = find(source.state(), issued.sha256)
            if known is None:
                raise
    return replace(issued, recorded_as=known.id, already=True)


def find(state: BookState, digest: str) -> ev.DocumentIssued | None:
    return next((d for d in state.documents if d.sha256 == digest), None)


@dataclass(frozen=True, slots=True)
class Verdict:
    sha256: str
    record: ev.DocumentIssued | None
    regarding: str = ""  # one line about the event the document records

    @property
    def ours(self) -> bool:
        return self.record is not None

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {"ours": self.ours, "sha256": self.sha256,
                "recorded_as": r.id if r else None, "kind": r.document if r else None, "option": (r.option_no or None) if r else None,
                "regarding": (r.regarding or None) if r else None, "regarding_text": self.regarding or None,
                "issued_on": r.on.isoformat() if r else None}


def verify(state: BookState, content: bytes) -> Verdict:
    """Is this exact file one the book issued? Which event records it, and what was it about?"""
    digest = sha256(content)
    found = find(state, digest)
    about = ""
    if found is not None and found.regarding and found.regarding in state.by_id:
        about = describe(state.by_id[found.regarding])
    return Verdict(digest, found, about)
