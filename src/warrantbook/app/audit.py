"""The chain verified for any source, and the audit pack: what `warrantbook audit ...` and the auditor's page call.

One answer whatever the source and whichever shell asks (docs/ledger.md, "audit"):

- a database ledger keeps each event's hash: `verify` streams its rows (the source's own `verify`) and names the
  first row whose content, link, position or columns do not agree;
- a book file (or any source that keeps no hashes) is rehashed from its events: only a kept head can show that
  something was cut off or changed, which the note says.

A kept head (hash, and the count printed with it) is checked the same way on both: the chain must still hold that
hash (at that count, when one is given). A kept head that is not in the chain is a failure that names it; a count
beyond the chain names the first missing event.

The pack (`pack`) is one deterministic zip: the book as `book export` writes it, the verification as JSON and as
text, every document the book issued, rendered again from the ledger as it stood when it was issued (documents
are recorded by hash, not kept), and a manifest with each file's SHA-256. Two packs of the same ledger made on the
same day are byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from warrantbook.app.source import ChainSource, Source
from warrantbook.core import events as ev
from warrantbook.core.audit import GENESIS, Head, canonical, head_of, link
from warrantbook.core.errors import BadInput, Conflict

HEX = frozenset("0123456789abcdef")
MAX_COUNT = 10**12
BOOK_NOTE = "a book keeps no per-event hashes: its chain is recomputed from its events, so only a kept head can show a change"
LEDGER_NOTE = "every row's stored hash was checked against its content, its link to the row before it and its position"
PACK_TIME = (1980, 1, 1, 0, 0, 0)  # every member's timestamp: the zip format's earliest, so the bytes never depend on the clock


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int | None  # the event's position in the chain (1-based), when the problem has one
    event: str  # the event's id, or what is wrong ("kept head", "chain head", "#12")
    reason: str

    @property
    def where(self) -> str:
        """`#12 notice-1`, or `#12` when the event has no id of its own here."""
        at = f"#{self.seq}" if self.seq is not None else "-"
        return at if not self.event or self.event == at else f"{at} {self.event}"

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Verification:
    """One answer for every source: is the chain intact, how long is it, where does it first go wrong."""

    ok: bool
    events: int  # events checked
    head: Head  # the head recomputed from the events (with who acted, on a ledger that records it)
    problems: tuple[Problem, ...] = ()
    anchored: int | None = None  # how many events the kept head covers, when one was given and found
    note: str = ""
    kept: Head | None = None  # the kept head given (its count 0 when none was given)

    @property
    def first_bad(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head.as_json(),
                "first_bad": self.first_bad.as_json() if self.first_bad else None,
                "problems": [p.as_json() for p in self.problems], "anchored": self.anchored, "note": self.note}

    def redacted(self) -> Verification:
        """For a user who may not see every event (a holder, a company, an agent of some companies): where the chain
        breaks and why in general terms, without the event ids or the stored values a reason may quote."""
        return Verification(self.ok, self.events, self.head, tuple(Problem(p.seq, _where(p), _general(p.reason)) for p in self.problems),
                            self.anchored, self.note, self.kept)


def _where(p: Problem) -> str:
    if p.event in ("kept head", "chain head", "more") or p.event.startswith("#"):
        return p.event
    return f"#{p.seq}" if p.seq is not None else ""


def _general(reason: str) -> str:
    if reason.startswith("column "):
        return reason.split(" (", 1)[0] + " differs from the hashed content"
    if reason.startswith("payload cannot be read"):
        return "payload cannot be read"
    return reason


def kept_head(head: str | None, count: int | None) -> tuple[str | None, int | None]:
    """The kept head as given on the command line or a form: 64 hex digits, and a count from 1 up (or none)."""
    if head is not None:
        head = head.strip().lower()
        if not head:
            head = None
    if head is None:
        if count is not None:
            raise BadInput("count: give the kept head's hash too (--head); a count alone anchors nothing", field="count")
        return None, None
    if len(head) != 64 or not set(head) <= HEX:
        raise BadInput(f"head: a kept head is 64 hexadecimal digits (as `audit head` prints it), not {head[:80]!r}", field="head")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise BadInput(f"count: from 1 to {MAX_COUNT} (the events the kept head covers), not {count}", field="count")
    return head, count


def verify(source: Source, head: str | None = None, count: int | None = None) -> Verification:
    """Check the chain of any source; with a kept head, also that the chain still holds it (at its count)."""
    want, at = kept_head(head, count)
    kept = Head(want, at or 0) if want else None
    if isinstance(source, ChainSource):
        v = source.verify(want, at)  # streams the rows itself, in constant memory
        problems = tuple(Problem(p.seq, p.event_id, p.reason) for p in v.problems)
        return Verification(v.ok, v.count, v.head, problems, v.anchored, LEDGER_NOTE, kept)
    return _verify_events(source.events(), want, at, kept)


def _verify_events(events: Iterable[ev.Event], want: str | None, at: int | None, kept: Head | None) -> Verification:
    """A source without stored hashes: the chain recomputed, and the kept head looked for in it (the same rules and
    words as the ledger's own check, store.ledger.DbSource.verify)."""
    h, n = GENESIS, 0
    at_count: str | None = None
    found_at: int | None = None
    for e in events:
        h = link(h, canonical(e))
        n += 1
        if at is not None and n == at:
            at_count = h
        if want is not None and found_at is None and h == want:
            found_at = n
    problems: list[Problem] = []
    anchored = None
    if want is not None:
        if at is not None:
            if at > n:
                problems.append(Problem(n + 1, f"#{n + 1}", f"the kept head counts {at} events but the book holds {n}: "
                                        f"the last {at - n} were cut off (first missing: #{n + 1})"))
            elif at_count != want:
                problems.append(Problem(at, f"#{at}", "the chain up to the kept head's count does not end in the kept hash: "
                                        "events up to there were altered, removed or reordered"))
            else:
                anchored = at
        elif found_at is None:
            problems.append(Problem(n, "kept head", f"the kept head {want[:16]}... is not in this book: events were cut off or altered "
                                    "(give --count to name the first missing event)"))
        else:
            anchored = found_at
    return Verification(not problems, n, Head(h, n), tuple(problems), anchored, BOOK_NOTE, kept)


def report_text(v: Verification, label: str = "") -> str:
    """The verification as a person reads it (the CLI prints it; the pack holds it)."""
    lines = [f"source: {label}"] if label else []
    lines.append(f"chain: {v.events} events, head {v.head.hash}")
    if v.kept is not None:
        lines.append(f"kept head: {v.kept.hash}" + (f" at count {v.kept.count}" if v.kept.count else ""))
    if v.ok:
        covered = f"; the kept head covers the first {v.anchored} events" if v.anchored is not None else ""
        lines.append(f"ok: chain intact{covered}")
    else:
        first = v.first_bad
        assert first is not None
        lines.append(f"TAMPERED: first bad event: {first.where}: {first.reason}")
        lines += [f"  also {p.where}: {p.reason}" for p in v.problems[1:]]
    if v.note:
        lines.append(f"note: {v.note}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the audit pack


@dataclass(frozen=True, slots=True)
class Chain:
    """The events of one position of a source with the chain's hash after each (who acted included, on a ledger)."""

    events: list[ev.Event]
    hashes: list[str]
    recording_order: bool = True  # False for a book: its events are in the one decided order, not the order recorded

    @property
    def head(self) -> Head:
        return Head(self.hashes[-1] if self.hashes else GENESIS, len(self.hashes))

    def head_at(self, count: int) -> Head:
        return Head(self.hashes[count - 1] if count else GENESIS, count)


def chain_of(source: Source) -> Chain:
    if isinstance(source, ChainSource):
        rows = source.stored()
        return Chain([r.event for r in rows], [str(r.hash) for r in rows])
    events = list(source.events())
    hashes, h = [], GENESIS
    for e in events:
        h = link(h, canonical(e))
        hashes.append(h)
    return Chain(events, hashes, recording_order=False)


def book_text(events: list[ev.Event], head: Head, label: str) -> str:
    """The book file exactly as `warrantbook book export` writes it."""
    from warrantbook.book.io import dumps

    header = f"warrantbook book exported from {label}\nledger head at export: {head.hash} ({head.count} events)\nFormat: docs/book-format.md"
    return dumps(events, header)


@dataclass(frozen=True, slots=True)
class PackedDocument:
    record: ev.DocumentIssued
    file: str  # its name in the pack ("" when it could not be reproduced)
    content: bytes
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {"recorded_as": r.id, "kind": r.document, "option": r.option_no or None, "regarding": r.regarding or None,
                "issued_on": r.on.isoformat(), "sha256": r.sha256, "file": self.file or None, "reproduced": bool(self.file),
                "problem": self.problem or None}


def _format_of(record: ev.DocumentIssued) -> str:
    return "html" if record.note.lower().startswith("html") else "pdf"


def member_part(text: str) -> str:
    """A piece of a file name in the pack made from recorded text (an event id, a document kind): letters, digits, `.`,
    `_` and `-` only, no `..`, no leading dot, so no name can climb out of `documents/` when the zip is unpacked (a
    book file's ids are whatever was written in it)."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", text)[:120]
    while ".." in clean:
        clean = clean.replace("..", "_.")
    return clean.lstrip(".") or "_"


def reproduce(chain: Chain, record: ev.DocumentIssued, position: int) -> PackedDocument:
    """Render the document again from the events recorded before it, as `doc KIND` made it (unsigned, not a draft),
    and keep it only when its SHA-256 is the recorded one: a document signed by name (`--signer`) or made while
    another writer appended cannot be reproduced, and the manifest says so rather than pack other bytes."""
    from warrantbook.documents.data import UNSIGNED, Ledger, gather
    from warrantbook.documents.issue import sha256
    from warrantbook.documents.render import Record, render

    fmt = _format_of(record)
    name = f"documents/{member_part(record.id)}-{member_part(record.document)}.{fmt}"
    failure = ""
    for events, head in _made_from(chain, record, position):
        try:
            doc = gather(record.document, Ledger(events), option_no=record.option_no or None, event_id=record.regarding or None,
                         made_on=record.on, signatory=UNSIGNED)
            content = render(doc, Record(head, record.on, False), fmt)
        except Exception as exc:  # noqa: BLE001 - any failure to render is reported in the manifest, never packed
            failure = f"could not be rendered again: {exc}"
            continue
        if sha256(content) == record.sha256:
            return PackedDocument(record, name, content)
    return PackedDocument(record, "", b"", failure or (
        "rendered again from the ledger it was made from, it does not give the recorded bytes (signed by name, or made while "
        "another record was appended): check the kept copy with `doc verify`"))


def _made_from(chain: Chain, record: ev.DocumentIssued, position: int) -> Iterator[tuple[list[ev.Event], Head]]:
    """The events a document was most likely made from, with the head it printed: on a ledger, those recorded before
    its record; in a book (whose events are kept in the decided order, not the order recorded), also every event but
    this document and the documents recorded after it (a book's documents are usually made after its other events)."""
    yield chain.events[:position], chain.head_at(position)
    if not chain.recording_order:
        later = {e.id for e in chain.events[position:] if isinstance(e, ev.DocumentIssued)}
        rest = [e for e in chain.events if e.id not in later]
        if len(rest) != position:
            yield rest, head_of(rest)


@dataclass(frozen=True, slots=True)
class Pack:
    content: bytes
    manifest: dict[str, Any]
    verification: Verification
    documents: list[PackedDocument] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as of

    try:
        return of("warrantbook")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "unknown"


def _read(source: Source) -> tuple[Chain, Verification]:
    """The chain and its verification at one and the same position (read again if a writer slipped in between)."""
    for _attempt in range(3):
        v = verify(source)
        chain = chain_of(source)
        if chain.head.count == v.events:
            return chain, v
    raise Conflict("the ledger changed while the pack was being made; nothing was written, try again")


def pack(source: Source, made_on: date, *, progress: Callable[[int], None] | None = None,
         on_total: Callable[[int], None] | None = None) -> Pack:
    """The audit pack as zip bytes: book, verification, documents and the manifest of their hashes."""
    chain, v = _read(source)
    head = chain.head
    files: dict[str, bytes] = {}
    files["book.yaml"] = book_text(chain.events, head, source.label).encode("utf-8")
    files["verification.json"] = (json.dumps({"source": source.label, **v.as_json()}, indent=2, sort_keys=True) + "\n").encode("utf-8")
    files["verification.txt"] = report_text(v, source.label).encode("utf-8")
    issued = [(i, e) for i, e in enumerate(chain.events) if isinstance(e, ev.DocumentIssued)]
    if on_total:
        on_total(len(issued))
    docs: list[PackedDocument] = []
    for done, (i, record) in enumerate(issued, start=1):
        d = reproduce(chain, record, i)
        if d.file and d.file in files:  # two ids made safe alike: the later one is named by its position in the chain too
            d = replace(d, file=d.file.replace("documents/", f"documents/{i + 1}-", 1))
        docs.append(d)
        if d.file:
            files[d.file] = d.content
        if progress:
            progress(done)
    h = GENESIS
    for e in chain.events:
        h = link(h, canonical(e))
    events_head = Head(h, len(chain.events))
    manifest: dict[str, Any] = {
        "warrantbook_pack": "1",
        "warrantbook_version": version(),
        "made_on": made_on.isoformat(),
        "source": source.label,
        "ledger": head.as_json(),
        "book_head": events_head.as_json(),
        "verified": v.ok,
        "files": [{"name": n, "sha256": hashlib.sha256(files[n]).hexdigest(), "bytes": len(files[n])} for n in sorted(files)],
        "documents": [d.as_json() for d in docs],
        "note": ("ledger: the chain's head (it covers who recorded each event, on a database ledger); book_head: the chain of the "
                 "events alone, which the book re-imports to (equal when no event names who recorded it). Documents are recorded "
                 "by hash, not kept: each is rendered again from the events recorded before it and packed only when its SHA-256 "
                 "is the recorded one."),
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return Pack(zip_bytes(files), manifest, v, docs)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the files: names sorted, one fixed timestamp, fixed permissions and system."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=PACK_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def pack_name(head: Head, made_on: date) -> str:
    return f"warrantbook-audit-{made_on.isoformat()}-{head.count}-{head.hash[:12]}.zip"
