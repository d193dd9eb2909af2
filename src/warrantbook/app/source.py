"""The declared Source protocol: what a ledger answers and how it records, for both shells and the app layer.

Every source (a plain-text book, a database ledger) answers the same questions: its events, the state as of a
day, the chain head, and every event with its place in the chain (`stored`); it records one event or a batch,
all or nothing, and says whether the last record replayed an earlier result under its idempotency key
(`replayed`). A source that keeps a hash per event and can walk its chain row by row declares it by satisfying
`ChainSource` (checked with isinstance): the shells never probe a source with getattr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, runtime_checkable

from warrantbook.core.audit import Head
from warrantbook.core.errors import WarrantbookError
from warrantbook.core.events import Event
from warrantbook.core.state import BookState


class Entry(Protocol):
    """One recorded event with its place in the chain: sequence number, recording time and who recorded it (None where
    the source keeps no such record, as a book file does)."""

    @property
    def seq(self) -> int: ...
    @property
    def event(self) -> Event: ...
    @property
    def recorded_at(self) -> str | None: ...
    @property
    def hash(self) -> str | None: ...
    @property
    def acted_by(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class BookEntry:
    """An entry of a source that keeps no per-event record (a book file): the chain's hash is recomputed."""

    seq: int
    event: Event
    recorded_at: str | None
    hash: str | None
    acted_by: str | None = None


@runtime_checkable
class Source(Protocol):
    label: str
    replayed: bool  # whether the last record returned an earlier result under its idempotency key

    def events(self) -> list[Event]: ...
    def state(self, as_of: date | None = None) -> BookState: ...
    def head(self) -> Head: ...
    def stored(self) -> Sequence[Entry]: ...
    def record(self, proposed: Event, *, idempotency_key: str | None = None, acted_by: str | None = None) -> list[Event]: ...
    def record_all(self, proposed: list[Event], *, idempotency_key: str | None = None,
                   on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None,
                   progress: Callable[[int], None] | None = None, acted_by: str | None = None) -> list[Event]: ...


class ChainProblem(Protocol):
    """One bad row of a stored chain: its position, its event's id, what is wrong."""

    @property
    def seq(self) -> int: ...
    @property
    def event_id(self) -> str: ...
    @property
    def reason(self) -> str: ...


class Verification(Protocol):
    """A stored chain's walk: intact or not, rows checked, the head recomputed, the bad rows, what a kept head covers."""

    @property
    def ok(self) -> bool: ...
    @property
    def count(self) -> int: ...
    @property
    def head(self) -> Head: ...
    @property
    def problems(self) -> Sequence[ChainProblem]: ...
    @property
    def anchored(self) -> int | None: ...
    def as_json(self) -> dict[str, Any]: ...


@runtime_checkable
class ChainSource(Protocol):
    """A source keeping a hash per event (the database ledger): it walks its own chain and names the first bad row."""

    def verify(self, expect_head: str | None = None, expect_count: int | None = None) -> Verification: ...


class Reader(Protocol):
    """What the views read: a Source, or the web's Book (the same answers, under its lock and caches)."""

    def events(self) -> list[Event]: ...
    def state(self, as_of: date | None = None) -> BookState: ...
    def stored(self) -> Sequence[Entry]: ...
