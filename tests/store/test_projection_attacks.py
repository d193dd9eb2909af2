"""Attacks on the projection (store/projection.py) and core.commute: the state must equal `fold(events)` after every
step, whatever the recording order, corrections, rolls, forks or future-dated events."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F
from typing import Any

import pytest

from tests.store.backends import base_events, cash_notice, payment, surrender
from tests.store.test_projection import snapshot
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, replay
from warrantbook.core.state import BookState, fold
from warrantbook.core.terms import Venue
from warrantbook.store import projection
from warrantbook.store.ledger import DbSource
from warrantbook.store.projection import Projection

D1, D2 = date(2006, 3, 1), date(2006, 3, 2)


def _quote(day: date) -> ev.Quote:
    return ev.Quote(id=f"q-{day}", on=day, actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.024"), ask=F("0.026"))


def _start() -> list[ev.Event]:
    _, start = replay([*base_events(), _quote(date(2006, 2, 28)), _quote(D1)])
    return start


def _step(proj: Projection, applied: list[ev.Event], e: ev.Event, *, use_preview: bool = False) -> None:
    decided = decide(proj.state, e)
    built = proj.preview(decided)
    applied += decided
    expected = snapshot(fold(applied))
    if built is not None:
        assert snapshot(built) == expected, e.id
    proj.advance(decided, built if use_preview else None)
    assert snapshot(proj.state) == expected, e.id


@pytest.mark.parametrize("use_preview", [False, True])
def test_a_roll_keeps_a_correction_with_the_event_it_corrects(use_preview: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exhibit A, record: a notice corrected the next day has no effect. When the window rolls into the checkpoint, the
    notice must not be applied there while its correction stays in the window (the checkpoint would keep the notice's
    effect, and every later rebuild from it would show the corrected notice as open)."""
    monkeypatch.setattr(projection, "ROLL", 3)
    start = _start()
    proj = Projection(start)
    applied = list(start)
    steps: list[ev.Event] = [
        cash_notice("n1", "ATG-1", "gssf", 1_000_000, on=D1),
        ev.Correction(id="c1", on=D2, actor="company:atg", corrects="n1", reason="withdrawn", signed_by=("holder:gssf",)),
        ev.SharesOutstanding(id="out-2", on=D2, actor="company:atg", company="atg", shares=F(1_200_000_000)),  # rolls
        _quote(D2),  # lands before the correction (opening): the state is rebuilt from the checkpoint
        cash_notice("n2", "ATG-5", "other", 1_000, on=D2),
    ]
    for e in steps:
        _step(proj, applied, e, use_preview=use_preview)
    assert proj.state.options["ATG-1"].pending == ()


# ---------------------------------------------------------------- the commuting fast path (core.commute) under stress


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the events the projection applied last and moved back (the fast path under attack)."""
    moved: list[int] = []
    real = Projection._apply_before

    def counting(self: Projection, e: ev.Event, later: int) -> bool:
        ok = real(self, e, later)
        if ok and later:
            moved.append(later)
        return ok

    monkeypatch.setattr(Projection, "_apply_before", counting)
    return moved


def _exercise(option: str, holder: str, n: str, shares: int = 1_000_000, cash: F = F(10)) -> list[ev.Event]:
    return [cash_notice(f"n-{n}", option, holder, shares, on=D1), surrender(f"s-{n}", option, f"n-{n}", on=D1),
            payment(f"p-{n}", option, f"n-{n}", cash, on=D1)]


def _decided_equal(proj: Projection, applied: list[ev.Event], e: ev.Event) -> list[ev.Event]:
    """decide on the projection's state gives what it gives on a fresh fold (decide runs on the cached state)."""
    decided = decide(proj.state, e)
    assert decided == decide(fold(applied), e), e.id
    return decided


def test_a_corrected_later_exercise_and_a_surrender_landing_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record, §2.1: ATG-5's exercise effected at the close is corrected (it has no effect), then ATG-1's surrender and
    payment land before it: they are applied last and moved, and the state is the fold's, events' order included."""
    moved = _counting(monkeypatch)
    start = _start()
    proj = Projection(start)
    applied = list(start)
    steps: list[ev.Event] = [cash_notice("n-1", "ATG-1", "gssf", 1_000_000, on=D1), *_exercise("ATG-5", "other", "5"),
                             ev.Correction(id="c5", on=D1, actor="company:atg", corrects="n-5.effected", reason="wrong day",
                                           signed_by=("holder:other",)),
                             surrender("s-1", "ATG-1", "n-1", on=D1), payment("p-1", "ATG-1", "n-1", F(10), on=D1)]
    for e in steps:
        decided = _decided_equal(proj, applied, e)
        applied += decided
        proj.advance(decided)
        assert snapshot(proj.state) == snapshot(fold(applied)), e.id
    assert "n-1.effected" in proj.state.by_id and proj.state.options["ATG-5"].deliveries_due == ()
    assert moved  # the surrender landed before the corrected exercise and took the fast path


def test_a_shortfall_of_authorized_shares_is_the_folds_whatever_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """§6: with 1,500 authorized shares to spare, ATG-5's exercise of 1,000 at the close is issued in full and ATG-1's
    exercise after it holds 500 of its 1,000 back. ATG-1's notice, surrender and payment are recorded after ATG-5's
    exercise was effected (they land before it): each decision and each state equals the fold's."""
    moved = _counting(monkeypatch)
    start = _start()
    proj = Projection(start)
    applied = list(start)
    steps: list[ev.Event] = [ev.AuthorizedShares(id="auth-2", on=D1, actor="company:atg", company="atg", shares=F(1_200_001_500)),
                             *_exercise("ATG-5", "other", "5", 1_000, F(1)),
                             cash_notice("n-1", "ATG-1", "gssf", 1_000, on=D1), surrender("s-1", "ATG-1", "n-1", on=D1),
                             payment("p-1", "ATG-1", "n-1", F(1), on=D1)]
    for e in steps:
        decided = _decided_equal(proj, applied, e)
        applied += decided
        proj.advance(decided)
        assert snapshot(proj.state) == snapshot(fold(applied)), e.id
    owed = {no: proj.state.options[no].owed for no in ("ATG-1", "ATG-5")}
    assert [d.held for d in owed["ATG-5"]] == [0] and [d.held for d in owed["ATG-1"]] == [500]
    assert proj.state.companies["atg"].current_outstanding == 1_200_001_500
    assert len(moved) == 3  # notice, surrender and payment of ATG-1 each landed before ATG-5's exercise


def test_a_handed_out_state_never_changes_when_an_event_is_moved_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """§2.1: a view handed out (`view`) is never changed afterwards, also when the next event is applied last and moved
    back in the list of events (the fast path forks the shared state first)."""
    moved = _counting(monkeypatch)
    start = _start()
    proj = Projection(start)
    applied = list(start)
    for e in [cash_notice("n-1", "ATG-1", "gssf", 1_000_000, on=D1), *_exercise("ATG-5", "other", "5")]:
        decided = decide(proj.state, e)
        applied += decided
        proj.advance(decided)
    seen = proj.view()
    before = snapshot(seen)
    order = [e.id for e in seen.events]
    e = surrender("s-1", "ATG-1", "n-1", on=D1)
    decided = decide(proj.state, e)
    proj.advance(decided)
    assert moved == [1]
    assert snapshot(seen) == before and [x.id for x in seen.events] == order
    assert snapshot(proj.state) == snapshot(fold([*applied, *decided]))
    assert [x.id for x in proj.state.events][-2:] == ["s-1", "n-5.effected"]


# ---------------------------------------------------------------- through the ledger: restored states, batches, other writers


def _comparable(state: BookState) -> dict[str, Any]:
    out = snapshot(state)
    out["events"] = [e.id for e in state.events]  # a restored state's list reads its rows (StoredEvents)
    out["by_id"] = sorted(out["by_id"])
    return out


def _ledger(url: str) -> DbSource:
    src = DbSource(url, create=True, snapshot_every=0)
    src.record_all([*base_events(), _quote(date(2006, 2, 28)), _quote(D1)])
    return src


def _folded(src: DbSource) -> dict[str, Any]:
    return _comparable(fold(DbSource(src.url, use_snapshots=False).events()))


def test_a_restored_state_takes_a_moved_event_as_the_fold_does(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """§2.1 after a restore (store.snapshot): ATG-5's exercise effected at the close is in the restored window; ATG-1's
    surrender and payment recorded afterwards land before it, are moved back in the restored list of events (its tail),
    and the state, its events and their order equal a fold from scratch."""
    src = _ledger(url)
    for e in [cash_notice("n-1", "ATG-1", "gssf", 1_000_000, on=D1), *_exercise("ATG-5", "other", "5")]:
        src.record(e)
    assert src.save_snapshot() is not None
    src.close()
    moved = _counting(monkeypatch)
    fresh = DbSource(url, snapshot_every=0)
    for e in [surrender("s-1", "ATG-1", "n-1", on=D1), payment("p-1", "ATG-1", "n-1", F(10), on=D1)]:
        fresh.record(e)
        assert fresh.loaded_from is not None
        assert _comparable(fresh.state()) == _folded(fresh)
    assert moved == [1, 1]
    order = [e.id for e in fresh.state().events]
    assert order[-4:] == ["s-1", "p-1", "n-5.effected", "n-1.effected"]
    fresh.close()


def test_a_batch_and_another_writers_exercise_give_the_fold(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """§2.1 with two writers: one process records ATG-5's exercise (effected at the close) while another, which read the
    ledger before, records ATG-1's surrender (its append follows the other's rows: `_after_commit`), then ATG-1's
    payment with ATG-5's delivery that day (after the close) as one batch. Both processes' states equal a fold from scratch after each step, and
    a view handed out before an `as_of` view is never changed."""
    moved = _counting(monkeypatch)
    a = _ledger(url)
    b = DbSource(url, snapshot_every=0)
    a.record(cash_notice("n-1", "ATG-1", "gssf", 1_000_000, on=D1))
    b.state()
    a.state()
    for e in _exercise("ATG-5", "other", "5"):
        b.record(e)
    seen = a.state(as_of=D1)  # the current state with options expired by then: shares the list of events
    before = _comparable(seen)
    a.record(surrender("s-1", "ATG-1", "n-1", on=D1))  # a's cache has not read b's rows: they come before it
    assert _comparable(a.state()) == _folded(a)
    assert _comparable(seen) == before
    delivery = ev.SharesDelivered(id="d-5", on=D1, actor="company:atg", option_no="ATG-5", notice="n-5", book_entry=True)
    a.record_all([payment("p-1", "ATG-1", "n-1", F(10), on=D1), delivery])
    for src in (a, b):
        assert _comparable(src.state()) == _folded(src)
    assert [e.id for e in a.state().events][-5:] == ["s-1", "p-1", "n-5.effected", "n-1.effected", "d-5"]
    assert a.state().options["ATG-5"].deliveries_due == ()  # delivered after the close: it took effect
    assert len(moved) >= 2  # the surrender and the payment each landed before ATG-5's exercise
    a.close()
    b.close()
