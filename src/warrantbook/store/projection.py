"""The ledger's cached state: equal to `fold(events)` at every step, without refolding everything per event.

The one ordering rule (date, then phase, then recording order) means an event does not always go at the
end: an exercise notice received today sorts before an exercise deemed issued at today's close that was
recorded earlier, a price for today sorts before today's notices, and anything sorts before an event dated
in the future. Applying such an event last would give a different state from the fold. So the projection
keeps:

- a checkpoint: the fold of every event dated before `since` (private: nobody else ever sees it);
- the window: every event dated `since` or later, in recording order;
- the state: a copy of the checkpoint with the window applied in the one order.

An event that sorts after everything is applied to the state directly. So is one that sorts before some of
the window's events when its effect commutes with each of theirs (core.commute: a surrender landing before the
day's earlier exercises of other options, effected at the close): it is applied last and put in its place in
the list of events. Any other that lands inside the window (same-day phases, future-dated events) rebuilds the
state from a copy of the checkpoint and the window: the cost is the window, not the ledger. When the window has grown and a later
day begins, its older events move into the checkpoint. Only an event dated before `since`, or a
correction of such an event, refolds everything (`fold` itself).

Nothing here knows a rule: it only preserves `fold`'s order, and asks core.commute which effects commute; a
storage test checks the projection against a fresh fold after every kind of step.
"""

from __future__ import annotations

import dataclasses
from collections import ChainMap
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain, islice
from typing import Any, cast

from warrantbook.core import events as ev
from warrantbook.core.commute import commutes
from warrantbook.core.state import BookState, apply, fold, ordered
from warrantbook.store.stored import RecordedEvents, StoredEvents

ROLL = 16  # the window's earlier days move into the checkpoint once it holds this many events and a later day begins


def _key(e: ev.Event) -> tuple[date, int]:
    return (e.on, int(e.phase))


_HOLDERS: dict[type, bool] = {}


def _mutable_holder(value: Any) -> bool:
    """An object of the state module's own mutable classes (CompanyState): not a frozen value."""
    cls = type(value)
    known = _HOLDERS.get(cls)
    if known is None:
        known = _HOLDERS[cls] = (cls.__module__ == BookState.__module__ and not dataclasses.is_dataclass(cls)
                                 and hasattr(cls, "__slots__"))
    return known


class SharedEvents:
    """A fork's list of events (`BookState.events`): the first `n` events of another state's list, then its own.

    A state's list of events only ever grows at its end (`apply` appends), so the first `n` of them stay what they
    were when the fork was made: the fork shares them instead of copying a list as long as the ledger (the copy
    made every record cost more as the ledger grew). A fork of a fork shares the same list and copies only its own
    tail. Iterating, `len` and indexing give what the copied list gave."""

    __slots__ = ("base", "n", "tail")

    def __init__(self, base: list[ev.Event], n: int, tail: list[ev.Event] | None = None):
        self.base = base
        self.n = n
        self.tail: list[ev.Event] = tail if tail is not None else []

    def append(self, e: ev.Event) -> None:
        self.tail.append(e)

    def copy(self) -> SharedEvents:
        return SharedEvents(self.base, self.n, list(self.tail))

    def __len__(self) -> int:
        return self.n + len(self.tail)

    def __bool__(self) -> bool:
        return self.n > 0 or bool(self.tail)

    def __iter__(self) -> Iterator[ev.Event]:
        yield from islice(self.base, self.n)
        yield from self.tail

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, int):
            size = len(self)
            j = i + size if i < 0 else i
            if not 0 <= j < size:
                raise IndexError("event index out of range")
            return self.base[j] if j < self.n else self.tail[j - self.n]
        return list(self)[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, SharedEvents)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _movable(events: Any) -> list[ev.Event] | None:
    """The plain list at the end of a state's list of events, where an event can be moved back."""
    if type(events) is list:
        return events  # type: ignore[no-any-return]
    if isinstance(events, (SharedEvents, StoredEvents)):
        return events.tail
    return None


def _shared_events(value: Any) -> Any:
    return SharedEvents(value, len(value)) if type(value) is list else value.copy()


class _Layers(ChainMap):  # type: ignore[type-arg]
    """A ChainMap whose look-ups walk its few layers in a plain loop. ChainMap's own `in` runs a generator, and its `get`
    raises and catches KeyError in each layer above the one holding the key; every record reads a fork's index by id
    and the company's quotes (`fork`, `_layered`). The layers are any mappings (dicts, a fold's EventIndex, a restored
    StoredIndex, which remembers what it read): the same answers."""

    def __contains__(self, key: object) -> bool:
        for mapping in self.maps:
            if key in mapping:
                return True
        return False

    def __getitem__(self, key: Any) -> Any:
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return self.__missing__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return default


_LAYER_FROM = 64  # a per-company mapping this big is layered in a fork (read through, written on top), not copied


def _layered(value: Any) -> Any:
    """A fork's copy of a mapping that only ever gains entries (a company's quotes): a new top layer over the original's,
    so a fork costs nothing per entry; the small upper layers merge once there are more than three."""
    if isinstance(value, ChainMap):
        maps = list(value.maps)
        if len(maps) > 3:
            maps = [dict(ChainMap(*maps[:-1])), maps[-1]]
        return _Layers({}, *maps)
    if type(value) is dict and len(value) >= _LAYER_FROM:
        return _Layers({}, value)
    return type(value)(value)


_LAYERED_SLOTS = frozenset({"quotes"})  # CompanyState: every quote is added once (§1.2), never changed or removed


def _copy_value(value: Any) -> Any:
    if isinstance(value, (list, dict, set)):
        return value if isinstance(value, ChainMap) else type(value)(value)
    if _mutable_holder(value):
        cls = type(value)
        clone = object.__new__(cls)
        for name in cls.__slots__:
            try:
                inner = getattr(value, name)
            except AttributeError:
                continue
            if name in _LAYERED_SLOTS and isinstance(inner, (dict, ChainMap)):
                inner = _layered(inner)
            elif isinstance(inner, (list, dict, set)):
                inner = type(inner)(inner)
            object.__setattr__(clone, name, inner)
        return clone
    return value


def _nested(sample: Any) -> bool:
    return isinstance(sample, (list, dict, set)) or _mutable_holder(sample)


_FIELDS: list[str] = []


def fork(state: BookState) -> BookState:
    """A copy of a state that `apply` can change without changing the original.

    Values in the state are immutable (events, option states, terms) except its containers and the
    per-company objects: those are copied, the rest shared. The index of events by id and each company's
    quotes are layered over the original's (read through, written on top), and the list of events shares
    the original's (`SharedEvents`), so a fork costs the state's size in options and companies, not the
    ledger's length or its price history.
    """
    if not _FIELDS:
        _FIELDS.extend(f.name for f in dataclasses.fields(BookState))
    fresh: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(state, name)
        if isinstance(value, StoredEvents):  # a restored state's events: the stored part shared, the rest copied
            fresh[name] = value.copy()
        elif name == "events":
            fresh[name] = _shared_events(value)
        elif name == "by_id":
            maps = list(value.maps) if isinstance(value, ChainMap) else [value]
            if len(maps) > 3:  # the small upper layers merge; the big bottom one (the checkpoint's) is never copied
                maps = [dict(ChainMap(*maps[:-1])), maps[-1]]
            fresh[name] = _Layers({}, *maps)
        elif isinstance(value, dict) and value and _nested(next(iter(value.values()))):
            fresh[name] = {k: _copy_value(v) for k, v in value.items()}
        else:
            fresh[name] = _copy_value(value)
    if "folding" in fresh:
        fresh["folding"] = False
    clone = object.__new__(BookState)
    clone.__dict__.update(fresh)
    return clone


class Projection:
    """`fold(events)` kept up to date as events are appended (in recording order)."""

    def __init__(self, events: list[ev.Event]):
        self.events: list[ev.Event] | RecordedEvents = list(events)
        self.last_key: tuple[date, int] | None = None
        self.since: date | None = None
        self.checkpoint: BookState | None = None
        self.window: list[ev.Event] = []
        self.state = BookState(as_of=None)
        self.mid: BookState | None = None  # the checkpoint plus the window's events before the last day's close
        self.mid_key: tuple[date, int] | None = None
        self.mid_last: tuple[date, int] | None = None
        self.mid_upto = 0  # window events looked at for `mid`
        self.shared = False  # the state was handed out: copy it before changing it
        self._build()

    @classmethod
    def restore(cls, checkpoint: BookState, since: date, window: list[ev.Event], recorded: RecordedEvents,
                last_key: tuple[date, int] | None) -> Projection:
        """A projection from a saved checkpoint (store.snapshot): `window` is every event recorded after the checkpoint's
        (dated `since` or later, in recording order), `recorded` every event in recording order. The caller has made
        sure that the checkpoint needs nothing from the window (no event of it dated before `since`, no correction of
        an event inside the checkpoint)."""
        self = object.__new__(cls)
        self.events = recorded
        self.checkpoint = checkpoint
        self.since = since
        self.window = list(window)
        keys = [_key(e) for e in window] + ([last_key] if last_key is not None else [])
        self.last_key = max(keys, default=None)
        self.mid, self.mid_key, self.mid_last, self.mid_upto = None, None, None, 0
        self.shared = False
        self.state = self._replay(self.window)
        self._roll()
        return self

    def saved(self) -> tuple[BookState, date, list[ev.Event]] | None:
        """What a snapshot keeps: the checkpoint, its day and the window (None when there is no checkpoint)."""
        if self.checkpoint is None or self.since is None:
            return None
        return self.checkpoint, self.since, list(self.window)

    # -- building

    def _build(self) -> None:
        """Checkpoint before the day of the event recorded last (where recording is happening), window after."""
        events = self.events = list(self.events)  # a restored projection's rows are read here (a full refold)
        self.last_key = max((_key(e) for e in events), default=None)
        since = events[-1].on if events else None
        checkpoint = self._prefix(since) if since is not None else None
        self.checkpoint = checkpoint
        self.mid = None
        self.shared = False
        if checkpoint is None or since is None:
            self.since = None
            self.window = []
            self.state = fold(events)
            return
        self.since = since
        self.window = [e for e in events if e.on >= since]
        self.state = self._replay(self.window)

    def _prefix(self, since: date) -> BookState | None:
        """The fold of every event dated before `since`, or None when a later correction reaches into it."""
        before = [e for e in self.events if e.on < since]
        ids = {e.id for e in before}
        if any(isinstance(e, ev.Correction) and e.on >= since and e.corrects in ids for e in self.events):
            return None
        return fold(before)

    def _replay(self, window: list[ev.Event], known: list[ev.Event] | None = None) -> BookState:
        """A copy of the checkpoint with `window` applied in the one order; the corrections among `known` (default
        the window) are known before anything is applied, as fold does."""
        state = fork(cast(BookState, self.checkpoint))
        for e in window if known is None else known:
            if isinstance(e, ev.Correction):
                state.corrections[e.corrects] = e
        for e in ordered(window):
            apply(state, e)
        return state

    def view(self) -> BookState:
        """The state, for someone else to read: it is never changed afterwards (the next change copies it first)."""
        self.shared = True
        return self.state

    # -- advancing

    def _inside(self, e: ev.Event) -> bool:
        """Whether `e` can join the window (else everything is refolded)."""
        if self.checkpoint is None or self.since is None or e.on < self.since:
            return False
        if isinstance(e, ev.Correction):
            target = self.state.by_id.get(e.corrects)
            return target is not None and target.on >= self.since
        return True

    def _follows(self, e: ev.Event) -> bool:
        return not isinstance(e, ev.Correction) and (self.last_key is None or _key(e) >= self.last_key)

    def _commuting(self, e: ev.Event, placed: Iterable[ev.Event]) -> int | None:
        """How many of the events applied so far (`placed`: the window in recording order, with any events of the same
        append before `e`) sort after `e`, when its effect commutes with each of theirs (core.commute); else None."""
        on, phase = e.on, e.phase
        later = 0
        for w in placed:
            if w.on > on or (w.on == on and w.phase > phase):  # _key(w) > _key(e), without a tuple for each of the window
                if not commutes(e, w):
                    return None
                later += 1
        return later

    def _apply_before(self, e: ev.Event, later: int) -> bool:
        """Apply `e` to the state as though before its last `later` events (they commute with it); False when the list
        of events cannot take it there (nothing is changed then)."""
        if self.shared:
            self.state, self.shared = fork(self.state), False
        events = _movable(self.state.events)
        if events is None or later > len(events):
            return False
        apply(self.state, e)
        if later:
            events.insert(len(events) - 1 - later, events.pop())
        return True

    def preview(self, new: list[ev.Event]) -> BookState | None:
        """The state with `new` appended, built aside (None when they simply follow: applying them is the fold)."""
        last = self.last_key
        simple = True
        for i, e in enumerate(new):
            if isinstance(e, ev.Correction) or (last is not None and _key(e) < last):
                if not isinstance(e, ev.Correction) and self._inside(e) and self._commuting(e, chain(self.window, new[:i])) is not None:
                    continue  # applied last and moved to its place by `advance`: the same as the fold
                simple = False
                break
            last = _key(e)
        if simple:
            return None
        if all(self._inside(e) for e in new):
            return self._replay_window(new)
        return fold([*self.events, *new])

    def advance(self, new: list[ev.Event], built: BookState | None = None) -> None:
        """Append `new` (in recording order); `built` is their `preview` when one was made."""
        if not new:
            return
        rebuild = built is not None
        full = False
        for e in new:
            inside = self._inside(e)
            self.events.append(e)
            if not inside:
                full = True
                continue
            self.window.append(e)
            if not (rebuild or full) and self._follows(e):
                if self.shared:
                    self.state, self.shared = fork(self.state), False
                apply(self.state, e)
            elif not (rebuild or full or isinstance(e, ev.Correction)) \
                    and (later := self._commuting(e, islice(self.window, len(self.window) - 1))) is not None and self._apply_before(e, later):
                pass
            else:
                rebuild = True
            key = _key(e)
            self.last_key = key if self.last_key is None or key > self.last_key else self.last_key
        if full:
            self._build()
            return
        if rebuild:
            self.state = built if built is not None and self._matches(built) else self._replay_window([])
            self.shared = False
        self._roll()

    def _matches(self, built: BookState) -> bool:
        return len(built.events) == len(self.events)

    def _roll(self) -> None:
        """Move the window's older days into the checkpoint once it has grown and a later day has begun."""
        if self.checkpoint is None or self.since is None or len(self.window) < ROLL:
            return
        newest = self.events[-1].on
        if newest <= self.since:
            return
        move = [e for e in self.window if e.on < newest]
        if not move:
            return
        moving = {e.id for e in move}
        if any(isinstance(e, ev.Correction) and e.on >= newest and e.corrects in moving for e in self.window):
            return  # the checkpoint would apply an event whose correction stays in the window (as `_prefix` refuses)
        for e in move:
            if isinstance(e, ev.Correction):
                self.checkpoint.corrections[e.corrects] = e
        for e in ordered(move):
            apply(self.checkpoint, e)
        self.window = [e for e in self.window if e.on >= newest]
        self.since = newest
        self.mid = None

    # -- the last day's close: inserting before it replays only the day's late events

    def _sync_mid(self) -> bool:
        """Bring `mid` to the checkpoint plus every window event sorting before the last day's close."""
        if self.checkpoint is None or self.last_key is None:
            return False
        cut = (self.last_key[0], int(ev.Phase.CLOSE))
        fresh = self.window[self.mid_upto:] if self.mid is not None and self.mid_key == cut else None
        if fresh is not None and not any(isinstance(e, ev.Correction) for e in fresh):
            early = [e for e in fresh if _key(e) < cut]
            if all(self.mid_last is None or _key(e) >= self.mid_last for e in early) and early == ordered(early):
                assert self.mid is not None
                for e in early:
                    apply(self.mid, e)
                    self.mid_last = _key(e)
                self.mid_upto = len(self.window)
                return True
        early = [e for e in self.window if _key(e) < cut]
        self.mid = self._replay(early, known=self.window)
        self.mid_key, self.mid_upto = cut, len(self.window)
        self.mid_last = max((_key(e) for e in early), default=None)
        return True

    def _replay_window(self, new: list[ev.Event]) -> BookState:
        """The state of the window plus `new`: from `mid` when `new` keeps its order, else from the checkpoint."""
        if self._sync_mid() and not any(isinstance(e, ev.Correction) for e in new):
            assert self.mid is not None and self.mid_key is not None
            cut = self.mid_key
            late_key = max((_key(e) for e in new), default=cut)
            early = [e for e in new if _key(e) < cut]
            if late_key[0] <= cut[0] and all(self.mid_last is None or _key(e) >= self.mid_last for e in early) \
                    and early == ordered(early):
                state = fork(self.mid)
                for e in early:
                    apply(state, e)
                for e in ordered([e for e in self.window if _key(e) >= cut] + [e for e in new if _key(e) >= cut]):
                    apply(state, e)
                return state
        return self._replay(self.window + new)
