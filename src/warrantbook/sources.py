"""Where a user's options live: a plain-text book or a database, chosen per ../shared/design/cli.md.

`--book FILE`, else `--db URL`, else $WARRANTBOOK_BOOK, then $WARRANTBOOK_DB, else the SQLite file
`warrantbook.db` in the current directory. Both kinds answer the same questions (events, state as of a
date) and record the same way: decide against the current state, then append what was decided, or
nothing at all.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from warrantbook.app.source import BookEntry, ChainSource, Entry, Source
from warrantbook.core.audit import GENESIS, Head, canonical, head_of, link
from warrantbook.core.decide import decide
from warrantbook.core.errors import BadInput, BookErrors, Refusal, WarrantbookError
from warrantbook.core.events import Event
from warrantbook.core.state import BookState, apply, fold

__all__ = ["BookSource", "ChainSource", "Entry", "Source", "open_source"]
log = logging.getLogger(__name__)


class BookSource:
    """A YAML book file. Recording rewrites the file atomically (write aside, then rename)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.label = f"book {self.path}"
        self.replayed = False  # a book file keeps no idempotency keys: nothing is ever replayed

    def _load(self) -> list[Event]:
        from warrantbook.book.io import load

        if not self.path.exists():
            raise BadInput(f"book: no file {self.path} (start one with 'warrantbook book export' or copy examples/seed-option.yaml)",
                           field="book")
        return list(load(self.path).events)

    def events(self) -> list[Event]:
        return self._load()

    def state(self, as_of: date | None = None) -> BookState:
        return fold(self._load(), as_of)

    def head(self) -> Head:
        """The audit head over the book's events in their recorded order (core.audit)."""
        return head_of(self._load())

    def stored(self) -> list[BookEntry]:
        """Every event with its place in the chain (the hash recomputed over the book's order); a book keeps no recording
        time and no record of who acted."""
        out = []
        h = GENESIS
        for i, e in enumerate(self._load(), start=1):
            h = link(h, canonical(e))
            out.append(BookEntry(i, e, None, h))
        return out

    def record(self, proposed: Event, *, idempotency_key: str | None = None, acted_by: str | None = None) -> list[Event]:
        """(A book file keeps no record of who acted: `acted_by` is accepted for the Source protocol and not kept.)"""
        events = self._load()
        decided = decide(fold(events), proposed)
        self._write(events + decided)
        log.info("recorded in %s: %s", self.label, ", ".join(e.id for e in decided))
        return decided

    def record_all(self, proposed: list[Event], *, idempotency_key: str | None = None,
                   on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None,
                   progress: Callable[[int], None] | None = None, acted_by: str | None = None) -> list[Event]:
        """Decide each proposed event against the book and the ones before it; write all of them, or none."""
        events = self._load()
        decided: list[Event] = []
        errors: list[WarrantbookError] = []
        state = fold(events)
        latest = max(((x.on, x.phase) for x in events), default=None)
        for i, e in enumerate(proposed):
            try:
                if latest is not None and (e.on, e.phase) < latest:
                    state = fold(events + decided)  # earlier than what is applied: decide against the state in the one order
                new = decide(state, e)
                for x in new:
                    apply(state, x)  # in the one order, applying in turn is the same as folding again
                decided += new
                latest = max([(x.on, x.phase) for x in new] + ([latest] if latest else []))
            except (BadInput, Refusal) as exc:
                if on_error is None:
                    raise
                errors.append(on_error(i, exc))
            if progress:
                progress(i + 1)
        if errors:
            raise BookErrors(errors)
        self._write(events + decided)
        log.info("recorded %d event(s) in %s: %s", len(decided), self.label, ", ".join(e.id for e in decided[:20]))
        return decided

    def _write(self, events: list[Event]) -> None:
        from warrantbook.book.io import dumps, write_text_atomic

        header = _header_of(self.path)
        write_text_atomic(self.path, dumps(events, header), check=True)  # aside, read back, then moved into place


def _header_of(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].lstrip() if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def open_source(book: str | None = None, db: str | None = None) -> Source:
    book = book or (None if db else os.environ.get("WARRANTBOOK_BOOK"))
    if book:
        return BookSource(book)
    url = db or os.environ.get("WARRANTBOOK_DB") or "sqlite:///warrantbook.db"
    try:
        from warrantbook.store.ledger import DbSource  # the ledger (storage shell)
    except ImportError:  # pragma: no cover - before the store exists
        raise BadInput("no database support installed; use --book FILE", field="db") from None
    return DbSource(url)
