"""Snapshots (store.snapshot): a state restored from any snapshot, with the rows after it, is the fold of every event.

On both backends: every snapshot the ledger saved as it grew is restored and compared with a fresh fold of
every event, for the current state and for views as of earlier days; recording after a restore keeps the
state equal to the fold; a snapshot of other code (version), of another chain (head), with a torn payload or
a payload naming a function is ignored, and the state is folded from scratch instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from datetime import date
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.store.backends import raw
from warrantbook.core import events as ev
from warrantbook.core.state import BookState, fold, ordered
from warrantbook.seed import seed_life as _seed_life
from warrantbook.store import snapshot as snap
from warrantbook.store.engine import reading
from warrantbook.store.ledger import DbSource


def comparable(state: BookState) -> dict[str, Any]:
    """Every field of a state as plain values (the events and the index read in full)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if f.name == "folding":
            continue
        if f.name == "by_id":
            value = {k: value[k] for k in set(value)}
        elif f.name == "events":
            value = list(value)
        elif f.name == "companies":
            value = {k: {slot: getattr(c, slot, None) for slot in type(c).__slots__} for k, c in value.items()}
        out[f.name] = value
    return out


def seed_life() -> list[ev.Event]:
    return ordered(_seed_life())  # in the agreement's order: each event decided against what it needs


def summaries(state: BookState) -> dict[str, Any]:
    """What `show` prints of every option (the exercise totals come from the snapshot's kept totals when restored)."""
    from warrantbook.core.summary import option_summary

    day = date(2031, 6, 1)
    return {no: option_summary(state, o, day) for no, o in state.options.items()}


def _extras() -> list[ev.Event]:
    return [
        ev.SharesOutstanding(id="typo", on=date(2006, 2, 1), actor="company:atg", company="atg", shares=F(7)),
        ev.Correction(id="fix-typo", on=date(2006, 2, 2), actor="company:atg", corrects="typo", reason="typo"),
        ev.AuthorizedShares(id="late-fact", on=date(2006, 3, 15), actor="company:atg", company="atg", shares=F(5_000_000_000)),
        ev.SharesOutstanding(id="future", on=date(2030, 1, 2), actor="company:atg", company="atg", shares=F(3_000_000_000)),
    ]


@pytest.fixture
def grown(url: str, monkeypatch: pytest.MonkeyPatch) -> DbSource:
    """The seed option's life recorded a few events at a time, a snapshot saved every 7 events (none pruned)."""
    monkeypatch.setattr(snap, "KEEP", 1000)
    src = DbSource(url, create=True, snapshot_every=7)
    life = seed_life()
    third = len(life) // 3
    for i in range(0, len(life), 3):
        src.record_all(life[i:i + 3])
        if i // 3 == third // 3:  # facts recorded late, dated before events already recorded, a correction, a future fact
            for e in _extras():
                src.record(e)
    return src


def _fold_all(src: DbSource, as_of: date | None = None) -> BookState:
    plain = DbSource(src.url, use_snapshots=False, snapshot_every=0)
    events = plain.events()
    plain.close()
    return fold(events, as_of)


def test_folding_from_every_snapshot_gives_the_state_of_a_fold_from_scratch(grown: DbSource) -> None:
    expected = comparable(_fold_all(grown))
    infos = grown.snapshots()
    assert len(infos) >= 8 and all(i.current and i.valid for i in infos)
    restored = 0
    with reading(grown.engine) as conn:
        for info in infos:
            payload = snap.payload_of(conn, info)
            assert payload is not None, info
            fresh = DbSource(grown.url, snapshot_every=0)
            cache = fresh._restore_from(conn, info, payload)
            if cache is None:  # a later event dated before its checkpoint (the back-dated facts): not usable, by design
                assert info.seq < grown.head().count
                continue
            restored += 1
            assert comparable(cache.proj.state) == expected, info.seq
            assert summaries(cache.proj.state) == summaries(_fold_all(grown)), info.seq
            fresh.close()
    assert restored >= 3


def test_a_fresh_process_restores_the_newest_snapshot_and_views_agree_with_the_fold(grown: DbSource) -> None:
    grown.save_snapshot()
    fresh = DbSource(grown.url, snapshot_every=0)
    state = fresh.state()
    assert fresh.loaded_from == grown.head().count
    assert comparable(state) == comparable(_fold_all(grown))
    for day in (date(2005, 9, 7), date(2006, 1, 10), date(2006, 3, 15), date(2006, 3, 16), date(2007, 6, 1), date(2029, 1, 1),
                date(2030, 1, 2), date(2031, 1, 1)):
        assert comparable(fresh.state(day)) == comparable(_fold_all(grown, day)), day
    fresh.close()


def test_views_as_of_earlier_days_fold_from_the_nearest_snapshot_before_them(grown: DbSource) -> None:
    events = DbSource(grown.url, use_snapshots=False).events()
    days = sorted({e.on for e in events})
    fresh = DbSource(grown.url, snapshot_every=0)
    used = 0
    with reading(grown.engine) as conn:
        for info in grown.snapshots():
            for day in days[::5]:
                if info.since > snap.day_after(day):
                    continue
                state = fresh._fold_from(conn, info, day)
                if state is None:
                    continue
                used += 1
                assert comparable(state) == comparable(fold(events, day)), (info.seq, day)
                assert summaries(state) == summaries(fold(events, day)), (info.seq, day)
    assert used > 10
    fresh.close()


def test_recording_after_a_restore_keeps_the_state_equal_to_the_fold(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    life = seed_life()
    half = len(life) // 2
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(life[:half])
    assert src.save_snapshot() is not None
    src.close()
    fresh = DbSource(url, snapshot_every=0)
    for e in life[half:]:
        fresh.record(e)
        assert fresh.loaded_from is not None
        assert comparable(fresh.state()) == comparable(_fold_all(fresh))
        assert summaries(fresh.state()) == summaries(_fold_all(fresh))
    assert any(s["exercised_shares"] != "0" for s in summaries(fresh.state()).values())
    assert fresh.verify().ok
    fresh.close()


def _tamper(url: str, sql: str, **params: Any) -> None:
    engine = raw(url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    engine.dispose()


def _restored_from(url: str) -> int | None:
    fresh = DbSource(url, snapshot_every=0)
    state = fresh.state()
    assert comparable(state) == comparable(fold(DbSource(url, use_snapshots=False).events()))
    at = fresh.loaded_from
    fresh.close()
    return at


def test_a_snapshot_of_other_code_is_ignored_and_rebuilt(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(seed_life())
    info = src.save_snapshot()
    assert info is not None and _restored_from(url) == info.seq
    monkeypatch.setattr(snap, "schema_version", lambda: "0" * 64)  # as if core.state had changed
    assert _restored_from(url) is None
    rebuilt = DbSource(url, snapshot_every=1)
    rebuilt.state()  # folded from scratch, then saved again under the new version
    assert [i.seq for i in rebuilt.snapshots() if i.version == "0" * 64] == [info.seq]


def test_a_snapshot_whose_head_digest_or_contents_do_not_match_is_ignored(url: str) -> None:
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(seed_life())
    info = src.save_snapshot()
    assert info is not None
    # a torn or altered payload: its digest no longer matches
    _tamper(url, "UPDATE snapshots SET digest = :d", d="f" * 64)
    assert _restored_from(url) is None
    # a forged payload with a matching digest that names a function: refused by the restricted unpickler, nothing runs
    evil = pickle.dumps({"format": snap.FORMAT, "seq": info.seq, "version": info.version, "x": _Boom()})
    _tamper(url, "UPDATE snapshots SET payload = :p, digest = :d, size = :n", p=evil, d=hashlib.sha256(evil).hexdigest(), n=len(evil))
    assert _restored_from(url) is None
    assert not _Boom.ran
    # a head that is not the chain's at that position (the ledger was rewritten under it)
    _tamper(url, "DELETE FROM snapshots")
    assert src.save_snapshot() is not None
    assert _restored_from(url) == info.seq
    _tamper(url, "UPDATE snapshots SET head = :h", h="0" * 64)
    assert _restored_from(url) is None


class _Boom:
    ran = False

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (setattr, (_Boom, "ran", True))  # what a forged payload would try: call a function while loading


def test_snapshots_are_pruned_to_a_spread_of_positions(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snap, "KEEP", 4)
    src = DbSource(url, create=True, snapshot_every=5)
    life = seed_life()
    for i in range(0, len(life), 2):
        src.record_all(life[i:i + 2])
    seqs = sorted(i.seq for i in src.snapshots())
    assert len(seqs) == 4
    assert seqs[-1] >= src.head().count - 6  # the newest is kept


def test_a_snapshot_write_gives_up_quickly_behind_a_writer_and_the_view_still_answers(tmp_path: Path) -> None:
    """SQLite only: one writer at a time (on PostgreSQL a snapshot's write does not wait on the ledger's appends)."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(seed_life())
    src.close()
    blocker = raw(url).raw_connection()
    cur = blocker.cursor()
    cur.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        fresh = DbSource(url, snapshot_every=5)
        state = fresh.state()  # folds from scratch; its snapshot write gives up instead of waiting the busy timeout
        assert state.options and fresh.snapshots() == []
        fresh.close()
    finally:
        blocker.rollback()
        blocker.close()
    again = DbSource(url, snapshot_every=5)
    again.state()
    assert len(again.snapshots()) == 1


def test_a_state_folded_from_scratch_is_let_go_for_its_snapshot(url: str) -> None:
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(seed_life())
    src.close()
    fresh = DbSource(url, snapshot_every=5)
    first = comparable(fresh.state())  # folded from scratch (no snapshot yet), then saved
    assert fresh.loaded_from is None and len(fresh.snapshots()) == 1
    assert comparable(fresh.state()) == first  # restored from it: the events are no longer held in memory
    assert fresh.loaded_from == fresh.head().count
    assert type(fresh.state().events).__name__ == "StoredEvents"
    fresh.record(ev.SharesOutstanding(id="later", on=date(2031, 1, 2), actor="company:atg", company="atg", shares=F(3_100_000_000)))
    assert comparable(fresh.state()) == comparable(_fold_all(fresh))


def test_snapshot_verify_finds_a_forged_but_self_consistent_snapshot(url: str) -> None:
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all(seed_life())
    info = src.save_snapshot()
    assert info is not None
    assert [why for _i, why in src.check_snapshots()] == [None]
    # someone with write access to the database replaces the payload and its digest: a wrong balance, consistent
    with reading(src.engine) as conn:
        payload = snap.payload_of(conn, info)
    assert payload is not None
    options = payload["fields"]["options"]
    no = next(iter(options))
    options[no] = dataclasses.replace(options[no], holder="someone-else")
    data = snap.dumps(payload)
    _tamper(url, "UPDATE snapshots SET payload = :p, digest = :d, size = :n", p=data, d=snap.digest_of(data), n=len(data))
    fooled = DbSource(url, snapshot_every=0)
    assert fooled.state().options[no].holder == "someone-else"  # loading does not detect it: the documented boundary
    fooled.close()
    results = DbSource(url).check_snapshots(delete_bad=True)
    assert [(i.seq, why) for i, why in results] == [(info.seq, "its options differs from the fold of the events it stands for")]
    assert DbSource(url).snapshots() == []
    assert _restored_from(url) is None
