"""A restored state's events and index of events, read from the ledger's rows when asked, not held in memory.

A state restored from a snapshot (store.snapshot) is the fold of a known set of stored rows: every event
recorded up to a position `upto` and dated before a day `since` (store.projection's checkpoint). Its list
of events (`BookState.events`) and its index by id (`BookState.by_id`) describe those rows; holding them
would make memory and load time grow with the ledger, so these two classes stand in for them:

- `StoredEvents`: the events in the order they were applied (`ordered` over the rows in recording order),
  read from the database only when someone walks the whole list (history-like views); events applied
  afterwards are kept in memory. `exercises_of(option)` reads one option's exercises by its column.
- `StoredIndex`: look-up by id through the unique index on `events.event_id`, remembered once read;
  events applied afterwards are kept in memory.
- `RecordedEvents`: every stored event in recording order up to `upto` (the projection's list), plus
  those appended since; walked only on the projection's fallback paths.

The rows they read are at positions the chain covers; nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from warrantbook.core import events as ev
from warrantbook.core.codec import event_from_json
from warrantbook.core.errors import BadInput
from warrantbook.core.state import ordered
from warrantbook.store import schema as t
from warrantbook.store.engine import reading

CHUNK = 2000
_REMEMBER = 20_000  # ids remembered by a StoredIndex before it starts afresh (a cache, not the index)


def decode_payload(payload: str, seq: int) -> ev.Event:
    """A stored row's payload as its event; a clear error (run audit verify) when it cannot be read."""
    try:
        return event_from_json(payload)
    except (ValueError, BadInput) as exc:
        raise BadInput(f"event #{seq} in the ledger cannot be read ({exc}); run 'warrantbook audit verify'", field="db") from None


@dataclass(frozen=True, slots=True)
class Prefix:
    """The stored rows a restored state was folded from: recorded at or before `upto`, dated before `since`."""

    engine: Engine
    upto: int
    since: date | None  # None: every row up to `upto`
    count: int  # how many rows that is
    # the rows' events once someone walked them all (kept from then on: a process that asks for every event, as the
    # web's freshness check does today, holds them in memory as it did before snapshots; one that never asks, never)
    walked: dict[str, list[ev.Event]] = field(default_factory=dict, compare=False)
    # per option, the shares exercised and the whole shares issued by the rows' exercises that took effect (not
    # corrected), as the snapshot kept them; None when not known (then the rows are read)
    exercised: dict[str, tuple[Fraction, Fraction]] | None = field(default=None, compare=False)

    def all_events(self) -> list[ev.Event]:
        found = self.walked.get("recorded")
        if found is None:
            found = self.walked["recorded"] = list(self.events())
        return found

    def all_ordered(self) -> list[ev.Event]:
        found = self.walked.get("ordered")
        if found is None:
            found = self.walked["ordered"] = ordered(self.all_events())
        return found

    def _where(self, stmt: Any) -> Any:
        stmt = stmt.where(t.events.c.seq <= self.upto)
        if self.since is not None:
            stmt = stmt.where(t.events.c.on_date < self.since)
        return stmt

    def events(self) -> Iterator[ev.Event]:
        """The rows' events in recording order, decoded as they stream."""
        stmt = self._where(sa.select(t.events.c.seq, t.events.c.payload)).order_by(t.events.c.seq)
        with reading(self.engine) as conn:
            for seq, payload in conn.execute(stmt.execution_options(yield_per=CHUNK)):
                yield decode_payload(payload, seq)

    def lookup(self, event_id: str) -> ev.Event | None:
        stmt = self._where(sa.select(t.events.c.seq, t.events.c.payload).where(t.events.c.event_id == event_id))
        with reading(self.engine) as conn:
            row = conn.execute(stmt).first()
        return None if row is None else decode_payload(row[1], row[0])

    def ids(self) -> list[str]:
        with reading(self.engine) as conn:
            return [r[0] for r in conn.execute(self._where(sa.select(t.events.c.event_id)).order_by(t.events.c.seq))]

    def of_option(self, option_no: str, kind: str) -> list[ev.Event]:
        stmt = (self._where(sa.select(t.events.c.seq, t.events.c.payload))
                .where(t.events.c.option_no == option_no, t.events.c.kind == kind).order_by(t.events.c.seq))
        with reading(self.engine) as conn:
            return [decode_payload(p, s) for s, p in conn.execute(stmt)]

    def last(self) -> ev.Event:
        with reading(self.engine) as conn:
            row = conn.execute(sa.select(t.events.c.payload).where(t.events.c.seq == self.upto)).one()
        return decode_payload(row[0], self.upto)


_ZERO = Fraction(0)


def exercise_totals(state: Any) -> dict[str, tuple[Fraction, Fraction]]:
    """Per option, (shares exercised, whole shares issued) by the exercises a state applied that took effect (what a
    snapshot keeps so that a view of one option need not read its exercises)."""
    events = state.events
    corrections = state.corrections
    if isinstance(events, StoredEvents) and events.prefix.exercised is not None:
        totals = dict(events.prefix.exercised)
        applied: Any = events.tail
    else:
        totals = {}
        applied = events
    for e in applied:
        if isinstance(e, ev.ExerciseEffected) and e.id not in corrections:
            exercised, issued = totals.get(e.option_no, (_ZERO, _ZERO))
            totals[e.option_no] = (exercised + e.shares_exercised, issued + e.whole_shares)
    return totals


class StoredEvents:
    """`BookState.events` of a restored state: the prefix's events in the order applied, then those applied since."""

    __slots__ = ("prefix", "tail")

    def __init__(self, prefix: Prefix, tail: list[ev.Event] | None = None):
        self.prefix = prefix
        self.tail: list[ev.Event] = tail if tail is not None else []

    def append(self, e: ev.Event) -> None:
        self.tail.append(e)

    def copy(self) -> StoredEvents:
        return StoredEvents(self.prefix, list(self.tail))

    def __len__(self) -> int:
        return self.prefix.count + len(self.tail)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[ev.Event]:
        yield from self.prefix.all_ordered()
        yield from self.tail

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, int) and i < 0 and -i <= len(self.tail):
            return self.tail[i]
        return list(self)[i]

    def exercise_totals(self, option_no: str, corrections: Mapping[str, ev.Event]) -> tuple[Fraction, Fraction] | None:
        """(shares exercised, whole shares issued) by one option's exercises that took effect among these events, from
        the totals the snapshot kept and the events applied since; None when the snapshot kept none. A correction of an
        event inside the snapshot's checkpoint never reaches a state restored from it (store.ledger refolds instead)."""
        kept = self.prefix.exercised
        if kept is None:
            return None
        exercised, issued = kept.get(option_no, (_ZERO, _ZERO))
        for e in self.tail:
            if isinstance(e, ev.ExerciseEffected) and e.option_no == option_no and e.id not in corrections:
                exercised += e.shares_exercised
                issued += e.whole_shares
        return exercised, issued

    def exercises_of(self, option_no: str) -> list[ev.ExerciseEffected]:
        """One option's exercises among these events (corrected ones included, as in the list), in the order applied."""
        found = [e for e in self.prefix.of_option(option_no, ev.ExerciseEffected.kind) if isinstance(e, ev.ExerciseEffected)]
        return ordered(found) + [e for e in self.tail if isinstance(e, ev.ExerciseEffected) and e.option_no == option_no]  # type: ignore[return-value]


class StoredIndex(MutableMapping[str, ev.Event]):
    """`BookState.by_id` of a restored state: the prefix's events by id (read through the unique index), plus those applied since."""

    def __init__(self, prefix: Prefix):
        self.prefix = prefix
        self.added: dict[str, ev.Event] = {}
        self._read: dict[str, ev.Event | None] = {}

    def _stored(self, key: str) -> ev.Event | None:
        try:
            return self._read[key]
        except KeyError:
            pass
        found = self.prefix.lookup(key)
        if len(self._read) >= _REMEMBER:
            self._read.clear()
        self._read[key] = found
        return found

    def __getitem__(self, key: str) -> ev.Event:
        found = self.added.get(key)
        if found is None:
            found = self._stored(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self.added or (isinstance(key, str) and self._stored(key) is not None)

    def __setitem__(self, key: str, value: ev.Event) -> None:
        self.added[key] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("the index of recorded events only grows")

    def __iter__(self) -> Iterator[str]:
        yield from self.prefix.ids()
        yield from self.added

    def __len__(self) -> int:
        return self.prefix.count + len(self.added)


class RecordedEvents:
    """The projection's list of every event in recording order: stored rows up to `prefix.upto`, then those appended since."""

    __slots__ = ("prefix", "tail")

    def __init__(self, prefix: Prefix, tail: list[ev.Event] | None = None):
        assert prefix.since is None
        self.prefix = prefix
        self.tail: list[ev.Event] = tail if tail is not None else []

    def append(self, e: ev.Event) -> None:
        self.tail.append(e)

    def __len__(self) -> int:
        return self.prefix.count + len(self.tail)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[ev.Event]:
        yield from self.prefix.all_events()
        yield from self.tail

    def __getitem__(self, i: Any) -> Any:
        if i == -1:
            return self.tail[-1] if self.tail else self.prefix.last()
        return list(self)[i]
